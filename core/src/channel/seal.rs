//! Sealed boxes: secrets addressed to one device's identity key.
//!
//! Used to hand the next epoch's keys to each remaining member inside a `Rotate` event.
//! The format is libsodium's `crypto_box_seal` (X25519 + XSalsa20-Poly1305, ephemeral
//! sender key), through the `crypto_box` crate, addressed to the X25519 form of the
//! device's ed25519 key.

use crate::identity::{x25519_public, DeviceKey};
use crate::types::DeviceId;

/// Seals `plaintext` so that only `recipient` can open it. `None` if the recipient's key
/// is not a valid curve point.
pub fn seal(recipient: &DeviceId, plaintext: &[u8]) -> Option<Vec<u8>> {
    let pk = crypto_box::PublicKey::from(x25519_public(recipient)?.to_bytes());
    pk.seal(&mut rand_core::OsRng, plaintext).ok()
}

/// Opens a box sealed to this device. `None` if it was not for us or was altered.
pub fn open(device: &DeviceKey, sealed: &[u8]) -> Option<Vec<u8>> {
    let sk = crypto_box::SecretKey::from(device.x25519_secret().to_bytes());
    sk.unseal(sealed).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_recipient_opens() {
        let a = DeviceKey::generate();
        let b = DeviceKey::generate();
        let boxed = seal(&a.id(), b"epoch keys").unwrap();
        assert_eq!(open(&a, &boxed).unwrap(), b"epoch keys");
        assert!(open(&b, &boxed).is_none());
    }
}
