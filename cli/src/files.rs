//! The files a `share` of paths means: files as named, and the photos and videos of
//! folders and their subfolders, hidden and system folders left out, files recognised by
//! their content.

use crate::Failure;
use std::path::{Path, PathBuf};

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
