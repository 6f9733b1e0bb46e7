//! A folder kept in step with a channel, like a shared drive with no storage cap but your
//! own disk: `watch` posts what is dropped into a folder, `mirror` copies a channel's
//! originals into one as they arrive (both on one folder make it two-way). Files are
//! written whole (a temporary name, then renamed), never overwritten, and what was
//! mirrored into a watched folder is not posted again (its bytes are already in the
//! channel).

use crate::Failure;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use swarmroll_core::import::Request as ImportRequest;
use swarmroll_core::log::body::MAX_ITEMS;
use swarmroll_core::node::{Node, NodeEvent};
use swarmroll_core::{ChannelId, ContentHash, EventId};

/// Hidden files and those still being downloaded or written by other programs.
pub fn hidden(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or(".");
    name.starts_with('.')
        || name.starts_with('~')
        || [".part", ".tmp", ".crdownload", ".download", ".partial"].iter().any(|s| name.ends_with(s))
}

/// How often a watched folder is looked at.
const SCAN_EVERY: Duration = Duration::from_secs(2);

/// What changed in `mirror`'s folder, for the terminal.
pub enum Note {
    /// `n` files of a post were copied into the folder.
    Mirrored { post: EventId, files: usize },
    /// `n` new files were posted from the watched folder.
    Posted { post: EventId, files: usize },
    /// Something failed (no file names: they are the user's).
    Failed(String),
}

/// Copies `channel`'s originals into `dir` as they arrive, until aborted. `once`: stops
/// when every visible post's originals are in the folder (export).
pub async fn mirror(
    node: Node,
    channel: ChannelId,
    dir: PathBuf,
    once: bool,
    note: impl Fn(Note),
) -> Result<(), Failure> {
    std::fs::create_dir_all(&dir).map_err(|e| Failure::other(format!("cannot create the folder ({})", e.kind())))?;
    let mut events = node.subscribe();
    let mut done: HashSet<EventId> = HashSet::new();
    loop {
        let posts = node.posts(&channel)?;
        let mut waiting = 0;
        for post in &posts {
            if done.contains(&post.id) {
                continue;
            }
            match node.originals(&channel, &post.id)? {
                None => waiting += 1,
                Some(files) => {
                    let mut copied = 0;
                    for o in &files {
                        match place(&o.path, &dir, &o.item.name, &o.item.content_hash) {
                            Ok(true) => copied += 1,
                            Ok(false) => {}
                            Err(e) => note(Note::Failed(format!("copying an original failed ({})", e.kind()))),
                        }
                    }
                    if copied > 0 {
                        note(Note::Mirrored { post: post.id, files: copied });
                    }
                    done.insert(post.id);
                }
            }
        }
        if once && waiting == 0 {
            return Ok(());
        }
        // Woken by a finished transfer or a new post, or every few seconds.
        let _ =
            tokio::time::timeout(Duration::from_secs(5), async {
                loop {
                    match events.recv().await {
                        Ok(
                            NodeEvent::TransferFinished { channel: c, .. } | NodeEvent::PostArrived { channel: c, .. },
                        ) if c == channel => return,
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                        _ => {}
                    }
                }
            })
            .await;
    }
}

/// Copies `from` into `dir` as `name` unless the folder already has those bytes under
/// that name; a different file with the name gets "name (2).ext". `true` if copied.
fn place(from: &Path, dir: &Path, name: &str, hash: &ContentHash) -> std::io::Result<bool> {
    let safe = swarmroll_core::swarm::torrent::safe_names([name]).pop().unwrap_or_else(|| "file".into());
    let mut n = 1;
    loop {
        let candidate = match (n, safe.rsplit_once('.')) {
            (1, _) => safe.clone(),
            (_, Some((stem, ext))) => format!("{stem} ({n}).{ext}"),
            (_, None) => format!("{safe} ({n})"),
        };
        let target = dir.join(&candidate);
        if !target.exists() {
            let tmp = dir.join(format!(".{candidate}.swarmroll-part"));
            std::fs::copy(from, &tmp)?;
            std::fs::rename(&tmp, &target)?;
            return Ok(true);
        }
        if file_hash(&target).is_ok_and(|h| h == *hash) || same_file(from, &target) {
            return Ok(false);
        }
        n += 1;
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

fn file_hash(p: &Path) -> std::io::Result<ContentHash> {
    let mut h = blake3::Hasher::new();
    h.update_reader(std::fs::File::open(p)?)?;
    Ok(ContentHash(*h.finalize().as_bytes()))
}

/// Posts files dropped into `dir` to `channel`, until aborted. A file is taken once its
/// size and time stopped changing between two looks (a copy in progress is left alone);
/// files already in the channel (mirrored in, or shared before) are not posted again.
pub async fn watch(
    node: Node,
    dir: PathBuf,
    channel: ChannelId,
    caption: String,
    note: impl Fn(Note),
) -> Result<(), Failure> {
    std::fs::create_dir_all(&dir).map_err(|e| Failure::other(format!("cannot create the folder ({})", e.kind())))?;
    let mut last: BTreeMap<PathBuf, (u64, SystemTime)> = BTreeMap::new();
    let mut handled: HashSet<(PathBuf, u64, SystemTime)> = HashSet::new();
    loop {
        let mut now = BTreeMap::new();
        for entry in std::fs::read_dir(&dir)
            .map_err(|e| Failure::other(format!("cannot read the folder ({})", e.kind())))?
            .flatten()
        {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_file() && !hidden(&path) {
                now.insert(path, (meta.len(), meta.modified().unwrap_or(SystemTime::UNIX_EPOCH)));
            }
        }
        let mut ready = Vec::new();
        for (path, stamp) in &now {
            let key = (path.clone(), stamp.0, stamp.1);
            if last.get(path) == Some(stamp) && !handled.contains(&key) {
                handled.insert(key);
                let known = file_hash(path).ok().map(|h| node.has_content(&channel, &h)).transpose()?;
                if known == Some(false) {
                    ready.push(path.clone());
                }
            }
        }
        last = now;
        for batch in ready.chunks(MAX_ITEMS) {
            let requests = batch.iter().cloned().map(ImportRequest::path).collect();
            match node.share(&channel, &caption, requests).await {
                Ok((post, summary)) => note(Note::Posted { post, files: summary.imported.len() }),
                Err(swarmroll_core::node::NodeError::Publish(swarmroll_core::publish::Error::ItemCount)) => {}
                Err(e) => note(Note::Failed(format!("posting from the folder failed: {e}"))),
            }
        }
        tokio::time::sleep(SCAN_EVERY).await;
    }
}
