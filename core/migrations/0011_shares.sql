-- Shares in flight: the files a user (or a web guest) asked to post to a channel, kept
-- until they are posted, so that a share interrupted at any moment (the app killed,
-- power lost) is finished at the node's next start instead of leaving imported photos
-- that belong to no post. A file's row goes in the same transaction as the post that
-- holds it; a share's row goes with its last file.
CREATE TABLE shares (
    id             INTEGER PRIMARY KEY,
    channel        BLOB NOT NULL,
    caption        TEXT NOT NULL,
    guest          TEXT,
    keep_location  INTEGER NOT NULL,
    created_ms     INTEGER NOT NULL,
    cancelled      INTEGER NOT NULL DEFAULT 0
) STRICT;

-- One file of a share: where it is, what the platform said of it, and a poster the
-- platform or the browser drew for a format the core cannot decode.
CREATE TABLE share_files (
    share        INTEGER NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
    idx          INTEGER NOT NULL,
    path         TEXT NOT NULL,
    asset_id     TEXT,
    platform_ms  INTEGER,
    poster       BLOB,
    PRIMARY KEY (share, idx)
) STRICT;
