//! What the commands that change something do, as requests a node executes: in this
//! process, or sent to the node already running on the same data folder (`control`), so
//! a comment typed in a second terminal goes out live through the running node.
//!
//! Results are JSON values: printed as they are with `--json`, or for people by `show`.
//! Work that takes a while reports on the way through [`Notify`] (import progress, the
//! web gallery's links), which the control socket forwards as JSON lines.

mod export;
mod share;
mod torrent;
mod web;

use crate::Failure;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;
use swarmroll_core::channel::invite::{HTTPS_PREFIX, SCHEME_PREFIX};
use swarmroll_core::channel::{Invite, Role};
use swarmroll_core::node::{Node, NodeError};
use swarmroll_core::share::Cancel;
use swarmroll_core::{ChannelId, DeviceId, EventId, Timestamp};

/// Where long work reports on the way: a JSON value per report.
pub type Notify = std::sync::Arc<dyn Fn(Value) + Send + Sync>;

/// A change a node makes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Request {
    /// Create a channel and invite to it.
    Create { name: String, as_name: String, private: bool, contributor: bool },
    /// Invite to a channel.
    Invite { channel: String, contributor: bool, expires_ms: Option<i64> },
    /// Join by invite, waiting for a member's log.
    Join { link: String, as_name: String, wait_ms: u64 },
    /// Import files (already expanded from folders) and post them.
    Share { channel: String, caption: String, files: Vec<PathBuf>, keep_location: bool },
    /// Stop what this connection asked for (Ctrl-C in the terminal that asked).
    Cancel,
    /// Comment on a post.
    Comment { channel: String, post: String, text: String, reply_to: Option<String> },
    /// React to a post or comment.
    React { channel: String, target: String, emoji: String, on: bool },
    /// Hide a post or comment from every member, or show it again (owner, co-hosts).
    Moderate { channel: String, target: String, hide: bool },
    /// Remove a member (owner).
    Remove { channel: String, member: String },
    /// Leave a channel: forget everything this node holds of it.
    Leave { channel: String },
    /// Give a member a role (owner): "admin" (co-host), "contributor", "viewer".
    SetRole { channel: String, member: String, role: String },
    /// Open the web gallery for a window; reports its links, ends with the window or Cancel.
    Web { channel: String, window_ms: u64, guests: String, bind: Option<std::net::SocketAddr> },
    /// Copy every original of a channel into a folder once here.
    Export { channel: String, folder: PathBuf, wait_ms: u64 },
    /// A post as a .torrent and a magnet link with this node's address.
    Torrent { post: String },
    /// What is moving.
    Status,
}

impl Request {
    /// Whether it needs the node started (the network), not just its database.
    pub fn needs_network(&self) -> bool {
        matches!(self, Request::Join { .. } | Request::Share { .. } | Request::Web { .. } | Request::Export { .. })
    }

    /// Whether the work ends when the terminal that asked goes away (a web gallery
    /// without its terminal would be a surprise; a share goes on, journaled).
    pub fn ends_with_asker(&self) -> bool {
        matches!(self, Request::Web { .. } | Request::Export { .. })
    }
}

pub fn channel_id(s: &str) -> Result<ChannelId, Failure> {
    ChannelId::from_hex(s).ok_or_else(|| Failure::input("not a channel id (64 hex digits; see `swarmroll channels`)"))
}

pub fn event_id(s: &str) -> Result<EventId, Failure> {
    EventId::from_hex(s)
        .ok_or_else(|| Failure::input("not a post or comment id (64 hex digits; see `swarmroll posts`)"))
}

pub fn device_id(s: &str) -> Result<DeviceId, Failure> {
    DeviceId::from_hex(s).ok_or_else(|| Failure::input("not a member id (64 hex digits; see `swarmroll members`)"))
}

/// A channel this device has, or exit 2.
pub fn known_channel(node: &Node, s: &str) -> Result<ChannelId, Failure> {
    let ch = channel_id(s)?;
    if node.channels()?.iter().any(|c| c.id == ch) {
        Ok(ch)
    } else {
        Err(Failure::input("no such channel here (see `swarmroll channels`)"))
    }
}

