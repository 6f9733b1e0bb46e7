//! Publishing a post and fetching one: the bridge between the camera roll, the log and
//! the swarm.
//!
//! Publishing: imported photos → a deterministic torrent over their shared copies
//! (encrypted on the wire in private channels) → seeded in place → a signed `Post`
//! carrying the thumbnails, the info dictionary and, for private posts, the media key.
//! A member who receives the `Post` sees the gallery at once and can then fetch the
//! originals from any member seeding them.

use crate::catalog;
use crate::channel::Secret;
use crate::import::Imported;
use crate::log::body::{Body, MAX_ITEMS};
use crate::replica::{self, Replica};
use crate::swarm::{crypt, torrent, FetchOptions, Swarm, SwarmError, Transfer};
use crate::types::{ChannelId, EventId};
use std::net::SocketAddr;
use std::path::Path;

/// The folder name inside every post's torrent.
pub const TORRENT_NAME: &str = "swarmroll-post";

/// Why publishing or fetching failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The log refused the post, or storage failed.
    #[error(transparent)]
    Replica(#[from] replica::Error),
    /// Seeding or fetching failed.
    #[error(transparent)]
    Swarm(#[from] SwarmError),
    /// A post holds 1 to 12 photos or videos.
    #[error("a post holds between 1 and {MAX_ITEMS} photos or videos")]
    ItemCount,
    /// No such visible post here.
    #[error("unknown post")]
    UnknownPost,
}

/// Seeds `items` and posts them to `channel`. In a `private` channel the files travel
/// encrypted with a fresh media key that only members can read.
///
/// # Errors
/// [`Error`]; nothing is posted unless seeding started.
pub async fn publish(
    replica: &Replica,
    swarm: &Swarm,
    channel: &ChannelId,
    caption: &str,
    items: &[Imported],
    private: bool,
) -> Result<EventId, Error> {
    if items.is_empty() || items.len() > MAX_ITEMS {
        return Err(Error::ItemCount);
    }
    let media_key = private.then(Secret::random);
    let files: Vec<torrent::SourceFile> = items
        .iter()
        .enumerate()
        .map(|(i, it)| torrent::SourceFile {
            key: media_key.as_ref().map(|k| crypt::file_key(&k.0, i)),
            ..it.source_file()
        })
        .collect();
    let built = torrent::build(TORRENT_NAME, &files, private)?;
    swarm.seed(&built, files).await?;
    let body = Body::Post {
        caption: caption.to_owned(),
        items: items.iter().map(Imported::media_item).collect(),
        info_hash: built.info_hash,
        info: built.info,
        on_behalf_of: None,
        media_key,
    };
    Ok(replica.author(channel, body)?)
}

/// Starts fetching the originals of `post` into `dest` from `seeds` (members holding
/// it), trading with `peers` (members fetching it too).
///
/// # Errors
/// [`Error::UnknownPost`] if the post is not (or no longer) visible here.
pub async fn fetch(
    replica: &Replica,
    swarm: &Swarm,
    post: &EventId,
    dest: &Path,
    seeds: Vec<SocketAddr>,
    peers: Vec<SocketAddr>,
) -> Result<Transfer, Error> {
    let transfer = replica
        .store()
        .read(|c| catalog::db::post_transfer(c, post))
        .map_err(|e| Error::Replica(e.into()))?
        .ok_or(Error::UnknownPost)?;
    let keys = transfer.media_key.map(|k| (0..transfer.files).map(|i| crypt::file_key(&k.0, i)).collect());
    Ok(swarm.fetch(&transfer.info, dest, FetchOptions { seeds, peers, file_keys: keys, stripe: None }).await?)
}
