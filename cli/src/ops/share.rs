//! `share`: import and post files, saying what became of each.

use super::Notify;
use crate::Failure;
use serde_json::{json, Value};
use std::path::PathBuf;
use swarmroll_core::import::{ImportError, Request as ImportRequest};
use swarmroll_core::node::{Node, NodeEvent};
use swarmroll_core::share::{self, Cancel};
use swarmroll_core::ChannelId;

/// Imports and posts `files`, reporting progress, and says what became of each file.
pub(super) async fn share(
    node: &Node,
    ch: &ChannelId,
    caption: String,
    files: Vec<PathBuf>,
    keep_location: bool,
    notify: Notify,
    cancel: &Cancel,
) -> Result<Value, Failure> {
    let mut events = node.subscribe();
    let relay = tokio::spawn(async move {
        while let Ok(e) = events.recv().await {
            if let NodeEvent::ImportProgress { done, total } = e {
                notify(json!({"progress": {"done": done, "total": total}}));
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
        ImportError::DiskFull => "disk_full",
        _ => "failed",
    }
}
