//! Local-network beacons: "a member of some channels listens on port P".
//!
//! A beacon names no channel and no device. For each channel it carries an 8-byte tag:
//! a keyed BLAKE3 of the time period and a fresh random nonce under a key derived from
//! the channel's access secret. Only members can compute it, and because the nonce is new
//! in every beacon, two beacons of the same device cannot be linked by their tags — a
//! stranger on the Wi-Fi learns neither which channels exist nor which device is which.

use crate::types::Timestamp;

/// The beacon's magic bytes.
pub const MAGIC: &[u8; 4] = b"SWRB";
/// The beacon format version.
pub const VERSION: u8 = 1;
/// Most channel tags in one beacon (a UDP datagram stays well under 1,200 bytes).
pub const MAX_TAGS: usize = 96;
/// Length of a period over which tags stay valid (receivers accept the neighbours too).
pub const PERIOD_MS: i64 = 10 * 60 * 1000;
const HEAD: usize = 4 + 1 + 1 + 2 + 16 + 1;

/// A decoded beacon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Beacon {
    /// An answer to another node's beacon (sent by unicast), not an announcement.
    pub reply: bool,
    /// The sender's sync port.
    pub port: u16,
    /// Fresh for every beacon.
    pub nonce: [u8; 16],
    /// One tag per channel the sender holds.
    pub tags: Vec<[u8; 8]>,
}

/// The key a channel's tags are made with.
pub fn beacon_key(access_secret: &[u8; 32]) -> [u8; 32] {
    blake3::derive_key("swarmroll/beacon/v1", access_secret)
}

/// The time period of `t`.
pub fn period(t: Timestamp) -> i64 {
    t.0.div_euclid(PERIOD_MS)
}

/// A channel's tag for one beacon.
pub fn tag(key: &[u8; 32], period: i64, nonce: &[u8; 16]) -> [u8; 8] {
    let mut h = blake3::Hasher::new_keyed(key);
    h.update(&period.to_le_bytes());
    h.update(nonce);
    let mut out = [0u8; 8];
    out.copy_from_slice(&h.finalize().as_bytes()[..8]);
    out
}

impl Beacon {
    /// A beacon for channels with these beacon keys, at time `now`.
    pub fn new(keys: &[[u8; 32]], port: u16, reply: bool, now: Timestamp) -> Self {
        let mut nonce = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut nonce);
        let p = period(now);
        let tags = keys.iter().take(MAX_TAGS).map(|k| tag(k, p, &nonce)).collect();
        Beacon { reply, port, nonce, tags }
    }

    /// Whether the beacon carries the tag of the channel with beacon key `key` (for the
    /// period of `now` or a neighbouring one: clocks differ).
    pub fn carries(&self, key: &[u8; 32], now: Timestamp) -> bool {
        let p = period(now);
        (p - 1..=p + 1).any(|q| {
            let t = tag(key, q, &self.nonce);
            self.tags.contains(&t)
        })
    }

    /// The datagram.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEAD + self.tags.len() * 8);
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.push(u8::from(self.reply));
        out.extend_from_slice(&self.port.to_be_bytes());
        out.extend_from_slice(&self.nonce);
        out.push(self.tags.len().min(MAX_TAGS) as u8);
        for t in self.tags.iter().take(MAX_TAGS) {
            out.extend_from_slice(t);
        }
        out
    }

    /// Parses a datagram; `None` for anything that is not exactly a beacon.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        if bytes.len() < HEAD || &bytes[..4] != MAGIC || bytes[4] != VERSION || bytes[5] > 1 {
            return None;
        }
        let port = u16::from_be_bytes([bytes[6], bytes[7]]);
        let mut nonce = [0u8; 16];
        nonce.copy_from_slice(&bytes[8..24]);
        let n = usize::from(bytes[24]);
        if n > MAX_TAGS || bytes.len() != HEAD + n * 8 || port == 0 {
            return None;
        }
        let tags = bytes[HEAD..].chunks_exact(8).map(|c| <[u8; 8]>::try_from(c).unwrap_or_default()).collect();
        Some(Beacon { reply: bytes[5] == 1, port, nonce, tags })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_recognise_their_channel_and_strangers_learn_nothing() {
        let (k1, k2) = (beacon_key(&[1; 32]), beacon_key(&[2; 32]));
        let now = Timestamp::now();
        let b = Beacon::new(&[k1], 41000, false, now);
        let back = Beacon::decode(&b.encode());
        assert_eq!(back.as_ref(), Some(&b));
        assert!(b.carries(&k1, now));
        assert!(!b.carries(&k2, now));
        // A clock a period off still matches; two periods off does not.
        assert!(b.carries(&k1, Timestamp(now.0 + PERIOD_MS)));
        assert!(!b.carries(&k1, Timestamp(now.0 + 3 * PERIOD_MS)));
        // Two beacons for the same channel share no tag: they cannot be linked.
        let c = Beacon::new(&[k1], 41000, false, now);
        assert_ne!(b.tags, c.tags);
        assert_ne!(b.nonce, c.nonce);
    }

    #[test]
    fn anything_else_is_not_a_beacon() {
        let b = Beacon::new(&[beacon_key(&[1; 32])], 41000, true, Timestamp::now()).encode();
        assert!(Beacon::decode(&b[..b.len() - 1]).is_none());
        let mut extra = b.clone();
        extra.push(0);
        assert!(Beacon::decode(&extra).is_none());
        let mut bad = b.clone();
        bad[0] = b'X';
        assert!(Beacon::decode(&bad).is_none());
        assert!(Beacon::decode(&[]).is_none());
        let mut port0 = b;
        port0[6] = 0;
        port0[7] = 0;
        assert!(Beacon::decode(&port0).is_none());
    }
}
