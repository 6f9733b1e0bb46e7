//! The one flat error the apps see, and the one place core errors map onto it.
//!
//! Core errors are many and precise; the apps need few: what to tell the user and
//! whether to retry. Every case's message is written for people in Rust (UniFFI would
//! otherwise show a field dump) and never contains user content.
//!
//! Each core error maps in one `From` impl, and wrapping errors delegate to the impl of
//! what they wrap, so a disk failure is `Storage` whichever layer reports it. The core's
//! errors are `#[non_exhaustive]`: a kind this build does not know is `Internal`, never
//! guessed to be the network or the disk.

use swarmroll_core::channel::InviteError;
use swarmroll_core::node::NodeError;
use swarmroll_core::node::{PublishError, ReplicaError, StoreError, SwarmError, SyncError};
use swarmroll_core::share;

/// An error from the Swarmroll core. Its message is written for people: show it as it is.
#[derive(Debug, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum SwarmrollError {
    /// The text is not a usable invite link (not an invite, damaged, altered or expired).
    #[error("{reason}")]
    InvalidInvite {
        /// What is wrong with the invite, for the user.
        reason: String,
    },
    /// A value passed in is not acceptable (an id that is not one, an empty post…).
    #[error("{reason}")]
    InvalidArgument {
        /// Which and why.
        reason: String,
    },
    /// The channel, post or comment is not (or no longer) here.
    #[error("{reason}")]
    NotFound {
        /// What was not found.
        reason: String,
    },
    /// This device's role in the channel does not allow it.
    #[error("{reason}")]
    NotAllowed {
        /// Why.
        reason: String,
    },
    /// The network part failed or nobody could be reached; retrying later may work.
    #[error("{reason}")]
    Network {
        /// What failed.
        reason: String,
    },
    /// Moving photos and videos failed in the transfer engine (BitTorrent), or the transfer
    /// was stopped: not the network or the disk. Retrying later may work.
    #[error("{reason}")]
    Transfer {
        /// What failed.
        reason: String,
    },
    /// The node is not started (call `start` first).
    #[error("the node is not started")]
    NotStarted,
    /// The data folder or a file could not be read or written (disk full, permissions, a
    /// shared original changed or removed since it was posted).
    #[error("{reason}")]
    Storage {
        /// What failed.
        reason: String,
    },
    /// This device's identity key is unavailable (the system key storage failed or lost it).
    #[error("{reason}")]
    Identity {
        /// What happened.
        reason: String,
    },
    /// Something went wrong inside the core: a bug, not the user's doing (a panic lands
    /// here instead of crashing the app).
    #[error("{reason}")]
    Internal {
        /// A short description of the failure.
        reason: String,
    },
}

/// A failure reported by the platform's side of a foreign trait (key storage, posters).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum PlatformError {
    /// The platform could not do it.
    #[error("{reason}")]
    Failed {
        /// Why, without key material or user content.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for PlatformError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        PlatformError::Failed { reason: format!("unexpected platform error: {}", e.reason) }
    }
}

fn text(e: &impl std::fmt::Display) -> String {
    e.to_string()
}

impl From<InviteError> for SwarmrollError {
    fn from(e: InviteError) -> Self {
        SwarmrollError::InvalidInvite { reason: text(&e) }
    }
}

impl From<StoreError> for SwarmrollError {
    fn from(e: StoreError) -> Self {
        if e.is_disk_full() {
            return SwarmrollError::Storage { reason: "the disk is full: free some space and try again".into() };
        }
        SwarmrollError::Storage { reason: text(&e) }
    }
}

impl From<SwarmError> for SwarmrollError {
    fn from(e: SwarmError) -> Self {
        let reason = text(&e);
        match e {
            SwarmError::Io(_) | SwarmError::DiskFull | SwarmError::Changed => SwarmrollError::Storage { reason },
            SwarmError::Engine | SwarmError::Stopped => SwarmrollError::Transfer { reason },
            // A listening address that is taken, as for sync and the web gallery.
            SwarmError::AddressInUse(_) => SwarmrollError::Network { reason },
            _ => SwarmrollError::Internal { reason },
        }
    }
}

