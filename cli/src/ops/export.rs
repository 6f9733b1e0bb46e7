//! `export`: every original of a channel copied into a folder once it is here, by the
//! node that runs on the data folder (the one started here, or the one already running).
//!
//! "Every original" means every post a member holds, not only those this node had heard
//! of when it started: the export first waits (up to `--wait`) until the log is in step
//! with a member, and only then may it call itself complete. Without that, an export
//! started while a member had posted since the last sync finished "complete" without
//! the new posts (the crash loop found it).

use super::Notify;
use crate::folders::{self, Note};
use crate::Failure;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use swarmroll_core::node::{Node, NodeEvent};
use swarmroll_core::share::Cancel;
use swarmroll_core::ChannelId;

pub(super) async fn export(
    node: &Node,
    ch: ChannelId,
    folder: PathBuf,
    wait: Duration,
    notify: Notify,
    cancel: &Cancel,
) -> Result<Value, Failure> {
    let events = node.subscribe();
    let copied = Arc::new(AtomicUsize::new(0));
    let note = {
        let (copied, notify) = (Arc::clone(&copied), Arc::clone(&notify));
        move |n: Note| match n {
            Note::Mirrored { post, files } => {
                copied.fetch_add(files, Ordering::Relaxed);
                notify(json!({"exported": {"post": post.to_hex(), "files": files}}));
            }
            Note::Failed(what) => notify(json!({"warning": what})),
            Note::Posted { .. } => {}
        }
    };
    let stopped = async {
        while !cancel.is_cancelled() {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    };
    let work = async {
        let in_step = in_step(node, ch, wait, events).await;
        if !in_step {
            notify(json!({"warning": "no member was reachable: exporting only what is here"}));
        }
        folders::mirror(node.clone(), ch, folder, true, note).await.map(|()| in_step)
    };
    let (done, in_step) = tokio::select! {
        r = work => (true, r?),
        () = stopped => (false, false),
    };
    let n = copied.load(Ordering::Relaxed);
    Ok(json!({"channel": ch.to_hex(), "copied": n, "complete": done && in_step, "in_step": in_step,
        "stopped": !done}))
}

/// Whether this node's log of `ch` is in step with a member: it has no other members,
/// one caught up with it (within `wait`), or — a node that was already running —
/// members connected now and no reconciliation under way within a short grace (a live
/// connection keeps the log in step).
async fn in_step(
    node: &Node,
    ch: ChannelId,
    wait: Duration,
    mut events: tokio::sync::broadcast::Receiver<NodeEvent>,
) -> bool {
    const GRACE: Duration = Duration::from_secs(2);
    // Alone in the channel, this node holds its whole log.
    let me = node.device_id();
    let others = node.members(&ch).map(|m| m.iter().any(|m| m.device != me && !m.removed)).unwrap_or(true);
    if !others {
        return true;
    }
    let connected = !node.peers(&ch).await.is_empty();
    let limit = if connected { GRACE.min(wait) } else { wait };
    let caught_up = async {
        loop {
            match events.recv().await {
                Ok(NodeEvent::SyncedWith { channel, .. }) if channel == ch => return true,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return false,
                _ => {}
            }
        }
    };
    tokio::time::timeout(limit, caught_up).await.unwrap_or(connected)
}
