//! Swarmroll's shared core.
//!
//! Everything the apps and the `swarmroll` command do lives here; the Android and iOS apps
//! are renderers over it through `swarmroll-ffi`, the venue web gallery is the crate
//! `swarmroll-web`. See `ARCHITECTURE.md` at the repository root for the diagram of the
//! crates and layers. Dependencies point downward only:
//!
//! * facade: [`node`] — the one door: every action and query a front end needs
//! * domain: [`identity`], [`channel`], [`catalog`], [`comment`], [`venue`], and the
//!   records front ends hold: [`share`], [`import`], [`media`], [`types`]
//! * workflow (crate-private): `replica`, `sync`, `publish`
//! * infrastructure (crate-private): `log`, `store`, `net`, `swarm`
//!
//! The crate-private layers are public only with the `testing` feature, for the
//! component tests in `tests/`; front ends build without it. Each module owns its tables
//! and its `db` submodule is crate-private: other modules call its functions, never its
//! SQL.
//!
//! The core never creates a tokio runtime; callers own one.

/// Declares layers below the facade: crate-private, public with the `testing` feature.
/// Without it, what only the component tests call (alternative constructors, counters)
/// is unused, and not worth a warning.
macro_rules! internal {
    ($($name:ident),* $(,)?) => {$(
        #[cfg(feature = "testing")]
        pub mod $name;
        #[cfg(not(feature = "testing"))]
        #[allow(dead_code, unused_imports)]
        pub(crate) mod $name;
    )*};
}

pub mod catalog;
pub mod channel;
pub mod comment;
pub mod identity;
pub mod import;
pub mod media;
pub mod node;
pub mod share;
#[cfg(feature = "testing")]
pub mod testing;
pub mod types;
pub mod venue;

internal!(log, net, publish, replica, store, swarm, sync);

pub use log::body::{MAX_CAPTION_BYTES, MAX_COMMENT_BYTES, MAX_EMOJI_BYTES};
pub use types::{ChannelId, ContentHash, DeviceId, EventId, Timestamp};
