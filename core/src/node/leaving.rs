//! Leaving a channel: this device stops syncing, fetching and seeding it, and forgets
//! everything it held for it — the log, the views, the keys, the journal, the venue
//! gallery's links and guests, and the copies of originals the node made (fetched
//! originals under `media/<channel>/`, guests' uploads, previews). The user's own files
//! (the camera roll a share was imported from) are never touched.
//!
//! The rows go in one transaction that also records the files to remove (`trash`);
//! the files go after it commits, and whatever a killed process left in the trash goes
//! at the next start. Leaving is local: the other members keep the channel, and the same
//! invite joins it again.

use super::{db, lock, Inner, Node, NodeError, NodeEvent};
use crate::replica;
use crate::types::ChannelId;
use std::path::{Path, PathBuf};

/// What leaving a channel let go of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Left {
    /// Posts no longer fetched or seeded.
    pub posts: u64,
    /// Files removed from the data folder.
    pub files_removed: u64,
}

impl Node {
    /// Leaves `channel` (see the [module docs](self)). Safe to call while it syncs,
    /// fetches, seeds or shares; a share to it in progress ends with
    /// [`replica::Error::UnknownChannel`].
    ///
    /// # Errors
    /// [`NodeError::Replica`] with [`replica::Error::UnknownChannel`] if this device
    /// does not hold the channel; [`NodeError::Store`].
    pub async fn leave_channel(&self, channel: &ChannelId) -> Result<Left, NodeError> {
        if !self.channels()?.iter().any(|c| c.id == *channel) {
            return Err(replica::Error::UnknownChannel.into());
        }
        let inner = &self.inner;
        lock(&inner.left).insert(*channel);
        // No post decides what the channel holds meanwhile.
        let posting = inner.posting.lock().await;
        let ch = *channel;
        let data_dir = inner.cfg.data_dir.clone();
        let previews = inner.importer.previews_dir().to_path_buf();
        let me = inner.replica.device_id();
        let forgotten = inner
            .replica
            .store()
            .write_async(move |tx| forget(tx, &ch, &me, &data_dir, &previews))
            .await
            .map_err(NodeError::from)?;
        drop(posting);
        inner.let_go(channel, &forgotten.info_hashes).await;
        lock(&inner.conditions).channels.remove(channel);
        let files_removed = inner.empty_trash();
        let _ = inner.events.send(NodeEvent::Left { channel: *channel });
        tracing::info!(posts = forgotten.info_hashes.len(), files_removed, "left a channel");
        Ok(Left { posts: forgotten.info_hashes.len() as u64, files_removed })
    }
}

/// What a leave took out of the store.
struct Forgotten {
    info_hashes: Vec<[u8; 20]>,
}

/// Every module forgets the channel, views before the log (moderation, retractions and
/// reactions are found through the channel's events), and the files to remove are
/// recorded.
fn forget(
    tx: &rusqlite::Transaction<'_>,
    ch: &ChannelId,
    me: &crate::types::DeviceId,
    data_dir: &Path,
    previews: &Path,
) -> Result<Forgotten, crate::store::StoreError> {
    let imports = crate::import::db::forget_only_in(tx, ch)?;
    let mut trash: Vec<PathBuf> = vec![data_dir.join("media").join(ch.to_hex())];
    for (path, shared) in imports {
        trash.push(previews.join(format!("{}.jpg", shared.to_hex())));
        // Copies the node made (a guest's upload); never the user's own files.
        if path.starts_with(data_dir) {
            trash.push(path);
        }
    }
    let info_hashes = crate::catalog::db::forget_channel(tx, ch)?;
    for h in &info_hashes {
        let bitv = crate::swarm::resume::bitv_path(&data_dir.join("swarm").join("resume"), h);
        // librqbit's copy of the torrent beside it (the node also clears these at start).
        trash.push(bitv.with_extension("torrent"));
        trash.push(bitv);
    }
    crate::comment::db::forget_channel(tx, ch)?;
    crate::venue::db::forget_channel(tx, ch)?;
    crate::share::db::forget_channel(tx, ch)?;
    crate::sync::db::forget_channel(tx, ch)?;
    db::forget_channel(tx, ch)?;
    crate::log::db::forget_channel(tx, ch, me)?;
    db::trash(tx, &trash)?;
    Ok(Forgotten { info_hashes })
}

impl Inner {
    /// Drops the channel's connections, fetch and seeds.
    async fn let_go(&self, channel: &ChannelId, info_hashes: &[[u8; 20]]) {
        let live = self.live.lock().await;
        let Some(live) = live.as_ref() else { return };
        if let Some((sync, _)) = &live.sync {
            sync.forget(channel);
        }
        self.fetching.stop_channel(channel, &live.swarm).await;
        for h in info_hashes {
            live.swarm.drop_post(*h).await;
        }
    }

    /// Whether `channel` was left (the background fetcher and seeder skip it, and let go
    /// of whatever they started for it meanwhile).
    pub(super) fn has_left(&self, channel: &ChannelId) -> bool {
        lock(&self.left).contains(channel)
    }

    /// Removes the files recorded for removal; returns how many were there.
    pub(super) fn empty_trash(&self) -> u64 {
        let store = self.replica.store();
        let paths = match store.read(db::trashed) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the files to remove");
                return 0;
            }
        };
        let mut removed = 0;
        let mut gone = Vec::with_capacity(paths.len());
        for p in paths {
            let r = match std::fs::symlink_metadata(&p) {
                Ok(m) if m.is_dir() => std::fs::remove_dir_all(&p),
                Ok(_) => std::fs::remove_file(&p),
                Err(e) => Err(e),
            };
            match r {
                Ok(()) => {
                    removed += 1;
                    gone.push(p);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => gone.push(p),
                Err(e) => tracing::warn!(kind = ?e.kind(), "a file left behind could not be removed yet"),
            }
        }
        if let Err(e) = store.write(|tx| db::untrash(tx, &gone)) {
            tracing::warn!(error = %e, "could not record removed files");
        }
        removed
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A process killed after a leave committed and before its files went: the files
    /// recorded in the trash go at the next start, and the record with them; a file that
    /// cannot be removed yet stays recorded.
    #[test]
    fn the_trash_a_killed_leave_left_is_emptied_later() {
        let dir = tempfile::tempdir().unwrap();
        let node = Node::open(crate::node::NodeConfig::new(dir.path())).unwrap();
        let fetched = dir.path().join("media").join("ab".repeat(32)).join("post");
        std::fs::create_dir_all(&fetched).unwrap();
        std::fs::write(fetched.join("IMG_1.jpg"), b"jpeg").unwrap();
        let copy = dir.path().join("web").join("files").join("x.jpg");
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        std::fs::write(&copy, b"jpeg").unwrap();
        let gone_already = dir.path().join("previews").join("nothing.jpg");
        let trash = vec![dir.path().join("media").join("ab".repeat(32)), copy.clone(), gone_already];
        node.replica().store().write(|tx| db::trash(tx, &trash)).unwrap();
        drop(node);

        let node = Node::open(crate::node::NodeConfig::new(dir.path())).unwrap();
        assert_eq!(node.inner.empty_trash(), 2);
        assert!(!fetched.exists() && !copy.exists());
        assert!(node.replica().store().read(db::trashed).unwrap().is_empty());
    }
}
