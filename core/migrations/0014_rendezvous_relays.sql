-- Rendezvous relays the user named in settings (`ip:port`), met whenever sync runs,
-- besides any the platform names when it opens the node.
CREATE TABLE rendezvous_relays (
    addr  TEXT PRIMARY KEY
) STRICT;
