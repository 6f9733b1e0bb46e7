-- Swarmroll schema, version 1. Never edit a released migration: add a new file.

-- This device's identity key (one row).
CREATE TABLE device (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    secret      BLOB NOT NULL,
    created_ms  INTEGER NOT NULL
) STRICT;

-- Channels this device belongs to.
CREATE TABLE channels (
    id            BLOB PRIMARY KEY,
    name          TEXT NOT NULL,
    my_role       INTEGER NOT NULL,
    owner_secret  BLOB,
    chain_seed    BLOB,
    window_start  INTEGER,
    window_end    INTEGER,
    joined_ms     INTEGER NOT NULL
) STRICT;

-- Key epochs whose secrets this device holds.
CREATE TABLE channel_keys (
    channel             BLOB NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    epoch               INTEGER NOT NULL,
    read_key            BLOB NOT NULL,
    contributor_secret  BLOB,
    PRIMARY KEY (channel, epoch)
) STRICT;

-- Public facts of each epoch: from the log (`event` is the genesis or rotation event),
-- or provisionally from an invite (`event` NULL) until that event arrives.
CREATE TABLE epochs (
    channel          BLOB NOT NULL,
    epoch            INTEGER NOT NULL,
    contributor_key  BLOB NOT NULL,
    event            BLOB,
    PRIMARY KEY (channel, epoch)
) STRICT;

-- Accepted events. `seqno` is the local arrival order (unread counts, sync cursors).
CREATE TABLE events (
    seqno    INTEGER PRIMARY KEY,
    id       BLOB NOT NULL UNIQUE,
    channel  BLOB NOT NULL,
    author   BLOB NOT NULL,
    seq      INTEGER NOT NULL,
    epoch    INTEGER NOT NULL,
    kind     INTEGER NOT NULL,
    time_ms  INTEGER NOT NULL,
    raw      BLOB NOT NULL,
    UNIQUE (channel, author, seq)
) STRICT;

-- Valid-looking events waiting for what they depend on (previous event, epoch keys).
CREATE TABLE pending (
    id           BLOB PRIMARY KEY,
    channel      BLOB NOT NULL,
    author       BLOB NOT NULL,
    seq          INTEGER NOT NULL,
    raw          BLOB NOT NULL,
    received_ms  INTEGER NOT NULL
) STRICT;
CREATE INDEX pending_by_feed ON pending (channel, author, seq);

-- Membership certificates, per epoch.
CREATE TABLE certs (
    channel  BLOB NOT NULL,
    epoch    INTEGER NOT NULL,
    member   BLOB NOT NULL,
    role     INTEGER NOT NULL,
    PRIMARY KEY (channel, epoch, member)
) STRICT;

-- Members as last seen in their own Profile events.
CREATE TABLE members (
    channel      BLOB NOT NULL,
    device       BLOB NOT NULL,
    name         TEXT NOT NULL,
    name_seq     INTEGER NOT NULL,
    PRIMARY KEY (channel, device)
) STRICT;

-- Members removed by a rotation, and their last valid event.
CREATE TABLE removals (
    channel   BLOB NOT NULL,
    device    BLOB NOT NULL,
    last_seq  INTEGER NOT NULL,
    PRIMARY KEY (channel, device)
) STRICT;

-- For each closed epoch, each author's last seq there and whether they were carried over.
CREATE TABLE closures (
    channel       BLOB NOT NULL,
    closed_epoch  INTEGER NOT NULL,
    device        BLOB NOT NULL,
    last_seq      INTEGER NOT NULL,
    carried       INTEGER NOT NULL,
    PRIMARY KEY (channel, closed_epoch, device)
) STRICT;

-- Channel settings from Channel events; the latest (time, event) wins.
CREATE TABLE settings (
    channel      BLOB PRIMARY KEY,
    name         TEXT NOT NULL,
    window_start INTEGER,
    window_end   INTEGER,
    time_ms      INTEGER NOT NULL,
    event        BLOB NOT NULL
) STRICT;

CREATE TABLE posts (
    event      BLOB PRIMARY KEY,
    channel    BLOB NOT NULL,
    author     BLOB NOT NULL,
    time_ms    INTEGER NOT NULL,
    caption    TEXT NOT NULL,
    guest      TEXT,
    info_hash  BLOB NOT NULL,
    info       BLOB NOT NULL,
    visible    INTEGER NOT NULL,
    seqno      INTEGER NOT NULL
) STRICT;

CREATE TABLE items (
    post          BLOB NOT NULL REFERENCES posts(event) ON DELETE CASCADE,
    idx           INTEGER NOT NULL,
    channel       BLOB NOT NULL,
    content_hash  BLOB NOT NULL,
    name          TEXT NOT NULL,
    mime          TEXT NOT NULL,
    size          INTEGER NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    capture_ms    INTEGER,
    duration_ms   INTEGER,
    thumbnail     BLOB NOT NULL,
    sort_ms       INTEGER NOT NULL,
    PRIMARY KEY (post, idx)
) STRICT;
CREATE INDEX items_by_hash ON items (channel, content_hash);

-- One row per distinct visible photo (content hash), derived from items.
CREATE TABLE gallery (
    channel       BLOB NOT NULL,
    content_hash  BLOB NOT NULL,
    sort_ms       INTEGER NOT NULL,
    post          BLOB NOT NULL,
    idx           INTEGER NOT NULL,
    credits       INTEGER NOT NULL,
    PRIMARY KEY (channel, content_hash)
) STRICT;
CREATE INDEX gallery_page ON gallery (channel, sort_ms DESC, content_hash DESC);

CREATE TABLE comments (
    event     BLOB PRIMARY KEY,
    channel   BLOB NOT NULL,
    post      BLOB NOT NULL,
    reply_to  BLOB,
    author    BLOB NOT NULL,
    time_ms   INTEGER NOT NULL,
    text      TEXT NOT NULL,
    visible   INTEGER NOT NULL,
    seqno     INTEGER NOT NULL
) STRICT;
CREATE INDEX comments_by_post ON comments (post, time_ms, event);

-- Reaction toggles; the current state per (target, author, emoji) is the highest seq.
CREATE TABLE reactions (
    event   BLOB PRIMARY KEY,
    target  BLOB NOT NULL,
    author  BLOB NOT NULL,
    seq     INTEGER NOT NULL,
    emoji   TEXT NOT NULL,
    active  INTEGER NOT NULL
) STRICT;
CREATE INDEX reactions_by_target ON reactions (target, author, emoji, seq);

CREATE TABLE retractions (
    event   BLOB PRIMARY KEY,
    target  BLOB NOT NULL,
    author  BLOB NOT NULL
) STRICT;
CREATE INDEX retractions_by_target ON retractions (target);

-- Moderation decisions; per target the latest (time, event) wins.
CREATE TABLE moderation (
    event    BLOB PRIMARY KEY,
    target   BLOB NOT NULL,
    action   INTEGER NOT NULL,
    time_ms  INTEGER NOT NULL
) STRICT;
CREATE INDEX moderation_by_target ON moderation (target, time_ms, event);
