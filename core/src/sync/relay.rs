//! Relaying the swarm through a member both sides reach, where they cannot connect.
//!
//! Behind two symmetric NATs punching fails (`sync::punch`), and where the sync
//! connection was punched, punching again for the swarm (`sync::direct`) may still fail
//! (a NAT that keeps the sync port but not a fresh one). The member that
//! introduced them (the **relay**, typically the home node) still reaches both. So when
//! an introduction comes, each side opens a loopback **relay stand-in** for the other
//! and hands it to librqbit as that member's swarm address. When librqbit connects, the
//! node reads the BitTorrent handshake (which post), dials the relay's sync port with
//! `SWRB | version | token` (as a call-back does, `sync::callback`), and sends the relay
//! `Msg::Relay { token, device, info_hash }` over its sync connection. The relay asks
//! the other member to call back (`Msg::CallBack`, a token of its own), and joins the
//! two streams, counting the bytes. Both librqbits see an ordinary peer.
//!
//! The relay is always a member of the channel both are in: it passes them bytes it
//! could fetch itself (ciphertext, for a private channel), so it learns nothing it
//! could not learn as a member. It relays only between members connected to it in the
//! same channel, has quotas (circuits at once, bytes in all), can be turned off
//! ([`RelayConfig`]), and relays only on an unmetered network where nothing holds the
//! node's own originals (a phone on cellular data, or asleep, relays nothing). The log needs no relay: the relay holds it and passes it on
//! (store and forward), as every member does.

use super::callback::{self, Token, WAIT};
use super::state::Msg;
use super::{lock, AbortOnDrop, Inner};
use crate::types::{ChannelId, DeviceId};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// Whether and how much this node relays for members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelayConfig {
    /// Relay for members at all.
    pub enabled: bool,
    /// Most circuits at once.
    pub max_circuits: u64,
    /// Most bytes relayed since the node started (both ways); then it refuses.
    pub max_bytes: u64,
}

impl Default for RelayConfig {
    fn default() -> Self {
        RelayConfig { enabled: true, max_circuits: 16, max_bytes: 16 << 30 }
    }
}

/// What relaying did since the node started, and whether it may now.
#[derive(Debug)]
pub(super) struct RelayStats {
    /// Cleared while the node's policy or network forbid moving originals.
    allowed: AtomicBool,
    circuits: AtomicU64,
    open: AtomicU64,
    refused: AtomicU64,
    bytes: AtomicU64,
    used: AtomicU64,
}

/// A snapshot of what relaying did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelayCounts {
    /// Circuits this node joined for members.
    pub circuits: u64,
    /// Circuits it refused (off, over a quota, a member not connected).
    pub refused: u64,
    /// Bytes it relayed, both ways.
    pub bytes: u64,
    /// Connections of this node's librqbit that went through another member's relay.
    pub used: u64,
}

impl Default for RelayStats {
    fn default() -> Self {
        RelayStats {
            allowed: AtomicBool::new(true),
            circuits: AtomicU64::new(0),
            open: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            used: AtomicU64::new(0),
        }
    }
}

impl RelayStats {
    pub(super) fn allow(&self, allowed: bool) {
        self.allowed.store(allowed, Ordering::Relaxed);
    }

    pub(super) fn counts(&self) -> RelayCounts {
        RelayCounts {
            circuits: self.circuits.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            used: self.used.load(Ordering::Relaxed),
        }
    }
}

/// Most relay stand-ins at once (each is a loopback listener; introductions come from
/// members, but a hostile one could name any number of devices).
const MAX_RELAYED: usize = 32;

/// Relay stand-ins: for each member reached through a relay, the loopback port librqbit
/// dials, and the relay it goes through.
#[derive(Default)]
pub(super) struct Relayed {
    by_member: HashMap<(ChannelId, DeviceId), StandIn>,
}

struct StandIn {
    addr: SocketAddr,
    relay: DeviceId,
    _task: AbortOnDrop,
}

impl Relayed {
    /// The stand-in address of each member of `channel` reached through a relay.
    pub(super) fn addrs(&self, channel: &ChannelId) -> Vec<(DeviceId, SocketAddr)> {
        self.by_member.iter().filter(|((c, _), _)| c == channel).map(|((_, d), s)| (*d, s.addr)).collect()
    }

    /// The relay `relay` is gone for `channel`: so are the stand-ins through it.
    pub(super) fn relay_gone(&mut self, channel: &ChannelId, relay: &DeviceId) {
        self.by_member.retain(|(c, _), s| !(c == channel && s.relay == *relay));
    }

    /// `channel` was left.
    pub(super) fn forget(&mut self, channel: &ChannelId) {
        self.by_member.retain(|(c, _), _| c != channel);
    }
}

/// `relay` introduced `member` to us in `channel`: open a stand-in for `member`'s swarm
/// through it, unless there is one.
pub(super) async fn offer(inner: &Arc<Inner>, channel: ChannelId, relay: DeviceId, member: DeviceId) {
    {
        let relayed = lock(&inner.relayed);
        if member == inner.me || relayed.by_member.len() >= MAX_RELAYED || relayed.by_member.contains_key(&(channel, member)) {
            return;
        }
    }
    let Ok(listener) = TcpListener::bind(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0)).await else { return };
    let Ok(addr) = listener.local_addr() else { return };
    let weak = Arc::downgrade(inner);
    let task = tokio::spawn(async move {
        loop {
            let Ok((local, from)) = listener.accept().await else { return };
            let Some(inner) = weak.upgrade() else { return };
            if !from.ip().is_loopback() {
                continue;
            }
            tokio::spawn(async move {
                if let Err(why) = through(&inner, channel, relay, member, local).await {
                    tracing::debug!(why, "relayed connection not made");
                }
            });
        }
    });
    let stand_in = StandIn { addr, relay, _task: AbortOnDrop(task) };
    lock(&inner.relayed).by_member.entry((channel, member)).or_insert(stand_in);
}

