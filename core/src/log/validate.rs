//! Why an event is refused: one typed reason per rule.
//!
//! # Acceptance rules, in the order they are checked
//!
//! 1. The encoding is canonical, of a known version, within [`super::MAX_EVENT_BYTES`].
//! 2. It is for the channel being replicated.
//! 3. The author's signature verifies.
//! 4. It is new (not a replay), and no other event holds its feed position (no fork).
//! 5. The author was not removed before it, and the epoch was not closed to them.
//! 6. Its feed links: `seq == 1` has no `prev`; otherwise `prev` is the author's event at
//!    `seq - 1` (missing → kept pending), and the epoch never goes down along a feed.
//! 7. The body decrypts with the epoch's read key (unknown key → pending), decodes,
//!    matches the header's kind and respects every field limit.
//! 8. The author holds a certificate for the epoch — carried in the event itself (a
//!    `Profile`) or issued earlier — whose role allows the kind.
//! 9. In a private channel, a `Post` carries a media key (its files are encrypted on the
//!    wire): a client that would publish a member's photos in the clear is refused.

use super::event::{CodecError, Kind};
use crate::channel::Role;
use crate::store::StoreError;

/// A refused event. Nothing of a refused event is stored.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
#[non_exhaustive]
pub enum Rejection {
    /// Not a canonical event encoding.
    #[error("malformed event")]
    Malformed,
    /// Over the size limit.
    #[error("event too large")]
    TooLarge,
    /// For a different channel than the one being replicated.
    #[error("event for another channel")]
    WrongChannel,
    /// The signature does not verify.
    #[error("invalid signature")]
    BadSignature,
    /// Already have it.
    #[error("event already known (replay)")]
    Duplicate,
    /// Another event already holds this author's feed position.
    #[error("fork: another event holds this feed position")]
    Fork,
    /// `prev` does not name the author's previous event, or the epoch went backwards.
    #[error("event does not extend its author's feed")]
    BrokenChain,
    /// The body does not decrypt with the epoch's read key.
    #[error("event body does not decrypt")]
    Undecryptable,
    /// The body's kind differs from the header's.
    #[error("event body does not match its kind")]
    KindMismatch,
    /// A field is out of bounds.
    #[error("event field out of bounds: {0}")]
    Limits(&'static str),
    /// The author holds no valid certificate for the epoch.
    #[error("author is not a member of the channel")]
    NotAMember,
    /// The author's role does not allow this kind of event.
    #[error("a {role:?} may not send {kind:?} events")]
    RoleForbids {
        /// The author's role.
        role: Role,
        /// The refused kind.
        kind: Kind,
    },
    /// The author was removed from the channel before this event.
    #[error("author was removed from the channel")]
    Removed,
    /// The author was not carried into the next epoch and may not extend the closed one.
    #[error("the event's key epoch is closed to its author")]
    EpochClosed,
    /// A rotation that does not follow the current epoch.
    #[error("conflicting key rotation")]
    BadRotation,
    /// This replica is not a member of the event's channel.
    #[error("unknown channel")]
    UnknownChannel,
    /// A post without a media key in a private channel.
    #[error("a post in a private channel must be encrypted")]
    UnencryptedPost,
    /// Too many events are waiting for their dependencies.
    #[error("too many pending events")]
    TooManyPending,
}

impl From<CodecError> for Rejection {
    fn from(e: CodecError) -> Self {
        match e {
            CodecError::TooLarge => Rejection::TooLarge,
            CodecError::Undecryptable => Rejection::Undecryptable,
            CodecError::KindMismatch => Rejection::KindMismatch,
            _ => Rejection::Malformed,
        }
    }
}

/// Why ingesting failed: a refused event, or the database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// The event was refused.
    #[error(transparent)]
    Rejected(#[from] Rejection),
    /// Storage failed; nothing was written.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for IngestError {
    fn from(e: rusqlite::Error) -> Self {
        IngestError::Store(e.into())
    }
}

/// The least role that may send `kind`.
pub fn required_role(kind: Kind) -> Role {
    match kind {
        Kind::Profile | Kind::Comment | Kind::Reaction | Kind::Retract => Role::Viewer,
        Kind::Post => Role::Contributor,
        Kind::Moderate => Role::Admin,
        Kind::Channel | Kind::Rotate => Role::Owner,
    }
}
