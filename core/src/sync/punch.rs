//! Direct connections between members behind NATs: TCP hole punching, introduced by a
//! member both can reach.
//!
//! Two phones behind home routers can each dial a home node, but not each other: a SYN
//! arriving at a router from an address nothing behind it has sent to is dropped. Yet a
//! router lets in what looks like the answer to something sent out. So a member both
//! reach (the **introducer**) sends each of them, inside their encrypted sync
//! connections, `Msg::Punch` with one token and the other's sync address as it sees it;
//! both then dial each other at once, **from their own sync port** (bound with
//! `SO_REUSEPORT` beside the listener, so that a port-preserving NAT maps it to the
//! address the introducer told). Each SYN leaves in its sender's NAT the mapping the
//! other's SYN matches: the two sockets meet in a TCP simultaneous open (or one SYN
//! reaches the other's listener). On every stream so made each side first sends
//! `SWRP | version | token`, so a stream is only used for the punch it belongs to; then
//! the usual Noise handshake runs: the side told to lead dials on the first stream that
//! opened, the other answers every stream that opened (only the leader's goes on).
//! Nothing is learnt that a member could not learn anyway; a stranger that guessed the
//! address sees a token it cannot use and an ordinary handshake.
//!
//! This works wherever NATs keep the port a device sends from (endpoint-independent
//! mapping: port-preserving home routers, and carrier NATs in front of them), whatever
//! their filtering, over TCP alone (UDP-blocking networks), measured in the NAT lab
//! (`scripts/nat-lab.sh`). It cannot work when both NATs pick a new port per destination
//! (symmetric): then the members' logs and photos go through the members both reach.
//! Nor through a NAT that answers an unsolicited SYN with an immediate reset (RFC 5382
//! REQ-4 asks it not to): the reset closes the other side's mapping, and Linux
//! conntrack then refuses the matching SYN for 10 s (the lab showed it: 0 of 5). Opening
//! the mapping with a low-TTL SYN that dies before the other NAT does not help either:
//! the ICMP "time exceeded" kills the socket in SYN_SENT, and the listener's answer
//! then carries a sequence number conntrack finds out of window.

use super::{lock, Inner};
use crate::types::{ChannelId, DeviceId};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::mpsc;

/// The opening of a punched stream (a sync connection opens with `SWRL`).
pub(super) const MAGIC: &[u8; 4] = b"SWRP";
/// The punch format version.
const VERSION: u8 = 1;
/// Bytes of a punch token.
pub(super) const TOKEN_LEN: usize = 16;
/// How long a punch goes on.
const TRY_FOR: Duration = Duration::from_secs(12);
/// How long one attempt may take: its SYN is resent after 1 s and 3 s.
const ATTEMPT: Duration = Duration::from_millis(3500);
/// The pause after a refused attempt (a reset comes back at once).
const PAUSE: Duration = Duration::from_millis(250);
/// Most punches under way at once (a member could otherwise make us dial anywhere).
const MAX_PUNCHING: usize = 8;

/// A punch token.
pub(super) type Token = [u8; TOKEN_LEN];

/// Punches under way, by token: where their streams that arrived on the listener go.
#[derive(Default)]
pub(super) struct Punching {
    by_token: HashMap<Token, mpsc::Sender<TcpStream>>,
}

/// What punching did since the node started.
#[derive(Debug, Default)]
pub(super) struct PunchStats {
    introduced: AtomicU64,
    tried: AtomicU64,
    opened: AtomicU64,
}

/// A snapshot of what punching did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PunchCounts {
    /// Pairs of members this node introduced to each other to punch.
    pub introduced: u64,
    /// Punches this node took part in.
    pub tried: u64,
    /// Punches that opened a stream.
    pub opened: u64,
}

impl PunchStats {
    pub(super) fn counts(&self) -> PunchCounts {
        PunchCounts {
            introduced: self.introduced.load(Ordering::Relaxed),
            tried: self.tried.load(Ordering::Relaxed),
            opened: self.opened.load(Ordering::Relaxed),
        }
    }

    pub(super) fn introduced(&self) {
        self.introduced.fetch_add(1, Ordering::Relaxed);
    }
}

fn greeting(token: &Token) -> Vec<u8> {
    let mut head = Vec::with_capacity(MAGIC.len() + 1 + TOKEN_LEN);
    head.extend_from_slice(MAGIC);
    head.push(VERSION);
    head.extend_from_slice(token);
    head
}

/// Reads a greeting; its token when it is one.
async fn read_greeting(stream: &mut TcpStream, limit: Duration) -> Option<Token> {
    super::callback::read_head(stream, MAGIC, VERSION, limit).await
}

