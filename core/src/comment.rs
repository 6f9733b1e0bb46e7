//! Comment threads and reactions, materialised from accepted events.
//!
//! Comments follow the catalog's visibility rule (own retraction or moderation hides
//! them). A reaction is a toggle: the current state for one `(target, author, emoji)` is
//! the author's highest-seq toggle, so any delivery order gives the same counts.

pub(crate) mod db;

use crate::catalog::{Credit, Post};
use crate::types::{EventId, Timestamp};

/// How many members currently react to something with one emoji.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReactionCount {
    /// The emoji.
    pub emoji: String,
    /// How many members.
    pub count: u64,
    /// Whether this device's member is one of them.
    pub mine: bool,
}

/// A visible comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The comment event.
    pub id: EventId,
    /// Who wrote it.
    pub author: Credit,
    /// When.
    pub time: Timestamp,
    /// The text.
    pub text: String,
    /// The comment it answers.
    pub reply_to: Option<EventId>,
    /// Reactions to it.
    pub reactions: Vec<ReactionCount>,
    /// The guest the author wrote it for (venue web gallery), if any.
    pub guest: Option<String>,
}

/// A post with its thread, as the viewer screen shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thread {
    /// The post.
    pub post: Post,
    /// Reactions to the post.
    pub reactions: Vec<ReactionCount>,
    /// Visible comments, oldest first.
    pub comments: Vec<Comment>,
}
