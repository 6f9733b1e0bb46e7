//! What the commands that change something do, as requests a node executes: in this
//! process, or sent to the node already running on the same data folder (`control`), so
//! a comment typed in a second terminal goes out live through the running node.
//!
//! Results are JSON values: printed as they are with `--json`, or for people by `show`.

use crate::Failure;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;
use swarmroll_core::channel::invite::{HTTPS_PREFIX, SCHEME_PREFIX};
use swarmroll_core::channel::{Invite, Role};
use swarmroll_core::import::{ImportError, Request as ImportRequest};
use swarmroll_core::node::{Node, NodeError, NodeEvent};
use swarmroll_core::share::{self, Cancel};
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
    /// Import files (already expanded from folders) and post them.
    Share { channel: String, caption: String, files: Vec<PathBuf>, keep_location: bool },
    /// Stop the share this connection asked for (Ctrl-C in the terminal that asked).
    Cancel,
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
    cancel: &Cancel,
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
        Request::Share { channel, caption, files, keep_location } => {
            share(node, &channel_id(&channel)?, caption, files, keep_location, progress, cancel).await
        }
        Request::Cancel => Err(Failure::input("nothing to cancel")),
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

/// Imports and posts `files`, reporting progress, and says what became of each file.
async fn share(
    node: &Node,
    ch: &ChannelId,
    caption: String,
    files: Vec<PathBuf>,
    keep_location: bool,
    progress: impl Fn(u64, u64) + Send + Sync + 'static,
    cancel: &Cancel,
) -> Result<Value, Failure> {
    let mut events = node.subscribe();
    let relay = tokio::spawn(async move {
        while let Ok(e) = events.recv().await {
            if let NodeEvent::ImportProgress { done, total } = e {
                progress(done, total);
            }
        }
    });
    let requests = files.iter().cloned().map(ImportRequest::path).collect();
    let options = share::Options { caption, guest: None, keep_location };
    let result = node.share(ch, requests, options, cancel).await;
    relay.abort();
    let outcome = result?;
    let name = |i: usize| files.get(i).map(|p| p.display().to_string()).unwrap_or_default();
    let skipped: Vec<Value> = outcome
        .failed()
        .into_iter()
        .map(|(i, e)| json!({"file": name(i), "reason": e.to_string(), "code": skip_code(e)}))
        .collect();
    Ok(json!({
        "channel": ch.to_hex(),
        "posts": outcome.posts.iter().map(|p| p.to_hex()).collect::<Vec<_>>(),
        "shared": outcome.posted(),
        "duplicates": outcome.already_there(),
        "skipped": skipped,
        "not_shared": outcome.not_shared(),
        "cancelled": outcome.cancelled,
        "stopped": outcome.stopped,
    }))
}

/// A stable code for why a file was skipped, for scripts.
fn skip_code(e: &ImportError) -> &'static str {
    use swarmroll_core::media::MediaError as M;
    match e {
        ImportError::Unreadable(_) => "unreadable",
        ImportError::Media(M::Unsupported | M::Empty) => "not_media",
        ImportError::Media(M::Truncated | M::Corrupt) => "damaged",
        ImportError::Media(M::TooLarge { .. }) => "too_large",
        ImportError::Media(M::NeedsPoster) => "no_preview",
        ImportError::Media(M::LocationNotRemovable(_)) => "location",
        _ => "failed",
    }
}

/// Folders nobody means to share: the system's and photo tools' own.
const SYSTEM_FOLDERS: &[&str] =
    &["@eaDir", "#recycle", "$RECYCLE.BIN", "System Volume Information", "lost+found", "Thumbs", "thumbnails"];

/// What a set of paths holds to share.
#[derive(Debug, Default)]
pub struct Expanded {
    /// Files to share: files named as they are, then photos and videos found in folders
    /// and their subfolders (sorted by path).
    pub files: Vec<PathBuf>,
    /// Files in those folders that are not photos or videos (left out).
    pub other_files: usize,
    /// Hidden or system folders not looked into.
    pub skipped_folders: usize,
    /// The formats of the files found (one per file recognised).
    pub kinds: Vec<swarmroll_core::media::Kind>,
}

/// The files to share: files as named, and the photos and videos of folders, their
/// subfolders included (hidden and system folders left out, files recognised by their
/// content).
///
/// # Errors
/// A path that does not exist or cannot be read, named.
pub fn expand(paths: &[PathBuf]) -> Result<Expanded, Failure> {
    let mut out = Expanded::default();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Failure::input(format!("no such file or folder: {}", p.display())),
            k => Failure::input(format!("cannot read {} ({k})", p.display())),
        })?;
        if meta.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.kinds.extend(sniff(p));
            out.files.push(p.clone());
        }
    }
    Ok(out)
}

fn walk(root: &Path, out: &mut Expanded) -> Result<(), Failure> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| Failure::input(format!("cannot list the folder {} ({})", dir.display(), e.kind())))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else { continue };
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if kind.is_dir() {
                if name.starts_with('.') || SYSTEM_FOLDERS.iter().any(|s| name.eq_ignore_ascii_case(s)) {
                    out.skipped_folders += 1;
                } else {
                    stack.push(path);
                }
            } else if kind.is_file() && !crate::folders::hidden(&path) {
                match sniff(&path) {
                    Some(k) => {
                        out.kinds.push(k);
                        found.push(path);
                    }
                    None => out.other_files += 1,
                }
            }
        }
    }
    found.sort();
    out.files.extend(found);
    Ok(())
}

/// The photo or video format the file's first bytes say, if any.
fn sniff(p: &Path) -> Option<swarmroll_core::media::Kind> {
    use std::io::Read;
    let mut head = [0u8; 32];
    let n = std::fs::File::open(p).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
    swarmroll_core::media::Kind::sniff(&head[..n])
}
