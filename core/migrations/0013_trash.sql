-- Files to remove once a change that let go of them is committed (leaving a channel):
-- recorded in the same transaction, removed after it, and removed at the next start if
-- the process died in between, so nothing a user left behind stays on disk forever.
CREATE TABLE trash (
    path  TEXT PRIMARY KEY
) STRICT;

-- A channel this device left, by a keyed hash of its id (nothing names it), with the last
-- seq of this device's feed in it: joining again continues that feed once it is back
-- from the members instead of starting a second feed at seq 1 (a fork they would refuse).
CREATE TABLE left_feeds (
    tag       BLOB PRIMARY KEY,
    last_seq  INTEGER NOT NULL
) STRICT;