/// librqbit connected to a relay stand-in: open a stream to the relay and ask it to join
/// it to the member.
async fn through(
    inner: &Arc<Inner>,
    channel: ChannelId,
    relay: DeviceId,
    member: DeviceId,
    mut local: TcpStream,
) -> Result<(), &'static str> {
    let (hs, info_hash) = callback::bt_handshake(&mut local).await?;
    if reached_another_way(inner, channel, member) {
        // librqbit has the member's own address, or a call-back stand-in for it, too: a
        // second way in through the relay would only carry a duplicate connection (the
        // lab's easy NATs showed both).
        return Err("reached another way");
    }
    // A member punched through to is dialled directly where its NAT allows.
    let Some(local) = super::direct::join(inner, channel, member, &hs, info_hash, local).await else { return Ok(()) };
    if reached_another_way(inner, channel, member) {
        // While the punch-back was tried (it waits for a punch in progress), a sync
        // connection with the member's own address replaced the punched one (the lab's
        // easy NATs: an ordinary dial often wins).
        return Err("reached another way");
    }
    let state = lock(&inner.conns).get(&(channel, member)).map(|e| (e.punched, e.swarm.is_some()));
    tracing::debug!(?state, "relaying a swarm connection (connected: punched, swarm address)");
    let (to, outbox) = {
        let conns = lock(&inner.conns);
        let e = conns.get(&(channel, relay)).ok_or("the relay is gone")?;
        (e.addr.ok_or("no address for the relay")?, e.outbox.clone())
    };
    let token = callback::token();
    outbox.try_send(Msg::Relay { token, device: member, info_hash }).map_err(|_| "the relay is busy")?;
    let limit = inner.cfg.limits.handshake;
    let mut remote =
        tokio::time::timeout(limit, TcpStream::connect(to)).await.map_err(|_| "timed out")?.map_err(|_| "refused")?;
    remote.write_all(&callback::opening(&token)).await.map_err(|_| "closed")?;
    remote.write_all(&hs).await.map_err(|_| "closed")?;
    inner.relay_stats.used.fetch_add(1, Ordering::Relaxed);
    callback::splice(&inner.callback_stats.bytes, local, remote, u64::MAX).await;
    Ok(())
}

/// Whether `member`'s swarm is reached without a relay: librqbit has an address for it
/// from its sync connection — its own (we dialled it), a call-back stand-in (it dialled
/// us, so it can dial us again) or a rendezvous relay's stand-in. A punched member has
/// none: it is reached by punching back (`sync::direct`), or through the relay.
fn reached_another_way(inner: &Inner, channel: ChannelId, member: DeviceId) -> bool {
    lock(&inner.conns).get(&(channel, member)).is_some_and(|e| e.swarm.is_some())
}

/// Member `from` asks us, its relay in `channel`, to join its stream `token` to member
/// `to`'s swarm for `info_hash`.
pub(super) fn circuit(
    inner: &Arc<Inner>,
    channel: ChannelId,
    from: DeviceId,
    to: DeviceId,
    token: Token,
    info_hash: [u8; 20],
) {
    let cfg = inner.cfg.relay;
    let stats = &inner.relay_stats;
    let target = lock(&inner.conns).get(&(channel, to)).map(|e| e.outbox.clone());
    let over = stats.open.load(Ordering::Relaxed) >= cfg.max_circuits || stats.bytes.load(Ordering::Relaxed) >= cfg.max_bytes;
    let allowed = cfg.enabled && stats.allowed.load(Ordering::Relaxed);
    let Some(target) = target.filter(|_| allowed && !over && from != to) else {
        tracing::debug!(allowed, over, "relay refused");
        stats.refused.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let theirs = callback::token();
    let (tx_from, rx_from) = oneshot::channel();
    let (tx_to, rx_to) = oneshot::channel();
    {
        let mut w = lock(&inner.callbacks);
        w.expect(token, from, tx_from);
        w.expect(theirs, to, tx_to);
    }
    if target.try_send(Msg::CallBack { token: theirs, info_hash }).is_err() {
        lock(&inner.callbacks).forget(&[token, theirs]);
        stats.refused.fetch_add(1, Ordering::Relaxed);
        return;
    }
    stats.open.fetch_add(1, Ordering::Relaxed);
    let inner = Arc::clone(inner);
    tokio::spawn(async move {
        let both = tokio::time::timeout(WAIT, async { (rx_from.await.ok(), rx_to.await.ok()) }).await;
        lock(&inner.callbacks).forget(&[token, theirs]);
        tracing::debug!(joined = matches!(both, Ok((Some(_), Some(_)))), "relay circuit");
        if let Ok((Some(a), Some(b))) = both {
            inner.relay_stats.circuits.fetch_add(1, Ordering::Relaxed);
            callback::splice(&inner.relay_stats.bytes, a, b, inner.cfg.relay.max_bytes).await;
        }
        inner.relay_stats.open.fetch_sub(1, Ordering::Relaxed);
    });
}
