-- Where members of a channel were reached (invites, the local network, the DHT, other
-- members), so a restarted node can dial them again before discovery finds anyone.
CREATE TABLE peer_addresses (
    channel      BLOB    NOT NULL,
    addr         TEXT    NOT NULL,
    source       INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    PRIMARY KEY (channel, addr)
) STRICT;
