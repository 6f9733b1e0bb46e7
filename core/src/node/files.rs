//! Where a post's originals are on this device: the author's own files (seeded in place
//! from where they were imported), or the fetched copies under the data folder once every
//! one of them arrived. What the CLI's `mirror`/`export` copy out, and what a viewer opens.

use super::{Node, NodeError};
use crate::catalog::PostItem;
use crate::store::{row, StoreError};
use crate::swarm::torrent::safe_names;
use crate::types::{ChannelId, EventId};
use rusqlite::OptionalExtension;
use std::path::{Path, PathBuf};

/// One original of a post, here on this device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Original {
    /// The item as the post lists it.
    pub item: PostItem,
    /// The file. For the author it is the imported file itself, which may still carry
    /// the location removed from the shared copy; elsewhere it is the shared copy.
    pub path: PathBuf,
}

impl Node {
    /// The originals of `post` in `channel`, if all of them are here (`None` while any is
    /// still to arrive, or the post is not visible).
    ///
    /// # Errors
    /// [`NodeError::Replica`], [`NodeError::Store`].
    pub fn originals(&self, channel: &ChannelId, post: &EventId) -> Result<Option<Vec<Original>>, NodeError> {
        let Some(thread) = self.thread(post)? else { return Ok(None) };
        let items = thread.post.items;
        let store = self.replica().store();
        if thread.post.author.device == self.replica().device_id() {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let path: Option<String> = store.read(|c| {
                    row(c, "SELECT path FROM media WHERE shared_hash = ?1", [item.media.content_hash.0], |r| r.get(0))
                        .optional()
                        .map_err(StoreError::from)
                })?;
                let Some(path) = path.map(PathBuf::from) else { return Ok(None) };
                // The imported file may be gone (a platform's temporary export, deleted).
                if std::fs::metadata(&path).map(|m| m.len()).ok() != Some(item.media.size) {
                    return Ok(None);
                }
                out.push(Original { item, path });
            }
            return Ok(Some(out));
        }
        let done: bool = store.read(|c| {
            row(c, "SELECT 1 FROM originals_done WHERE post = ?1", [post.0], |_| Ok(()))
                .optional()
                .map(|o| o.is_some())
                .map_err(StoreError::from)
        })?;
        if !done {
            return Ok(None);
        }
        let dir = self.media_dir(channel).join(post.to_hex());
        let names = safe_names(items.iter().map(|i| i.media.name.as_str()));
        let mut out = Vec::with_capacity(items.len());
        for (item, name) in items.into_iter().zip(names) {
            let Some(path) = find(&dir, &name, item.media.size) else { return Ok(None) };
            out.push(Original { item, path });
        }
        Ok(Some(out))
    }
}

impl Node {
    /// Whether a photo or video with these exact bytes (`hash`, BLAKE3) is already in
    /// `channel` — so a watched folder does not post again what was mirrored into it.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn has_content(&self, channel: &ChannelId, hash: &crate::types::ContentHash) -> Result<bool, NodeError> {
        Ok(self.replica().store().read(|c| crate::catalog::db::has_content(c, channel, hash))?)
    }

    /// Free bytes on the disk of the data folder (`None` where the platform cannot say):
    /// front ends refuse work that would fill it.
    pub fn free_bytes(&self) -> Option<u64> {
        crate::store::free_bytes(self.data_dir())
    }
}

/// The file named `name` of `size` bytes under `dir` (librqbit may nest it in the
/// torrent's folder).
fn find(dir: &Path, name: &str, size: u64) -> Option<PathBuf> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).ok()?.flatten() {
            let path = entry.path();
            let meta = entry.metadata().ok()?;
            if meta.is_dir() {
                stack.push(path);
            } else if entry.file_name().to_str() == Some(name) && meta.len() == size {
                return Some(path);
            }
        }
    }
    None
}
