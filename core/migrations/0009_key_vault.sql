-- This device's identity key when the platform keeps it (iOS Keychain, Android
-- Keystore) instead of the `device` table: its public half only, to check that the
-- platform returned the right key. At most one of `device` and `device_vault` has a row.
CREATE TABLE device_vault (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    public      BLOB NOT NULL,
    created_ms  INTEGER NOT NULL
) STRICT;
