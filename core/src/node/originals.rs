//! Background fetching of members' originals, as the policy allows: per channel, the
//! posts not yet here (newest first, photos before videos), from the members connected
//! for it. A fetch is restarted when more members connect (librqbit takes peers only
//! when a transfer is added; what arrived stays), and posts are recorded as done once
//! every original is verified, so later passes skip them.

use super::{db, lock, Inner, NodeEvent};
use crate::publish::{self, ChannelFetch};
use crate::swarm::{Progress, Swarm};
use crate::types::{ChannelId, EventId};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::time::Instant;

struct Running {
    fetch: ChannelFetch,
    seeds: Vec<SocketAddr>,
    /// Verified bytes last seen, and since when nothing more arrived.
    have: u64,
    since: Instant,
}

/// A channel fetch that gets nothing for this long while peers are connected and the
/// swarm is not held is started again (what arrived stays). Transfers stall in the
/// field (a peer that stops answering mid-piece, a NAT dropping the connection); seen
/// here too, rarely, right after a hold is lifted.
const STALL: Duration = Duration::from_secs(10);

/// The running channel fetches.
#[derive(Default)]
pub(super) struct Shared {
    running: Mutex<HashMap<ChannelId, Running>>,
    /// Whether the disk was too full at the last look.
    disk_full: std::sync::atomic::AtomicBool,
}

impl Shared {
    /// `(channel, post, progress)` of every post being fetched.
    pub(super) fn snapshot(&self) -> Vec<(ChannelId, EventId, Progress)> {
        let running = lock(&self.running);
        let mut out = Vec::new();
        for (ch, r) in running.iter() {
            for (post, p) in r.fetch.all_progress() {
                if !p.finished {
                    out.push((*ch, post, p));
                }
            }
        }
        out
    }

    /// Stops the fetch of a channel that was left.
    pub(super) async fn stop_channel(&self, channel: &ChannelId, swarm: &Swarm) {
        let stopped = lock(&self.running).remove(channel);
        if let Some(r) = stopped {
            r.fetch.stop(swarm).await;
        }
    }

    /// Stops every fetch (the node is stopping).
    pub(super) async fn stop_all(&self, swarm: &Swarm) {
        let all: Vec<Running> = lock(&self.running).drain().map(|(_, r)| r).collect();
        for r in all {
            r.fetch.stop(swarm).await;
        }
    }
}

/// Runs until aborted: a round whenever something may have changed (a post's last
/// original verified, a member connected, new events) and every
/// [`NodeConfig::look_again`](super::NodeConfig::look_again) besides, for stalls.
pub(super) async fn run(node: Weak<Inner>, swarm: Arc<Swarm>) {
    loop {
        let Some(inner) = node.upgrade() else { return };
        round(&inner, &swarm).await;
        let (wake, every) = (Arc::clone(&inner.wake), inner.cfg.look_again);
        drop(inner);
        // `notify_one` leaves a permit when nobody waits: a wake during the round counts.
        let _ = tokio::time::timeout(every, wake.notified()).await;
    }
}

/// Gives the running fetch of `ch` the posts that arrived since it started.
fn add_new_posts(inner: &Inner, ch: &ChannelId, me: &crate::types::DeviceId) {
    let Ok(posts) = inner.replica.store().read(|c| db::posts_to_fetch(c, ch, me)) else { return };
    let running = lock(&inner.fetching.running);
    if let Some(r) = running.get(ch) {
        match r.fetch.add(&inner.replica, &posts) {
            Ok(0) => {}
            Ok(n) => tracing::debug!(posts = n, "new posts join a running channel fetch"),
            Err(e) => tracing::debug!(error = %e, "could not add new posts to a channel fetch"),
        }
    }
}

fn record_done(inner: &Inner, ch: &ChannelId, fetch: &ChannelFetch) {
    let done = fetch.take_done();
    if done.is_empty() {
        return;
    }
    let r = inner.replica.store().write(|tx| {
        for post in &done {
            db::mark_done(tx, ch, post)?;
        }
        Ok::<_, crate::store::StoreError>(())
    });
    if let Err(e) = r {
        tracing::warn!(error = %e, "could not record finished posts");
        return;
    }
    for post in done {
        let _ = inner.events.send(NodeEvent::TransferFinished { channel: *ch, post });
    }
}

