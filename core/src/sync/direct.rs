//! Swarm connections straight between members whose sync connection was punched.
//!
//! A punched pair (`sync::punch`) has one direct TCP path: its sync connection, between
//! the two sync ports. librqbit needs connections of its own, and a second one between
//! the same two ports cannot exist. Before this, the pair's photos went through the
//! member that introduced them (`sync::relay`) although they could reach each other.
//!
//! So when librqbit dials a punched member's stand-in, the node first asks that member,
//! over the punched connection, to **punch back** (`Msg::PunchBack`, a one-time token
//! and the post). The member picks a fresh port, names it (`Msg::PunchPort`), and dials
//! our sync port from it, where our NAT already maps (the mapping the sync punch used),
//! while we dial its new port from our sync port, as the sync punch did. Each SYN opens
//! its sender's NAT to the other's: the two sockets meet in a simultaneous open (or the
//! member's SYN reaches our listener), the stream opens with the call-back opening
//! (`SWRB | version | token`, `sync::callback`), and both sides join it to their
//! librqbit, which sees an ordinary peer. librqbit's own handshake and (in a private
//! channel) the ciphertext it carries are the same as on any direct connection.
//!
//! It relies on the member's NAT keeping the port it sends from, as the sync punch did
//! (the introducer saw that one; nobody sees the new one): where that fails within
//! [`TRY_FOR`], or the member's version does not know the message, the connection goes
//! through the relay as before. It is asked only of a member whose sync connection was
//! punched, only to that member's punched address, and bounded ([`MAX_AT_ONCE`]).

use super::callback::{self, Token};
use super::state::Msg;
use super::{lock, punch, Inner};
use crate::types::{ChannelId, DeviceId};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

/// How long the member has to name its port (an older version never does).
const PORT_WAIT: Duration = Duration::from_secs(2);
/// How long both sides dial before the connection goes through the relay instead
/// (librqbit waits 10 s for the other's handshake: the relay still has time).
const TRY_FOR: Duration = Duration::from_secs(4);
/// How long a connection waits for the sync punch its member was just introduced for
/// (librqbit is handed the stand-in at the introduction, before the punch is over; a
/// connection made then would otherwise go through the relay for good). Where the punch
/// fails (both NATs symmetric) this delays the first photo by as much.
const PUNCH_WAIT: Duration = Duration::from_secs(2);
/// How soon after the introduction a sync punch that works has opened: within its first
/// attempt (3.5 s, `sync::punch`) and the handshake. It goes on for 12 s, but later
/// successes are rare, and waiting for them would delay every relayed connection.
const PUNCH_TAKES: Duration = Duration::from_secs(5);
/// How long after a failed punch-back a member's connections go straight to the relay.
const FAILED_FOR: Duration = Duration::from_secs(600);
/// How long one attempt may take: its SYN is resent after 1 s and 3 s.
const ATTEMPT: Duration = Duration::from_millis(3500);
/// The pause after a refused attempt (a reset comes back at once).
const PAUSE: Duration = Duration::from_millis(200);
/// Most punch-backs asked or answered at once.
const MAX_AT_ONCE: usize = 16;

/// Punch-backs under way, and what recent ones said.
#[derive(Default)]
pub(super) struct Direct {
    /// Ours, waiting for the member to name its port, by token.
    asked: HashMap<Token, (DeviceId, oneshot::Sender<u16>)>,
    /// The members', being dialled.
    answering: usize,
    /// When each member was introduced to punch through to.
    introduced: HashMap<(ChannelId, DeviceId), Instant>,
    /// When a punch-back to a member last failed.
    failed: HashMap<(ChannelId, DeviceId), Instant>,
}

impl Direct {
    fn forget_old(&mut self) {
        let now = Instant::now();
        self.introduced.retain(|_, at| now.duration_since(*at) < PUNCH_TAKES);
        self.failed.retain(|_, at| now.duration_since(*at) < FAILED_FOR);
    }
}

