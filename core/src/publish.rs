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
use std::collections::VecDeque;
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
/// however many posts the channel has (~65 while a new photo passes running videos).
pub const CHANNEL_FETCH_WINDOW: usize = 4;

/// A post's photos and its videos, as jobs of a channel fetch.
type Jobs = (Vec<Job>, Vec<Job>);

/// A whole channel being fetched in the background.
pub struct ChannelFetch {
    progress: std::sync::Arc<std::sync::Mutex<Vec<(EventId, Progress)>>>,
    /// Posts whose every original arrived (photos and videos).
    done: std::sync::Arc<std::sync::Mutex<Vec<EventId>>>,
    /// Torrents of the fetches in flight or being started, to let go of them when stopped.
    live: std::sync::Arc<std::sync::Mutex<Vec<[u8; 20]>>>,
    /// Every post this fetch was given, and where posts that arrive later go.
    known: std::sync::Mutex<std::collections::HashSet<EventId>>,
    adds: tokio::sync::mpsc::UnboundedSender<Jobs>,
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

    /// Adds the posts of `posts` this fetch does not have yet (posts that arrived while
    /// it ran): their photos go ahead of whatever waits, even of videos being fetched,
    /// so a new photo is never stuck behind a long video or a post nobody reachable has.
    /// Returns how many were added; none once the fetch has ended (the next fetch takes
    /// them).
    ///
    /// # Errors
    /// [`Error::Replica`] if a post cannot be read.
    pub fn add(&self, replica: &Replica, posts: &[EventId]) -> Result<usize, Error> {
        let new: Vec<EventId> = {
            let known = lock(&self.known);
            posts.iter().filter(|p| !known.contains(p)).copied().collect()
        };
        if new.is_empty() || self.is_finished() {
            return Ok(0);
        }
        let jobs = jobs(replica, &new)?;
        if self.adds.send(jobs).is_err() {
            return Ok(0);
        }
        lock(&self.known).extend(new.iter().copied());
        Ok(new.len())
    }

