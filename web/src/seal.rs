//! The web seal: how the venue gallery of a **private** channel is to carry content that
//! only browsers holding the link's key can read (issue 20: the gallery sent a private
//! channel's originals in plaintext to anyone sniffing the Wi-Fi). The key travels in the
//! link's fragment, which browsers never send; the server seals every response body and
//! opens every request body with it, and the page does the same in JavaScript
//! (`web/assets/lib/seal.js`: pages served over plain HTTP on a LAN are not a secure
//! context, so WebCrypto is not there).
//!
//! Format, version 1: `0x01 | prefix (16) | chunk₀ | chunk₁ | …`. The plaintext is cut
//! into 64 KiB chunks (at least one, possibly empty); chunk `i` is XChaCha20-Poly1305 with
//! nonce `prefix | u64-le(i)` and associated data one byte, 1 on the last chunk and 0
//! otherwise (the STREAM construction: chunks cannot be reordered, dropped or the end cut
//! off unnoticed). Every chunk but the last seals exactly [`CHUNK`] bytes, so a byte range
//! of the plaintext maps to whole chunks of the sealed form: video can be fetched in
//! ranges. The prefix is random per message, or — for a file served many times, so that
//! ranges of one sealed form can be asked for separately — derived from the key and the
//! file's hash ([`file_prefix`]): equal files then seal equally, which tells only that.
//!
//! `tests/vectors/web_seal.json` pins the format; the Rust and JavaScript tests both
//! check against it.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// Plaintext bytes per chunk.
pub const CHUNK: usize = 64 * 1024;
/// The format's version byte.
pub const VERSION: u8 = 1;
const TAG: usize = 16;
const HEAD: usize = 1 + 16;

/// Why a sealed message did not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// Not this format's version, or shorter than its header and one tag.
    #[error("not a sealed message")]
    Malformed,
    /// A chunk failed its check: another key, altered, reordered or cut short.
    #[error("the sealed message does not open with this key")]
    Forged,
}

fn nonce(prefix: &[u8; 16], index: u64) -> [u8; 24] {
    let mut n = [0u8; 24];
    n[..16].copy_from_slice(prefix);
    n[16..].copy_from_slice(&index.to_le_bytes());
    n
}

/// The length of `plain_len` bytes sealed.
pub fn sealed_len(plain_len: u64) -> u64 {
    let chunks = plain_len.div_ceil(CHUNK as u64).max(1);
    HEAD as u64 + plain_len + TAG as u64 * chunks
}

/// A fresh random prefix, for a message sealed once.
pub fn random_prefix() -> [u8; 16] {
    let mut prefix = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut prefix);
    prefix
}

/// The prefix a file with BLAKE3 `hash` is sealed under with `key`: the same every time,
/// so ranges of its sealed form can be served separately.
pub fn file_prefix(key: &[u8; 32], hash: &[u8; 32]) -> [u8; 16] {
    let mut h = blake3::Hasher::new_keyed(key);
    h.update(b"swarmroll/web-seal/file-prefix/v1");
    h.update(hash);
    let mut out = [0u8; 16];
    out.copy_from_slice(&h.finalize().as_bytes()[..16]);
    out
}

/// Chunk `index` of a message sealed under `key` and `prefix`, `last` if it ends it.
pub fn seal_chunk(key: &[u8; 32], prefix: &[u8; 16], index: u64, last: bool, plain: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let n = nonce(prefix, index);
    // Encrypting into a Vec cannot fail for chunks this small.
    cipher.encrypt(XNonce::from_slice(&n), Payload { msg: plain, aad: &[u8::from(last)] }).unwrap_or_default()
}

/// `plain` sealed under `key` with `prefix`.
pub fn seal(key: &[u8; 32], prefix: &[u8; 16], plain: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(usize::try_from(sealed_len(plain.len() as u64)).unwrap_or(0));
    out.push(VERSION);
    out.extend_from_slice(prefix);
    let chunks: Vec<&[u8]> = if plain.is_empty() { vec![&[]] } else { plain.chunks(CHUNK).collect() };
    let count = chunks.len();
    for (i, c) in chunks.into_iter().enumerate() {
        out.extend_from_slice(&seal_chunk(key, prefix, i as u64, i + 1 == count, c));
    }
    out
}

