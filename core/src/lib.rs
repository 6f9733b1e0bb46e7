//! Swarmroll's shared core.
//!
//! Everything the apps and the `swarmroll` command do lives here; the Android and iOS apps
//! are renderers over it through `swarmroll-ffi`. See `ARCHITECTURE.md` at the repository
//! root for the layer diagram. Dependencies point downward only:
//!
//! * domain: [`identity`], [`channel`], [`log`], [`catalog`], [`comment`]
//! * facade: [`node`]
//! * workflow: [`replica`], [`sync`], [`import`], [`publish`], [`share`]
//! * infrastructure: [`store`], [`net`], [`swarm`], [`media`]
//! * leaf: [`types`]
//!
//! The core never creates a tokio runtime; callers own one.

pub mod catalog;
pub mod channel;
pub mod comment;
pub mod identity;
pub mod import;
pub mod log;
pub mod media;
pub mod net;
pub mod node;
pub mod publish;
pub mod replica;
pub mod share;
pub mod store;
pub mod swarm;
pub mod sync;
pub mod types;
pub mod venue;

pub use types::{ChannelId, ContentHash, DeviceId, EventId, Timestamp};
