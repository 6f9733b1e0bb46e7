//! Invite links: a capability, the channel's name and where to find the inviter.
//!
//! # Format (version 1)
//!
//! ```text
//! payload  = version:u8 | length:u16be | body | signature:64 | checksum:4
//! body     = postcard(Body)                       (see the struct for field order)
//! signature= ed25519 by body.inviter over "swarmroll/invite/v1" | version | length | body
//! checksum = BLAKE3(version | length | body | signature)[..4]
//! text     = RFC 4648 base32, upper case, no padding
//! links    = swarmroll://join/<text>   and   https://swarmroll.app/join#<text>
//! ```
//!
//! `length` is the whole payload's length, so a cut-off link is reported as truncated
//! rather than corrupt. The checksum catches typos and damaged scans; the signature
//! catches a deliberately edited invite. The https form keeps the payload in the fragment,
//! which browsers never send to a server. Test vectors: `tests/vectors/invites.json`.

use super::{valid_name, EpochKeys, Role, Secret};
use crate::identity::DeviceKey;
use crate::types::{ChannelId, DeviceId, Sig, Timestamp};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

/// The only payload version this build writes and reads.
pub const VERSION: u8 = 1;
/// The custom-scheme prefix.
pub const SCHEME_PREFIX: &str = "swarmroll://join/";
/// The https prefix; the payload follows in the fragment.
pub const HTTPS_PREFIX: &str = "https://swarmroll.app/join#";
/// At most this many addresses travel in an invite (QR codes must stay scannable).
pub const MAX_ADDRESSES: usize = 4;
const SIG_LEN: usize = 64;
const SUM_LEN: usize = 4;
const HEAD_LEN: usize = 3;
/// Shorter bare text cannot be a payload (header, channel id, signature, checksum).
const MIN_TEXT_LEN: usize = (HEAD_LEN + 32 + SIG_LEN + SUM_LEN) * 8 / 5;

/// What an invite lets its holder do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Capability {
    /// Read, comment and react.
    Viewer {
        /// The epoch's read key.
        read_key: Secret,
    },
    /// Also post, and invite others.
    Contributor {
        /// The epoch's read key.
        read_key: Secret,
        /// The epoch's contributor secret.
        contributor_secret: Secret,
    },
}

impl Capability {
    /// The role this capability grants.
    pub fn role(&self) -> Role {
        match self {
            Capability::Viewer { .. } => Role::Viewer,
            Capability::Contributor { .. } => Role::Contributor,
        }
    }

    /// The capability for `role` (viewer or contributor) from an epoch's keys; `None` when
    /// the keys lack the contributor secret that a contributor invite needs.
    pub fn from_keys(keys: &EpochKeys, role: Role) -> Option<Self> {
        Some(if role >= Role::Contributor {
            Capability::Contributor {
                read_key: keys.read_key.clone(),
                contributor_secret: keys.contributor_secret.clone()?,
            }
        } else {
            Capability::Viewer { read_key: keys.read_key.clone() }
        })
    }

    /// The epoch keys this capability carries.
    pub fn keys(&self, epoch: u32) -> EpochKeys {
        match self {
            Capability::Viewer { read_key } => {
                EpochKeys { epoch, read_key: read_key.clone(), contributor_secret: None }
            }
            Capability::Contributor { read_key, contributor_secret } => {
                EpochKeys { epoch, read_key: read_key.clone(), contributor_secret: Some(contributor_secret.clone()) }
            }
        }
    }
}

/// A decoded invite.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    /// The channel.
    pub channel: ChannelId,
    /// The channel's name, for the join screen.
    pub name: String,
    /// The key epoch the capability belongs to.
    pub epoch: u32,
    /// The keys.
    pub capability: Capability,
    /// The inviting device, which signed the invite.
    pub inviter: DeviceId,
    /// The inviter's display name.
    pub inviter_name: String,
    /// Where the inviter could be reached when inviting (LAN first).
    pub addresses: Vec<SocketAddr>,
    /// After this, the invite is refused.
    pub expires: Option<Timestamp>,
}