/// The plaintext of `sealed`.
///
/// # Errors
/// [`SealError`].
pub fn open(key: &[u8; 32], sealed: &[u8]) -> Result<Vec<u8>, SealError> {
    if sealed.len() < HEAD + TAG || sealed[0] != VERSION {
        return Err(SealError::Malformed);
    }
    let mut prefix = [0u8; 16];
    prefix.copy_from_slice(&sealed[1..HEAD]);
    let body = &sealed[HEAD..];
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut out = Vec::with_capacity(body.len());
    let mut at = 0;
    let mut index = 0u64;
    loop {
        let end = (at + CHUNK + TAG).min(body.len());
        let last = end == body.len();
        let n = nonce(&prefix, index);
        let plain = cipher
            .decrypt(XNonce::from_slice(&n), Payload { msg: &body[at..end], aad: &[u8::from(last)] })
            .map_err(|_| SealError::Forged)?;
        out.extend_from_slice(&plain);
        if last {
            return Ok(out);
        }
        at = end;
        index += 1;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::{json, Value};

    fn input(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i % 251) as u8).collect()
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    /// The cases `tests/vectors/web_seal.json` holds, computed here.
    fn vectors() -> Value {
        let key: [u8; 32] = std::array::from_fn(|i| i as u8);
        let prefix: [u8; 16] = std::array::from_fn(|i| 0xa0 + i as u8);
        let cases: Vec<Value> = [0usize, 1, 15, 16, 17, 1000, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 77]
            .iter()
            .map(|&len| {
                let sealed = seal(&key, &prefix, &input(len));
                let small = if len <= 1000 { json!(hex(&sealed)) } else { Value::Null };
                json!({"plain_len": len, "sealed_len": sealed.len(), "sealed_blake3": blake3::hash(&sealed).to_hex().to_string(), "sealed_hex": small})
            })
            .collect();
        let aead: Vec<Value> = [(0usize, 0usize), (1, 0), (64, 5), (65, 12), (300, 1)]
            .iter()
            .map(|&(len, aad_len)| {
                let n: [u8; 24] = std::array::from_fn(|i| (i * 7 + len) as u8);
                let aad = input(aad_len);
                let ct = XChaCha20Poly1305::new((&key).into())
                    .encrypt(XNonce::from_slice(&n), Payload { msg: &input(len), aad: &aad })
                    .unwrap();
                json!({"nonce": hex(&n), "aad_len": aad_len, "plain_len": len, "sealed_hex": hex(&ct)})
            })
            .collect();
        json!({
            "about": "web seal v1 (web/src/seal.rs); inputs are bytes i % 251; regenerate with SWARMROLL_BLESS_VECTORS=1 cargo test -p swarmroll-web seal",
            "key": hex(&key), "prefix": hex(&prefix), "chunk": CHUNK,
            "file_prefix": {"hash": hex(&[7u8; 32]), "prefix": hex(&file_prefix(&key, &[7u8; 32]))},
            "cases": cases, "xchacha20poly1305": aead,
        })
    }

    #[test]
    fn the_committed_vectors_are_what_this_code_makes() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/web_seal.json");
        let ours = vectors();
        if std::env::var_os("SWARMROLL_BLESS_VECTORS").is_some() {
            std::fs::write(&path, serde_json::to_string_pretty(&ours).unwrap() + "\n").unwrap();
        }
        let committed: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(committed, ours, "the web seal format changed: bless the vectors and change seal.js too");
    }

    #[test]
    fn sealed_messages_open_and_any_change_is_caught() {
        let key = [9u8; 32];
        for len in [0, 5, CHUNK, CHUNK + 1, 2 * CHUNK + 3] {
            let plain = input(len);
            let sealed = seal(&key, &[1; 16], &plain);
            assert_eq!(sealed.len() as u64, sealed_len(len as u64));
            assert_eq!(open(&key, &sealed).unwrap(), plain);
            assert_eq!(open(&[8; 32], &sealed), Err(SealError::Forged), "another key");
            let mut flipped = sealed.clone();
            flipped[sealed.len() / 2] ^= 1;
            assert!(open(&key, &flipped).is_err(), "a flipped byte");
            if len > CHUNK {
                // Cut after the first chunk: it was not sealed as the last one.
                assert_eq!(open(&key, &sealed[..HEAD + CHUNK + TAG]), Err(SealError::Forged), "cut short");
            }
        }
        assert_eq!(open(&key, &[2; 40]), Err(SealError::Malformed));
        assert_eq!(open(&key, &[1; 20]), Err(SealError::Malformed));
    }
}