/// An introducer asks us to punch through to the member at `to` for `channel`.
pub(super) fn start(inner: &Arc<Inner>, channel: ChannelId, member: DeviceId, token: Token, to: SocketAddr, lead: bool) {
    if inner.cfg.reverse == super::Reverse::Off || to.port() == 0 || to.ip().is_unspecified() {
        super::direct::punch_over(inner, channel, member);
        return;
    }
    if inner.is_penalised(to.ip()) || inner.connected_to(&channel, &to) {
        super::direct::punch_over(inner, channel, member);
        return;
    }
    let (tx, mut rx) = mpsc::channel(4);
    {
        let mut p = lock(&inner.punching);
        if p.by_token.len() >= MAX_PUNCHING || p.by_token.contains_key(&token) {
            drop(p);
            super::direct::punch_over(inner, channel, member);
            return;
        }
        p.by_token.insert(token, tx);
    }
    inner.punch_stats.tried.fetch_add(1, Ordering::Relaxed);
    tracing::debug!(lead, "punching");
    let inner = Arc::clone(inner);
    tokio::spawn(async move {
        let first = punch_through(&inner, token, to, &mut rx).await;
        tracing::debug!(opened = first.is_some(), "punch over");
        if first.is_none() {
            super::direct::punch_over(&inner, channel, member);
        }
        if lead {
            // The leader goes on with the first stream that opened; any later one is
            // closed unread when the token goes.
            lock(&inner.punching).by_token.remove(&token);
            if let Some(stream) = first {
                inner.punch_stats.opened.fetch_add(1, Ordering::Relaxed);
                super::conn::punched(&inner, channel, stream, to, true).await;
            }
            return;
        }
        // The other side answers every stream that opened: only the leader's carries a
        // handshake, the rest end when the leader drops them.
        let Some(stream) = first else {
            lock(&inner.punching).by_token.remove(&token);
            return;
        };
        inner.punch_stats.opened.fetch_add(1, Ordering::Relaxed);
        let rest = tokio::spawn({
            let inner = Arc::clone(&inner);
            async move {
                let _ = tokio::time::timeout(ATTEMPT, async {
                    while let Some(s) = rx.recv().await {
                        tokio::spawn(answer(Arc::clone(&inner), channel, s, to));
                    }
                })
                .await;
                lock(&inner.punching).by_token.remove(&token);
            }
        });
        super::conn::punched(&inner, channel, stream, to, false).await;
        let _ = rest.await;
    });
}

async fn answer(inner: Arc<Inner>, channel: ChannelId, stream: TcpStream, to: SocketAddr) {
    super::conn::punched(&inner, channel, stream, to, false).await;
}

/// Dials `to` from the sync port, again after each refusal, until a stream opens (ours,
/// or one of the other side's that arrived on the listener) or time is up.
///
/// Each SYN leaves in our NAT the mapping the other side's SYN matches; whichever side's
/// SYN crosses a NAT that already holds the other's passes, and the two sockets meet in
/// a simultaneous open (or at the listener). A NAT that drops an unsolicited SYN (as RFC
/// 5382 REQ-4 asks, and home routers' firewalls do) costs nothing: the kernel resends
/// the SYN after 1 s and 3 s on the same socket, so one attempt lasts long. A NAT that
/// answers it with an immediate reset ends the attempt; the next one follows shortly.
async fn punch_through(
    inner: &Inner,
    token: Token,
    to: SocketAddr,
    arrived: &mut mpsc::Receiver<TcpStream>,
) -> Option<TcpStream> {
    let start = tokio::time::Instant::now();
    let from = SocketAddr::new(inner.local.ip(), inner.local.port());
    while start.elapsed() < TRY_FOR {
        let attempt = async {
            let mut s = connect_from(from, to)
                .await
                .map_err(|e| tracing::trace!(error = %e, "punch attempt"))
                .ok()?;
            s.write_all(&greeting(&token)).await.ok()?;
            (read_greeting(&mut s, ATTEMPT).await? == token).then_some(s)
        };
        tokio::select! {
            r = tokio::time::timeout(ATTEMPT, attempt) => {
                if let Ok(Some(s)) = r {
                    return Some(s);
                }
            }
            s = arrived.recv() => return s,
        }
        tokio::select! {
            () = tokio::time::sleep(PAUSE) => {}
            s = arrived.recv() => return s,
        }
    }
    None
}

/// A TCP connection to `to` from `from`, the port the listener holds too.
pub(super) async fn connect_from(from: SocketAddr, to: SocketAddr) -> std::io::Result<TcpStream> {
    if from.is_ipv4() != to.is_ipv4() {
        return Err(std::io::ErrorKind::AddrNotAvailable.into());
    }
    let socket = if to.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.set_reuseport(true)?;
    socket.bind(from)?;
    socket.connect(to).await
}

/// A stream that opened with [`MAGIC`] arrived on the sync port: hands it to the punch
/// of its token (after greeting back), or drops it.
pub(super) async fn arrived(inner: &Arc<Inner>, mut stream: TcpStream) {
    let Some(token) = read_greeting(&mut stream, inner.cfg.limits.handshake).await else { return };
    let Some(tx) = lock(&inner.punching).by_token.get(&token).cloned() else { return };
    if stream.write_all(&greeting(&token)).await.is_ok() {
        let _ = tx.send(stream).await;
    }
}

/// The listener for the sync port: it shares the port with the sockets punches dial
/// from (`SO_REUSEPORT`), but never with another process — a plain bind first fails if
/// anyone holds the port.
///
/// # Errors
/// The bind's.
pub(super) fn listen(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let probe = std::net::TcpListener::bind(addr)?;
    let addr = probe.local_addr()?;
    drop(probe);
    let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.set_reuseport(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}
