-- Posts whose originals this device holds in full (fetched and verified), so background
-- passes skip them and can say what remains.
CREATE TABLE originals_done (
    post     BLOB PRIMARY KEY,
    channel  BLOB NOT NULL,
    done_ms  INTEGER NOT NULL
) STRICT;