/// Whether the disk holding the originals is below the reserve. Going below it stops
/// every fetch (what arrived stays) and tells the UI; coming back above it tells the UI,
/// and the next round starts the fetches again, resuming from what arrived.
async fn disk_full(inner: &Arc<Inner>, swarm: &Arc<Swarm>) -> bool {
    use std::sync::atomic::Ordering;
    let media = inner.cfg.data_dir.join("media");
    let _ = std::fs::create_dir_all(&media);
    let full = crate::store::free_bytes(&media).is_some_and(|free| free < inner.cfg.disk_reserve);
    let was = inner.fetching.disk_full.swap(full, Ordering::Relaxed);
    if full && !was {
        tracing::warn!("the disk is full: originals wait until there is room");
        let stopped: Vec<(ChannelId, Running)> = lock(&inner.fetching.running).drain().collect();
        for (ch, r) in stopped {
            record_done(inner, &ch, &r.fetch);
            r.fetch.stop(swarm).await;
        }
    }
    if full != was {
        let _ = inner.events.send(NodeEvent::StorageFull { full });
    }
    full
}

async fn round(inner: &Arc<Inner>, swarm: &Arc<Swarm>) {
    // Harvest what finished.
    let ended: Vec<(ChannelId, Running)> = {
        let mut running = lock(&inner.fetching.running);
        for (ch, r) in running.iter() {
            record_done(inner, ch, &r.fetch);
        }
        let ids: Vec<ChannelId> = running.iter().filter(|(_, r)| r.fetch.is_finished()).map(|(c, _)| *c).collect();
        ids.into_iter().filter_map(|c| running.remove(&c).map(|r| (c, r))).collect()
    };
    for (ch, r) in ended {
        record_done(inner, &ch, &r.fetch);
        if let Err(e) = r.fetch.finished().await {
            tracing::debug!(error = %e, "a channel fetch ended early");
        }
    }
    if disk_full(inner, swarm).await {
        return;
    }
    if swarm.is_held() {
        // Held time is not stalling.
        for r in lock(&inner.fetching.running).values_mut() {
            r.since = Instant::now();
        }
        return;
    }
    let stalled: Vec<ChannelId> = {
        let mut running = lock(&inner.fetching.running);
        let mut out = Vec::new();
        for (ch, r) in running.iter_mut() {
            let have: u64 = r.fetch.all_progress().iter().map(|(_, p)| p.have_bytes).sum();
            if have != r.have {
                r.have = have;
                r.since = Instant::now();
            } else if r.since.elapsed() >= STALL {
                out.push(*ch);
            }
        }
        out
    };
    for ch in stalled {
        tracing::info!("a channel fetch stalled: starting it again");
        let old = lock(&inner.fetching.running).remove(&ch);
        if let Some(old) = old {
            record_done(inner, &ch, &old.fetch);
            old.fetch.stop(swarm).await;
        }
    }
    let Ok(channels) = inner.replica.channels() else { return };
    let me = inner.replica.device_id();
    for ch in channels.iter().map(|c| c.id) {
        if inner.has_left(&ch) {
            continue;
        }
        if !inner.originals_allowed(&ch) {
            // Another channel keeps the swarm going, but not this one: let go of it
            // (what arrived stays, and is resumed from when it is allowed again).
            let stopped = lock(&inner.fetching.running).remove(&ch);
            if let Some(r) = stopped {
                record_done(inner, &ch, &r.fetch);
                r.fetch.stop(swarm).await;
            }
            continue;
        }
        let seeds = inner.swarm_peers(&ch).await;
        if seeds.is_empty() {
            continue;
        }
        let restart = {
            let running = lock(&inner.fetching.running);
            match running.get(&ch) {
                Some(r) if seeds.iter().all(|s| r.seeds.contains(s)) => None,
                Some(_) => Some(true),
                None => Some(false),
            }
        };
        let Some(restart) = restart else {
            add_new_posts(inner, &ch, &me);
            continue;
        };
        if restart {
            let old = lock(&inner.fetching.running).remove(&ch);
            if let Some(old) = old {
                record_done(inner, &ch, &old.fetch);
                old.fetch.stop(swarm).await;
            }
        }
        let posts = match inner.replica.store().read(|c| db::posts_to_fetch(c, &ch, &me)) {
            Ok(p) if !p.is_empty() => p,
            _ => continue,
        };
        let wake = Some(Arc::clone(&inner.wake));
        match publish::fetch_posts(&inner.replica, Arc::clone(swarm), posts, &inner.media_dir(&ch), seeds.clone(), wake)
        {
            // Left while this round looked: let go at once.
            Ok(fetch) if inner.has_left(&ch) => fetch.stop(swarm).await,
            Ok(fetch) => {
                lock(&inner.fetching.running).insert(ch, Running { fetch, seeds, have: 0, since: Instant::now() });
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not start fetching originals");
                let _ = inner.events.send(NodeEvent::Error { what: "could not start fetching originals".into() });
            }
        }
    }
}
