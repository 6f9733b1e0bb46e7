//! A bounded sync pass for the platforms' background windows (iOS BGProcessingTask,
//! Android WorkManager): discover, exchange logs, fetch originals in priority order,
//! and return a summary before the deadline — whatever the peers do.
//!
//! Nothing waits past the deadline: every step is bounded by it, and the final hold
//! (when the app is in the background) gets a short margin of its own. Progress is
//! already on disk as it happens (every verified piece is recorded at once), so the
//! next pass continues where this one stopped.

use super::{db, lock, Node, NodeError, NodeEvent};
use std::collections::HashSet;
use std::time::Duration;
use tokio::time::Instant;

/// Kept back from the caller's budget for the closing steps.
const MARGIN: Duration = Duration::from_millis(300);

/// What a pass did and what is left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassSummary {
    /// Events received from members.
    pub events_received: u64,
    /// Original bytes fetched from peers.
    pub bytes_fetched: u64,
    /// Posts whose originals all arrived.
    pub posts_completed: u64,
    /// Posts still to fetch (where the policy allows originals).
    pub remaining_posts: u64,
    /// Bytes still to fetch (an upper bound: partly fetched posts count whole).
    pub remaining_bytes: u64,
    /// Members reconciled with.
    pub peers_synced: usize,
    /// Everything reachable arrived before the deadline.
    pub complete: bool,
    /// How long the pass took.
    pub took: Duration,
}

pub(super) async fn run(node: &Node, budget: Duration) -> Result<PassSummary, NodeError> {
    let started = Instant::now();
    let deadline = started + budget.saturating_sub(MARGIN);
    let inner = &node.inner;
    let mut events = node.subscribe();
    lock(&inner.conditions).passes += 1;
    let result = within(node, deadline, &mut events).await;
    lock(&inner.conditions).passes -= 1;
    // Back to what the conditions say (held again if the app is in the background);
    // if that takes longer than the margin it finishes on its own.
    let closing = {
        let inner = std::sync::Arc::clone(inner);
        tokio::spawn(async move { inner.apply().await })
    };
    let _ = tokio::time::timeout_at(started + budget, closing).await;
    let mut summary = result?;
    summary.took = started.elapsed();
    Ok(summary)
}

async fn within(
    node: &Node,
    deadline: Instant,
    events: &mut tokio::sync::broadcast::Receiver<NodeEvent>,
) -> Result<PassSummary, NodeError> {
    let inner = &node.inner;
    let me = inner.replica.device_id();
    let received0 = inner.received.load(std::sync::atomic::Ordering::Relaxed);
    let mut summary = PassSummary {
        events_received: 0,
        bytes_fetched: 0,
        posts_completed: 0,
        remaining_posts: 0,
        remaining_bytes: 0,
        peers_synced: 0,
        complete: false,
        took: Duration::ZERO,
    };
    if tokio::time::timeout_at(deadline, node.start()).await.is_err() {
        return Ok(summary);
    }
    let _ = tokio::time::timeout_at(deadline, inner.apply()).await;
    let Some(swarm) = node.swarm().await else { return Err(NodeError::NotStarted) };
    let fetched0 = swarm.traffic().0;
    let remaining = |channels: &[crate::types::ChannelId]| {
        inner.replica.store().read(|c| db::remaining(c, channels, &me)).unwrap_or((u64::MAX, u64::MAX))
    };
    let channels = || -> Vec<crate::types::ChannelId> {
        inner.replica.channels().unwrap_or_default().into_iter().map(|c| c.id).collect()
    };
    let allowed = |all: &[crate::types::ChannelId]| -> Vec<crate::types::ChannelId> {
        all.iter().copied().filter(|c| inner.originals_allowed(c)).collect()
    };
    let before = remaining(&allowed(&channels())).0;
    let mut synced: HashSet<(crate::types::ChannelId, crate::types::DeviceId)> = HashSet::new();
    loop {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        let all = channels();
        let (posts, _) = remaining(&allowed(&all));
        let mut with_peers = Vec::new();
        for c in all {
            if !node.peers(&c).await.is_empty() {
                with_peers.push(c);
            }
        }
        let all_synced = !with_peers.is_empty() && with_peers.iter().all(|c| synced.iter().any(|(s, _)| s == c));
        if posts == 0 && all_synced {
            summary.complete = true;
            break;
        }
        let tick = (now + Duration::from_millis(100)).min(deadline);
        if let Ok(Ok(NodeEvent::SyncedWith { channel, peer })) = tokio::time::timeout_at(tick, events.recv()).await {
            synced.insert((channel, peer));
        }
    }
    let (posts, bytes) = remaining(&allowed(&channels()));
    summary.events_received = inner.received.load(std::sync::atomic::Ordering::Relaxed) - received0;
    summary.bytes_fetched = swarm.traffic().0.saturating_sub(fetched0);
    summary.posts_completed = before.saturating_sub(posts);
    summary.remaining_posts = posts;
    summary.remaining_bytes = bytes;
    summary.peers_synced = synced.len();
    Ok(summary)
}
