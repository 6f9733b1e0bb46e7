//! Output: JSON with `--json` (one value per result, one line per event), otherwise text
//! for people, with progress bars for imports and transfers on a terminal.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Mutex;
use swarmroll_core::channel::qr;
use swarmroll_core::node::NodeEvent;

/// Prints a result: as JSON, or through `human`.
pub fn result(json: bool, v: &Value, human: impl FnOnce(&Value)) {
    if json {
        say!("{v}");
    } else {
        human(v);
    }
}

fn s(v: &Value, k: &str) -> String {
    match &v[k] {
        Value::String(x) => x.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// An invite: name, both links and the QR code of the app link.
pub fn invite(v: &Value) {
    say!("Channel  {}", s(v, "name"));
    say!("Id       {}", s(v, "channel"));
    say!("Role     {}", s(v, "role"));
    say!("Invite   {}", s(v, "link"));
    say!("Web      {}", s(v, "https_link"));
    say!();
    match qr::terminal(&s(v, "link")) {
        Ok(code) => say!("{code}"),
        Err(_) => say!("(the link is too long for a QR code)"),
    }
}

/// `n thing` or `n things`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Why there is nothing to share in the paths given.
pub fn nothing_found(found: &crate::files::Expanded) -> String {
    let mut msg = String::from("nothing to share: no photos or videos in the paths given");
    if found.other_files > 0 {
        let other = count(found.other_files as u64, "file that is not one", "files that are not");
        msg += &format!(" ({other})");
    }
    if found.skipped_folders > 0 {
        msg += &format!(
            "; {} hidden or system {} not looked into (name {} to include {})",
            found.skipped_folders,
            if found.skipped_folders == 1 { "folder was" } else { "folders were" },
            if found.skipped_folders == 1 { "it" } else { "them" },
            if found.skipped_folders == 1 { "it" } else { "them" },
        );
    }
    msg
}

/// A share's outcome.
pub fn shared(v: &Value) {
    let n = |k: &str| v[k].as_u64().unwrap_or(0);
    let posts = v["posts"].as_array().map_or(0, Vec::len) as u64;
    if v["cancelled"].as_bool() == Some(true) {
        say!(
            "Stopped: {} shared in {}; {} not shared. Share the same files again to add the rest.",
            count(n("shared"), "file", "files"),
            count(posts, "post", "posts"),
            count(n("not_shared"), "file was", "files were"),
        );
    } else {
        say!(
            "Shared {} in {}.",
            count(n("shared"), "photo or video", "photos and videos"),
            count(posts, "post", "posts")
        );
    }
    if n("duplicates") > 0 {
        say!("{} already in the channel, not posted again.", count(n("duplicates"), "file was", "files were"));
    }
    for k in v["skipped"].as_array().into_iter().flatten() {
        say!("Skipped {}: {}", s(k, "file"), s(k, "reason"));
    }
    if v["skipped"].as_array().is_some_and(|a| a.iter().any(|k| k["code"] == "location")) {
        say!("  (add --keep-location to share those with where they were taken)");
    }
    if n("other_files") > 0 {
        say!(
            "Left out {}.",
            count(n("other_files"), "file that is not a photo or video", "files that are not photos or videos")
        );
    }
    if n("skipped_folders") > 0 {
        say!(
            "Did not look into {} (name a folder to include it).",
            count(n("skipped_folders"), "hidden or system folder", "hidden or system folders")
        );
    }
    if let Some(tool) = v["install_for_previews"].as_str() {
        say!("Videos or HEIC photos show as placeholders: install {tool} for their thumbnails.");
    }
    if let Some(why) = v["stopped"].as_str() {
        say!("Posting stopped early: {why}. Share the same files again to post the rest.");
    }
}

/// A progress bar for an import, drawn once the first file is reported (never with
/// `--json`; indicatif draws nothing off a terminal).
pub fn import_bar() -> ProgressBar {
    let bar = ProgressBar::hidden();
    bar.set_style(
        ProgressStyle::with_template("Importing {bar:30.cyan/blue} {pos}/{len} files")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Shows `bar` at `done` of `total` files.
pub fn import_progress(bar: &ProgressBar, json: bool, done: u64, total: u64) {
    if json {
        return;
    }
    if bar.is_hidden() {
        bar.set_draw_target(ProgressDrawTarget::stderr());
    }
    bar.set_length(total);
    bar.set_position(done);
}

/// The running node's event stream: JSON lines, or a line per post and comment and one
/// bar per transfer.
pub struct Events {
    json: bool,
    bars: MultiProgress,
    transfers: Mutex<HashMap<String, ProgressBar>>,
}

impl Events {
    pub fn new(json: bool) -> Self {
        Events { json, bars: MultiProgress::new(), transfers: Mutex::new(HashMap::new()) }
    }

    /// Prints a line above the bars.
    pub fn line(&self, v: Value, text: String) {
        if self.json {
            say!("{v}");
        } else {
            let _ = self.bars.println(text);
        }
    }

    pub fn event(&self, e: &NodeEvent) {
        let short = |id: String| id[..12.min(id.len())].to_owned();
        match e {
            NodeEvent::PostArrived { channel, post } => self.line(
                json!({"event": "post", "channel": channel.to_hex(), "post": post.to_hex()}),
                format!("+ post {} in {}", short(post.to_hex()), short(channel.to_hex())),
            ),
            NodeEvent::CommentAdded { channel, post, comment } => self.line(
                json!({"event": "comment", "channel": channel.to_hex(), "post": post.to_hex(), "comment": comment.to_hex()}),
                format!("+ comment {} on {}", short(comment.to_hex()), short(post.to_hex())),
            ),
            NodeEvent::PeerConnected { channel, peer } => self.line(
                json!({"event": "peer_connected", "channel": channel.to_hex(), "peer": peer.to_hex()}),
                format!("~ member {} connected", short(peer.to_hex())),
            ),
            NodeEvent::PeerDisconnected { channel, peer } => self.line(
                json!({"event": "peer_disconnected", "channel": channel.to_hex(), "peer": peer.to_hex()}),
                format!("~ member {} left", short(peer.to_hex())),
            ),
            NodeEvent::TransferProgress { channel, post, have_bytes, total_bytes, .. } => {
                if self.json {
                    say!(
                        "{}",
                        json!({"event": "transfer", "channel": channel.to_hex(), "post": post.to_hex(), "have_bytes": have_bytes, "total_bytes": total_bytes})
                    );
                    return;
                }
                let mut bars = self.transfers.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let bar = bars.entry(post.to_hex()).or_insert_with(|| {
                    let b = self.bars.add(ProgressBar::new(*total_bytes));
                    b.set_style(
                        ProgressStyle::with_template("{prefix} {bar:30.green/white} {bytes}/{total_bytes} {bytes_per_sec}")
                            .unwrap_or_else(|_| ProgressStyle::default_bar()),
                    );
                    b.set_prefix(format!("post {}", short(post.to_hex())));
                    b
                });
                bar.set_length(*total_bytes);
                bar.set_position(*have_bytes);
            }
            NodeEvent::TransferFinished { channel, post } => {
                if let Some(b) = self.transfers.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&post.to_hex()) {
                    b.finish_and_clear();
                }
                self.line(
                    json!({"event": "originals_here", "channel": channel.to_hex(), "post": post.to_hex()}),
                    format!("= originals of post {} are here", short(post.to_hex())),
                );
            }
            NodeEvent::Held { originals, .. } => self.line(
                json!({"event": "held", "reason": format!("{originals:?}")}),
                format!("! originals held: {originals:?}"),
            ),
            NodeEvent::Released => self.line(json!({"event": "released"}), "! originals moving again".into()),
            NodeEvent::Error { what } => self.line(json!({"event": "error", "what": what}), format!("! {what}")),
            NodeEvent::StorageFull { full: true } => self.line(
                json!({"event": "disk_full"}),
                "! the disk is full: originals wait until there is room (what arrived is kept)".into(),
            ),
            NodeEvent::StorageFull { full: false } => {
                self.line(json!({"event": "disk_space"}), "! there is room again: originals are arriving".into())
            }
            NodeEvent::Shared { channel, files, resumed: true, .. } => self.line(
                json!({"event": "share_finished", "channel": channel.to_hex(), "files": files}),
                format!("+ finished an interrupted share: {} posted", crate::show::count(*files, "file", "files")),
            ),
            _ => {}
        }
    }
}
