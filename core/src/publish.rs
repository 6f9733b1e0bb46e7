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
use crate::store::lock;
use crate::swarm::{crypt, torrent, FetchOptions, Progress, Swarm, SwarmError, Transfer};
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

/// Seeds `items` and posts them to `channel`. In a private channel (a setting of the
/// channel, [`Replica::is_private`]) the files travel encrypted with a fresh media key
/// that only members can read.
///
/// # Errors
/// [`Error`]; nothing is posted unless seeding started.
pub async fn publish(
    replica: &Replica,
    swarm: &Swarm,
    channel: &ChannelId,
    caption: &str,
    items: &[Imported],
) -> Result<EventId, Error> {
    publish_for(replica, swarm, channel, caption, items, None).await
}

/// [`publish`] on behalf of a named guest (an upload from the venue web gallery): the post
/// is this device's, marked with the guest's name.
///
/// # Errors
/// As [`publish`].
pub async fn publish_for(
    replica: &Replica,
    swarm: &Swarm,
    channel: &ChannelId,
    caption: &str,
    items: &[Imported],
    guest: Option<&str>,
) -> Result<EventId, Error> {
    publish_with(replica, swarm, channel, caption, items, guest, |_| Ok(())).await
}

/// [`publish_for`], with `also` run in the transaction that writes the post.
///
/// # Errors
/// As [`publish`].
pub(crate) async fn publish_with(
    replica: &Replica,
    swarm: &Swarm,
    channel: &ChannelId,
    caption: &str,
    items: &[Imported],
    guest: Option<&str>,
    also: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<(), crate::store::StoreError>,
) -> Result<EventId, Error> {
    if items.is_empty() || items.len() > MAX_ITEMS {
        return Err(Error::ItemCount);
    }
    let private = replica.is_private(channel)?;
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
        on_behalf_of: guest.map(str::to_owned),
        media_key,
    };
    Ok(replica.author_with(channel, body, also)?)
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
    let transfer = post_transfer(replica, post)?;
    Ok(swarm.fetch(&transfer.info, dest, options(&transfer, seeds, peers, None)).await?)
}

fn post_transfer(replica: &Replica, post: &EventId) -> Result<catalog::db::Transfer, Error> {
    replica
        .store()
        .read(|c| catalog::db::post_transfer(c, post))
        .map_err(|e| Error::Replica(e.into()))?
        .ok_or(Error::UnknownPost)
}

fn options(
    t: &catalog::db::Transfer,
    seeds: Vec<SocketAddr>,
    peers: Vec<SocketAddr>,
    only_files: Option<Vec<usize>>,
) -> FetchOptions {
    let file_keys = t.media_key.as_ref().map(|k| (0..t.files).map(|i| crypt::file_key(&k.0, i)).collect());
    FetchOptions { seeds, peers, file_keys, stripe: None, only_files }
}

/// Posts a channel fetch transfers at once. A live fetch keeps every file of its post
/// open (up to 12) plus its resume file, so this bounds a channel fetch to ~52 open files
/// however many posts the channel has.
pub const CHANNEL_FETCH_WINDOW: usize = 4;

/// A whole channel being fetched in the background.
pub struct ChannelFetch {
    progress: std::sync::Arc<std::sync::Mutex<Vec<(EventId, Progress)>>>,
    /// Posts whose every original arrived (photos and videos).
    done: std::sync::Arc<std::sync::Mutex<Vec<EventId>>>,
    /// Fetches in flight, to let go of them when stopped.
    live: std::sync::Arc<std::sync::Mutex<Vec<Transfer>>>,
    task: tokio::task::JoinHandle<Result<(), Error>>,
}

impl ChannelFetch {
    /// The latest progress of a post's fetch (`None` before it starts). Between the
    /// photo pass and the video pass a post shows its photos complete.
    pub fn progress(&self, post: &EventId) -> Option<Progress> {
        let all = lock(&self.progress);
        all.iter().find(|(p, _)| p == post).map(|(_, pr)| pr.clone())
    }

    /// Every post's progress so far.
    pub fn all_progress(&self) -> Vec<(EventId, Progress)> {
        lock(&self.progress).clone()
    }

    /// Posts completed since the last call (every original there and verified).
    pub fn take_done(&self) -> Vec<EventId> {
        std::mem::take(&mut *lock(&self.done))
    }

    /// Whether the fetch has ended (completed or failed).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// Stops fetching, keeping whatever arrived (a later fetch resumes from it).
    pub async fn stop(self, swarm: &Swarm) {
        self.task.abort();
        let live: Vec<Transfer> = std::mem::take(&mut *lock(&self.live));
        for t in live {
            swarm.forget(&t).await;
        }
    }

    /// Waits until every original of the channel has arrived.
    ///
    /// # Errors
    /// The first error a post's fetch met.
    pub async fn finished(self) -> Result<(), Error> {
        self.task.await.map_err(|_| Error::Swarm(SwarmError::Stopped))?
    }
}

