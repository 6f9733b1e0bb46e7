-- A private channel's media travel encrypted on the wire (from its Channel event; one-way).
ALTER TABLE settings ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