/// Why an invite was refused. Each case names what is wrong, never what the invite held.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum InviteError {
    /// Not a Swarmroll link at all.
    #[error("this is not a Swarmroll invite link")]
    NotAnInvite,
    /// Characters outside the invite alphabet.
    #[error("the invite contains characters that cannot appear in an invite")]
    BadEncoding,
    /// Shorter than it says it is: part of the link was lost.
    #[error("the invite is incomplete: part of the link is missing")]
    Truncated,
    /// Made by a newer (or unknown) version of the app.
    #[error("the invite was made by an unsupported app version ({0})")]
    UnsupportedVersion(u8),
    /// The checksum does not match: a typo or a damaged scan.
    #[error("the invite is damaged (checksum mismatch)")]
    Corrupted,
    /// Well-formed bytes that do not decode as an invite.
    #[error("the invite's contents are malformed")]
    Malformed,
    /// The inviter's signature does not match: someone edited the invite.
    #[error("the invite was altered after it was made")]
    Tampered,
    /// Past its expiry.
    #[error("the invite has expired")]
    Expired,
    /// Could not be made (name too long, too many addresses).
    #[error("the invite could not be made: {0}")]
    Invalid(&'static str),
}

#[derive(Serialize, Deserialize)]
struct Body {
    channel: ChannelId,
    name: String,
    epoch: u32,
    capability: Capability,
    inviter: DeviceId,
    inviter_name: String,
    addresses: Vec<SocketAddr>,
    expires: Option<Timestamp>,
}

fn signed_part(head: &[u8], body: &[u8]) -> Vec<u8> {
    let mut m = b"swarmroll/invite/v1".to_vec();
    m.extend_from_slice(head);
    m.extend_from_slice(body);
    m
}

fn checksum(bytes: &[u8]) -> [u8; SUM_LEN] {
    let h = blake3::hash(bytes);
    let mut out = [0u8; SUM_LEN];
    out.copy_from_slice(&h.as_bytes()[..SUM_LEN]);
    out
}

impl Invite {
    /// Encodes and signs the invite with the inviter's device key (whose id must be
    /// `self.inviter`).
    ///
    /// # Errors
    /// [`InviteError::Invalid`] when a name or the address list is out of bounds.
    pub fn encode(&self, inviter: &DeviceKey) -> Result<Vec<u8>, InviteError> {
        if inviter.id() != self.inviter {
            return Err(InviteError::Invalid("signer is not the inviter"));
        }
        if !valid_name(&self.name) || (!self.inviter_name.is_empty() && !valid_name(&self.inviter_name)) {
            return Err(InviteError::Invalid("name"));
        }
        if self.addresses.len() > MAX_ADDRESSES {
            return Err(InviteError::Invalid("too many addresses"));
        }
        let body = postcard::to_allocvec(&Body {
            channel: self.channel,
            name: self.name.clone(),
            epoch: self.epoch,
            capability: self.capability.clone(),
            inviter: self.inviter,
            inviter_name: self.inviter_name.clone(),
            addresses: self.addresses.clone(),
            expires: self.expires,
        })
        .map_err(|_| InviteError::Invalid("encoding"))?;
        let total = HEAD_LEN + body.len() + SIG_LEN + SUM_LEN;
        let len = u16::try_from(total).map_err(|_| InviteError::Invalid("too large"))?;
        let mut out = vec![VERSION];
        out.extend_from_slice(&len.to_be_bytes());
        let sig = inviter.sign(&signed_part(&out, &body));
        out.extend_from_slice(&body);
        out.extend_from_slice(&sig);
        let sum = checksum(&out);
        out.extend_from_slice(&sum);
        Ok(out)
    }

