//! The one flat error the apps see, and the one place core errors map onto it.
//!
//! Core errors are many and precise; the apps need few: what to tell the user and
//! whether to retry. Every case's message is written for people in Rust (UniFFI would
//! otherwise show a field dump) and never contains user content.

use swarmroll_core::channel::InviteError;
use swarmroll_core::node::NodeError;
use swarmroll_core::node::{PublishError, ReplicaError, SyncError};

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
    /// The node is not started (call `start` first).
    #[error("the node is not started")]
    NotStarted,
    /// The data folder or a file could not be read or written (disk full, permissions).
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

impl From<ReplicaError> for SwarmrollError {
    fn from(e: ReplicaError) -> Self {
        use ReplicaError as E;
        let reason = text(&e);
        match e {
            E::Rejected(_) | E::NotOwner | E::MissingKeys => SwarmrollError::NotAllowed { reason },
            E::Store(_) => SwarmrollError::Storage { reason },
            E::UnknownChannel => SwarmrollError::NotFound { reason },
            E::Invite(i) => i.into(),
            E::Invalid(_) => SwarmrollError::InvalidArgument { reason },
            E::Identity(_) => SwarmrollError::Identity { reason },
            _ => SwarmrollError::Internal { reason },
        }
    }
}

impl From<SyncError> for SwarmrollError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Replica(r) => r.into(),
            SyncError::UnknownChannel => SwarmrollError::NotFound { reason: text(&e) },
            other => SwarmrollError::Network { reason: text(&other) },
        }
    }
}

impl From<PublishError> for SwarmrollError {
    fn from(e: PublishError) -> Self {
        match e {
            PublishError::Replica(r) => r.into(),
            PublishError::ItemCount => SwarmrollError::InvalidArgument { reason: text(&e) },
            PublishError::UnknownPost => SwarmrollError::NotFound { reason: text(&e) },
            other => SwarmrollError::Storage { reason: text(&other) },
        }
    }
}

impl From<NodeError> for SwarmrollError {
    fn from(e: NodeError) -> Self {
        match e {
            NodeError::Store(s) => SwarmrollError::Storage { reason: text(&s) },
            NodeError::Replica(r) => r.into(),
            NodeError::Sync(s) => s.into(),
            NodeError::Publish(p) => p.into(),
            NodeError::Share(swarmroll_core::share::Error::Publish(p)) => p.into(),
            NodeError::Share(s) => SwarmrollError::Storage { reason: text(&s) },
            NodeError::NotStarted => SwarmrollError::NotStarted,
            other => SwarmrollError::Network { reason: text(&other) },
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
            _ => SwarmrollError::Storage { reason },
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
}
