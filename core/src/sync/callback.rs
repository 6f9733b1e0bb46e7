//! Reverse connections for the swarm: a member who cannot be dialled calls back.
//!
//! Over the internet a phone sits behind a NAT: it can dial a home node, but nothing can
//! dial it, and librqbit only ever connects out to the peers it is given — a seed never
//! does. So a home node fetching a phone's photo would wait forever, and nothing of the
//! photo would reach anyone (the NAT lab showed it: 0 of 3 behind any NAT but a full
//! cone). Every librqbit can still be reached on its own loopback, and every member
//! keeps its sync connection to whoever it dialled. So for a member that dialled us from
//! beyond the local network, the node opens a **stand-in**: a loopback port handed to
//! librqbit as that member's swarm address. When librqbit connects to it, the node reads
//! the BitTorrent handshake (to learn which post), asks the member over the sync
//! connection to call back (`Msg::CallBack`, with a one-time token), and the member
//! opens a TCP connection to our sync port — outgoing, so its NAT lets it through —
//! that starts with `SWRB | version | token` and then carries the swarm's bytes to and
//! from the member's own librqbit. Both engines see an ordinary peer; the path is still
//! direct (no third node), only dialled the other way round. Nothing new is learnt by
//! either side: the bytes are the swarm's own (ciphertext for a private channel), the
//! token travels inside the encrypted sync connection, and a stream with an unknown
//! token is closed unread.

use super::state::Msg;
use super::{lock, AbortOnDrop, Inner};
use crate::types::DeviceId;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};

/// The opening of a call-back stream (a sync connection opens with `SWRL`).
pub(super) const MAGIC: &[u8; 4] = b"SWRB";
/// The call-back format version.
const VERSION: u8 = 1;
/// Bytes of a call-back token.
pub(super) const TOKEN_LEN: usize = 16;
/// A BitTorrent handshake: length, "BitTorrent protocol", reserved, info hash, peer id.
const BT_HANDSHAKE: usize = 68;
const BT_PROTOCOL: &[u8; 20] = b"\x13BitTorrent protocol";
/// How long a member has to call back, and librqbit to say which post it wants.
pub(super) const WAIT: Duration = Duration::from_secs(10);
/// Most call-backs waiting for one member, and most a member makes at once for others.
const MAX_WAITING: usize = 16;
/// Most call-backs this node makes at once.
const MAX_CALLING: usize = 32;

/// A call-back token.
pub(super) type Token = [u8; TOKEN_LEN];

/// What reverse connections did since the node started.
#[derive(Debug, Default)]
pub struct CallbackStats {
    asked: AtomicU64,
    answered: AtomicU64,
    made: AtomicU64,
    pub(super) bytes: AtomicU64,
}

/// A snapshot of [`CallbackStats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallbackCounts {
    /// Members asked to call back (librqbit wanted a post from them).
    pub asked: u64,
    /// Call-backs that arrived and were joined to librqbit.
    pub answered: u64,
    /// Call-backs this node made for members that could not dial it.
    pub made: u64,
    /// Swarm bytes that went through call-back streams, both ways.
    pub bytes: u64,
}

impl CallbackStats {
    pub(super) fn counts(&self) -> CallbackCounts {
        CallbackCounts {
            asked: self.asked.load(Ordering::Relaxed),
            answered: self.answered.load(Ordering::Relaxed),
            made: self.made.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        }
    }
}

/// Call-backs waiting for their stream, by token.
#[derive(Default)]
pub(super) struct Waiting {
    by_token: HashMap<Token, (DeviceId, oneshot::Sender<TcpStream>)>,
    calling: usize,
    /// Streams with a token not known yet (a relay's member may dial before its
    /// request arrives on the other connection), waiting a moment.
    early: usize,
}

impl Waiting {
    /// Expects a stream from `member` opening with `token`.
    pub(super) fn expect(&mut self, token: Token, member: DeviceId, tx: oneshot::Sender<TcpStream>) {
        self.by_token.insert(token, (member, tx));
    }

    /// No longer expects these tokens.
    pub(super) fn forget(&mut self, tokens: &[Token]) {
        for t in tokens {
            self.by_token.remove(t);
        }
    }
}

/// Most streams with a token not known yet, at once.
const MAX_EARLY: usize = 32;
/// How long such a stream waits for its token.
const EARLY_WAIT: Duration = Duration::from_secs(2);

/// A fresh token.
pub(super) fn token() -> Token {
    let mut t: Token = [0; TOKEN_LEN];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut t);
    t
}

