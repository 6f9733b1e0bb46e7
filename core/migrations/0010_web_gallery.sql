-- Comments written for a guest of the venue web gallery carry the guest's name.
ALTER TABLE comments ADD COLUMN guest TEXT;

-- The venue web gallery's links: one row per guest token the host hands out (in a QR
-- code). Only the token's BLAKE3 is kept, so the database alone cannot open the gallery.
-- `role` is 'viewer', 'uploader' or 'host'. A link ends at `expires_ms` (the window) or
-- when revoked.
CREATE TABLE web_links (
    id           INTEGER PRIMARY KEY,
    channel      BLOB NOT NULL,
    secret_hash  BLOB NOT NULL UNIQUE,
    role         TEXT NOT NULL CHECK (role IN ('viewer', 'uploader', 'host')),
    created_ms   INTEGER NOT NULL,
    expires_ms   INTEGER,
    revoked_ms   INTEGER
) STRICT;

-- One browser that opened a link (its cookie's BLAKE3), with the name the guest typed.
CREATE TABLE web_guests (
    id           INTEGER PRIMARY KEY,
    link         INTEGER NOT NULL REFERENCES web_links (id),
    secret_hash  BLOB NOT NULL UNIQUE,
    name         TEXT,
    created_ms   INTEGER NOT NULL,
    blocked_ms   INTEGER
) STRICT;

-- A guest's upload: announced with its BLAKE3 and size, received in chunks (the bytes
-- so far are the length of its partial file), complete once the hash matched, posted
-- once it went into a post.
CREATE TABLE web_uploads (
    id            INTEGER PRIMARY KEY,
    guest         INTEGER NOT NULL REFERENCES web_guests (id),
    channel       BLOB NOT NULL,
    hash          BLOB NOT NULL,
    size          INTEGER NOT NULL,
    name          TEXT NOT NULL,
    created_ms    INTEGER NOT NULL,
    touched_ms    INTEGER NOT NULL,
    completed_ms  INTEGER,
    post          BLOB
) STRICT;
CREATE INDEX web_uploads_by_hash ON web_uploads (channel, hash);
CREATE INDEX web_uploads_by_guest ON web_uploads (guest, completed_ms);

-- Guests' reactions: the node reacts once for all its guests, while any of them does.
CREATE TABLE web_reactions (
    guest   INTEGER NOT NULL REFERENCES web_guests (id),
    target  BLOB NOT NULL,
    emoji   TEXT NOT NULL,
    PRIMARY KEY (guest, target, emoji)
) STRICT;
