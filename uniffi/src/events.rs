//! The node's event stream as the apps see it: typed, with ids, never with content (the
//! app queries what it shows).

use crate::settings::HoldReason;
use swarmroll_core::node::LanStatus;
use swarmroll_core::node::NodeEvent;

/// What local-network discovery found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum LanState {
    /// Looking; no answer yet.
    Searching,
    /// Members of the user's channels are on this network.
    Found,
    /// Other devices answered, none of them a member.
    NoMembersNearby,
    /// No other device could be reached: the Wi-Fi keeps its clients apart. Suggest an
    /// invite link, a hotspot, or waiting for the internet.
    Isolated,
}

impl From<LanStatus> for LanState {
    fn from(s: LanStatus) -> Self {
        match s {
            LanStatus::Searching => LanState::Searching,
            LanStatus::Found => LanState::Found,
            LanStatus::NoMembersNearby => LanState::NoMembersNearby,
            LanStatus::Isolated => LanState::Isolated,
        }
    }
}

/// Something the UI may want to show.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum SwarmrollEvent {
    /// A post arrived (or was written here).
    PostArrived {
        /// The channel.
        channel_id: String,
        /// The post.
        post_id: String,
    },
    /// A comment arrived (or was written here).
    CommentAdded {
        /// The channel.
        channel_id: String,
        /// The post it is on.
        post_id: String,
        /// The comment.
        comment_id: String,
    },
    /// A reaction or moderation changed what something shows.
    Changed {
        /// The channel.
        channel_id: String,
        /// The event that changed it.
        event_id: String,
    },
    /// The channel was opened: its unread count is zero.
    Read {
        /// The channel.
        channel_id: String,
    },
    /// This device left the channel: it is gone from the list, with everything it held.
    Left {
        /// The channel.
        channel_id: String,
    },
    /// Members, names or the channel's settings changed.
    MembersChanged {
        /// The channel.
        channel_id: String,
    },
    /// A post's originals are arriving.
    TransferProgress {
        /// The channel.
        channel_id: String,
        /// The post.
        post_id: String,
        /// Verified bytes here.
        have_bytes: u64,
        /// Bytes in the post.
        total_bytes: u64,
        /// Current speed.
        bytes_per_s: u64,
    },
    /// A post's originals are all here.
    TransferFinished {
        /// The channel.
        channel_id: String,
        /// The post.
        post_id: String,
    },
    /// A member connected.
    PeerConnected {
        /// The channel.
        channel_id: String,
        /// The member's device.
        device_id: String,
    },
    /// This device now holds everything that member held.
    SyncedWith {
        /// The channel.
        channel_id: String,
        /// The member's device.
        device_id: String,
    },
    /// A member's connection ended.
    PeerDisconnected {
        /// The channel.
        channel_id: String,
        /// The member's device.
        device_id: String,
    },
    /// Originals (and perhaps the log) are held back.
    Held {
        /// Why.
        reason: HoldReason,
        /// Posts and comments are held too.
        log_held: bool,
    },
    /// Everything the policy allows moves again.
    Released,
    /// Local discovery's finding.
    Lan {
        /// What it found.
        state: LanState,
    },
    /// Photos being imported.
    ImportProgress {
        /// Files handled.
        done: u64,
        /// Files in all.
        total: u64,
    },
    /// The disk is full (`full`): originals wait, keeping what arrived; or there is room
    /// again and they go on by themselves.
    StorageFull {
        /// Whether the disk is too full now.
        full: bool,
    },
    /// A share ended: one the user started, or one the app was stopped in the middle of,
    /// finished at the next start (`resumed`).
    Shared {
        /// The channel.
        channel_id: String,
        /// The posts it made.
        post_ids: Vec<String>,
        /// Files posted.
        files: u64,
        /// Finished at start after an interruption.
        resumed: bool,
    },
    /// Something failed that the user should know about.
    Failed {
        /// What, in a few words.
        what: String,
    },
}

impl SwarmrollEvent {
    /// The app's view of a core event (`None` for kinds this build does not show).
    pub(crate) fn from_core(e: NodeEvent) -> Option<Self> {
        Some(match e {
            NodeEvent::PostArrived { channel, post } => {
                SwarmrollEvent::PostArrived { channel_id: channel.to_hex(), post_id: post.to_hex() }
            }
            NodeEvent::CommentAdded { channel, post, comment } => SwarmrollEvent::CommentAdded {
                channel_id: channel.to_hex(),
                post_id: post.to_hex(),
                comment_id: comment.to_hex(),
            },
            NodeEvent::Changed { channel, event } => {
                SwarmrollEvent::Changed { channel_id: channel.to_hex(), event_id: event.to_hex() }
            }
            NodeEvent::Read { channel } => SwarmrollEvent::Read { channel_id: channel.to_hex() },
            NodeEvent::Left { channel } => SwarmrollEvent::Left { channel_id: channel.to_hex() },
            NodeEvent::MembersChanged { channel } => SwarmrollEvent::MembersChanged { channel_id: channel.to_hex() },
            NodeEvent::TransferProgress { channel, post, have_bytes, total_bytes, bytes_per_s } => {
                SwarmrollEvent::TransferProgress {
                    channel_id: channel.to_hex(),
                    post_id: post.to_hex(),
                    have_bytes,
                    total_bytes,
                    bytes_per_s,
                }
            }
            NodeEvent::TransferFinished { channel, post } => {
                SwarmrollEvent::TransferFinished { channel_id: channel.to_hex(), post_id: post.to_hex() }
            }
            NodeEvent::PeerConnected { channel, peer } => {
                SwarmrollEvent::PeerConnected { channel_id: channel.to_hex(), device_id: peer.to_hex() }
            }
            NodeEvent::SyncedWith { channel, peer } => {
                SwarmrollEvent::SyncedWith { channel_id: channel.to_hex(), device_id: peer.to_hex() }
            }
            NodeEvent::PeerDisconnected { channel, peer } => {
                SwarmrollEvent::PeerDisconnected { channel_id: channel.to_hex(), device_id: peer.to_hex() }
            }
            NodeEvent::Held { originals, log_held } => SwarmrollEvent::Held { reason: originals, log_held },
            NodeEvent::Released => SwarmrollEvent::Released,
            NodeEvent::Lan(s) => SwarmrollEvent::Lan { state: s.into() },
            NodeEvent::ImportProgress { done, total } => SwarmrollEvent::ImportProgress { done, total },
            NodeEvent::StorageFull { full } => SwarmrollEvent::StorageFull { full },
            NodeEvent::Shared { channel, posts, files, resumed } => SwarmrollEvent::Shared {
                channel_id: channel.to_hex(),
                post_ids: posts.iter().map(|p| p.to_hex()).collect(),
                files,
                resumed,
            },
            NodeEvent::Error { what } => SwarmrollEvent::Failed { what },
            _ => return None,
        })
    }
}
