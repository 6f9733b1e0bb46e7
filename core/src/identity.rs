//! Device identity: the ed25519 key that signs everything this device authors.
//!
//! A device has exactly one identity key, created on first run and persisted in the store,
//! or — on phones — in the platform's secure storage through a [`KeyVault`] (iOS Keychain,
//! Android Keystore), the store then keeping only its public half to check what the
//! vault returns. No accounts exist: a
//! person is their devices' keys plus the display name they publish in each channel's log
//! as a signed `Profile` event.
//!
//! The same key, converted to X25519 (the standard Edwards→Montgomery map), receives
//! sealed key bundles when a channel rotates its keys, so a device has one secret only.

pub(crate) mod db;
mod signature;

pub use db::{KeyVault, VaultError};
pub use signature::{verify, verify_many};

use crate::types::DeviceId;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use rand_core::OsRng;
use zeroize::Zeroizing;

/// This device's secret identity key.
pub struct DeviceKey {
    signing: SigningKey,
}

impl DeviceKey {
    /// Makes a fresh random identity.
    pub fn generate() -> Self {
        DeviceKey { signing: SigningKey::generate(&mut OsRng) }
    }

    /// Restores an identity from its 32 secret bytes.
    pub fn from_secret(secret: &[u8; 32]) -> Self {
        DeviceKey { signing: SigningKey::from_bytes(secret) }
    }

    /// The secret bytes, for persistence only.
    pub fn secret_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.signing.to_bytes())
    }

    /// The public identity.
    pub fn id(&self) -> DeviceId {
        DeviceId(self.signing.verifying_key().to_bytes())
    }

    /// Signs `msg`.
    pub fn sign(&self, msg: &[u8]) -> [u8; 64] {
        self.signing.sign(msg).to_bytes()
    }

    /// The X25519 secret matching [`x25519_public`] of this device's id.
    pub(crate) fn x25519_secret(&self) -> x25519_dalek::StaticSecret {
        x25519_dalek::StaticSecret::from(self.signing.to_scalar_bytes())
    }
}

/// The X25519 public key of a device, for sealing secrets to it.
pub(crate) fn x25519_public(device: &DeviceId) -> Option<x25519_dalek::PublicKey> {
    let key = VerifyingKey::from_bytes(&device.0).ok()?;
    Some(x25519_dalek::PublicKey::from(key.to_montgomery().to_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_roundtrip_and_tamper() {
        let k = DeviceKey::generate();
        let sig = k.sign(b"hello");
        assert!(verify(k.id().as_bytes(), b"hello", &sig));
        assert!(!verify(k.id().as_bytes(), b"hellp", &sig));
        let restored = DeviceKey::from_secret(&k.secret_bytes());
        assert_eq!(restored.id(), k.id());
    }

    #[test]
    fn x25519_conversion_agrees() {
        let a = DeviceKey::generate();
        let b = DeviceKey::generate();
        let ab = a.x25519_secret().diffie_hellman(&x25519_public(&b.id()).unwrap());
        let ba = b.x25519_secret().diffie_hellman(&x25519_public(&a.id()).unwrap());
        assert_eq!(ab.as_bytes(), ba.as_bytes());
    }
}