fn role(contributor: bool) -> Role {
    if contributor {
        Role::Contributor
    } else {
        Role::Viewer
    }
}

/// The invite as printed: both link forms and what it grants.
pub fn invite_value(ch: &ChannelId, invite: &Invite, link: &str) -> Value {
    json!({
        "channel": ch.to_hex(),
        "name": invite.name,
        "role": format!("{:?}", invite.capability.role()).to_lowercase(),
        "link": link,
        "https_link": link.replace(SCHEME_PREFIX, HTTPS_PREFIX),
        "addresses": invite.addresses.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "expires_ms": invite.expires.map(|t| t.0),
    })
}

/// An invite with the running node's addresses; from a node that is not running, with
/// this machine's LAN addresses on the default sync port, where it will listen.
pub async fn invite(node: &Node, ch: &ChannelId, role: Role, expires: Option<Timestamp>) -> Result<Value, Failure> {
    let (invite, link) = if node.sync_addr().await.is_some() {
        node.invite(ch, role, expires).await?
    } else {
        let addresses = swarmroll_core::node::lan_addresses(swarmroll_core::node::SYNC_PORT);
        node.invite_at(ch, role, addresses, expires).map_err(Failure::input)?
    };
    Ok(invite_value(ch, &invite, &link))
}

/// Runs `req` on `node`, reporting on the way through `notify`; `cancel` stops shares,
/// web galleries and exports.
pub async fn exec(node: &Node, req: Request, notify: Notify, cancel: &Cancel) -> Result<Value, Failure> {
    match req {
        Request::Create { name, as_name, private, contributor } => {
            let ch = node.create_channel(&name, &as_name, private).map_err(Failure::input)?;
            let (invite, link) = node.invite(&ch, role(contributor), None).await?;
            Ok(invite_value(&ch, &invite, &link))
        }
        Request::Invite { channel, contributor, expires_ms } => {
            invite(node, &known_channel(node, &channel)?, role(contributor), expires_ms.map(Timestamp)).await
        }
        Request::Join { link, as_name, wait_ms } => {
            let invite = Invite::parse(&link, Timestamp::now()).map_err(Failure::input)?;
            let synced = match node.join(&invite, &as_name, Duration::from_millis(wait_ms)).await {
                Ok(_) => true,
                Err(NodeError::Sync(swarmroll_core::node::SyncError::NoPeerReachable)) => false,
                Err(e) => return Err(e.into()),
            };
            Ok(json!({"channel": invite.channel.to_hex(), "name": invite.name, "synced": synced}))
        }
        Request::Share { channel, caption, files, keep_location } => {
            share::share(node, &known_channel(node, &channel)?, caption, files, keep_location, notify, cancel).await
        }
        Request::Cancel => Err(Failure::input("nothing to cancel")),
        Request::Comment { channel, post, text, reply_to } => {
            let (post, reply) = (event_id(&post)?, reply_to.as_deref().map(event_id).transpose()?);
            let id = node.comment(&known_channel(node, &channel)?, &post, &text, reply).map_err(Failure::input)?;
            Ok(json!({"comment": id.to_hex()}))
        }
        Request::React { channel, target, emoji, on } => {
            let target = event_id(&target)?;
            let id = node.react(&known_channel(node, &channel)?, &target, &emoji, on).map_err(Failure::input)?;
            Ok(json!({"reaction": id.to_hex()}))
        }
        Request::Moderate { channel, target, hide } => {
            let target = event_id(&target)?;
            let id = node.moderate(&known_channel(node, &channel)?, &target, hide)?;
            Ok(json!({"moderation": id.to_hex(), "hidden": hide}))
        }
        Request::Remove { channel, member } => {
            let device = device_id(&member)?;
            let id = node.remove_member(&known_channel(node, &channel)?, &device)?;
            Ok(json!({"rotation": id.to_hex(), "removed": member}))
        }
        Request::Leave { channel } => {
            let left = node.leave_channel(&known_channel(node, &channel)?).await?;
            Ok(json!({"left": channel, "posts": left.posts, "removed": left.files_removed}))
        }
        Request::SetRole { channel, member, role } => {
            let r = match role.as_str() {
                "admin" | "co-host" => Role::Admin,
                "contributor" => Role::Contributor,
                "viewer" => Role::Viewer,
                _ => return Err(Failure::input("a role is admin (co-host), contributor or viewer")),
            };
            let device = device_id(&member)?;
            let id = node.set_role(&known_channel(node, &channel)?, &device, r)?;
            Ok(json!({"rotation": id.to_hex(), "member": member, "role": role}))
        }
        Request::Web { channel, window_ms, guests, bind } => {
            web::web(node, &known_channel(node, &channel)?, window_ms, &guests, bind, notify, cancel).await
        }
        Request::Export { channel, folder, wait_ms } => {
            let wait = Duration::from_millis(wait_ms);
            export::export(node, known_channel(node, &channel)?, folder, wait, notify, cancel).await
        }
        Request::Torrent { post } => torrent::torrent(node, &event_id(&post)?).await,
        Request::Status => status(node).await,
    }
}

