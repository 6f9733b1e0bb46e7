//! Joining two streams: what relays of every kind do (a call-back, a member relaying
//! for two others, a rendezvous relay). The bytes are counted as they pass, not when
//! the circuit ends, so a status shows a long transfer moving and a byte quota stops a
//! circuit in its middle rather than after it.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;

/// Bytes moved per read.
const CHUNK: usize = 64 * 1024;

/// Copies both ways until both sides are done or one fails, adding every byte to
/// `bytes`; ends the circuit once `bytes` passes `limit` (`u64::MAX`: no limit). Each
/// side's end of input is passed on (half-close), as TCP peers expect.
///
/// # Errors
/// Either stream failed, or the limit was reached (`ErrorKind::QuotaExceeded`).
pub async fn splice(a: TcpStream, b: TcpStream, bytes: &AtomicU64, limit: u64) -> io::Result<()> {
    let _ = a.set_nodelay(true);
    let _ = b.set_nodelay(true);
    let (ar, aw) = a.into_split();
    let (br, bw) = b.into_split();
    tokio::try_join!(pump(ar, bw, bytes, limit), pump(br, aw, bytes, limit)).map(|_| ())
}

async fn pump(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, bytes: &AtomicU64, limit: u64) -> io::Result<()> {
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = from.read(&mut buf).await?;
        if n == 0 {
            return to.shutdown().await;
        }
        let before = bytes.fetch_add(n as u64, Ordering::Relaxed);
        if before.saturating_add(n as u64) > limit {
            return Err(io::Error::new(io::ErrorKind::QuotaExceeded, "the relay's byte quota is used up"));
        }
        to.write_all(&buf[..n]).await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    /// A connected pair of streams on loopback.
    async fn pair() -> (TcpStream, TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let a = TcpStream::connect(l.local_addr().unwrap()).await.unwrap();
        (a, l.accept().await.unwrap().0)
    }

    #[tokio::test]
    async fn bytes_cross_both_ways_and_are_counted_as_they_pass() {
        let ((mut x, left), (right, mut y)) = (pair().await, pair().await);
        let bytes = std::sync::Arc::new(AtomicU64::new(0));
        let counter = std::sync::Arc::clone(&bytes);
        let joined = tokio::spawn(async move { splice(left, right, &counter, u64::MAX).await });
        x.write_all(&[7u8; 300_000]).await.unwrap();
        let mut got = vec![0u8; 300_000];
        y.read_exact(&mut got).await.unwrap();
        assert!(got.iter().all(|b| *b == 7));
        // Counted while the circuit is still open.
        assert!(bytes.load(Ordering::Relaxed) >= 300_000);
        y.write_all(b"back").await.unwrap();
        let mut back = [0u8; 4];
        x.read_exact(&mut back).await.unwrap();
        assert_eq!(&back, b"back");
        // One side's end reaches the other, and the splice ends when both are done.
        drop(x);
        assert_eq!(y.read(&mut back).await.unwrap(), 0);
        drop(y);
        joined.await.unwrap().unwrap();
        assert_eq!(bytes.load(Ordering::Relaxed), 300_004);
    }

    #[tokio::test]
    async fn a_circuit_ends_in_its_middle_once_the_quota_is_used_up() {
        let ((mut x, left), (right, mut y)) = (pair().await, pair().await);
        let bytes = std::sync::Arc::new(AtomicU64::new(0));
        let counter = std::sync::Arc::clone(&bytes);
        let joined = tokio::spawn(async move { splice(left, right, &counter, 1_000_000).await });
        let writer = tokio::spawn(async move {
            let chunk = vec![1u8; 64 * 1024];
            for _ in 0..100 {
                if x.write_all(&chunk).await.is_err() {
                    return;
                }
            }
        });
        let mut got = Vec::new();
        let _ = y.read_to_end(&mut got).await;
        let err = joined.await.unwrap().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::QuotaExceeded);
        assert!(got.len() <= 1_000_000 && got.len() >= 1_000_000 - CHUNK, "{} bytes passed", got.len());
        writer.abort();
    }
}
