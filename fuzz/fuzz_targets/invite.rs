//! Invite links on arbitrary input: `Invite::parse` (the `swarmroll://join/…` and
//! `https://…/join#…` links and bare base32 text a user pastes or a QR code carries) and
//! `Invite::decode` (the payload bytes), because an invite is the first thing a stranger
//! hands a device.
//!
//! A payload is checksummed, so random bytes rarely get past the checksum: each input is
//! also decoded once more with its length header and checksum made right, which takes
//! the body's postcard decoding and the signature check to arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use swarmroll_core::channel::invite::{Invite, MAX_ADDRESSES, VERSION};
use swarmroll_core::Timestamp;

/// The payload's framing, as `core/src/channel/invite.rs` lays it out: version, `u16`
/// length, body, signature, then a 4-byte BLAKE3 checksum of all before it.
const SUM_LEN: usize = 4;

fn with_checksum(body_and_sig: &[u8]) -> Option<Vec<u8>> {
    let total = 3 + body_and_sig.len() + SUM_LEN;
    let len = u16::try_from(total).ok()?;
    let mut out = vec![VERSION];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(body_and_sig);
    let sum = blake3::hash(&out);
    out.extend_from_slice(&sum.as_bytes()[..SUM_LEN]);
    Some(out)
}

fuzz_target!(|data: &[u8]| {
    let now = Timestamp(1_765_000_000_000);
    let text = String::from_utf8_lossy(data);
    if let Ok(invite) = Invite::parse(&text, now) {
        // A parsed invite is as bounded as one this build would make.
        assert!(invite.addresses.len() <= MAX_ADDRESSES, "too many addresses accepted");
    }
    let _ = Invite::decode(data, now);
    if let Some(framed) = with_checksum(data) {
        let _ = Invite::decode(&framed, now);
        let _ = Invite::parse(&Invite::to_text(&framed), now);
    }
});
