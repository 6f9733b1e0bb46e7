//! `export`: every original of a channel copied into a folder once it is here, by the
//! node that runs on the data folder (the one started here, or the one already running).

use super::Notify;
use crate::folders::{self, Note};
use crate::Failure;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use swarmroll_core::node::Node;
use swarmroll_core::share::Cancel;
use swarmroll_core::ChannelId;

pub(super) async fn export(
    node: &Node,
    ch: ChannelId,
    folder: PathBuf,
    notify: Notify,
    cancel: &Cancel,
) -> Result<Value, Failure> {
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
    let done = tokio::select! {
        r = folders::mirror(node.clone(), ch, folder, true, note) => { r?; true }
        () = stopped => false,
    };
    let n = copied.load(Ordering::Relaxed);
    Ok(json!({"channel": ch.to_hex(), "copied": n, "complete": done}))
}