/// One post's part in a channel fetch.
struct Job {
    post: EventId,
    transfer: catalog::db::Transfer,
    only: Option<Vec<usize>>,
}

/// Fetches every original of a channel into `media/<post id>/`: thumbnails are already
/// here with the log, then every photo of every post (newest post first), then the
/// videos, which are the bulk of the bytes and the least urgent to see in full.
/// [`CHANNEL_FETCH_WINDOW`] posts at a time.
///
/// # Errors
/// [`Error::Replica`] if the channel's posts cannot be read.
pub async fn fetch_channel(
    replica: &Replica,
    swarm: std::sync::Arc<Swarm>,
    channel: &ChannelId,
    media: &Path,
    seeds: Vec<SocketAddr>,
) -> Result<ChannelFetch, Error> {
    let posts =
        replica.store().read(|c| catalog::db::visible_posts(c, channel)).map_err(|e| Error::Replica(e.into()))?;
    fetch_posts(replica, swarm, posts, media, seeds)
}

/// [`fetch_channel`] for the given posts only (newest first), e.g. those not yet here.
///
/// # Errors
/// [`Error::Replica`] if a post cannot be read.
pub fn fetch_posts(
    replica: &Replica,
    swarm: std::sync::Arc<Swarm>,
    posts: Vec<EventId>,
    media: &Path,
    seeds: Vec<SocketAddr>,
) -> Result<ChannelFetch, Error> {
    let (mut photos, mut videos) = (Vec::new(), Vec::new());
    for post in posts {
        let t = post_transfer(replica, &post)?;
        let stills: Vec<usize> = (0..t.files).filter(|i| !t.videos.contains(i)).collect();
        if t.videos.is_empty() {
            photos.push(Job { post, transfer: t, only: None });
        } else {
            if !stills.is_empty() {
                photos.push(Job { post, transfer: t.clone(), only: Some(stills) });
            }
            videos.push(Job { post, transfer: t, only: None });
        }
    }
    let shared = Shared::default();
    let (progress, done, live) = (shared.progress.clone(), shared.done.clone(), shared.live.clone());
    let media = media.to_path_buf();
    let task = tokio::spawn(async move {
        for pass in [photos, videos] {
            let mut queue = pass.into_iter();
            let mut live = tokio::task::JoinSet::new();
            loop {
                while live.len() < CHANNEL_FETCH_WINDOW {
                    let Some(job) = queue.next() else { break };
                    let (swarm, seeds, media, shared) =
                        (std::sync::Arc::clone(&swarm), seeds.clone(), media.clone(), shared.clone());
                    live.spawn(async move { fetch_one(&swarm, job, seeds, &media, &shared).await });
                }
                match live.join_next().await {
                    Some(done) => done.map_err(|_| Error::Swarm(SwarmError::Stopped))??,
                    None => break,
                }
            }
        }
        Ok(())
    });
    Ok(ChannelFetch { progress, done, live, task })
}

/// What a channel fetch's tasks report into.
#[derive(Clone, Default)]
struct Shared {
    progress: std::sync::Arc<std::sync::Mutex<Vec<(EventId, Progress)>>>,
    done: std::sync::Arc<std::sync::Mutex<Vec<EventId>>>,
    live: std::sync::Arc<std::sync::Mutex<Vec<Transfer>>>,
}

/// Fetches one post (or its photos), reporting progress into `shared`, then lets go of
/// it: its files stay, its open descriptors are released.
async fn fetch_one(
    swarm: &Swarm,
    job: Job,
    seeds: Vec<SocketAddr>,
    media: &Path,
    shared: &Shared,
) -> Result<(), Error> {
    let dest = media.join(job.post.to_hex());
    let whole = job.only.is_none();
    let t = swarm.fetch(&job.transfer.info, &dest, options(&job.transfer, seeds, vec![], job.only)).await?;
    lock(&shared.live).push(t.clone());
    let set = |p: Progress| {
        let mut all = lock(&shared.progress);
        match all.iter_mut().find(|(id, _)| *id == job.post) {
            Some((_, old)) => *old = p,
            None => all.push((job.post, p)),
        }
    };
    loop {
        tokio::select! {
            done = t.finished() => {
                if let Err(e) = done {
                    // Let go of a failed transfer (a full disk, say), so the next fetch of
                    // the post starts afresh from what arrived rather than finding it
                    // still failed in the engine.
                    swarm.forget(&t).await;
                    lock(&shared.live).retain(|x| x.info_hash() != t.info_hash());
                    return Err(e.into());
                }
                break;
            }
            () = tokio::time::sleep(crate::swarm::fetch::PROGRESS_EVERY) => set(t.progress()),
        }
    }
    set(t.progress());
    swarm.forget(&t).await;
    lock(&shared.live).retain(|x| x.info_hash() != t.info_hash());
    if whole {
        lock(&shared.done).push(job.post);
    }
    Ok(())
}
