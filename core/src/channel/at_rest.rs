//! A channel owner's secrets at rest: the owner key and the read-key chain seed are kept
//! in the database sealed (XChaCha20-Poly1305) under a key derived from the device's
//! identity key — which the apps keep in the platform's `SecureStorage` (Android
//! Keystore, iOS Keychain) and never in the database. A copy of the data folder without
//! the secure storage no longer carries the owner's power (removing members, setting
//! roles, minting every future epoch's keys).
//!
//! Why one derived key rather than one secure-storage item per channel: the secure
//! storage already guards exactly one secret per data folder and the core loads it at
//! open; items per channel would each need creating while the storage is unlocked and
//! deleting on leave, and a crash between the database and the storage would orphan one
//! or the other. The cost is the same either way: whoever holds the identity key holds
//! these. The desktop node opens without a secure storage, so there the identity key is
//! in the database too and sealing protects nothing more than the `0700` folder does.

use super::Secret;
use crate::identity::DeviceKey;
use crate::store::{exec, StoreError};
use crate::types::ChannelId;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand_core::{OsRng, RngCore};
use rusqlite::{params, Transaction};
use zeroize::Zeroizing;

/// The first byte of a sealed secret (a bare 32-byte secret is from before sealing).
const SEALED_V1: u8 = 1;
const NONCE: usize = 24;
/// Version, nonce, 32 bytes of ciphertext and the 16-byte tag.
const SEALED_LEN: usize = 1 + NONCE + 32 + 16;

/// The key the owner's secrets are sealed under, derived from the identity key.
pub struct SealingKey(Zeroizing<[u8; 32]>);

impl SealingKey {
    /// The sealing key of `device`.
    pub fn of(device: &DeviceKey) -> SealingKey {
        SealingKey(Zeroizing::new(blake3::derive_key(
            "swarmroll/channel-owner-secrets/v1",
            device.secret_bytes().as_ref(),
        )))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.as_ref().into())
    }
}

/// What the secret is bound to: its channel and which secret it is (`field`), so a sealed
/// blob cannot be swapped for another channel's or for the other secret.
fn aad(ch: &ChannelId, field: &str) -> Vec<u8> {
    let mut a = ch.0.to_vec();
    a.extend_from_slice(field.as_bytes());
    a
}

/// `secret` sealed for `ch`'s `field`.
pub fn seal(key: &SealingKey, ch: &ChannelId, field: &str, secret: &Secret) -> Vec<u8> {
    let mut nonce = [0u8; NONCE];
    OsRng.fill_bytes(&mut nonce);
    let aad = aad(ch, field);
    // Encrypting 32 bytes into a Vec cannot fail.
    let ct =
        key.cipher().encrypt(XNonce::from_slice(&nonce), Payload { msg: &secret.0, aad: &aad }).unwrap_or_default();
    let mut out = Vec::with_capacity(SEALED_LEN);
    out.push(SEALED_V1);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    out
}

/// The secret in `blob` (sealed, or bare from before sealing).
///
/// # Errors
/// [`StoreError::Corrupt`] if it does not open under this device's key (another
/// device's data folder, or damage).
pub fn open(key: &SealingKey, ch: &ChannelId, field: &str, blob: &[u8]) -> Result<Secret, StoreError> {
    if let Ok(bare) = <[u8; 32]>::try_from(blob) {
        return Ok(Secret(bare));
    }
    if blob.len() != SEALED_LEN || blob[0] != SEALED_V1 {
        return Err(StoreError::Corrupt("sealed owner secret"));
    }
    let aad = aad(ch, field);
    let plain = Zeroizing::new(
        key.cipher()
            .decrypt(XNonce::from_slice(&blob[1..=NONCE]), Payload { msg: &blob[1 + NONCE..], aad: &aad })
            .map_err(|_| StoreError::Corrupt("sealed owner secret"))?,
    );
    let bytes: [u8; 32] = plain.as_slice().try_into().map_err(|_| StoreError::Corrupt("sealed owner secret"))?;
    Ok(Secret(bytes))
}