    /// Whether the fetch has ended (completed or failed).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// Stops fetching, keeping whatever arrived (a later fetch resumes from it).
    pub async fn stop(self, swarm: &Swarm) {
        self.task.abort();
        let live: Vec<[u8; 20]> = std::mem::take(&mut *lock(&self.live));
        for info_hash in live {
            swarm.forget_fetch(info_hash).await;
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
    fetch_posts(replica, swarm, posts, media, seeds, None)
}

/// [`fetch_channel`] for the given posts only (newest first), e.g. those not yet here.
/// `on_done` is notified the moment a post's last original is verified, so whoever
/// records it ([`ChannelFetch::take_done`]) does so at once rather than at its next look.
///
/// # Errors
/// [`Error::Replica`] if a post cannot be read.
pub fn fetch_posts(
    replica: &Replica,
    swarm: std::sync::Arc<Swarm>,
    posts: Vec<EventId>,
    media: &Path,
    seeds: Vec<SocketAddr>,
    on_done: Option<std::sync::Arc<tokio::sync::Notify>>,
) -> Result<ChannelFetch, Error> {
    let (photos, videos) = jobs(replica, &posts)?;
    let shared = Shared { on_done, ..Shared::default() };
    let (progress, done, live) = (shared.progress.clone(), shared.done.clone(), shared.live.clone());
    let (adds, added) = tokio::sync::mpsc::unbounded_channel();
    let run = Run { swarm, seeds, media: media.to_path_buf(), shared };
    let task = tokio::spawn(run.all(photos.into(), videos.into(), added));
    let known = std::sync::Mutex::new(posts.into_iter().collect());
    Ok(ChannelFetch { progress, done, live, known, adds, task })
}

/// The jobs of `posts`: every photo first (a post with photos and videos has a job for
/// its photos), then every video.
fn jobs(replica: &Replica, posts: &[EventId]) -> Result<Jobs, Error> {
    let (mut photos, mut videos) = (Vec::new(), Vec::new());
    for &post in posts {
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
    Ok((photos, videos))
}

/// A channel fetch's task.
struct Run {
    swarm: std::sync::Arc<Swarm>,
    seeds: Vec<SocketAddr>,
    media: std::path::PathBuf,
    shared: Shared,
}

impl Run {
    /// Fetches the photos, [`CHANNEL_FETCH_WINDOW`] posts at a time, then the videos; a
    /// photo added meanwhile goes first, and may pass the videos by one post.
    async fn all(
        self,
        mut photos: VecDeque<Job>,
        mut videos: VecDeque<Job>,
        mut added: tokio::sync::mpsc::UnboundedReceiver<Jobs>,
    ) -> Result<(), Error> {
        let mut live = tokio::task::JoinSet::new();
        let (mut photos_live, mut videos_live) = (0, 0);
        loop {
            while let Ok(jobs) = added.try_recv() {
                queue_first(&mut photos, &mut videos, jobs);
            }
            while photos_live < CHANNEL_FETCH_WINDOW && live.len() <= CHANNEL_FETCH_WINDOW {
                let Some(job) = photos.pop_front() else { break };
                live.spawn(self.one(job, false));
                photos_live += 1;
            }
            while photos.is_empty() && photos_live == 0 && videos_live < CHANNEL_FETCH_WINDOW {
                let Some(job) = videos.pop_front() else { break };
                live.spawn(self.one(job, true));
                videos_live += 1;
            }
            if live.is_empty() {
                return Ok(());
            }
            tokio::select! {
                ended = live.join_next() => {
                    let Some(ended) = ended else { continue };
                    let (video, result) = ended.map_err(|_| Error::Swarm(SwarmError::Stopped))?;
                    *(if video { &mut videos_live } else { &mut photos_live }) -= 1;
                    result?;
                }
                Some(jobs) = added.recv() => queue_first(&mut photos, &mut videos, jobs),
            }
        }
    }

    /// One job, as a task: whether it was a video, and how it ended.
    fn one(&self, job: Job, video: bool) -> impl std::future::Future<Output = (bool, Result<(), Error>)> + Send + 'static {
        let (swarm, seeds, media, shared) =
            (std::sync::Arc::clone(&self.swarm), self.seeds.clone(), self.media.clone(), self.shared.clone());
        async move { (video, fetch_one(&swarm, job, seeds, &media, &shared).await) }
    }
}

/// Puts jobs that arrived ahead of those waiting (newest posts first, as they come).
fn queue_first(photos: &mut VecDeque<Job>, videos: &mut VecDeque<Job>, (new_photos, new_videos): Jobs) {
    for job in new_photos.into_iter().rev() {
        photos.push_front(job);
    }
    for job in new_videos.into_iter().rev() {
        videos.push_front(job);
    }
}

/// What a channel fetch's tasks report into.
#[derive(Clone, Default)]
struct Shared {
    progress: std::sync::Arc<std::sync::Mutex<Vec<(EventId, Progress)>>>,
    done: std::sync::Arc<std::sync::Mutex<Vec<EventId>>>,
    live: std::sync::Arc<std::sync::Mutex<Vec<[u8; 20]>>>,
    on_done: Option<std::sync::Arc<tokio::sync::Notify>>,
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
    // Recorded before the fetch starts: a stop that comes while it starts lets go of it.
    let info_hash = torrent::info_hash(&job.transfer.info);
    lock(&shared.live).push(info_hash);
    let started = swarm.fetch(&job.transfer.info, &dest, options(&job.transfer, seeds, vec![], job.only)).await;
    let t = started.inspect_err(|_| lock(&shared.live).retain(|x| *x != info_hash))?;
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
                    lock(&shared.live).retain(|x| *x != t.info_hash());
                    return Err(e.into());
                }
                break;
            }
            () = tokio::time::sleep(crate::swarm::fetch::PROGRESS_EVERY) => set(t.progress()),
        }
    }
    set(t.progress());
    // Done the moment the last piece is verified: said before letting go of the transfer
    // (which closes its files), so nothing waits on that.
    if whole {
        lock(&shared.done).push(job.post);
        if let Some(n) = &shared.on_done {
            n.notify_one();
        }
    }
    swarm.forget(&t).await;
    lock(&shared.live).retain(|x| *x != t.info_hash());
    Ok(())
}
