//! Who may sync after the handshake: a member on the roster, or a device that proves it
//! holds the channel's *current* read key.
//!
//! The handshake's pre-shared key comes from the epoch-0 read key (`db::access_secret`),
//! which every member ever admitted holds — a removed one too. Under its old identity a
//! removed member is turned away by the removal itself; under a fresh device identity it
//! would pass. So right after the handshake each side sends `Msg::Access`: a MAC, per
//! epoch it holds (the newest [`MAX_PROOFS`]), over the session's handshake hash and its
//! role in the handshake, keyed by that epoch's read key. The other side admits it if it
//! is a member on its roster (it may have been offline at a rotation and needs sync to
//! get the new key), or if one MAC checks out under the reader's own current epoch.
//!
//! Why MACs per epoch: key regression lets the newer key yield every older one, so a
//! prover ahead of the verifier can answer for the verifier's epoch; a prover behind it
//! cannot. Why the handshake hash and role: a proof is worth nothing outside the session
//! it was made in, and cannot be reflected back to its maker.
//!
//! What it costs: an invite minted before a removal no longer admits a new device once
//! the channel rotated (it carries the old key, exactly what the removed member holds) —
//! the owner sends a new invite. A new device meets only members who already rotated, or
//! others on a first sync with the inviter.

use super::state::Msg;
use crate::channel::{derive_read_key, Secret};
use crate::net::{FrameReader, FrameWriter, NetError};
use crate::types::ChannelId;
use std::time::Duration;

/// Epochs a device proves at most (a verifier further behind than this admits only
/// members on its roster).
pub const MAX_PROOFS: usize = 16;

/// One proof: an epoch and the MAC under its read key.
pub type Proof = (u32, [u8; 32]);

fn proof_key(channel: &ChannelId, read_key: &Secret) -> [u8; 32] {
    let mut h = blake3::Hasher::new_derive_key("swarmroll/sync/epoch-proof/v1");
    h.update(&channel.0);
    h.update(&read_key.0);
    *h.finalize().as_bytes()
}

fn mac(channel: &ChannelId, read_key: &Secret, session: &[u8; 32], initiator: bool) -> blake3::Hash {
    let mut h = blake3::Hasher::new_keyed(&proof_key(channel, read_key));
    h.update(session);
    h.update(&[u8::from(initiator)]);
    h.finalize()
}

/// This device's proofs for the session: one per epoch from `current` down, at most
/// [`MAX_PROOFS`].
pub fn proofs(channel: &ChannelId, current: (u32, &Secret), session: &[u8; 32], initiator: bool) -> Vec<Proof> {
    let (epoch, key) = current;
    let oldest = epoch.saturating_sub(MAX_PROOFS as u32 - 1);
    (oldest..=epoch)
        .rev()
        .map(|e| (e, *mac(channel, &derive_read_key(key, epoch, e), session, initiator).as_bytes()))
        .collect()
}

/// Whether `theirs` proves the read key of our `current` epoch for this session, made by
/// the side whose role is `their_initiator`.
pub fn proves(
    channel: &ChannelId,
    current: (u32, &Secret),
    session: &[u8; 32],
    their_initiator: bool,
    theirs: &[Proof],
) -> bool {
    let (epoch, key) = current;
    let want = mac(channel, key, session, their_initiator);
    // `blake3::Hash` compares in constant time.
    theirs.iter().filter(|(e, _)| *e == epoch).any(|(_, m)| want == blake3::Hash::from_bytes(*m))
}

/// Sends our proofs and reads the peer's (the first frame it must send), within `wait`.
///
/// # Errors
/// [`NetError`] for the transport; `Ok(None)` when the peer's first frame is not an
/// `Access` (an older or broken peer: not admitted).
pub async fn exchange(
    reader: &mut FrameReader,
    writer: &mut FrameWriter,
    ours: Vec<Proof>,
    wait: Duration,
) -> Result<Option<Vec<Proof>>, NetError> {
    writer.send(&super::state::encode(&Msg::Access { proofs: ours })).await?;
    let frame = tokio::time::timeout(wait, reader.next()).await.map_err(|_| NetError::Timeout)??;
    Ok(match super::state::decode(&frame) {
        Ok(Msg::Access { proofs }) => Some(proofs),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::channel::read_key_from_seed;

    /// The read keys of epochs `0..=epochs` of one channel.
    fn chain(epochs: u32) -> Vec<Secret> {
        (0..=epochs).map(|e| read_key_from_seed(&Secret([7; 32]), e)).collect()
    }

    #[test]
    fn a_device_with_the_current_key_is_admitted_and_one_with_an_older_key_is_not() {
        let (ch, session) = (ChannelId([1; 32]), [9; 32]);
        let keys = chain(3);
        let current = (3, &keys[3]);
        let member = proofs(&ch, current, &session, true);
        assert!(proves(&ch, current, &session, true, &member));
        // A removed member under a fresh identity holds the keys up to its removal only.
        let removed = proofs(&ch, (2, &keys[2]), &session, true);
        assert!(!proves(&ch, current, &session, true, &removed));
        // …and cannot claim the current epoch with a MAC under an older key.
        let forged: Vec<Proof> = removed.iter().map(|(_, m)| (3, *m)).collect();
        assert!(!proves(&ch, current, &session, true, &forged));
    }

    #[test]
    fn a_device_ahead_answers_for_an_older_epoch_through_key_regression() {
        let (ch, session) = (ChannelId([1; 32]), [9; 32]);
        let keys = chain(5);
        let ahead = proofs(&ch, (5, &keys[5]), &session, false);
        assert!(proves(&ch, (2, &keys[2]), &session, false, &ahead));
        assert_eq!(ahead.len(), 6);
    }

    #[test]
    fn a_proof_is_bound_to_its_session_channel_and_role() {
        let (ch, session) = (ChannelId([1; 32]), [9; 32]);
        let keys = chain(1);
        let current = (1, &keys[1]);
        let p = proofs(&ch, current, &session, true);
        assert!(!proves(&ch, current, &[8; 32], true, &p), "another session");
        assert!(!proves(&ChannelId([2; 32]), current, &session, true, &p), "another channel");
        assert!(!proves(&ch, current, &session, false, &p), "reflected back to its maker");
    }

    #[test]
    fn at_most_max_proofs_are_sent() {
        let keys = chain(40);
        let p = proofs(&ChannelId([1; 32]), (40, &keys[40]), &[0; 32], true);
        assert_eq!(p.len(), MAX_PROOFS);
        assert_eq!(p[0].0, 40);
        assert_eq!(p[MAX_PROOFS - 1].0, 40 - MAX_PROOFS as u32 + 1);
    }
}
