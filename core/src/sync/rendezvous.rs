//! Members meeting through a rendezvous relay a user configures (`net::rendezvous`),
//! where nothing else works: two phones behind carrier NATs after the party, with no
//! home node among the members to introduce or relay them (`sync::punch`,
//! `sync::relay`).
//!
//! For each configured relay and each channel, the node **waits** at the relay under
//! the channel's rendezvous tag (derived from the channel's access secret, like the DHT
//! key, so only members can compute it and it names nothing). When the relay says
//! another waiter is there, the waiter with the smaller id opens a circuit to it and
//! the two run the ordinary sync handshake inside: a stranger under the tag (the relay
//! itself) fails it, as anyone without the channel secret does. A circuit to a member
//! already connected otherwise is closed after the handshake (a direct path wins), and
//! opened again later if that path ends.
//!
//! The swarm follows the connection: librqbit gets a loopback stand-in for the member;
//! when it connects, the node sends the member a fresh token and key inside the sync
//! connection (`Msg::Circuit`), the member opens a circuit to us through the same
//! relay that starts with the token, and both ends carry librqbit's bytes sealed with
//! the key (`net::sealed`). The relay carries ciphertext both ways and learns neither
//! the channel, nor the devices, nor the posts.

use super::callback::{self, Token};
use super::state::Msg;
use super::{conn, lock, AbortOnDrop, Inner};
use crate::net::rendezvous::{self as wire, Notice, Tag};
use crate::net::{sealed, ChannelAccess};
use crate::types::{ChannelId, DeviceId};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// How often the channels waited for are checked against the node's channels.
const RECHECK: Duration = Duration::from_secs(5);
/// After a waiting stream fails, the first and the longest wait before trying again.
const BACKOFF: (Duration, Duration) = (Duration::from_secs(1), Duration::from_secs(60));
/// A waiting stream that hears nothing (not even a keep-alive) this long is dead.
const SILENCE: Duration = Duration::from_secs(3 * wire::KEEPALIVE.as_secs());
/// Before opening a circuit again to a member still waiting: after it ended, and after
/// it was closed because another path to the member exists.
const AGAIN: Duration = Duration::from_secs(5);
const AGAIN_CONNECTED: Duration = Duration::from_secs(30);
/// Swarm circuits members may have this node open at once: each costs a relay
/// connection, and a member asking for more than librqbit would ever use is hostile.
const MAX_ASKED: u64 = 32;

/// The tag members of a channel wait under at a rendezvous relay.
pub fn tag(access_secret: &[u8; 32]) -> Tag {
    blake3::derive_key("swarmroll/rendezvous/v1", access_secret)
}

/// Where a member is reached through a relay: the relay, and the two waiters' ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Via {
    pub(super) relay: SocketAddr,
    tag: Tag,
    mine: u64,
    theirs: u64,
}

/// Members connected through a relay, by channel and device.
#[derive(Default)]
pub(super) struct Routes {
    by_member: HashMap<(ChannelId, DeviceId), Via>,
}

/// What rendezvous relays did for this node since it started.
#[derive(Debug, Default)]
pub(super) struct RendezvousStats {
    waiting: AtomicU64,
    connections: AtomicU64,
    swarm: AtomicU64,
    bytes: AtomicU64,
    /// Swarm circuits members asked for that are open now.
    asked: AtomicU64,
}

/// A snapshot of what rendezvous relays did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RendezvousCounts {
    /// Channels waiting at a relay now (one per channel and relay).
    pub waiting: u64,
    /// Sync connections made through a relay.
    pub connections: u64,
    /// Swarm connections made through a relay (sealed).
    pub swarm: u64,
    /// Swarm bytes carried through relays, both ways (before sealing).
    pub bytes: u64,
}