impl From<ReplicaError> for SwarmrollError {
    fn from(e: ReplicaError) -> Self {
        use ReplicaError as E;
        let reason = text(&e);
        match e {
            E::Rejected(_) | E::NotOwner | E::MissingKeys => SwarmrollError::NotAllowed { reason },
            E::Store(s) => s.into(),
            E::UnknownChannel | E::UnknownTarget => SwarmrollError::NotFound { reason },
            E::Invite(i) => i.into(),
            E::Invalid(_) => SwarmrollError::InvalidArgument { reason },
            E::Identity(_) => SwarmrollError::Identity { reason },
            // Joined again after leaving: writing waits for the device's earlier events.
            E::CatchingUp => SwarmrollError::Network { reason },
            _ => SwarmrollError::Internal { reason },
        }
    }
}

impl From<SyncError> for SwarmrollError {
    fn from(e: SyncError) -> Self {
        use SyncError as E;
        let reason = text(&e);
        match e {
            E::Replica(r) => r.into(),
            E::UnknownChannel => SwarmrollError::NotFound { reason },
            E::Listen(_) | E::Net(_) | E::NoPeerReachable | E::Penalised | E::TooManyConnections => {
                SwarmrollError::Network { reason }
            }
            _ => SwarmrollError::Internal { reason },
        }
    }
}

impl From<PublishError> for SwarmrollError {
    fn from(e: PublishError) -> Self {
        use PublishError as E;
        let reason = text(&e);
        match e {
            E::Replica(r) => r.into(),
            E::Swarm(s) => s.into(),
            E::ItemCount => SwarmrollError::InvalidArgument { reason },
            E::UnknownPost => SwarmrollError::NotFound { reason },
            _ => SwarmrollError::Internal { reason },
        }
    }
}

impl From<share::Error> for SwarmrollError {
    fn from(e: share::Error) -> Self {
        match e {
            share::Error::Store(s) => s.into(),
            share::Error::Publish(p) => p.into(),
            other => SwarmrollError::Internal { reason: text(&other) },
        }
    }
}

impl From<NodeError> for SwarmrollError {
    fn from(e: NodeError) -> Self {
        match e {
            NodeError::Store(s) => s.into(),
            NodeError::Replica(r) => r.into(),
            NodeError::Swarm(s) => s.into(),
            NodeError::Sync(s) => s.into(),
            NodeError::Publish(p) => p.into(),
            NodeError::Share(s) => s.into(),
            NodeError::NotStarted => SwarmrollError::NotStarted,
            NodeError::Relay(e) => SwarmrollError::InvalidArgument { reason: e.to_string() },
            other => SwarmrollError::Internal { reason: text(&other) },
        }
    }
}

impl From<swarmroll_web::WebError> for SwarmrollError {
    fn from(e: swarmroll_web::WebError) -> Self {
        use swarmroll_web::WebError as E;
        let reason = text(&e);
        match e {
            E::UnknownChannel => SwarmrollError::NotFound { reason },
            E::ViewOnly => SwarmrollError::NotAllowed { reason },
            E::Bind(_) => SwarmrollError::Network { reason },
            // The links' rows: whatever the node reports, mapped as the node's errors are.
            E::Store(n) => n.into(),
            // The upload folders: the disk.
            E::Folder(_) => SwarmrollError::Storage { reason },
            _ => SwarmrollError::Internal { reason },
        }
    }
}

/// Runs a synchronous export, turning a panic into [`SwarmrollError::Internal`] so a
/// bug surfaces as a typed error in Kotlin, Swift and Python instead of ending the app.
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T, SwarmrollError>) -> Result<T, SwarmrollError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|p| Err(panicked(p.as_ref())))
}

