//! Live models for the apps' screens: a list now, and its changes from then on as
//! [`ListDiff`]s, so a native screen only renders (matrix-rust-sdk's timeline pattern).
//! Each watch reloads its list when a relevant [`NodeEvent`] arrives and sends the diff;
//! dropping the [`Watch`] stops it.
//!
//! Screens and their models: channel list ([`Node::watch_channels`]), gallery
//! ([`Node::watch_gallery`]), viewer with its thread ([`Node::watch_thread`]: the post
//! as the first entry, then its comments), transfers ([`Node::watch_transfers`]).

use super::diff::{self, ListDiff};
use super::{Node, NodeError, NodeEvent};
use crate::catalog::{ChannelSummary, Item, Post};
use crate::comment::{Comment, ReactionCount};
use crate::types::{ChannelId, EventId};
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

/// A live list: its entries when watching began and their changes since.
pub struct Watch<T> {
    /// The entries when watching began.
    pub initial: Vec<T>,
    /// Each batch of changes, in order.
    pub changes: tokio::sync::mpsc::UnboundedReceiver<Vec<ListDiff<T>>>,
    task: JoinHandle<()>,
}

impl<T> Drop for Watch<T> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One entry of the viewer's thread: the post first, then its comments oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThreadEntry {
    /// The post, with the reactions to it.
    Post {
        /// The post.
        post: Post,
        /// Reactions to it.
        reactions: Vec<ReactionCount>,
    },
    /// A comment.
    Comment(Comment),
}

impl ThreadEntry {
    /// The event the entry shows (its identity across changes).
    pub fn id(&self) -> EventId {
        match self {
            ThreadEntry::Post { post, .. } => post.id,
            ThreadEntry::Comment(c) => c.id,
        }
    }
}

/// A post whose originals are arriving, for the transfers screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// The channel.
    pub channel: ChannelId,
    /// The post.
    pub post: EventId,
    /// Verified bytes held.
    pub have_bytes: u64,
    /// Bytes in the post.
    pub total_bytes: u64,
    /// Current download speed.
    pub bytes_per_s: u64,
}

impl Node {
    /// The newest `limit` gallery entries now, and their changes from now on as diffs.
    /// Dropping the watch stops it. Must be called inside a tokio runtime.
    ///
    /// # Errors
    /// [`NodeError::Replica`].
    pub fn watch_gallery(&self, channel: ChannelId, limit: u32) -> Result<Watch<Item>, NodeError> {
        self.watch(
            move |n| Ok(n.gallery(&channel, None, limit)?.items),
            |i| i.content_hash,
            move |e| matches!(e, NodeEvent::PostArrived { channel: c, .. } | NodeEvent::Changed { channel: c, .. } if *c == channel),
        )
    }

    /// The channel list now (with unread counts), and its changes from now on as diffs.
    ///
    /// # Errors
    /// [`NodeError::Replica`].
    pub fn watch_channels(&self) -> Result<Watch<ChannelSummary>, NodeError> {
        self.watch(
            Node::channels,
            |c| c.id,
            |e| {
                matches!(
                    e,
                    NodeEvent::PostArrived { .. }
                        | NodeEvent::CommentAdded { .. }
                        | NodeEvent::Changed { .. }
                        | NodeEvent::MembersChanged { .. }
                        | NodeEvent::Read { .. }
                        | NodeEvent::Left { .. }
                )
            },
        )
    }

    /// The viewer's thread of `post` now — the post (with its reactions) first, then its
    /// comments oldest first — and its changes as diffs: a new comment is one insert, a
    /// reaction one replacement, a hidden comment one removal. Empty if the post is not
    /// visible (the whole list goes when it is hidden).
    ///
    /// # Errors
    /// [`NodeError::Replica`].
    pub fn watch_thread(&self, post: EventId) -> Result<Watch<ThreadEntry>, NodeError> {
        self.watch(
            move |n| n.thread_entries(&post),
            ThreadEntry::id,
            move |e| match e {
                NodeEvent::CommentAdded { post: p, .. } => *p == post,
                NodeEvent::Changed { .. } | NodeEvent::MembersChanged { .. } => true,
                _ => false,
            },
        )
    }

    /// The post's thread as entries (see [`Node::watch_thread`]).
    ///
    /// # Errors
    /// [`NodeError::Replica`].
    pub fn thread_entries(&self, post: &EventId) -> Result<Vec<ThreadEntry>, NodeError> {
        let Some(t) = self.thread(post)? else { return Ok(Vec::new()) };
        let mut out = Vec::with_capacity(t.comments.len() + 1);
        out.push(ThreadEntry::Post { post: t.post, reactions: t.reactions });
        out.extend(t.comments.into_iter().map(ThreadEntry::Comment));
        Ok(out)
    }

    /// Posts whose originals are arriving now, in the order fetching began.
    pub fn transfer_list(&self) -> Vec<Transfer> {
        self.transfers()
            .into_iter()
            .map(|(channel, post, p)| Transfer {
                channel,
                post,
                have_bytes: p.have_bytes,
                total_bytes: p.total_bytes,
                bytes_per_s: p.download_bytes_per_s,
            })
            .collect()
    }

    /// The transfers now, and their changes from now on as diffs (progress is a
    /// replacement; a finished post is removed).
    ///
    /// # Errors
    /// None today; a `Result` like the other watches.
    pub fn watch_transfers(&self) -> Result<Watch<Transfer>, NodeError> {
        self.watch(
            |n| Ok(n.transfer_list()),
            |t| t.post,
            |e| matches!(e, NodeEvent::TransferProgress { .. } | NodeEvent::TransferFinished { .. }),
        )
    }

    fn watch<T, K>(
        &self,
        load: impl Fn(&Node) -> Result<Vec<T>, NodeError> + Send + 'static,
        key: impl Fn(&T) -> K + Send + 'static,
        relevant: impl Fn(&NodeEvent) -> bool + Send + 'static,
    ) -> Result<Watch<T>, NodeError>
    where
        T: Clone + PartialEq + Send + 'static,
        K: PartialEq,
    {
        // Subscribed before the first load, so a change between the two is not lost.
        let mut events = self.subscribe();
        let first = load(self)?;
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let node = self.clone();
        let mut current = first.clone();
        let task = tokio::spawn(async move {
            loop {
                let again = match events.recv().await {
                    Ok(e) => relevant(&e),
                    Err(broadcast::error::RecvError::Lagged(_)) => true,
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                if !again {
                    continue;
                }
                let Ok(now) = load(&node) else { continue };
                let changes = diff::diff(&current, &now, &key);
                current = now;
                if !changes.is_empty() && tx.send(changes).is_err() {
                    return;
                }
            }
        });
        Ok(Watch { initial: first, changes: rx, task })
    }
}
