//! Swarmroll's foreign-function interface: the Kotlin and Swift apps see the core only
//! through this crate.
//!
//! This is the only crate that knows about UniFFI (proc-macros only, no UDL). It owns:
//!
//! * thin wrappers over `swarmroll-core` services — no domain logic lives here;
//! * FFI-owned records with flat, unique names ([`ChannelInvite`], [`MemberRole`]), so core
//!   types can change without breaking the generated bindings;
//! * one flat error, [`SwarmrollError`], mapped from core errors in one place (the `From`
//!   impls below), carrying user-facing text made in Rust.
//!
//! Bindings are generated from the built library with this crate's `uniffi-bindgen` binary
//! (feature `bindgen`); `uniffi.toml` sets the Kotlin package and the Swift module name.

use swarmroll_core::channel::{Invite, InviteError, Role};
use swarmroll_core::Timestamp;

uniffi::setup_scaffolding!();

/// An error from the Swarmroll core.
///
/// Every case carries a `reason` that is written for people: show it as it is.
#[derive(Debug, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum SwarmrollError {
    /// The text is not a usable invite link (not an invite, damaged, altered or expired).
    /// `reason` says which, in words fit for the join screen.
    #[error("{reason}")]
    InvalidInvite {
        /// What is wrong with the invite, for the user.
        reason: String,
    },
    /// Something went wrong inside the core: a bug, not the user's doing.
    #[error("{reason}")]
    Internal {
        /// A short description of the failure.
        reason: String,
    },
}

// The one place core errors become FFI errors. Core `Display` texts are user-facing and
// never contain invite contents, so they pass through as they are.
impl From<InviteError> for SwarmrollError {
    fn from(e: InviteError) -> Self {
        SwarmrollError::InvalidInvite { reason: e.to_string() }
    }
}

/// What a member of a channel may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum MemberRole {
    /// Sees the channel's photos and videos, comments and reacts.
    Viewer,
    /// Also posts photos and videos, and may invite others.
    Contributor,
}

impl TryFrom<Role> for MemberRole {
    type Error = SwarmrollError;

    fn try_from(role: Role) -> Result<Self, Self::Error> {
        match role {
            Role::Viewer => Ok(MemberRole::Viewer),
            Role::Contributor => Ok(MemberRole::Contributor),
            // An invite's capability only ever grants viewer or contributor.
            Role::Admin | Role::Owner => {
                Err(SwarmrollError::Internal { reason: "unexpected role in an invite".into() })
            }
        }
    }
}

/// A decoded, verified invite to a channel, for the join screen.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ChannelInvite {
    /// The channel's id: 64 lowercase hex digits.
    pub channel_id: String,
    /// The channel's name, as its owner wrote it.
    pub name: String,
    /// The channel's key epoch this invite belongs to.
    pub epoch: u32,
    /// What joining with this invite lets the user do.
    pub role: MemberRole,
    /// The inviting device's id: 64 lowercase hex digits.
    pub inviter_id: String,
    /// The inviter's display name; may be empty.
    pub inviter_name: String,
    /// Where the inviter could be reached when inviting, as `ip:port` (LAN first).
    pub addresses: Vec<String>,
    /// When the invite stops working, in milliseconds since the Unix epoch; `null`/`nil`
    /// when it never expires.
    pub expires_ms: Option<i64>,
}

impl TryFrom<Invite> for ChannelInvite {
    type Error = SwarmrollError;

    fn try_from(invite: Invite) -> Result<Self, Self::Error> {
        Ok(ChannelInvite {
            channel_id: invite.channel.to_hex(),
            name: invite.name,
            epoch: invite.epoch,
            role: invite.capability.role().try_into()?,
            inviter_id: invite.inviter.to_hex(),
            inviter_name: invite.inviter_name,
            addresses: invite.addresses.iter().map(ToString::to_string).collect(),
            expires_ms: invite.expires.map(|t| t.0),
        })
    }
}

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
    Invite::parse(&link, Timestamp(now_ms))?.try_into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use swarmroll_core::channel::{Capability, EpochKeys, OwnerKey, Secret};
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
