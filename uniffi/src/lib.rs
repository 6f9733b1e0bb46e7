//! Swarmroll's foreign-function interface: the Kotlin and Swift apps see the core only
//! through this crate.
//!
//! This is the only crate that knows about UniFFI (proc-macros only, no UDL). It owns:
//!
//! * thin wrappers over `swarmroll-core` services — no domain logic lives here;
//! * FFI-owned records with flat, unique names ([`ChannelInvite`], [`ChannelRow`]…), so
//!   core types can change without breaking the generated bindings;
//! * one tokio runtime it owns ([`runtime`]): async exports run there and are awaited
//!   from any foreign executor; listeners return a cancellable [`TaskHandle`];
//! * foreign traits for what the platform supplies ([`PosterMaker`], [`SecureStorage`]);
//! * one flat error, [`SwarmrollError`], mapped from core errors in one place (the `From`
//!   impls below), carrying user-facing text made in Rust.
//!
//! Bindings are generated from the built library with this crate's `uniffi-bindgen` binary
//! (feature `bindgen`); `uniffi.toml` sets the Kotlin package and the Swift module name.

mod channel;
mod error;
mod events;
mod live;
mod node;
mod platform;
mod records;
mod runtime;
mod settings;
mod web;

pub use channel::{Channel, OriginalFile, ShareFile, ShareResult, SkippedFile};
pub use error::{PlatformError, SwarmrollError};
pub use events::{LanState, SwarmrollEvent};
pub use live::{
    ChannelListListener, ChannelListUpdate, EventListener, GalleryListener, GalleryUpdate, ThreadListener,
    ThreadUpdate, TransferListListener, TransferListUpdate,
};
pub use node::{default_node_settings, JoinResult, NodeSettings, SwarmrollNode};
pub use platform::{PosterMaker, SecureStorage};
pub use records::*;
pub use runtime::TaskHandle;
pub use settings::*;

use swarmroll_core::channel::Invite;
use swarmroll_core::Timestamp;

uniffi::setup_scaffolding!();

/// The version of the Swarmroll core inside this library, e.g. `"0.1.0"`.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Reads an invite link — `swarmroll://join/…`, `https://swarmroll.app/join#…` or the bare
/// code — and checks it: checksum, the inviter's signature and expiry.
///
/// `now_ms` is the current time in milliseconds since the Unix epoch (pass the device
/// clock); an invite whose expiry is not after it is refused.
///
/// # Errors
/// [`SwarmrollError::InvalidInvite`] when the link is not an invite, is incomplete,
/// damaged, altered, made by a newer app, or expired; `reason` says which, for the user.
#[uniffi::export]
pub fn parse_invite(link: String, now_ms: i64) -> Result<ChannelInvite, SwarmrollError> {
    Ok(Invite::parse(&link, Timestamp(now_ms))?.into())
}

/// For the binding tests only (feature `testing`): panics inside the core, to show that
/// a bug surfaces as [`SwarmrollError::Internal`] in Kotlin, Swift and Python.
///
/// # Errors
/// Always [`SwarmrollError::Internal`].
#[cfg(feature = "testing")]
#[uniffi::export]
pub fn debug_panic(message: String) -> Result<(), SwarmrollError> {
    error::guard(|| panic!("{message}"))
}

/// For the binding tests only (feature `testing`): panics inside an async core call.
///
/// # Errors
/// Always [`SwarmrollError::Internal`].
#[cfg(feature = "testing")]
#[uniffi::export]
pub async fn debug_panic_async(message: String) -> Result<(), SwarmrollError> {
    runtime::run(async move { panic!("{message}") }).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use swarmroll_core::channel::{Capability, EpochKeys, OwnerKey, Secret};
    use swarmroll_core::channel::{InviteError, Role};
    use swarmroll_core::identity::DeviceKey;

    const NOW: i64 = 1_790_000_000_000;

    fn sample_link(role: Role, expires: Option<i64>) -> Result<(Invite, String), SwarmrollError> {
        let inviter = DeviceKey::from_secret(&[3; 32]);
        let keys = EpochKeys { epoch: 0, read_key: Secret([1; 32]), contributor_secret: Some(Secret([2; 32])) };
        let capability = Capability::from_keys(&keys, role)
            .ok_or_else(|| SwarmrollError::Internal { reason: "no capability".into() })?;
        let invite = Invite {
            channel: OwnerKey::from_secret(&Secret([7; 32])).channel(),
            name: "Our party".into(),
            epoch: 0,
            capability,
            inviter: inviter.id(),
            inviter_name: "Ana".into(),
            addresses: vec![std::net::SocketAddr::from(([192, 168, 1, 23], 41000))],
            expires: expires.map(Timestamp),
        };
        let link = invite.link(&inviter)?;
        Ok((invite, link))
    }

    #[test]
    fn garbage_is_an_invalid_invite_with_the_core_reason() {
        for garbage in ["", "hello", "https://example.org/x", "swarmroll://join/AB!D"] {
            let err = parse_invite(garbage.into(), NOW).err();
            assert!(
                matches!(&err, Some(SwarmrollError::InvalidInvite { reason }) if !reason.is_empty()),
                "{garbage:?} gave {err:?}"
            );
        }
        assert_eq!(
            parse_invite("https://example.org/x".into(), NOW),
            Err(SwarmrollError::InvalidInvite { reason: InviteError::NotAnInvite.to_string() })
        );
    }

    #[test]
    fn expired_invite_maps_to_invalid_invite() -> Result<(), SwarmrollError> {
        let (_, link) = sample_link(Role::Viewer, Some(NOW - 1))?;
        assert_eq!(
            parse_invite(link, NOW),
            Err(SwarmrollError::InvalidInvite { reason: InviteError::Expired.to_string() })
        );
        Ok(())
    }

    #[test]
    fn valid_invite_becomes_a_channel_invite() -> Result<(), SwarmrollError> {
        let (invite, link) = sample_link(Role::Contributor, Some(NOW + 1000))?;
        let parsed = parse_invite(link, NOW)?;
        assert_eq!(
            parsed,
            ChannelInvite {
                channel_id: invite.channel.to_hex(),
                name: "Our party".into(),
                epoch: 0,
                role: MemberRole::Contributor,
                inviter_id: invite.inviter.to_hex(),
                inviter_name: "Ana".into(),
                addresses: vec!["192.168.1.23:41000".into()],
                expires_ms: Some(NOW + 1000),
            }
        );
        assert_eq!(parsed.channel_id.len(), 64);
        Ok(())
    }

    #[test]
    fn core_version_is_the_crate_version() {
        assert_eq!(core_version(), env!("CARGO_PKG_VERSION"));
    }
}
