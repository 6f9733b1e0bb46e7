-- This device's identity key when the platform keeps it (iOS Keychain, Android
-- Keystore) instead of the `device` table: its public half only, to check that the
-- platform returned the right key, and the name it is kept under there (one per data
-- folder, so two folders never overwrite each other's key). At most one of `device` and
-- `device_vault` has a row.
CREATE TABLE device_vault (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    public      BLOB NOT NULL,
    slot        TEXT NOT NULL,
    created_ms  INTEGER NOT NULL
) STRICT;
