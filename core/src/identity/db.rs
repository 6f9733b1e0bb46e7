//! Persisting the device key: in the store, or in the platform's secure storage.

use super::DeviceKey;
use crate::store::{blob32, exec, row, StoreError};
use crate::types::Timestamp;
use rusqlite::{OptionalExtension, Transaction};
use zeroize::Zeroizing;

/// The platform's secure storage for this device's identity key (iOS Keychain, Android
/// Keystore). Implemented by the apps; the key never leaves it except to sign.
pub trait KeyVault: Send + Sync {
    /// The 32 secret bytes saved under `name`, if any.
    ///
    /// # Errors
    /// The platform could not read its storage (locked device, revoked access).
    fn load(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, VaultError>;

    /// Saves `secret` under `name`, replacing what was there.
    ///
    /// # Errors
    /// The platform could not write its storage.
    fn save(&self, name: &str, secret: &[u8]) -> Result<(), VaultError>;
}

/// The prefix of the name the identity key is kept under in a [`KeyVault`]; a random
/// suffix per data folder keeps two folders (profiles, a restored backup) apart.
pub const VAULT_PREFIX: &str = "swarmroll.device-key.";

fn new_slot() -> String {
    let mut suffix = [0u8; 8];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut suffix);
    format!("{VAULT_PREFIX}{}", suffix.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// Why the identity key could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    /// The platform's key storage failed (its reason, without key material).
    #[error("the system key storage failed: {0}")]
    Platform(String),
    /// The key storage no longer holds this data folder's identity (app reinstalled,
    /// storage wiped, or a backup restored to another device).
    #[error("the system key storage has lost this device's identity")]
    Lost,
    /// This data folder's key is in the platform's key storage, and none was given.
    #[error("this data folder's identity is kept in the system key storage")]
    NeedsVault,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for VaultError {
    fn from(e: rusqlite::Error) -> Self {
        VaultError::Store(e.into())
    }
}

/// Loads this device's key from the store, creating and saving one on first run.
///
/// # Errors
/// [`StoreError`]; [`VaultError::NeedsVault`] when the key was moved to a vault.
pub fn load_or_create(tx: &Transaction<'_>) -> Result<DeviceKey, VaultError> {
    if let Some(key) = stored(tx)? {
        return Ok(key);
    }
    if vault_public(tx)?.is_some() {
        return Err(VaultError::NeedsVault);
    }
    let key = DeviceKey::generate();
    exec(
        tx,
        "INSERT INTO device (id, secret, created_ms) VALUES (1, ?1, ?2)",
        rusqlite::params![key.secret_bytes().as_slice(), Timestamp::now().0],
    )?;
    Ok(key)
}

/// Loads this device's key from `vault`, creating it there on first run. A key still in
/// the store (a data folder from before the vault) is moved into the vault: saved there
/// first, then deleted from the store with its public half recorded, so a crash between
/// the two leaves it in both and the next open finishes the move.
///
/// # Errors
/// [`VaultError`].
pub fn load_or_create_in(tx: &Transaction<'_>, vault: &dyn KeyVault) -> Result<DeviceKey, VaultError> {
    let slot = new_slot();
    let key = match (stored(tx)?, vault_public(tx)?) {
        (Some(key), _) => {
            vault.save(&slot, key.secret_bytes().as_slice())?;
            exec(tx, "DELETE FROM device WHERE id = 1", [])?;
            key
        }
        (None, Some((public, slot))) => {
            let secret = vault.load(&slot)?.ok_or(VaultError::Lost)?;
            let secret: [u8; 32] = secret.as_slice().try_into().map_err(|_| VaultError::Lost)?;
            let key = DeviceKey::from_secret(&secret);
            if *key.id().as_bytes() != public {
                return Err(VaultError::Lost);
            }
            return Ok(key);
        }
        (None, None) => {
            let key = DeviceKey::generate();
            vault.save(&slot, key.secret_bytes().as_slice())?;
            key
        }
    };
    exec(
        tx,
        "INSERT INTO device_vault (id, public, slot, created_ms) VALUES (1, ?1, ?2, ?3)",
        rusqlite::params![key.id().as_bytes(), slot, Timestamp::now().0],
    )?;
    Ok(key)
}

fn stored(tx: &Transaction<'_>) -> Result<Option<DeviceKey>, StoreError> {
    let existing: Option<Vec<u8>> = row(tx, "SELECT secret FROM device WHERE id = 1", [], |r| r.get(0)).optional()?;
    existing.map(|s| Ok(DeviceKey::from_secret(&blob32(s)?))).transpose()
}

/// The public key and vault slot of a key kept in a vault.
fn vault_public(tx: &Transaction<'_>) -> Result<Option<([u8; 32], String)>, StoreError> {
    let found: Option<(Vec<u8>, String)> =
        row(tx, "SELECT public, slot FROM device_vault WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    found.map(|(p, slot)| Ok((blob32(p)?, slot))).transpose()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::store::Store;
    use std::collections::HashMap;
    use std::sync::Mutex;

    /// A vault in memory that can be made to fail, as a platform's would.
    #[derive(Default)]
    struct FakeVault {
        keys: Mutex<HashMap<String, Vec<u8>>>,
        broken: bool,
    }

    impl KeyVault for FakeVault {
        fn load(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, VaultError> {
            if self.broken {
                return Err(VaultError::Platform("device locked".into()));
            }
            Ok(self.keys.lock().unwrap().get(name).cloned().map(Zeroizing::new))
        }
        fn save(&self, name: &str, secret: &[u8]) -> Result<(), VaultError> {
            if self.broken {
                return Err(VaultError::Platform("device locked".into()));
            }
            self.keys.lock().unwrap().insert(name.into(), secret.to_vec());
            Ok(())
        }
    }

    fn secret_rows(store: &Store) -> (i64, i64) {
        store
            .read(|c| {
                let d: i64 = c.query_row("SELECT count(*) FROM device", [], |r| r.get(0))?;
                let v: i64 = c.query_row("SELECT count(*) FROM device_vault", [], |r| r.get(0))?;
                Ok::<_, StoreError>((d, v))
            })
            .unwrap()
    }

    #[test]
    fn a_fresh_identity_lives_in_the_vault_and_comes_back_from_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_dir(dir.path()).unwrap();
        let vault = FakeVault::default();
        let first = store.write(|tx| load_or_create_in(tx, &vault)).unwrap();
        assert_eq!(secret_rows(&store), (0, 1), "no secret in the database");
        let saved = vault.keys.lock().unwrap().clone();
        assert_eq!(saved.len(), 1);
        let (slot, secret) = saved.into_iter().next().unwrap();
        assert!(slot.starts_with(VAULT_PREFIX));
        assert_eq!(secret, first.secret_bytes().to_vec());
        let again = store.write(|tx| load_or_create_in(tx, &vault)).unwrap();
        assert_eq!(again.id(), first.id());
        // Without the vault the folder says where its key is instead of making a new one.
        assert!(matches!(store.write(load_or_create), Err(VaultError::NeedsVault)));
    }

    #[test]
    fn two_data_folders_keep_their_own_keys_in_one_vault() {
        let vault = FakeVault::default();
        let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (s1, s2) = (Store::open_dir(d1.path()).unwrap(), Store::open_dir(d2.path()).unwrap());
        let k1 = s1.write(|tx| load_or_create_in(tx, &vault)).unwrap();
        let k2 = s2.write(|tx| load_or_create_in(tx, &vault)).unwrap();
        assert_ne!(k1.id(), k2.id());
        assert_eq!(s1.write(|tx| load_or_create_in(tx, &vault)).unwrap().id(), k1.id());
        assert_eq!(s2.write(|tx| load_or_create_in(tx, &vault)).unwrap().id(), k2.id());
    }

    #[test]
    fn a_key_in_the_database_moves_into_the_vault_keeping_the_identity() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_dir(dir.path()).unwrap();
        let old = store.write(load_or_create).unwrap();
        let vault = FakeVault::default();
        let moved = store.write(|tx| load_or_create_in(tx, &vault)).unwrap();
        assert_eq!(moved.id(), old.id());
        assert_eq!(secret_rows(&store), (0, 1));
    }

    #[test]
    fn a_lost_or_wrong_or_failing_vault_is_an_error_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_dir(dir.path()).unwrap();
        let vault = FakeVault::default();
        store.write(|tx| load_or_create_in(tx, &vault)).unwrap();

        let wiped = FakeVault::default();
        assert!(matches!(store.write(|tx| load_or_create_in(tx, &wiped)), Err(VaultError::Lost)));
        let other = FakeVault::default();
        let slot = vault.keys.lock().unwrap().keys().next().unwrap().clone();
        other.keys.lock().unwrap().insert(slot, vec![9; 32]);
        assert!(matches!(store.write(|tx| load_or_create_in(tx, &other)), Err(VaultError::Lost)));
        let broken = FakeVault { broken: true, ..FakeVault::default() };
        let err = store.write(|tx| load_or_create_in(tx, &broken)).err().unwrap();
        assert!(matches!(err, VaultError::Platform(_)), "{err}");
        assert_eq!(secret_rows(&store), (0, 1));

        // A failing vault on first run stores nothing: the next try starts clean.
        let dir2 = tempfile::tempdir().unwrap();
        let fresh = Store::open_dir(dir2.path()).unwrap();
        assert!(fresh.write(|tx| load_or_create_in(tx, &broken)).is_err());
        assert_eq!(secret_rows(&fresh), (0, 0));
    }
}