/// Seals the owner secrets a database still holds bare (from before sealing), in the
/// caller's transaction: all or none. Returns how many channels it sealed.
///
/// # Errors
/// [`StoreError`].
pub fn seal_bare(tx: &Transaction<'_>, key: &SealingKey) -> Result<usize, StoreError> {
    let mut st = tx.prepare(
        "SELECT id, owner_secret, chain_seed FROM channels
         WHERE length(owner_secret) = 32 OR length(chain_seed) = 32",
    )?;
    let rows: Vec<(Vec<u8>, Vec<u8>, Vec<u8>)> =
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
    for (id, owner, seed) in &rows {
        let ch = ChannelId(crate::store::blob32(id.clone())?);
        let owner = seal(key, &ch, "owner", &open(key, &ch, "owner", owner)?);
        let seed = seal(key, &ch, "seed", &open(key, &ch, "seed", seed)?);
        exec(tx, "UPDATE channels SET owner_secret = ?2, chain_seed = ?3 WHERE id = ?1", params![id, owner, seed])?;
    }
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_for_its_device_channel_and_field() {
        let (me, other) = (DeviceKey::generate(), DeviceKey::generate());
        let (key, ch) = (SealingKey::of(&me), ChannelId([3; 32]));
        let secret = Secret([42; 32]);
        let blob = seal(&key, &ch, "owner", &secret);
        assert_eq!(blob.len(), SEALED_LEN);
        assert!(!blob.windows(32).any(|w| w == secret.0), "the secret is not in the blob");
        assert!(open(&key, &ch, "owner", &blob).unwrap() == secret);
        assert!(open(&SealingKey::of(&other), &ch, "owner", &blob).is_err(), "another device");
        assert!(open(&key, &ChannelId([4; 32]), "owner", &blob).is_err(), "another channel");
        assert!(open(&key, &ch, "seed", &blob).is_err(), "the other secret");
        let mut damaged = blob.clone();
        damaged[30] ^= 1;
        assert!(matches!(open(&key, &ch, "owner", &damaged), Err(StoreError::Corrupt(_))));
        assert!(open(&key, &ch, "owner", &secret.0).unwrap() == secret, "a bare secret from before sealing");
    }

    #[test]
    fn the_database_holds_an_owners_secrets_sealed_and_seals_bare_ones_at_open() {
        use crate::replica::Replica;
        use crate::store::Store;
        use std::sync::Arc;
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open_dir(dir.path()).unwrap());
        let replica = Replica::open(Arc::clone(&store)).unwrap();
        let ch = replica.create_channel("Wedding", None, "Ana").unwrap();
        let stored = || -> (Vec<u8>, Vec<u8>) {
            store
                .read(|c| {
                    Ok::<_, StoreError>(c.query_row("SELECT owner_secret, chain_seed FROM channels", [], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?)
                })
                .unwrap()
        };
        let (owner, seed) = stored();
        assert_eq!((owner.len(), seed.len()), (SEALED_LEN, SEALED_LEN));
        let key = SealingKey::of(replica.device_key());
        let (owner_secret, seed_secret) =
            (open(&key, &ch, "owner", &owner).unwrap(), open(&key, &ch, "seed", &seed).unwrap());

        // A database from before sealing: the same secrets, bare.
        drop(replica);
        store
            .write(|tx| {
                exec(
                    tx,
                    "UPDATE channels SET owner_secret = ?1, chain_seed = ?2",
                    params![owner_secret.0, seed_secret.0],
                )?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let replica = Replica::open(Arc::clone(&store)).unwrap();
        let (owner, seed) = stored();
        assert_eq!((owner.len(), seed.len()), (SEALED_LEN, SEALED_LEN), "sealed at open");
        assert!(!owner.windows(32).any(|w| w == owner_secret.0) && !seed.windows(32).any(|w| w == seed_secret.0));
        // …and the owner's power still works: a new key epoch from the seed.
        let id = replica.remove_members(&ch, &[]).unwrap();
        assert_ne!(id.0, [0; 32]);
    }
}