/// `member` was introduced to us to punch through to in `channel` (its stand-in given
/// to librqbit at the same time).
pub(super) fn introduced(inner: &Inner, channel: ChannelId, member: DeviceId) {
    let mut d = lock(&inner.direct);
    d.forget_old();
    d.introduced.insert((channel, member), Instant::now());
}

/// The sync punch to `member` failed (or never started): its stand-in's connections wait
/// for it no more.
pub(super) fn punch_over(inner: &Inner, channel: ChannelId, member: DeviceId) {
    lock(&inner.direct).introduced.remove(&(channel, member));
}

/// The punched connection to `member`: its outbox and the member's punched address.
/// Waits a moment for one still being punched.
async fn punched(inner: &Inner, channel: ChannelId, member: DeviceId) -> Option<(mpsc::Sender<Msg>, SocketAddr)> {
    let key = (channel, member);
    let until = Instant::now() + PUNCH_WAIT;
    loop {
        let found = lock(&inner.conns).get(&key).filter(|e| e.punched).and_then(|e| Some((e.outbox.clone(), e.addr?)));
        let waiting = {
            let mut d = lock(&inner.direct);
            d.forget_old();
            if d.failed.contains_key(&key) {
                return None;
            }
            d.introduced.get(&key).is_some_and(|at| at.elapsed() < PUNCH_TAKES)
        };
        if found.is_some() || !waiting || Instant::now() >= until {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// What direct swarm connections did since the node started.
#[derive(Debug, Default)]
pub(super) struct DirectStats {
    asked: AtomicU64,
    opened: AtomicU64,
    bytes: AtomicU64,
}

/// A snapshot of what direct swarm connections to punched members did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirectCounts {
    /// Swarm connections this node asked a punched member to punch back for.
    pub asked: u64,
    /// Swarm connections opened directly to punched members (asked by either side).
    pub opened: u64,
    /// Bytes they carried, both ways.
    pub bytes: u64,
}

impl DirectStats {
    pub(super) fn counts(&self) -> DirectCounts {
        DirectCounts {
            asked: self.asked.load(Ordering::Relaxed),
            opened: self.opened.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        }
    }
}

/// librqbit wants `member`'s swarm for `info_hash` and read its handshake `hs` from
/// `local`: connects the two directly if the member's sync connection was punched.
/// Gives `local` back where no direct connection opened (then it goes through the relay).
pub(super) async fn join(
    inner: &Arc<Inner>,
    channel: ChannelId,
    member: DeviceId,
    hs: &[u8],
    info_hash: [u8; 20],
    local: TcpStream,
) -> Option<TcpStream> {
    let Some(mut remote) = open(inner, channel, member, info_hash).await else { return Some(local) };
    if remote.write_all(hs).await.is_err() {
        return Some(local);
    }
    inner.direct_stats.opened.fetch_add(1, Ordering::Relaxed);
    callback::splice(&inner.direct_stats.bytes, local, remote, u64::MAX).await;
    None
}

/// Asks `member` to punch back, and dials its new port from the sync port until a
/// stream from it opens (either way) or time is up.
async fn open(inner: &Arc<Inner>, channel: ChannelId, member: DeviceId, info_hash: [u8; 20]) -> Option<TcpStream> {
    if !inner.cfg.direct_swarm {
        return None;
    }
    let (outbox, at) = punched(inner, channel, member).await?;
    let token = callback::token();
    let (port_tx, port_rx) = oneshot::channel();
    let (stream_tx, mut stream_rx) = oneshot::channel();
    {
        let mut d = lock(&inner.direct);
        if d.asked.len() >= MAX_AT_ONCE {
            return None;
        }
        d.asked.insert(token, (member, port_tx));
    }
    lock(&inner.callbacks).expect(token, member, stream_tx);
    inner.direct_stats.asked.fetch_add(1, Ordering::Relaxed);
    let opened = async {
        outbox.try_send(Msg::PunchBack { token, info_hash }).ok()?;
        let port = tokio::time::timeout(PORT_WAIT, port_rx).await.ok()?.ok()?;
        meet(inner, token, SocketAddr::new(at.ip(), port), &mut stream_rx).await
    }
    .await;
    {
        let mut d = lock(&inner.direct);
        d.asked.remove(&token);
        if opened.is_none() {
            d.failed.insert((channel, member), Instant::now());
        }
    }
    lock(&inner.callbacks).forget(&[token]);
    tracing::debug!(opened = opened.is_some(), "punch-back");
    opened
}

/// Dials `to` from the sync port, again after each refusal, until a stream opening with
/// `token` opens (ours, or the member's that reached the listener) or time is up.
async fn meet(
    inner: &Inner,
    token: Token,
    to: SocketAddr,
    arrived: &mut oneshot::Receiver<TcpStream>,
) -> Option<TcpStream> {
    let from = SocketAddr::new(inner.local.ip(), inner.local.port());
    let deadline = Instant::now() + TRY_FOR;
    loop {
        let attempt = async {
            let mut s = punch::connect_from(from, to).await.ok()?;
            (callback::read_opening(&mut s, ATTEMPT).await? == token).then_some(s)
        };
        tokio::select! {
            r = tokio::time::timeout_at(deadline, attempt) => match r {
                Ok(Some(s)) => return Some(s),
                Ok(None) => {}
                Err(_) => return None,
            },
            s = &mut *arrived => return s.ok(),
        }
        tokio::select! {
            () = tokio::time::sleep_until(deadline.min(Instant::now() + PAUSE)) => {}
            s = &mut *arrived => return s.ok(),
        }
        if Instant::now() >= deadline {
            return None;
        }
    }
}

/// The member names the port it punches back from, for our request `token`.
pub(super) fn port_named(inner: &Inner, member: DeviceId, token: Token, port: u16) {
    let mut d = lock(&inner.direct);
    if d.asked.get(&token).is_some_and(|(m, _)| *m == member) {
        if let Some((_, tx)) = d.asked.remove(&token) {
            let _ = tx.send(port);
        }
    }
}

/// `member`, punched through to us in `channel`, asks us to punch back for its
/// librqbit: picks a fresh port, dials the member's sync port from it (joining the
/// stream to our librqbit once it opens), and returns the port to name.
pub(super) fn punch_back(inner: &Arc<Inner>, channel: ChannelId, member: DeviceId, token: Token) -> Option<u16> {
    if !inner.cfg.direct_swarm {
        return None;
    }
    let swarm = inner.swarm_local()?;
    let to = lock(&inner.conns).get(&(channel, member)).filter(|e| e.punched).and_then(|e| e.addr)?;
    let from = fresh_port(SocketAddr::new(inner.local.ip(), 0))?;
    {
        let mut d = lock(&inner.direct);
        if d.answering >= MAX_AT_ONCE {
            return None;
        }
        d.answering += 1;
    }
    let inner = Arc::clone(inner);
    tokio::spawn(async move {
        let deadline = Instant::now() + TRY_FOR;
        let opened = tokio::time::timeout_at(deadline, async {
            loop {
                if let Ok(Ok(mut s)) = tokio::time::timeout(ATTEMPT, punch::connect_from(from, to)).await {
                    if s.write_all(&callback::opening(&token)).await.is_ok() {
                        return Some(s);
                    }
                }
                tokio::time::sleep(PAUSE).await;
            }
        })
        .await
        .ok()
        .flatten();
        lock(&inner.direct).answering -= 1;
        let Some(remote) = opened else { return };
        let limit = inner.cfg.limits.handshake;
        if let Ok(Ok(local)) = tokio::time::timeout(limit, TcpStream::connect(swarm)).await {
            inner.direct_stats.opened.fetch_add(1, Ordering::Relaxed);
            callback::splice(&inner.direct_stats.bytes, local, remote, u64::MAX).await;
        }
    });
    Some(from.port())
}

/// An address on `at`'s interface with a port nobody holds.
fn fresh_port(at: SocketAddr) -> Option<SocketAddr> {
    let probe = std::net::TcpListener::bind(at).ok()?;
    probe.local_addr().ok()
}
