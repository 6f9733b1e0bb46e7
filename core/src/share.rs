//! Sharing files into a channel as one recoverable step: import, then post, with a
//! journal in between so that no photo is lost to an interruption.
//!
//! Before, an import wrote a `media` row per file and the post came after; a share cut
//! off between the two (Ctrl-C, the app killed in the background, power lost) left
//! photos imported but in no post, and the import's device-wide dedupe then refused to
//! share them again. Now:
//!
//! 1. The share is written to the journal first (`shares`, `share_files`: the files,
//!    caption, guest, location choice), in one transaction.
//! 2. The files are imported (a file already imported reuses its record).
//! 3. What the channel already holds (any member's visible post with the same shared
//!    bytes) is not posted again; neither is a second copy within the share.
//! 4. The rest is posted, at most [`MAX_ITEMS`] files a post. A post's journal rows are
//!    deleted in the transaction that writes the post, so a post is never made twice and
//!    never lost.
//! 5. Files that failed, were in the channel already, or were cancelled by the user
//!    leave the journal at once.
//!
//! Whatever is still in the journal when the node starts was interrupted; the node runs
//! it again from step 2 ([`Node::start`](crate::node::Node::start)). Cancelling (the user
//! pressed Ctrl-C or Cancel) stops between files and posts what was imported.

pub(crate) mod db;

use crate::catalog;
use crate::import::{self, ImportError, Importer};
use crate::log::body::MAX_ITEMS;
use crate::publish;
use crate::replica::Replica;
use crate::store::{lock, Store, StoreError};
use crate::swarm::Swarm;
use crate::types::{ChannelId, ContentHash, EventId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// How to share.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The posts' caption.
    pub caption: String,
    /// Posting for a named guest of the venue web gallery.
    pub guest: Option<String>,
    /// Keep the location in what members receive (the user said so, file by file or for
    /// the share). Otherwise location is removed, and a file whose location cannot be
    /// removed is not shared.
    pub keep_location: bool,
}

/// Stops a share between files; what was imported by then is posted.
///
/// Cancelling also marks the share in the journal at once, so that if the process is
/// then stopped before the share winds down (a second Ctrl-C), the next start does not
/// take up what the user cancelled: files imported but not posted are posted by the next
/// share of the same files instead.
#[derive(Clone, Default)]
pub struct Cancel {
    flag: Arc<AtomicBool>,
    journal: Arc<std::sync::Mutex<Option<Journal>>>,
}

/// Where a share's cancellation is recorded: the store and the share's row.
type Journal = (Arc<Store>, i64);

impl Cancel {
    /// Asks the share to stop (from any thread; a quick write to the database).
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
        if let Some((store, id)) = lock(&self.journal).as_ref() {
            mark_cancelled(store, *id);
        }
    }

    /// Whether it was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// Ties the handle to the share's journal row.
    fn attach(&self, store: &Arc<Store>, id: i64) {
        *lock(&self.journal) = Some((Arc::clone(store), id));
        if self.is_cancelled() {
            mark_cancelled(store, id);
        }
    }
}

impl std::fmt::Debug for Cancel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cancel").field("cancelled", &self.is_cancelled()).finish()
    }
}

fn mark_cancelled(store: &Store, id: i64) {
    if let Err(e) = store.write(|tx| db::mark_cancelled(tx, id)) {
        tracing::warn!(error = %e, "could not record that a share was cancelled");
    }
}

/// What became of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileResult {
    /// Posted in this post.
    Posted(EventId),
    /// The channel already shows these bytes, in this post (shared before, by this
    /// device or another member), or they were twice in this share.
    AlreadyThere(EventId),
    /// Not usable, and why.
    Failed(ImportError),
    /// Not shared: the share was cancelled before this file, or posting stopped.
    NotShared,
}

/// What a share did, file by file in request order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The channel.
    pub channel: ChannelId,
    /// The posts made, in order.
    pub posts: Vec<EventId>,
    /// One result per requested file.
    pub files: Vec<FileResult>,
    /// The user cancelled it.
    pub cancelled: bool,
    /// Posting stopped after some posts were made (why, for people); the rest of the
    /// files are [`FileResult::NotShared`].
    pub stopped: Option<String>,
}

impl Outcome {
    /// Files posted by this share.
    pub fn posted(&self) -> usize {
        self.files.iter().filter(|f| matches!(f, FileResult::Posted(_))).count()
    }

    /// Files the channel already had.
    pub fn already_there(&self) -> usize {
        self.files.iter().filter(|f| matches!(f, FileResult::AlreadyThere(_))).count()
    }

    /// Files that could not be used, with their request index.
    pub fn failed(&self) -> Vec<(usize, &ImportError)> {
        let failed = self.files.iter().enumerate();
        failed.filter_map(|(i, f)| if let FileResult::Failed(e) = f { Some((i, e)) } else { None }).collect()
    }

    /// Files not handled (cancelled or stopped).
    pub fn not_shared(&self) -> usize {
        self.files.iter().filter(|f| matches!(f, FileResult::NotShared)).count()
    }
}

/// Why a share failed as a whole (nothing was posted).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The journal could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Posting failed before any post was made.
    #[error(transparent)]
    Publish(#[from] publish::Error),
}

/// What a share needs from the node.
pub(crate) struct Ctx<'a> {
    pub replica: &'a Replica,
    pub swarm: &'a Swarm,
    pub importer: &'a Arc<Importer>,
    /// Held while deciding what the channel holds and posting, so two shares of the same
    /// bytes at once (a page's commit and a resumed share) never post them twice.
    pub posting: &'a tokio::sync::Mutex<()>,
}