/// The error for a caught panic (its message is a bug report, not user content).
pub(crate) fn panicked(payload: &(dyn std::any::Any + Send)) -> SwarmrollError {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown".into());
    tracing::error!(panic = %what, "a core call panicked");
    SwarmrollError::Internal { reason: format!("internal error in the Swarmroll core: {what}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_a_sync_export_is_an_internal_error() {
        let got: Result<(), _> = guard(|| panic!("boom {}", 7));
        assert!(matches!(&got, Err(SwarmrollError::Internal { reason }) if reason.contains("boom 7")), "{got:?}");
        assert_eq!(guard(|| Ok(3)), Ok(3));
    }

    #[test]
    fn core_errors_map_to_what_the_user_can_act_on() {
        assert_eq!(SwarmrollError::from(NodeError::NotStarted), SwarmrollError::NotStarted);
        assert!(matches!(
            SwarmrollError::from(NodeError::Sync(SyncError::NoPeerReachable)),
            SwarmrollError::Network { .. }
        ));
        assert!(matches!(SwarmrollError::from(ReplicaError::NotOwner), SwarmrollError::NotAllowed { .. }));
        assert!(matches!(SwarmrollError::from(ReplicaError::UnknownChannel), SwarmrollError::NotFound { .. }));
        assert!(matches!(
            SwarmrollError::from(PublishError::ItemCount),
            SwarmrollError::InvalidArgument { reason } if reason.contains("between 1 and")
        ));
        assert!(matches!(
            SwarmrollError::from(ReplicaError::Invite(InviteError::Expired)),
            SwarmrollError::InvalidInvite { .. }
        ));
    }

    /// Before, every swarm failure was `Network` (reached through `NodeError`'s catch-all)
    /// and every unknown publish or web failure was `Storage`.
    #[test]
    fn swarm_and_disk_failures_are_not_network_failures() {
        let swarm = |e| SwarmrollError::from(NodeError::Swarm(e));
        assert!(matches!(swarm(SwarmError::DiskFull), SwarmrollError::Storage { .. }));
        assert!(matches!(swarm(SwarmError::Io(std::io::ErrorKind::PermissionDenied)), SwarmrollError::Storage { .. }));
        assert!(matches!(swarm(SwarmError::Changed), SwarmrollError::Storage { .. }));
        assert!(matches!(swarm(SwarmError::Engine), SwarmrollError::Transfer { .. }));
        assert!(matches!(swarm(SwarmError::Stopped), SwarmrollError::Transfer { .. }));
        assert!(matches!(swarm(SwarmError::Encode), SwarmrollError::Internal { .. }));
        // The same failure reached through publishing, sharing or the replica maps the same.
        let via_publish = SwarmrollError::from(NodeError::Publish(PublishError::Swarm(SwarmError::DiskFull)));
        assert!(matches!(via_publish, SwarmrollError::Storage { .. }), "{via_publish:?}");
        let via_share =
            SwarmrollError::from(NodeError::Share(share::Error::Publish(PublishError::Swarm(SwarmError::Engine))));
        assert!(matches!(via_share, SwarmrollError::Transfer { .. }), "{via_share:?}");
        let full = StoreError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error { code: rusqlite::ErrorCode::DiskFull, extended_code: 13 },
            None,
        ));
        assert!(
            matches!(SwarmrollError::from(full), SwarmrollError::Storage { reason } if reason.contains("disk is full"))
        );
        let store = || StoreError::Corrupt("a row");
        assert!(matches!(
            SwarmrollError::from(NodeError::Share(share::Error::Store(store()))),
            SwarmrollError::Storage { .. }
        ));
        assert!(matches!(SwarmrollError::from(ReplicaError::Store(store())), SwarmrollError::Storage { .. }));
        // Only the network is the network.
        assert!(matches!(
            SwarmrollError::from(SyncError::Listen(std::io::ErrorKind::AddrInUse)),
            SwarmrollError::Network { .. }
        ));
        assert!(matches!(SwarmrollError::from(SyncError::TooManyConnections), SwarmrollError::Network { .. }));
    }

    #[test]
    fn web_errors_map_by_what_failed() {
        use swarmroll_web::WebError as E;
        assert!(matches!(SwarmrollError::from(E::UnknownChannel), SwarmrollError::NotFound { .. }));
        assert!(matches!(SwarmrollError::from(E::ViewOnly), SwarmrollError::NotAllowed { .. }));
        assert!(matches!(SwarmrollError::from(E::Bind(std::io::ErrorKind::AddrInUse)), SwarmrollError::Network { .. }));
        let folder = E::Folder(std::io::ErrorKind::PermissionDenied);
        assert!(matches!(SwarmrollError::from(folder), SwarmrollError::Storage { .. }));
        // The node's errors inside keep their own mapping: not started is not a disk failure.
        assert_eq!(SwarmrollError::from(E::Store(NodeError::NotStarted)), SwarmrollError::NotStarted);
        let unknown = SwarmrollError::from(E::Store(NodeError::Replica(ReplicaError::UnknownChannel)));
        assert!(matches!(unknown, SwarmrollError::NotFound { .. }), "{unknown:?}");
    }
}
