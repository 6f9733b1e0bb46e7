//! What the commands that change something do, as requests a node executes: in this
//! process, or sent to the node already running on the same data folder (`control`), so
//! a comment typed in a second terminal goes out live through the running node.
//!
//! Results are JSON values: printed as they are with `--json`, or for people by `show`.

use crate::Failure;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;
use swarmroll_core::channel::invite::{HTTPS_PREFIX, SCHEME_PREFIX};
use swarmroll_core::channel::{Invite, Role};
use swarmroll_core::import::Request as ImportRequest;
use swarmroll_core::log::body::MAX_ITEMS;
use swarmroll_core::node::{Node, NodeError};
use swarmroll_core::{ChannelId, EventId, Timestamp};

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
    /// Import files and post them.
    Share { channel: String, caption: String, paths: Vec<PathBuf> },
    /// Comment on a post.
    Comment { channel: String, post: String, text: String, reply_to: Option<String> },
    /// React to a post or comment.
    React { channel: String, target: String, emoji: String, on: bool },
    /// What is moving.
    Status,
}

impl Request {
    /// Whether it needs the node started (the network), not just its database.
    pub fn needs_network(&self) -> bool {
        matches!(self, Request::Join { .. } | Request::Share { .. })
    }
}

pub fn channel_id(s: &str) -> Result<ChannelId, Failure> {
    ChannelId::from_hex(s).ok_or_else(|| Failure::input("not a channel id (64 hex digits; see `swarmroll channels`)"))
}

pub fn event_id(s: &str) -> Result<EventId, Failure> {
    EventId::from_hex(s)
        .ok_or_else(|| Failure::input("not a post or comment id (64 hex digits; see `swarmroll posts`)"))
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
        let addresses = swarmroll_core::sync::lan_addresses(swarmroll_core::sync::SYNC_PORT);
        node.replica().invite(ch, role, addresses, expires).map_err(Failure::input)?
    };
    Ok(invite_value(ch, &invite, &link))
}

/// Runs `req` on `node`; `progress(done, total)` hears of each imported file.
pub async fn exec(
    node: &Node,
    req: Request,
    progress: impl Fn(u64, u64) + Send + Sync + 'static,
) -> Result<Value, Failure> {
    match req {
        Request::Create { name, as_name, private, contributor } => {
            let ch = node.replica().create_channel_with(&name, None, &as_name, private).map_err(Failure::input)?;
            let (invite, link) = node.invite(&ch, role(contributor), None).await?;
            Ok(invite_value(&ch, &invite, &link))
        }
        Request::Invite { channel, contributor, expires_ms } => {
            invite(node, &channel_id(&channel)?, role(contributor), expires_ms.map(Timestamp)).await
        }
        Request::Join { link, as_name, wait_ms } => {
            let invite = Invite::parse(&link, Timestamp::now()).map_err(Failure::input)?;
            let synced = match node.join(&invite, &as_name, Duration::from_millis(wait_ms)).await {
                Ok(_) => true,
                Err(NodeError::Sync(swarmroll_core::sync::SyncError::NoPeerReachable)) => false,
                Err(e) => return Err(e.into()),
            };
            Ok(json!({"channel": invite.channel.to_hex(), "name": invite.name, "synced": synced}))
        }
        Request::Share { channel, caption, paths } => {
            let ch = channel_id(&channel)?;
            let files = expand(&paths)?;
            let total = files.len() as u64;
            let progress = std::sync::Arc::new(progress);
            let (mut posts, mut shared, mut duplicates, mut skipped) = (Vec::new(), 0, 0, Vec::new());
            // A post holds at most MAX_ITEMS files: a folder becomes several posts.
            for (n, batch) in files.chunks(MAX_ITEMS).enumerate() {
                let offset = (n * MAX_ITEMS) as u64;
                let mut events = node.subscribe();
                let report = std::sync::Arc::clone(&progress);
                let relay = tokio::spawn(async move {
                    while let Ok(e) = events.recv().await {
                        if let swarmroll_core::node::NodeEvent::ImportProgress { done, .. } = e {
                            report(offset + done, total);
                        }
                    }
                });
                let requests = batch.iter().cloned().map(ImportRequest::path).collect();
                let result = node.share(&ch, &caption, requests).await;
                relay.abort();
                match result {
                    Ok((post, summary)) => {
                        posts.push(post.to_hex());
                        shared += summary.imported.len();
                        duplicates += summary.duplicates.len();
                        skipped.extend(
                            summary
                                .failed
                                .iter()
                                .map(|(i, e)| json!({"file": offset as usize + i, "reason": e.to_string()})),
                        );
                    }
                    // Nothing new in this batch (all shared before, or unusable): no post.
                    Err(NodeError::Publish(swarmroll_core::publish::Error::ItemCount)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            progress(total, total);
            if posts.is_empty() && shared == 0 && duplicates == 0 {
                return Err(Failure::input(
                    "nothing new to share: the files were shared before, or are not photos or videos",
                ));
            }
            Ok(
                json!({"channel": ch.to_hex(), "posts": posts, "shared": shared, "duplicates": duplicates, "skipped": skipped}),
            )
        }
        Request::Comment { channel, post, text, reply_to } => {
            let reply = reply_to.as_deref().map(event_id).transpose()?;
            let id = node
                .replica()
                .comment(&channel_id(&channel)?, &event_id(&post)?, &text, reply)
                .map_err(Failure::input)?;
            Ok(json!({"comment": id.to_hex()}))
        }
        Request::React { channel, target, emoji, on } => {
            let id = node
                .replica()
                .react(&channel_id(&channel)?, &event_id(&target)?, &emoji, on)
                .map_err(Failure::input)?;
            Ok(json!({"reaction": id.to_hex()}))
        }
        Request::Status => {
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
                let peers = node.peers(&c.id).await.len();
                channels.push(json!({"channel": c.id.to_hex(), "name": c.name, "peers": peers}));
            }
            let s = node.settings();
            Ok(json!({
                "running": true,
                "sync_address": node.sync_addr().await.map(|a| a.to_string()),
                "held": s.held.map(|h| format!("{h:?}")),
                "transfers": transfers,
                "channels": channels,
            }))
        }
    }
}

/// The files to share: files as given, folders' files (not hidden, sorted by name).
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    for p in paths {
        let meta =
            std::fs::metadata(p).map_err(|e| Failure::input(format!("cannot read a path given: {}", e.kind())))?;
        if meta.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Failure::input(format!("cannot list a folder given: {}", e.kind())))?
                .flatten()
                .map(|e| e.path())
                .filter(|f| f.is_file() && !crate::folders::hidden(f))
                .collect();
            inside.sort();
            out.extend(inside);
        } else {
            out.push(p.clone());
        }
    }
    if out.is_empty() {
        return Err(Failure::input("nothing to share: no files in the paths given"));
    }
    Ok(out)
}