/// Runs a journaled share (new or resumed) to its end, reporting import progress.
///
/// # Errors
/// [`Error`] when nothing could be posted because of storage or the swarm; the journal
/// is cleared then, so the share is not retried for ever.
pub(crate) async fn run(
    ctx: &Ctx<'_>,
    share: db::Share,
    cancel: &Cancel,
    progress: tokio::sync::mpsc::UnboundedSender<import::Progress>,
) -> Result<Outcome, Error> {
    let total = share.files.last().map_or(0, |f| f.idx + 1);
    let mut outcome = Outcome {
        channel: share.channel,
        posts: Vec::new(),
        files: vec![FileResult::NotShared; total],
        cancelled: false,
        stopped: None,
    };
    cancel.attach(ctx.replica.store(), share.id);
    if share.cancelled {
        // Cancelled by the user, then stopped before it wound down.
        db::abandon(ctx.replica.store(), share.id).await?;
        outcome.cancelled = true;
        return Ok(outcome);
    }
    let requests: Vec<import::Request> = share.files.iter().map(|f| f.request.clone()).collect();
    let idx: Vec<usize> = share.files.iter().map(|f| f.idx).collect();
    let options = import::Options { share_location: share.options.keep_location };
    let summary = ctx.importer.run_async(requests, options, progress, Arc::clone(&cancel.flag)).await;
    outcome.cancelled = summary.cancelled;
    let mut settled: Vec<usize> = Vec::new();
    for (i, e) in &summary.failed {
        outcome.files[idx[*i]] = FileResult::Failed(e.clone());
        settled.push(idx[*i]);
    }
    let _posting = ctx.posting.lock().await;
    let plan = plan(ctx, &share.channel, &summary, &idx).await?;
    for (i, post) in &plan.there {
        outcome.files[*i] = FileResult::AlreadyThere(*post);
        settled.push(*i);
    }
    db::settle(ctx.replica.store(), share.id, &settled).await?;
    let result = post_batches(ctx, &share, &plan, &mut outcome).await;
    // Cancelled, stopped or done: nothing of this share is left to resume.
    db::abandon(ctx.replica.store(), share.id).await?;
    match result {
        Ok(()) => Ok(outcome),
        Err(e) if outcome.posts.is_empty() => Err(e),
        Err(e) => {
            outcome.stopped = Some(e.to_string());
            Ok(outcome)
        }
    }
}

/// What to do with the usable files of a share, by journal index.
#[derive(Default)]
struct Plan {
    /// To post, in order.
    fresh: Vec<(usize, import::Imported)>,
    /// Shown by the channel already, in this post.
    there: Vec<(usize, EventId)>,
    /// A second copy of the bytes of an earlier file of the share: (this, the first).
    twins: Vec<(usize, usize)>,
}

/// Sorts the usable files into those to post, those the channel already shows and
/// second copies within the share.
async fn plan(ctx: &Ctx<'_>, channel: &ChannelId, summary: &import::Summary, idx: &[usize]) -> Result<Plan, Error> {
    let usable: Vec<(usize, import::Imported)> =
        summary.usable().into_iter().map(|(i, item)| (idx[i], item.clone())).collect();
    let hashes: Vec<ContentHash> = usable.iter().map(|(_, it)| it.shared_hash).collect();
    let ch = *channel;
    let held: HashMap<ContentHash, EventId> = ctx
        .replica
        .store()
        .read_async(move |c| {
            let mut held = HashMap::new();
            for h in hashes {
                if let Some(post) = catalog::db::post_holding(c, &ch, &h)? {
                    held.insert(h, post);
                }
            }
            Ok::<_, StoreError>(held)
        })
        .await?;
    let mut plan = Plan::default();
    let mut first: HashMap<ContentHash, usize> = HashMap::new();
    for (i, item) in usable {
        if let Some(post) = held.get(&item.shared_hash) {
            plan.there.push((i, *post));
        } else if let Some(&j) = first.get(&item.shared_hash) {
            plan.twins.push((i, j));
        } else {
            first.insert(item.shared_hash, i);
            plan.fresh.push((i, item));
        }
    }
    Ok(plan)
}

/// Posts the fresh files, [`MAX_ITEMS`] at a time; each post's journal rows (its files
/// and their twins) go in the post's own transaction.
async fn post_batches(ctx: &Ctx<'_>, share: &db::Share, plan: &Plan, outcome: &mut Outcome) -> Result<(), Error> {
    let opts = &share.options;
    for batch in plan.fresh.chunks(MAX_ITEMS) {
        let mut rows: Vec<usize> = batch.iter().map(|(i, _)| *i).collect();
        let twins: Vec<usize> = plan.twins.iter().filter(|(_, j)| rows.contains(j)).map(|(i, _)| *i).collect();
        rows.extend(&twins);
        let items: Vec<import::Imported> = batch.iter().map(|(_, it)| it.clone()).collect();
        let id = share.id;
        let post = publish::publish_with(
            ctx.replica,
            ctx.swarm,
            &share.channel,
            &opts.caption,
            &items,
            opts.guest.as_deref(),
            move |tx| db::settle_in(tx, id, &rows),
        )
        .await?;
        outcome.posts.push(post);
        for (i, _) in batch {
            outcome.files[*i] = FileResult::Posted(post);
        }
        for i in twins {
            outcome.files[i] = FileResult::AlreadyThere(post);
        }
    }
    Ok(())
}