/// What a call-back stream opens with.
pub(super) fn opening(token: &Token) -> Vec<u8> {
    let mut head = Vec::with_capacity(MAGIC.len() + 1 + TOKEN_LEN);
    head.extend_from_slice(MAGIC);
    head.push(VERSION);
    head.extend_from_slice(token);
    head
}

/// Whether a member at `ip` that dialled us gets a stand-in: beyond the local network
/// (or always, when configured so). On a LAN both sides can dial each other.
pub(super) fn wanted(mode: super::Reverse, ip: IpAddr) -> bool {
    match mode {
        super::Reverse::Off => false,
        super::Reverse::Always => true,
        super::Reverse::BeyondLan => !is_local(ip),
    }
}

fn is_local(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private() || v4.is_loopback() || v4.is_link_local() || v4.is_unspecified()
                // 100.64.0.0/10: the carrier's side of a CGN, never this device's peer.
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => {
            let s = v6.segments()[0];
            v6.is_loopback() || v6.is_unspecified() || (s & 0xfe00) == 0xfc00 || (s & 0xffc0) == 0xfe80
        }
    }
}

/// A loopback port standing in for one member's swarm; closed when dropped.
pub(super) struct StandIn {
    pub(super) addr: SocketAddr,
    _task: AbortOnDrop,
}

/// Opens a stand-in for `peer`, whose sync connection takes messages on `outbox`.
pub(super) async fn stand_in(inner: &Arc<Inner>, peer: DeviceId, outbox: mpsc::Sender<Msg>) -> Option<StandIn> {
    let inner = Arc::clone(inner);
    open_stand_in(move |local| {
        let (inner, outbox) = (Arc::clone(&inner), outbox.clone());
        async move { join_through(&inner, peer, &outbox, local).await }
    })
    .await
}

/// Opens a loopback stand-in whose every connection from librqbit goes to `serve`.
pub(super) async fn open_stand_in<F, Fut>(serve: F) -> Option<StandIn>
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<(), &'static str>> + Send + 'static,
{
    let listener = TcpListener::bind(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0)).await.ok()?;
    let addr = listener.local_addr().ok()?;
    let task = tokio::spawn(async move {
        loop {
            let Ok((local, from)) = listener.accept().await else { return };
            if !from.ip().is_loopback() {
                continue;
            }
            let serving = serve(local);
            tokio::spawn(async move {
                if let Err(why) = serving.await {
                    tracing::debug!(why, "stand-in connection not joined");
                }
            });
        }
    });
    Some(StandIn { addr, _task: AbortOnDrop(task) })
}

/// Reads the BitTorrent handshake librqbit opens a connection with; it and the info hash
/// (which post it wants).
pub(super) async fn bt_handshake(local: &mut TcpStream) -> Result<([u8; BT_HANDSHAKE], [u8; 20]), &'static str> {
    let mut hs = [0u8; BT_HANDSHAKE];
    tokio::time::timeout(WAIT, local.read_exact(&mut hs)).await.map_err(|_| "no handshake")?.map_err(|_| "closed")?;
    if &hs[..20] != BT_PROTOCOL {
        return Err("not a BitTorrent handshake");
    }
    let mut info_hash = [0u8; 20];
    info_hash.copy_from_slice(&hs[28..48]);
    Ok((hs, info_hash))
}

/// librqbit connected to a stand-in: ask the member to call back, then join the two.
async fn join_through(
    inner: &Arc<Inner>,
    peer: DeviceId,
    outbox: &mpsc::Sender<Msg>,
    mut local: TcpStream,
) -> Result<(), &'static str> {
    let (hs, info_hash) = bt_handshake(&mut local).await?;
    let mut remote = ask(inner, peer, outbox, |token| Msg::CallBack { token, info_hash }).await?;
    remote.write_all(&hs).await.map_err(|_| "closed")?;
    splice(&inner.callback_stats.bytes, local, remote, u64::MAX).await;
    Ok(())
}

/// Asks `peer` (with the message `asking` makes of a fresh token) for a stream that
/// opens with that token, and waits for it.
pub(super) async fn ask(
    inner: &Arc<Inner>,
    peer: DeviceId,
    outbox: &mpsc::Sender<Msg>,
    asking: impl FnOnce(Token) -> Msg,
) -> Result<TcpStream, &'static str> {
    let token = token();
    let (tx, rx) = oneshot::channel();
    {
        let mut w = lock(&inner.callbacks);
        if w.by_token.values().filter(|(d, _)| *d == peer).count() >= MAX_WAITING {
            return Err("too many call-backs waiting");
        }
        w.by_token.insert(token, (peer, tx));
    }
    inner.callback_stats.asked.fetch_add(1, Ordering::Relaxed);
    let asked = outbox.try_send(asking(token)).is_ok();
    let remote = if asked { tokio::time::timeout(WAIT, rx).await.ok().and_then(Result::ok) } else { None };
    lock(&inner.callbacks).by_token.remove(&token);
    let remote = remote.ok_or("the member did not call back")?;
    inner.callback_stats.answered.fetch_add(1, Ordering::Relaxed);
    Ok(remote)
}

