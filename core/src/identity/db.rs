//! Persisting the device key.

use super::DeviceKey;
use crate::store::{blob32, exec, row, StoreError};
use crate::types::Timestamp;
use rusqlite::{OptionalExtension, Transaction};

/// Loads this device's key, creating and saving one on first run.
///
/// # Errors
/// [`StoreError`].
pub fn load_or_create(tx: &Transaction<'_>) -> Result<DeviceKey, StoreError> {
    let existing: Option<Vec<u8>> = row(tx, "SELECT secret FROM device WHERE id = 1", [], |r| r.get(0)).optional()?;
    if let Some(secret) = existing {
        return Ok(DeviceKey::from_secret(&blob32(secret)?));
    }
    let key = DeviceKey::generate();
    exec(
        tx,
        "INSERT INTO device (id, secret, created_ms) VALUES (1, ?1, ?2)",
        rusqlite::params![key.secret_bytes().as_slice(), Timestamp::now().0],
    )?;
    Ok(key)
}
