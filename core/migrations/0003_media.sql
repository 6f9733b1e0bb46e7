-- Photos and videos imported from this device's camera roll or folders. The original
-- file stays where it is (it is seeded in place); `patches` turn it into the shared copy
-- (location removed) without a second copy on disk.
CREATE TABLE media (
    original_hash   BLOB PRIMARY KEY,
    shared_hash     BLOB NOT NULL,
    path            TEXT NOT NULL,
    size            INTEGER NOT NULL,
    mime            TEXT NOT NULL,
    width           INTEGER NOT NULL,
    height          INTEGER NOT NULL,
    capture_ms      INTEGER,
    utc_offset_min  INTEGER,
    make            TEXT,
    model           TEXT,
    had_location    INTEGER NOT NULL,
    location_shared INTEGER NOT NULL,
    patches         BLOB NOT NULL,
    duration_ms     INTEGER,
    thumbnail       BLOB NOT NULL,
    has_preview     INTEGER NOT NULL,
    asset_id        TEXT,
    imported_ms     INTEGER NOT NULL
) STRICT;
CREATE INDEX media_by_capture ON media (capture_ms);
CREATE INDEX media_by_path ON media (path);
CREATE UNIQUE INDEX media_by_asset ON media (asset_id) WHERE asset_id IS NOT NULL;