    /// Decodes payload bytes, checking version, length, checksum, signature and expiry.
    ///
    /// # Errors
    /// The specific [`InviteError`] for what is wrong.
    pub fn decode(bytes: &[u8], now: Timestamp) -> Result<Self, InviteError> {
        let Some(&version) = bytes.first() else {
            return Err(InviteError::Truncated);
        };
        if version != VERSION {
            return Err(InviteError::UnsupportedVersion(version));
        }
        if bytes.len() < HEAD_LEN {
            return Err(InviteError::Truncated);
        }
        let declared = usize::from(u16::from_be_bytes([bytes[1], bytes[2]]));
        if bytes.len() < declared {
            return Err(InviteError::Truncated);
        }
        if bytes.len() > declared || declared < HEAD_LEN + SIG_LEN + SUM_LEN {
            return Err(InviteError::Malformed);
        }
        let (signed, sum) = bytes.split_at(declared - SUM_LEN);
        if checksum(signed) != sum {
            return Err(InviteError::Corrupted);
        }
        let (head, rest) = signed.split_at(HEAD_LEN);
        let (body_bytes, sig) = rest.split_at(rest.len() - SIG_LEN);
        // Bytes after the body would be signed but meaningless: refused, not ignored.
        let body: Body = match postcard::take_from_bytes(body_bytes) {
            Ok((body, [])) => body,
            _ => return Err(InviteError::Malformed),
        };
        let sig: [u8; 64] = sig.try_into().map_err(|_| InviteError::Malformed)?;
        if !crate::identity::verify(&body.inviter.0, &signed_part(head, body_bytes), &Sig(sig).0) {
            return Err(InviteError::Tampered);
        }
        if !valid_name(&body.name) || body.addresses.len() > MAX_ADDRESSES {
            return Err(InviteError::Malformed);
        }
        if body.expires.is_some_and(|e| e <= now) {
            return Err(InviteError::Expired);
        }
        Ok(Invite {
            channel: body.channel,
            name: body.name,
            epoch: body.epoch,
            capability: body.capability,
            inviter: body.inviter,
            inviter_name: body.inviter_name,
            addresses: body.addresses,
            expires: body.expires,
        })
    }

    /// The base32 text of a payload.
    pub fn to_text(payload: &[u8]) -> String {
        data_encoding::BASE32_NOPAD.encode(payload)
    }

    /// The `swarmroll://join/…` link.
    pub fn link(&self, inviter: &DeviceKey) -> Result<String, InviteError> {
        Ok(format!("{SCHEME_PREFIX}{}", Self::to_text(&self.encode(inviter)?)))
    }

    /// The `https://…/join#…` link, for messengers that do not open custom schemes.
    pub fn https_link(&self, inviter: &DeviceKey) -> Result<String, InviteError> {
        Ok(format!("{HTTPS_PREFIX}{}", Self::to_text(&self.encode(inviter)?)))
    }

    /// Parses either link form, or the bare base32 text.
    ///
    /// # Errors
    /// [`InviteError`] naming what is wrong.
    pub fn parse(text: &str, now: Timestamp) -> Result<Self, InviteError> {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        let payload = if lower.starts_with(SCHEME_PREFIX) {
            &t[SCHEME_PREFIX.len()..]
        } else if lower.starts_with(HTTPS_PREFIX) {
            &t[HTTPS_PREFIX.len()..]
        } else if lower.contains("://") || lower.contains('#') || t.len() < MIN_TEXT_LEN {
            // Bare payload text is accepted (pasted without the prefix), but a short word
            // is not an invite.
            return Err(InviteError::NotAnInvite);
        } else {
            t
        };
        let payload = payload.trim_end_matches('/').to_ascii_uppercase();
        let bytes = data_encoding::BASE32_NOPAD.decode(payload.as_bytes()).map_err(|e| match e.kind {
            data_encoding::DecodeKind::Length | data_encoding::DecodeKind::Trailing => InviteError::Truncated,
            _ => InviteError::BadEncoding,
        })?;
        Self::decode(&bytes, now)
    }
}

#[cfg(test)]
mod tests;