/// A stream that opened with [`MAGIC`] arrived on the sync port: hands it to the
/// call-back waiting for its token, or drops it.
pub(super) async fn arrived(inner: &Arc<Inner>, mut stream: TcpStream) {
    let Some(token) = read_opening(&mut stream, inner.cfg.limits.handshake).await else { return };
    let mut waiting = lock(&inner.callbacks).by_token.remove(&token);
    if waiting.is_none() {
        // Perhaps a relay's member, whose request is still on its way: wait a moment.
        {
            let mut w = lock(&inner.callbacks);
            if w.early >= MAX_EARLY {
                return;
            }
            w.early += 1;
        }
        let deadline = tokio::time::Instant::now() + EARLY_WAIT;
        while waiting.is_none() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
            waiting = lock(&inner.callbacks).by_token.remove(&token);
        }
        lock(&inner.callbacks).early -= 1;
    }
    if let Some((_, tx)) = waiting {
        let _ = tx.send(stream);
    }
}

/// Reads the opening of a call-back stream; its token when it is one.
pub(super) async fn read_opening(stream: &mut TcpStream, limit: Duration) -> Option<Token> {
    read_head(stream, MAGIC, VERSION, limit).await
}

/// Reads `magic | version | token` (a call-back's or a punch's opening); the token when
/// the rest matches.
pub(super) async fn read_head(stream: &mut TcpStream, magic: &[u8; 4], version: u8, limit: Duration) -> Option<Token> {
    let mut head = [0u8; 4 + 1 + TOKEN_LEN];
    tokio::time::timeout(limit, stream.read_exact(&mut head)).await.ok()?.ok()?;
    if &head[..magic.len()] != magic || head[magic.len()] != version {
        return None;
    }
    let mut token: Token = [0; TOKEN_LEN];
    token.copy_from_slice(&head[magic.len() + 1..]);
    Some(token)
}

/// The member at `to` (whose sync port we dialled) asks us to call back with `token`:
/// dial it and join the stream to our own librqbit.
pub(super) fn call_back(inner: &Arc<Inner>, to: SocketAddr, token: Token) {
    let Some(swarm) = inner.swarm_local() else { return };
    {
        let mut w = lock(&inner.callbacks);
        if w.calling >= MAX_CALLING {
            return;
        }
        w.calling += 1;
    }
    let inner = Arc::clone(inner);
    tokio::spawn(async move {
        let limit = inner.cfg.limits.handshake;
        let dialled = async {
            let mut remote = tokio::time::timeout(limit, TcpStream::connect(to)).await.ok()?.ok()?;
            remote.write_all(&opening(&token)).await.ok()?;
            let local = tokio::time::timeout(limit, TcpStream::connect(swarm)).await.ok()?.ok()?;
            Some((local, remote))
        };
        if let Some((local, remote)) = dialled.await {
            inner.callback_stats.made.fetch_add(1, Ordering::Relaxed);
            splice(&inner.callback_stats.bytes, local, remote, u64::MAX).await;
        }
        lock(&inner.callbacks).calling -= 1;
    });
}

/// Copies both ways until both sides are done, adding the bytes to `bytes` as they
/// pass; ends once `bytes` passes `limit`.
pub(super) async fn splice(bytes: &AtomicU64, a: TcpStream, b: TcpStream, limit: u64) {
    if let Err(e) = crate::net::splice::splice(a, b, bytes, limit).await {
        tracing::debug!(error = %e, "a spliced stream ended");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stand_ins_only_beyond_the_local_network() {
        let lan: [IpAddr; 6] = [
            "192.168.1.20".parse().unwrap(),
            "10.0.0.2".parse().unwrap(),
            "172.20.1.1".parse().unwrap(),
            "127.0.0.1".parse().unwrap(),
            "100.64.0.2".parse().unwrap(),
            "fe80::1".parse().unwrap(),
        ];
        for ip in lan {
            assert!(!wanted(super::super::Reverse::BeyondLan, ip), "{ip}");
            assert!(wanted(super::super::Reverse::Always, ip), "{ip}");
        }
        for ip in ["203.0.113.6", "198.51.100.10", "2001:db8::1", "100.128.0.1"] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(wanted(super::super::Reverse::BeyondLan, ip), "{ip}");
            assert!(!wanted(super::super::Reverse::Off, ip), "{ip}");
        }
    }
}
