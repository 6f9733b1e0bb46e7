//! Event-window selection: which camera-roll items belong to a channel's event.

use super::db;
use crate::channel::Window;
use crate::store::{Store, StoreError};
use crate::types::Timestamp;
use std::path::{Path, PathBuf};

/// A camera-roll item offered for import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The file.
    pub path: PathBuf,
    /// When it was taken, if known.
    pub capture_time: Option<Timestamp>,
    /// The platform's asset id.
    pub asset_id: Option<String>,
}

/// The candidates taken inside `window` and not imported yet, oldest first.
///
/// # Errors
/// [`StoreError`].
pub fn select_for_window(
    store: &Store,
    candidates: Vec<Candidate>,
    window: Window,
) -> Result<Vec<Candidate>, StoreError> {
    let mut out = store.read(|c| {
        let mut keep = Vec::new();
        for cand in candidates {
            if !cand.capture_time.is_some_and(|t| window.contains(t)) {
                continue;
            }
            if !db::imported_path_or_asset(c, &cand.path.to_string_lossy(), cand.asset_id.as_deref())? {
                keep.push(cand);
            }
        }
        Ok::<_, StoreError>(keep)
    })?;
    out.sort_by_key(|c| c.capture_time);
    Ok(out)
}

/// The photos and videos in a folder (and its subfolders) with their capture times,
/// read from each file's metadata (or its modification time when it has none).
pub fn scan_folder(dir: &Path) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let path = e.path();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                stack.push(path);
            } else if ft.is_file() {
                if let Some(c) = candidate(&path) {
                    out.push(c);
                }
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn candidate(path: &Path) -> Option<Candidate> {
    use std::io::Read;
    let mut head = [0u8; 32];
    let mut f = std::fs::File::open(path).ok()?;
    let n = f.read(&mut head).ok()?;
    let kind = crate::media::Kind::sniff(&head[..n])?;
    let meta = crate::media::meta::read_file(path, kind);
    let mtime = || {
        let t = std::fs::metadata(path).ok()?.modified().ok()?;
        Some(Timestamp(t.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis() as i64))
    };
    Some(Candidate { path: path.to_path_buf(), capture_time: meta.capture_time.or_else(mtime), asset_id: None })
}
