//! The node's side of [`share`](crate::share): starting shares, reporting their
//! progress as events, and finishing at start the shares a stopped node left unfinished.

use super::{Inner, Node, NodeError, NodeEvent};
use crate::channel::Role;
use crate::import;
use crate::replica;
use crate::share::{self, Cancel, Outcome};
use crate::swarm::Swarm;
use crate::types::ChannelId;
use std::sync::{Arc, Weak};

impl Node {
    /// Imports `files` and posts them to `channel`, at most 12 files a post, as one
    /// recoverable step: if the process dies at any moment, the next [`Node::start`]
    /// finishes the share. Files the channel already shows are not posted again (they
    /// come back as [`share::FileResult::AlreadyThere`]); files that cannot be used come
    /// back with their reason. `cancel` stops the import between files; what was
    /// imported by then is posted. Reports [`NodeEvent::ImportProgress`] and, at the
    /// end, [`NodeEvent::Shared`].
    ///
    /// # Errors
    /// [`NodeError::NotStarted`]; [`NodeError::Replica`] for an unknown channel or one
    /// where this device may not post (refused before anything is imported);
    /// [`NodeError::Share`] when nothing could be posted.
    pub async fn share(
        &self,
        channel: &ChannelId,
        files: Vec<import::Request>,
        options: share::Options,
        cancel: &Cancel,
    ) -> Result<Outcome, NodeError> {
        let swarm = self.swarm().await.ok_or(NodeError::NotStarted)?;
        match self.channels()?.iter().find(|c| c.id == *channel) {
            None => return Err(replica::Error::UnknownChannel.into()),
            Some(c) if c.my_role == Role::Viewer => return Err(replica::Error::MissingKeys.into()),
            Some(_) => {}
        }
        // Shares a stopped node left go first.
        drop(self.inner.resuming.lock().await);
        let ch = *channel;
        let begun = self
            .replica()
            .store()
            .write_async(move |tx| share::db::begin(tx, &ch, &options, &files))
            .await
            .map_err(share::Error::from)?;
        self.inner.run_share(&swarm, begun, cancel, false).await
    }
}

impl Inner {
    /// Runs one journaled share, forwarding its progress as events.
    pub(super) async fn run_share(
        &self,
        swarm: &Swarm,
        begun: share::db::Share,
        cancel: &Cancel,
        resumed: bool,
    ) -> Result<Outcome, NodeError> {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<import::Progress>();
        let events = self.events.clone();
        let forward = tokio::spawn(async move {
            while let Some(p) = rx.recv().await {
                let _ = events.send(NodeEvent::ImportProgress { done: p.done as u64, total: p.total as u64 });
            }
        });
        let ctx = share::Ctx { replica: &self.replica, swarm, importer: &self.importer, posting: &self.posting };
        let result = share::run(&ctx, begun, cancel, tx).await;
        let _ = forward.await;
        let outcome = result?;
        let _ = self.events.send(NodeEvent::Shared {
            channel: outcome.channel,
            posts: outcome.posts.clone(),
            files: outcome.posted() as u64,
            resumed,
        });
        Ok(outcome)
    }
}

/// Finishes the shares a stopped node left in the journal, oldest first, holding
/// `_resuming` until done.
pub(super) async fn resume(
    node: Weak<Inner>,
    swarm: Arc<Swarm>,
    pending: Vec<share::db::Share>,
    _resuming: tokio::sync::OwnedMutexGuard<()>,
) {
    for begun in pending {
        let Some(inner) = node.upgrade() else { return };
        let files = begun.files.len();
        tracing::info!(files, "finishing a share that was interrupted");
        if let Err(e) = inner.run_share(&swarm, begun, &Cancel::default(), true).await {
            tracing::warn!(error = %e, "an interrupted share could not be finished");
            let _ = inner.events.send(NodeEvent::Error { what: "an interrupted share could not be finished".into() });
        }
    }
}
