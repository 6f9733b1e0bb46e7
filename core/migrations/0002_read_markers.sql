-- Where the user stopped reading each channel: unread counts and "new since last visit".
CREATE TABLE read_markers (
    channel     BLOB PRIMARY KEY,
    last_seqno  INTEGER NOT NULL,
    opened_ms   INTEGER NOT NULL
) STRICT;
