-- The user's sync policies: one global (channel = zero-length blob) and per channel.
-- `policy` is the JSON of `node::Policy`.
CREATE TABLE sync_policies (
    channel  BLOB PRIMARY KEY,
    policy   TEXT NOT NULL
) STRICT;

-- Bytes moved on metered networks per day (days since the epoch, UTC), for the daily
-- budget across restarts.
CREATE TABLE metered_usage (
    day    INTEGER PRIMARY KEY,
    bytes  INTEGER NOT NULL
) STRICT;
