//! Checking Ed25519 signatures, one at a time or a catch-up's worth at once.
//!
//! The rule is ZIP 215's (the cofactored equation `[8][s]B = [8]R + [8][k]A`, `s` below
//! the group order), with one addition: the signer's key must be a point of more than
//! small order, so no key is one anyone can sign for. ZIP 215 exists for replicated logs
//! like ours: every replica must reach the same verdict on the same bytes, whichever
//! library checks them and whether it checks one signature or many together. Under the
//! cofactorless rule (`verify_strict`) a batch check cannot agree with the single one on
//! crafted signatures (a torsion component slips through a random linear combination
//! with probability up to 1/2); under the cofactored rule the two agree. Signatures made
//! by any standard Ed25519 signer pass both rules, so honest events are unaffected.
//!
//! Why batches: a member catching up checks tens of thousands of events, and the curve
//! arithmetic of one check at a time was a quarter of its CPU. A batch sums every
//! equation, weighted by random 128-bit factors, into one multi-scalar multiplication,
//! with one term per author rather than per event (`ed25519-zebra` coalesces them). When
//! the batch fails, each signature is checked alone, so one forgery costs the batch
//! its speed-up but not the honest events their verdicts.

use ed25519_zebra::{batch, Signature, VerificationKey, VerificationKeyBytes};
use rand_core::OsRng;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// Verifies an ed25519 signature by `signer` (any 32-byte public key) over `msg`.
pub fn verify(signer: &[u8; 32], msg: &[u8], signature: &[u8; 64]) -> bool {
    let Some(key) = known_key(signer) else {
        return false;
    };
    key.verify(&Signature::from_bytes(signature), msg).is_ok()
}

/// Verifies many `(signer, message, signature)` at once: the verdicts [`verify`] would
/// give one by one, in order.
pub fn verify_many(items: &[(&[u8; 32], &[u8], &[u8; 64])]) -> Vec<bool> {
    let usable: Vec<bool> = items.iter().map(|(signer, _, _)| known_key(signer).is_some()).collect();
    let mut batch = batch::Verifier::new();
    for ((signer, msg, signature), _) in items.iter().zip(&usable).filter(|(_, ok)| **ok) {
        batch.queue((VerificationKeyBytes::from(**signer), Signature::from_bytes(signature), msg));
    }
    if usable.iter().any(|ok| *ok) && batch.verify(OsRng).is_ok() {
        return usable;
    }
    items.iter().zip(usable).map(|((signer, msg, signature), ok)| ok && verify(signer, msg, signature)).collect()
}

/// Public keys already decompressed and checked, by their bytes: a catch-up verifies
/// thousands of events by a few dozen authors, and decompressing a key (a square root in
/// the field) was a third of the curve work of each check. Emptied when full; a key that
/// is refused is never kept.
static KEYS: Mutex<Option<HashMap<[u8; 32], VerificationKey>>> = Mutex::new(None);

/// Keys kept at most (each ~200 bytes).
const KEYS_KEPT: usize = 4_096;

/// The key `signer` names, if it is one signatures are checked against: a point, and
/// not of small order.
fn known_key(signer: &[u8; 32]) -> Option<VerificationKey> {
    // A poisoned lock only means another thread panicked mid-insert: the map is still whole.
    let mut keys = KEYS.lock().unwrap_or_else(PoisonError::into_inner);
    let keys = keys.get_or_insert_with(HashMap::new);
    if let Some(key) = keys.get(signer) {
        return Some(*key);
    }
    let point = ed25519_dalek::VerifyingKey::from_bytes(signer).ok()?;
    if point.is_weak() {
        return None;
    }
    let key = VerificationKey::try_from(*signer).ok()?;
    if keys.len() >= KEYS_KEPT {
        keys.clear();
    }
    keys.insert(*signer, key);
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::DeviceKey;

    #[test]
    fn kept_keys_answer_as_fresh_ones() {
        let (a, b) = (DeviceKey::generate(), DeviceKey::generate());
        let sig = a.sign(b"m");
        for _ in 0..2 {
            // The second time round both keys come from the kept ones.
            assert!(verify(a.id().as_bytes(), b"m", &sig));
            assert!(!verify(b.id().as_bytes(), b"m", &sig), "another author's key");
        }
        // Not a point: refused, and refused again (never kept as a key).
        let not_a_point = (0u8..=255)
            .map(|i| [i; 32])
            .find(|bytes| ed25519_dalek::VerifyingKey::from_bytes(bytes).is_err())
            .expect("some repeated byte is not a point");
        assert!(!verify(&not_a_point, b"m", &sig));
        assert!(!verify(&not_a_point, b"m", &sig));
        // Past the limit the kept keys are let go, and verification goes on.
        for _ in 0..KEYS_KEPT + 1 {
            known_key(DeviceKey::generate().id().as_bytes());
        }
        assert!(verify(a.id().as_bytes(), b"m", &sig));
        assert!(KEYS.lock().unwrap().as_ref().unwrap().len() <= KEYS_KEPT);
    }

    #[test]
    fn a_batch_gives_the_verdicts_of_one_by_one() {
        let authors: Vec<DeviceKey> = (0..5).map(|_| DeviceKey::generate()).collect();
        let ids: Vec<[u8; 32]> = authors.iter().map(|a| *a.id().as_bytes()).collect();
        let msgs: Vec<Vec<u8>> = (0..40u8).map(|i| vec![i; 1 + usize::from(i)]).collect();
        let mut sigs: Vec<[u8; 64]> = msgs.iter().enumerate().map(|(i, m)| authors[i % 5].sign(m)).collect();
        let items = |sigs: &[[u8; 64]]| -> Vec<bool> {
            let list: Vec<(&[u8; 32], &[u8], &[u8; 64])> =
                sigs.iter().enumerate().map(|(i, s)| (&ids[i % 5], msgs[i].as_slice(), s)).collect();
            let many = verify_many(&list);
            let one_by_one: Vec<bool> = list.iter().map(|(k, m, s)| verify(k, m, s)).collect();
            assert_eq!(many, one_by_one);
            many
        };
        assert!(items(&sigs).iter().all(|ok| *ok), "all honest");
        // One forged, one with `s` past the group order, one by another author's key:
        // only those fail, in a batch as alone.
        sigs[3][10] ^= 1;
        sigs[17][63] |= 0xF0;
        sigs[25] = authors[1].sign(&msgs[25]);
        let verdicts = items(&sigs);
        let failed: Vec<usize> = (0..verdicts.len()).filter(|&i| !verdicts[i]).collect();
        assert_eq!(failed, vec![3, 17, 25]);
        assert!(verify_many(&[]).is_empty());
    }

    #[test]
    fn a_key_of_small_order_signs_nothing() {
        // The identity point: under the cofactored equation, s = 0 and R = identity
        // "sign" any message for it. Refused for the key, alone and in a batch.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut forged = [0u8; 64];
        forged[..32].copy_from_slice(&identity);
        assert!(!verify(&identity, b"anything", &forged));
        let honest = DeviceKey::generate();
        let sig = honest.sign(b"ok");
        let verdicts = verify_many(&[(&identity, b"anything", &forged), (honest.id().as_bytes(), b"ok", &sig)]);
        assert_eq!(verdicts, vec![false, true]);
    }
}
