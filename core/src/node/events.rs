//! The node's one event stream for UIs: typed, with ids, never with content (the UI
//! queries what it shows). Built from the replica's log changes, sync's reports, the
//! swarm's transfer progress and the policy.

use super::db;
use super::policy::Hold;
use crate::log::event::{Event, Kind};
use crate::net::lan::LanStatus;
use crate::replica::{LogChange, Replica};
use crate::swarm::TransferEvent;
use crate::sync::SyncEvent;
use crate::types::{ChannelId, DeviceId, EventId};
use tokio::sync::broadcast;

/// Something the UI may want to show.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NodeEvent {
    /// A post arrived (or was written here).
    PostArrived {
        /// The channel.
        channel: ChannelId,
        /// The post.
        post: EventId,
    },
    /// A comment arrived (or was written here).
    CommentAdded {
        /// The channel.
        channel: ChannelId,
        /// The post it is on.
        post: EventId,
        /// The comment.
        comment: EventId,
    },
    /// A reaction, retraction or moderation changed what a post or comment shows.
    Changed {
        /// The channel.
        channel: ChannelId,
        /// The event that changed it.
        event: EventId,
    },
    /// The user opened the channel: its unread count is now zero.
    Read {
        /// The channel.
        channel: ChannelId,
    },
    /// This device left the channel: it is gone from the channel list.
    Left {
        /// The channel.
        channel: ChannelId,
    },
    /// A member joined, renamed, or the channel's settings or keys changed.
    MembersChanged {
        /// The channel.
        channel: ChannelId,
    },
    /// A post's originals are arriving.
    TransferProgress {
        /// The channel.
        channel: ChannelId,
        /// The post.
        post: EventId,
        /// Verified bytes held.
        have_bytes: u64,
        /// Bytes in the post.
        total_bytes: u64,
        /// Current speed.
        bytes_per_s: u64,
    },
    /// A post's originals are all here.
    TransferFinished {
        /// The channel.
        channel: ChannelId,
        /// The post.
        post: EventId,
    },
    /// A member connected.
    PeerConnected {
        /// The channel.
        channel: ChannelId,
        /// The member's device.
        peer: DeviceId,
    },
    /// This device holds everything `peer` held when they reconciled.
    SyncedWith {
        /// The channel.
        channel: ChannelId,
        /// The member's device.
        peer: DeviceId,
    },
    /// A member's connection ended.
    PeerDisconnected {
        /// The channel.
        channel: ChannelId,
        /// The member's device.
        peer: DeviceId,
    },
    /// Originals (and perhaps the log) are held back by the policy; shown as a reason.
    Held {
        /// Why originals are held.
        originals: Hold,
        /// Whether the log is held too.
        log_held: bool,
    },
    /// Everything the policy allows is moving again.
    Released,
    /// What local discovery found (client isolation is reported here).
    Lan(LanStatus),
    /// Photos being imported: done of total.
    ImportProgress {
        /// Files handled.
        done: u64,
        /// Files in all.
        total: u64,
    },
    /// The disk is full (`full`): originals stop arriving, keeping what arrived; or
    /// there is room again and they go on.
    StorageFull {
        /// Whether the disk is now too full.
        full: bool,
    },
    /// A share ended (one the user started, or one a stopped node left unfinished and
    /// this start finished).
    Shared {
        /// The channel.
        channel: ChannelId,
        /// The posts it made.
        posts: Vec<EventId>,
        /// Files posted.
        files: u64,
        /// Whether it was left unfinished by an earlier run and finished now.
        resumed: bool,
    },
    /// Something failed that the user should know about (no content in it).
    Error {
        /// What failed, in a few words.
        what: String,
    },
}

/// The events of one log change.
pub(super) fn from_log(replica: &Replica, change: &LogChange) -> Vec<NodeEvent> {
    let channel = change.channel;
    let mut out = Vec::new();
    let mut members = false;
    for fe in change.events.iter() {
        let Ok(ev) = Event::decode(&fe.raw) else { continue };
        let id = ev.id();
        match ev.header.kind {
            Kind::Post => out.push(NodeEvent::PostArrived { channel, post: id }),
            Kind::Comment => {
                if let Ok(Some(post)) = replica.store().read(|c| db::comment_post(c, &id)) {
                    out.push(NodeEvent::CommentAdded { channel, post, comment: id });
                }
            }
            Kind::Reaction | Kind::Retract | Kind::Moderate => out.push(NodeEvent::Changed { channel, event: id }),
            Kind::Profile | Kind::Channel | Kind::Rotate => members = true,
        }
    }
    if members {
        out.push(NodeEvent::MembersChanged { channel });
    }
    out
}

/// The event for a sync report, if the UI cares.
pub(super) fn from_sync(e: &SyncEvent) -> Option<NodeEvent> {
    match e {
        SyncEvent::Connected { channel, peer } => Some(NodeEvent::PeerConnected { channel: *channel, peer: *peer }),
        SyncEvent::Disconnected { channel, peer } => {
            Some(NodeEvent::PeerDisconnected { channel: *channel, peer: *peer })
        }
        SyncEvent::CaughtUp { channel, peer } => Some(NodeEvent::SyncedWith { channel: *channel, peer: *peer }),
        SyncEvent::Lan(s) => Some(NodeEvent::Lan(*s)),
        _ => None,
    }
}

/// The event for a transfer report (posts this node knows only). Completion is reported
/// by the node itself once a post's every original is here (a post with videos is
/// fetched in two transfers).
pub(super) fn from_transfer(replica: &Replica, e: &TransferEvent) -> Option<NodeEvent> {
    let TransferEvent::Progress { info_hash, progress } = e else { return None };
    let (channel, post) = replica.store().read(|c| db::post_by_info_hash(c, info_hash)).ok()??;
    Some(NodeEvent::TransferProgress {
        channel,
        post,
        have_bytes: progress.have_bytes,
        total_bytes: progress.total_bytes,
        bytes_per_s: progress.download_bytes_per_s,
    })
}

/// Forwards a broadcast into the node's stream through `map` until either side closes.
pub(super) async fn forward<T: Clone>(
    mut rx: broadcast::Receiver<T>,
    out: broadcast::Sender<NodeEvent>,
    map: impl Fn(&T) -> Vec<NodeEvent>,
) {
    loop {
        match rx.recv().await {
            Ok(x) => {
                for e in map(&x) {
                    let _ = out.send(e);
                }
            }
            Err(broadcast::error::RecvError::Lagged(_)) => {}
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}