/// What the running node is doing: members connected (by name), transfers, holds.
async fn status(node: &Node) -> Result<Value, Failure> {
    let transfers: Vec<Value> = node
        .transfer_list()
        .into_iter()
        .map(|t| {
            json!({"channel": t.channel.to_hex(), "post": t.post.to_hex(), "have_bytes": t.have_bytes,
                   "total_bytes": t.total_bytes, "bytes_per_s": t.bytes_per_s})
        })
        .collect();
    let mut channels = Vec::new();
    for c in node.channels()? {
        let peers = node.peers(&c.id).await;
        let members = node.members(&c.id)?;
        let names: Vec<String> = peers
            .iter()
            .map(|p| members.iter().find(|m| m.device == *p).map_or_else(|| "someone".into(), |m| m.name.clone()))
            .collect();
        channels.push(json!({"channel": c.id.to_hex(), "name": c.name, "peers": peers.len(), "connected": names}));
    }
    let s = node.settings();
    let calls = node.callbacks().await.unwrap_or_default();
    let punches = node.punches().await.unwrap_or_default();
    let relays = node.relays().await.unwrap_or_default();
    let direct = node.direct_swarm().await.unwrap_or_default();
    let met = node.rendezvous().await.unwrap_or_default();
    let mapping = node.port_mapping().await.map(|m| {
        let mapped: Vec<_> = m
            .mapped
            .iter()
            .map(|p| json!({"protocol": format!("{:?}", p.protocol), "port": p.internal_port, "external": p.external.to_string()}))
            .collect();
        json!({"gateway": m.gateway.map(|g| g.to_string()), "mapped": mapped, "settled": m.settled})
    });
    Ok(json!({
        "port_mapping": mapping,
        "callbacks": {"asked": calls.asked, "answered": calls.answered, "made": calls.made, "bytes": calls.bytes},
        "punches": {"introduced": punches.introduced, "tried": punches.tried, "opened": punches.opened},
        "direct_swarm": {"asked": direct.asked, "connections": direct.opened, "bytes": direct.bytes},
        "relay": {"circuits": relays.circuits, "refused": relays.refused, "bytes": relays.bytes, "used": relays.used},
        "rendezvous": {"waiting": met.waiting, "connections": met.connections, "swarm": met.swarm, "bytes": met.bytes},
        "running": true,
        // What the soak test watches for leaks: the node's live tasks.
        "tasks": tokio::runtime::Handle::current().metrics().num_alive_tasks(),
        "sync_address": node.sync_addr().await.map(|a| a.to_string()),
        "swarm_address": node.swarm_addr().await.map(|a| a.to_string()),
        "held": s.held.map(|h| format!("{h:?}")),
        "transfers": transfers,
        "channels": channels,
    }))
}
