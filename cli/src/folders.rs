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
use swarmroll_core::node::{Node, NodeEvent};
use swarmroll_core::share;
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
    // Copies a killed mirror left half-written: only this node writes them, and it is
    // starting.
    swarmroll_core::store::sweep_leftovers(&dir, |name| name.starts_with(".swarmroll-") && name.ends_with(".part"));
    let mut events = node.subscribe();
    let mut done: HashSet<EventId> = HashSet::new();
    loop {
        // A failing look (a busy store) is reported and tried again, never the end.
        let posts = match node.posts(&channel) {
            Ok(p) => p,
            Err(e) => {
                note(Note::Failed(format!("reading the channel failed: {e}")));
                Vec::new()
            }
        };
        let mut waiting = 0;
        let mut failed = 0;
        for post in &posts {
            if done.contains(&post.id) {
                continue;
            }
            match node.originals(&channel, &post.id) {
                Ok(None) => waiting += 1,
                Err(e) => {
                    note(Note::Failed(format!("finding a post's originals failed: {e}")));
                    waiting += 1;
                }
                Ok(Some(files)) => {
                    let (mut copied, mut all) = (0, true);
                    for o in &files {
                        match place(&o.path, &dir, &o.item.media.name, &o.item.media.content_hash) {
                            Ok(true) => copied += 1,
                            Ok(false) => {}
                            Err(e) => {
                                all = false;
                                note(Note::Failed(format!("copying an original failed ({})", e.kind())));
                            }
                        }
                    }
                    if copied > 0 {
                        note(Note::Mirrored { post: post.id, files: copied });
                    }
                    // A post is done once every file is in the folder; a failed copy is
                    // tried again on the next look.
                    if all {
                        done.insert(post.id);
                    } else {
                        failed += 1;
                    }
                }
            }
        }
        if once && waiting == 0 {
            return if failed == 0 {
                Ok(())
            } else {
                Err(Failure::other(format!("{failed} posts could not be copied into the folder")))
            };
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

/// Longest file name written (bytes, before " (n)" and the extension), well under the
/// 255 bytes most file systems allow, leaving room for the temporary name.
const MAX_NAME: usize = 200;

/// Copies `from` into `dir` as `name` unless the folder already has those bytes under
/// that name (the shared copy's, or — on the author's device — the original's); a
/// different file with the name gets "name (2).ext". Never replaces a file: the copy is
/// written under a fresh temporary name and linked into place only if the name is free.
/// `true` if copied.
fn place(from: &Path, dir: &Path, name: &str, hash: &ContentHash) -> std::io::Result<bool> {
    let safe = swarmroll_core::node::safe_names([name]).pop().unwrap_or_else(|| "file".into());
    let (stem, ext) = match safe.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && e.len() <= 16 => (s.to_owned(), format!(".{e}")),
        _ => (safe.clone(), String::new()),
    };
    let mut cut = MAX_NAME.min(stem.len());
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    let stem = &stem[..cut];
    let source_hash = std::cell::OnceCell::new();
    let mut n = 1;
    loop {
        let candidate = if n == 1 { format!("{stem}{ext}") } else { format!("{stem} ({n}){ext}") };
        let target = dir.join(&candidate);
        match std::fs::symlink_metadata(&target) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // Named after the bytes, not the process: a copy cut off by a kill is
                // replaced by the next copy of the same file, and swept at start.
                let tmp = dir.join(format!(".swarmroll-{}.part", &hash.to_hex()[..16]));
                let _ = std::fs::remove_file(&tmp);
                let mut out = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
                std::io::copy(&mut std::fs::File::open(from)?, &mut out)?;
                out.sync_all()?;
                drop(out);
                // A hard link fails if the name was taken meanwhile: then look again.
                let linked = std::fs::hard_link(&tmp, &target);
                std::fs::remove_file(&tmp)?;
                match linked {
                    Ok(()) => return Ok(true),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                    Err(e) => return Err(e),
                }
            }
            Err(e) => return Err(e),
            Ok(meta) if meta.is_file() => {
                if same_file(from, &target) {
                    return Ok(false);
                }
                if let Ok(h) = file_hash(&target) {
                    let original = source_hash.get_or_init(|| file_hash(from).ok());
                    if h == *hash || original.as_ref() == Some(&h) {
                        return Ok(false);
                    }
                }
            }
            Ok(_) => {}
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
    // Files posted or refused for good, as they were (a changed file is looked at again).
    let mut handled: HashSet<(PathBuf, u64, SystemTime)> = HashSet::new();
    loop {
        let mut now = BTreeMap::new();
        match std::fs::read_dir(&dir) {
            Ok(entries) => {
                for entry in entries.flatten() {
                    let path = entry.path();
                    let Ok(meta) = entry.metadata() else { continue };
                    if meta.is_file() && !hidden(&path) {
                        now.insert(path, (meta.len(), meta.modified().unwrap_or(SystemTime::UNIX_EPOCH)));
                    }
                }
            }
            Err(e) => note(Note::Failed(format!("cannot read the watched folder ({})", e.kind()))),
        }
        let mut ready = Vec::new();
        for (path, stamp) in &now {
            let key = (path.clone(), stamp.0, stamp.1);
            if last.get(path) != Some(stamp) || handled.contains(&key) {
                continue;
            }
            let p = path.clone();
            let hash = tokio::task::spawn_blocking(move || file_hash(&p)).await.ok().and_then(Result::ok);
            match hash.map(|h| node.has_content(&channel, &h)) {
                Some(Ok(true)) => {
                    handled.insert(key);
                }
                Some(Ok(false)) => ready.push((path.clone(), key)),
                // Unreadable now, or the store is busy: look again next time.
                Some(Err(_)) | None => {}
            }
        }
        last = now;
        if !ready.is_empty() {
            let requests = ready.iter().map(|(p, _)| ImportRequest::path(p.clone())).collect();
            let options = share::Options { caption: caption.clone(), ..share::Options::default() };
            match node.share(&channel, requests, options, &share::Cancel::default()).await {
                Ok(outcome) => {
                    // Posted, in the channel already, or unusable: settled either way.
                    handled.extend(ready.iter().map(|(_, k)| k.clone()));
                    for post in &outcome.posts {
                        let files = outcome.files.iter().filter(|f| **f == share::FileResult::Posted(*post)).count();
                        note(Note::Posted { post: *post, files });
                    }
                }
                Err(e) => note(Note::Failed(format!("posting from the folder failed, trying again: {e}"))),
            }
        }
        tokio::time::sleep(SCAN_EVERY).await;
    }
}