impl RendezvousStats {
    pub(super) fn connected(&self) {
        self.connections.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn counts(&self) -> RendezvousCounts {
        RendezvousCounts {
            waiting: self.waiting.load(Ordering::Relaxed),
            connections: self.connections.load(Ordering::Relaxed),
            swarm: self.swarm.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        }
    }
}

/// Keeps one waiter per channel at `relay` until aborted.
pub(super) async fn serve(inner: Arc<Inner>, relay: SocketAddr) {
    let mut waiters: HashMap<ChannelId, AbortOnDrop> = HashMap::new();
    loop {
        if let Ok(all) = conn::accesses(&inner).await {
            waiters.retain(|ch, _| all.iter().any(|a| a.channel == *ch));
            for access in all {
                waiters.entry(access.channel).or_insert_with(|| {
                    AbortOnDrop(tokio::spawn(keep_waiting(Arc::clone(&inner), relay, access)))
                });
            }
        }
        tokio::time::sleep(RECHECK).await;
    }
}

/// Waits at `relay` for `access`'s channel, again after each failure.
async fn keep_waiting(inner: Arc<Inner>, relay: SocketAddr, access: ChannelAccess) {
    let mut backoff = BACKOFF.0;
    loop {
        let began = tokio::time::Instant::now();
        let why = wait_once(&inner, relay, &access).await;
        tracing::debug!(error = %why, "rendezvous waiter ended");
        if began.elapsed() > BACKOFF.1 {
            backoff = BACKOFF.0;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(BACKOFF.1);
    }
}

async fn wait_once(inner: &Arc<Inner>, relay: SocketAddr, access: &ChannelAccess) -> std::io::Error {
    let tag = tag(&access.secret);
    let limit = inner.cfg.limits.handshake;
    let opened = async {
        let mut s = TcpStream::connect(relay).await?;
        let id = wire::wait(&mut s, &tag).await?;
        Ok::<_, std::io::Error>((s, id))
    };
    let (mut stream, mine) = match tokio::time::timeout(limit, opened).await {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return e,
        Err(_) => return std::io::ErrorKind::TimedOut.into(),
    };
    let stats = &inner.rendezvous_stats;
    stats.waiting.fetch_add(1, Ordering::Relaxed);
    let mut circuits: HashMap<u64, AbortOnDrop> = HashMap::new();
    let why = loop {
        let notice = match tokio::time::timeout(SILENCE, wire::next_notice(&mut stream)).await {
            Ok(Ok(n)) => n,
            Ok(Err(e)) => break e,
            Err(_) => break std::io::ErrorKind::TimedOut.into(),
        };
        let ch = access.channel;
        match notice {
            Notice::Peer(theirs) if mine < theirs => {
                let via = Via { relay, tag, mine, theirs };
                circuits.insert(theirs, AbortOnDrop(tokio::spawn(keep_connected(Arc::clone(inner), ch, via))));
            }
            Notice::Incoming { circuit, from } => {
                let via = Via { relay, tag, mine, theirs: from };
                tokio::spawn(accepted(Arc::clone(inner), ch, via, circuit));
            }
            Notice::Gone(theirs) => {
                circuits.remove(&theirs);
            }
            Notice::Peer(_) | Notice::Keepalive => {}
        }
    };
    stats.waiting.fetch_sub(1, Ordering::Relaxed);
    why
}

/// Opens circuits to the waiter `via.theirs` while it waits, one sync connection at a time.
/// Once a handshake named the member behind it, no circuit is opened while that member
/// is connected to us another way (directly, or through another relay).
async fn keep_connected(inner: Arc<Inner>, ch: ChannelId, via: Via) {
    let mut behind: Option<DeviceId> = None;
    loop {
        if behind.is_some_and(|d| lock(&inner.conns).contains_key(&(ch, d))) {
            tokio::time::sleep(AGAIN_CONNECTED).await;
            continue;
        }
        let pause = match wire::connect(via.relay, &via.tag, via.mine, via.theirs).await {
            Ok(stream) => match conn::relayed(&inner, ch, stream, via, true).await {
                conn::RelayedEnd::AlreadyConnected(device) => {
                    behind = Some(device);
                    AGAIN_CONNECTED
                }
                conn::RelayedEnd::Ended => AGAIN,
            },
            Err(e) => {
                tracing::debug!(error = %e, "rendezvous circuit refused");
                AGAIN_CONNECTED
            }
        };
        tokio::time::sleep(pause).await;
    }
}

/// Waiter `via.theirs` opened a circuit to us: a sync connection, or a swarm stream that
/// opens like a call-back.
async fn accepted(inner: Arc<Inner>, ch: ChannelId, via: Via, circuit: u64) {
    let stream = match wire::accept(via.relay, circuit).await {
        Ok(s) => s,
        Err(e) => return tracing::debug!(error = %e, "rendezvous circuit not accepted"),
    };
    if conn::opens_like_a_call_back(&stream, inner.cfg.limits.handshake).await {
        return callback::arrived(&inner, stream).await;
    }
    conn::relayed(&inner, ch, stream, via, false).await;
}

impl Routes {
    /// `peer` in `ch` is connected through `via` (until [`Routes::ended`]).
    pub(super) fn connected(&mut self, ch: ChannelId, peer: DeviceId, via: Via) {
        self.by_member.insert((ch, peer), via);
    }

    /// The connection through `via` ended.
    pub(super) fn ended(&mut self, ch: ChannelId, peer: DeviceId, via: Via) {
        if self.by_member.get(&(ch, peer)) == Some(&via) {
            self.by_member.remove(&(ch, peer));
        }
    }
}

/// Opens the stand-in librqbit dials for `peer`'s swarm, reached through a relay.
pub(super) async fn stand_in(inner: &Arc<Inner>, peer: DeviceId, outbox: mpsc::Sender<Msg>) -> Option<callback::StandIn> {
    let inner = Arc::clone(inner);
    callback::open_stand_in(move |mut local| {
        let (inner, outbox) = (Arc::clone(&inner), outbox.clone());
        async move {
            let (hs, _) = callback::bt_handshake(&mut local).await?;
            let mut key = [0u8; 32];
            rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut key);
            let remote = callback::ask(&inner, peer, &outbox, |token| Msg::Circuit { token, key }).await?;
            inner.rendezvous_stats.swarm.fetch_add(1, Ordering::Relaxed);
            sealed::pipe(local, remote, &key, true, &hs, &inner.rendezvous_stats.bytes).await;
            Ok(())
        }
    })
    .await
}

/// Member `peer`, connected through a relay, asks for a swarm stream (`Msg::Circuit`):
/// open a circuit to it through the same relay, starting with `token`, and carry our
/// librqbit's bytes sealed with `key`.
pub(super) fn circuit_asked(inner: &Arc<Inner>, ch: ChannelId, peer: DeviceId, token: Token, key: [u8; 32]) {
    let via = lock(&inner.routes).by_member.get(&(ch, peer)).copied();
    let (Some(via), Some(swarm)) = (via, inner.swarm_local()) else { return };
    if inner.rendezvous_stats.asked.fetch_add(1, Ordering::Relaxed) >= MAX_ASKED {
        inner.rendezvous_stats.asked.fetch_sub(1, Ordering::Relaxed);
        return tracing::debug!("rendezvous circuit refused: too many open");
    }
    let inner = Arc::clone(inner);
    tokio::spawn(async move {
        let _open = Asked(&inner.rendezvous_stats.asked);
        let limit = inner.cfg.limits.handshake;
        let opened = async {
            let mut remote = wire::connect(via.relay, &via.tag, via.mine, via.theirs).await.ok()?;
            remote.write_all(&callback::opening(&token)).await.ok()?;
            let local = tokio::time::timeout(limit, TcpStream::connect(swarm)).await.ok()?.ok()?;
            Some((local, remote))
        };
        if let Some((local, remote)) = opened.await {
            inner.rendezvous_stats.swarm.fetch_add(1, Ordering::Relaxed);
            sealed::pipe(local, remote, &key, false, &[], &inner.rendezvous_stats.bytes).await;
        }
    });
}

/// Counts a circuit asked for as open until dropped.
struct Asked<'a>(&'a AtomicU64);

impl Drop for Asked<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tags_differ_by_channel_and_from_the_dht_key() {
        let (a, b) = ([1u8; 32], [2u8; 32]);
        assert_ne!(super::tag(&a), super::tag(&b));
        assert_ne!(super::tag(&a)[..20], super::super::dht_key(&a, 0)[..]);
    }
}
