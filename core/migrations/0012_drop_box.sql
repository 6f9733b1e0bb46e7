-- Drop-box links: guests upload and see only what they added and said, not the channel.
-- SQLite cannot widen a CHECK in place: the links table is rebuilt (guests refer to it by
-- name, so the references hold once the new table takes the name; deferred to commit).
PRAGMA defer_foreign_keys = ON;
CREATE TABLE web_links_new (
    id           INTEGER PRIMARY KEY,
    channel      BLOB NOT NULL,
    secret_hash  BLOB NOT NULL UNIQUE,
    role         TEXT NOT NULL CHECK (role IN ('viewer', 'uploader', 'host', 'dropbox')),
    created_ms   INTEGER NOT NULL,
    expires_ms   INTEGER,
    revoked_ms   INTEGER
) STRICT;
INSERT INTO web_links_new (id, channel, secret_hash, role, created_ms, expires_ms, revoked_ms)
    SELECT id, channel, secret_hash, role, created_ms, expires_ms, revoked_ms FROM web_links;
DROP TABLE web_links;
ALTER TABLE web_links_new RENAME TO web_links;

-- Which guest wrote which comment (the log names the guest only by the name typed), so a
-- drop-box guest sees their own comments and no one else's.
CREATE TABLE web_comments (
    comment  BLOB PRIMARY KEY,
    guest    INTEGER NOT NULL REFERENCES web_guests (id)
) STRICT;
CREATE INDEX web_comments_by_guest ON web_comments (guest);
