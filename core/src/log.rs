//! The channel log: signed, encrypted events in per-author append-only feeds.
//!
//! Every action in a channel is an [`Event`]: a clear [`Header`] (channel, author, feed
//! position, key epoch, kind) and a [`Body`] encrypted with the epoch's read key
//! (XChaCha20-Poly1305, the header as associated data), the whole signed by the author's
//! device key. An event's id is the BLAKE3 hash of its signed encoding.
//!
//! Each author's events form a feed: `seq` counts from 1 and `prev` names the previous
//! event, so a replica's state is a version vector (author → highest seq) and a feed can
//! only be extended, never rewritten; two events at one position are a provable fork.
//! The first event of every feed is a `Profile` carrying the author's membership
//! certificate.
//!
//! Encoding is postcard (canonical for our types: fixed field order, varints, no maps),
//! prefixed with a format version byte. See [`validate`] for the acceptance rules and
//! [`db`] for how accepted events become the materialised views.

pub mod body;
pub(crate) mod db;
pub mod event;
pub(crate) mod facts;
pub(crate) mod precheck;
pub mod validate;

pub use body::{Body, MediaInfo, MediaItem, ModAction, RemovedMember};
pub use event::{Event, Header, Kind, WIRE_VERSION};
pub use validate::Rejection;

/// Largest encoded event accepted, in bytes (a post of 12 items with ~32 KB thumbnails).
pub const MAX_EVENT_BYTES: usize = 512 * 1024;
