//! A sealed pipe: a plaintext stream (librqbit's connection on loopback) carried over
//! another stream (a circuit through a rendezvous relay, `net::rendezvous`) as
//! ChaCha20-Poly1305 frames, so the relay in between learns nothing of the bytes.
//!
//! The two ends agree a fresh 32-byte key inside the members' own encrypted connection
//! (`sync::rendezvous`) and never reuse it. Each direction has its own key derived from
//! it, and its nonces count up from zero, so no nonce is used twice under one key. A
//! frame is `length (u16, big-endian) | ciphertext with its tag`; a frame that does not
//! open (the relay changed, dropped or replayed bytes) ends the pipe.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// Most plaintext in one frame.
const FRAME: usize = 16 * 1024;
/// The AEAD tag each frame adds.
const TAG: usize = 16;

fn cipher(key: &[u8; 32], direction: &str) -> ChaCha20Poly1305 {
    let k = blake3::derive_key(direction, key);
    ChaCha20Poly1305::new(Key::from_slice(&k))
}

fn nonce(n: u64) -> Nonce {
    let mut raw = [0u8; 12];
    raw[..8].copy_from_slice(&n.to_le_bytes());
    *Nonce::from_slice(&raw)
}

const OPENER: &str = "swarmroll/sealed/v1 from the opener";
const ANSWERER: &str = "swarmroll/sealed/v1 from the answerer";

/// Carries `plain` over `sealed` until either ends; `opener` is true on the end that
/// chose the key. `first` is plaintext already read from `plain` (sent first). Adds the
/// plaintext bytes moved (both ways) to `bytes`.
pub async fn pipe(plain: TcpStream, sealed: TcpStream, key: &[u8; 32], opener: bool, first: &[u8], bytes: &AtomicU64) {
    let _ = plain.set_nodelay(true);
    let _ = sealed.set_nodelay(true);
    let (out_dir, in_dir) = if opener { (OPENER, ANSWERER) } else { (ANSWERER, OPENER) };
    let (mut plain_r, mut plain_w) = plain.into_split();
    let (mut sealed_r, mut sealed_w) = sealed.into_split();
    let up = seal(&mut plain_r, &mut sealed_w, cipher(key, out_dir), first, bytes);
    let down = open(&mut sealed_r, &mut plain_w, cipher(key, in_dir), bytes);
    tokio::select! {
        r = up => if let Err(e) = r { tracing::debug!(error = %e, "sealed pipe: sending ended") },
        r = down => if let Err(e) = r { tracing::debug!(error = %e, "sealed pipe: receiving ended") },
    }
}

async fn seal<R: AsyncRead + Unpin, W: AsyncWrite + Unpin>(
    from: &mut R,
    to: &mut W,
    c: ChaCha20Poly1305,
    first: &[u8],
    bytes: &AtomicU64,
) -> io::Result<()> {
    let mut n = 0u64;
    let mut buf = vec![0u8; FRAME];
    let mut pending = first.to_vec();
    loop {
        if pending.is_empty() {
            let got = from.read(&mut buf).await?;
            if got == 0 {
                return to.shutdown().await;
            }
            pending.extend_from_slice(&buf[..got]);
        }
        for chunk in pending.chunks(FRAME) {
            let ct = c.encrypt(&nonce(n), chunk).map_err(|_| io::Error::other("seal failed"))?;
            n += 1;
            let len = u16::try_from(ct.len()).map_err(|_| io::Error::other("frame too long"))?;
            to.write_all(&len.to_be_bytes()).await?;
            to.write_all(&ct).await?;
            bytes.fetch_add(chunk.len() as u64, Ordering::Relaxed);
        }
        pending.clear();
    }
}

async fn open<R: AsyncRead + Unpin, W: AsyncWrite + Unpin>(
    from: &mut R,
    to: &mut W,
    c: ChaCha20Poly1305,
    bytes: &AtomicU64,
) -> io::Result<()> {
    let mut n = 0u64;
    let mut buf = vec![0u8; FRAME + TAG];
    loop {
        let mut len = [0u8; 2];
        match from.read_exact(&mut len).await {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return to.shutdown().await,
            Err(e) => return Err(e),
        }
        let len = usize::from(u16::from_be_bytes(len));
        if !(TAG..=FRAME + TAG).contains(&len) {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "bad frame length"));
        }
        from.read_exact(&mut buf[..len]).await?;
        let pt = c
            .decrypt(&nonce(n), &buf[..len])
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "a frame that does not open"))?;
        n += 1;
        to.write_all(&pt).await?;
        bytes.fetch_add(pt.len() as u64, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    async fn pair() -> (TcpStream, TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let a = TcpStream::connect(l.local_addr().unwrap()).await.unwrap();
        let (b, _) = l.accept().await.unwrap();
        (a, b)
    }

    /// Two pipes back to back over a "relay" that records what passes: the far end gets
    /// the bytes whole, and the relay never sees them in the clear.
    #[tokio::test]
    async fn bytes_cross_whole_and_the_middle_sees_only_ciphertext() {
        let key = [7u8; 32];
        let (mut app_a, plain_a) = pair().await;
        let (mut app_b, plain_b) = pair().await;
        let (wire_a, mut relay_a) = pair().await;
        let (wire_b, mut relay_b) = pair().await;
        let counted = std::sync::Arc::new(AtomicU64::new(0));
        let (ca, cb) = (counted.clone(), counted.clone());
        tokio::spawn(async move { pipe(plain_a, wire_a, &key, true, b"first ", &ca).await });
        tokio::spawn(async move { pipe(plain_b, wire_b, &key, false, b"", &cb).await });
        let seen = tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                let n = relay_a.read(&mut buf).await.unwrap();
                if n == 0 {
                    return seen;
                }
                seen.extend_from_slice(&buf[..n]);
                relay_b.write_all(&buf[..n]).await.unwrap();
            }
        });
        let secret: Vec<u8> = (0..100_000u32).flat_map(|i| format!("photo byte {i};").into_bytes()).collect();
        let sending = secret.clone();
        tokio::spawn(async move {
            app_a.write_all(&sending).await.unwrap();
            app_a.shutdown().await.unwrap();
        });
        let mut got = Vec::new();
        app_b.read_to_end(&mut got).await.unwrap();
        assert_eq!(&got[..6], b"first ");
        assert!(got[6..] == secret[..], "the bytes arrived changed");
        let seen = seen.await.unwrap();
        assert!(seen.len() > secret.len(), "framing and tags add bytes");
        assert!(!seen.windows(12).any(|w| w == b"photo byte 1"), "plaintext crossed the relay");
    }

    #[tokio::test]
    async fn a_changed_byte_ends_the_pipe() {
        let key = [9u8; 32];
        let (mut app_b, plain_b) = pair().await;
        let (mut wire_a, wire_b) = pair().await;
        let c = AtomicU64::new(0);
        let far = tokio::spawn(async move { pipe(plain_b, wire_b, &key, false, b"", &c).await });
        let mut ct = cipher(&key, OPENER).encrypt(&nonce(0), &b"hello"[..]).unwrap();
        ct[0] ^= 1;
        wire_a.write_all(&u16::try_from(ct.len()).unwrap().to_be_bytes()).await.unwrap();
        wire_a.write_all(&ct).await.unwrap();
        far.await.unwrap();
        let mut got = Vec::new();
        let _ = app_b.read_to_end(&mut got).await;
        assert!(got.is_empty(), "a forged frame was delivered");
    }
}
