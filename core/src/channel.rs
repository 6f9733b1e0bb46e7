//! Channels, roles and the capability keys that stand in for accounts.
//!
//! A channel is named by its owner's channel public key ([`ChannelId`]). Membership is a
//! matter of holding keys, per *key epoch*:
//!
//! * the **read key** (32 random bytes) decrypts every event body of the epoch. Holding it
//!   is the *viewer* capability; a viewer signing key is derived from it, so a viewer can
//!   certify their own device to comment and react;
//! * the **contributor key** (ed25519) certifies devices that may post; holding its secret
//!   is the *contributor* capability;
//! * the **owner key** (the channel id's secret) certifies admins and owners and signs
//!   rotations.
//!
//! Removing a member starts a new epoch: fresh read and contributor keys, sealed to each
//! remaining member's device key ([`seal`]) inside a `Rotate` event, so the removed device
//! never learns them.

pub(crate) mod at_rest;
pub(crate) mod db;
pub mod invite;
pub mod qr;
internal!(cert, seal);

pub use cert::{CertError, Certificate, Issuer};
pub use invite::{Capability, Invite, InviteError};

use crate::types::{ChannelId, Timestamp};
use ed25519_dalek::SigningKey;
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Longest channel name, in bytes of UTF-8.
pub const MAX_NAME_BYTES: usize = 64;

/// What a member may do. Ordered: each role may do everything the ones below it may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Reads, comments, reacts.
    Viewer,
    /// Also posts photos and videos.
    Contributor,
    /// Also hides posts and comments.
    Admin,
    /// Also rotates keys and removes members.
    Owner,
}

impl Role {
    /// The stable number stored in the database.
    pub fn as_i64(self) -> i64 {
        match self {
            Role::Viewer => 0,
            Role::Contributor => 1,
            Role::Admin => 2,
            Role::Owner => 3,
        }
    }

    /// The inverse of [`Role::as_i64`].
    pub fn from_i64(v: i64) -> Option<Self> {
        Some(match v {
            0 => Role::Viewer,
            1 => Role::Contributor,
            2 => Role::Admin,
            3 => Role::Owner,
            _ => return None,
        })
    }
}

/// A 32-byte symmetric secret, wiped from memory on drop.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop, Serialize, Deserialize)]
pub struct Secret(pub [u8; 32]);

impl Secret {
    /// Fresh random bytes.
    pub fn random() -> Self {
        let mut b = [0u8; 32];
        OsRng.fill_bytes(&mut b);
        Secret(b)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// How many epochs a channel can have: read keys form a one-way hash chain of this length
/// (key regression), so the holder of epoch `e`'s read key can derive every earlier read
/// key — a new member reads the history — but never a later one.
pub const MAX_EPOCHS: u32 = 1024;

/// The read key of the epoch before the one `key` belongs to.
pub fn previous_read_key(key: &Secret) -> Secret {
    Secret(blake3::derive_key("swarmroll 2026 read key regression v1", &key.0))
}

/// The read key of `epoch` derived down from the read key of `from_epoch` (`>= epoch`).
pub fn derive_read_key(key: &Secret, from_epoch: u32, epoch: u32) -> Secret {
    let mut k = key.clone();
    for _ in epoch..from_epoch {
        k = previous_read_key(&k);
    }
    k
}

/// The owner's chain seed: the secret at the top of the read-key chain.
pub fn read_key_from_seed(seed: &Secret, epoch: u32) -> Secret {
    derive_read_key(seed, MAX_EPOCHS, epoch.min(MAX_EPOCHS))
}

/// The secrets of one key epoch that this device holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochKeys {
    /// The epoch number, 0 at creation, +1 on each rotation.
    pub epoch: u32,
    /// Decrypts event bodies (and, later, media) of this epoch.
    pub read_key: Secret,
    /// Present for contributors and above: certifies new posting members.
    pub contributor_secret: Option<Secret>,
}

impl EpochKeys {
    /// Fresh keys for `epoch` with an independent random read key (tests and tools; the
    /// owner uses [`EpochKeys::from_seed`]).
    pub fn generate(epoch: u32) -> Self {
        EpochKeys { epoch, read_key: Secret::random(), contributor_secret: Some(Secret::random()) }
    }

    /// The owner's keys for `epoch`: the read key from the chain seed, a fresh contributor
    /// secret.
    pub fn from_seed(seed: &Secret, epoch: u32) -> Self {
        EpochKeys { epoch, read_key: read_key_from_seed(seed, epoch), contributor_secret: Some(Secret::random()) }
    }

    /// The viewer signing key, derived from the read key: whoever can read may comment.
    pub fn viewer_signing(&self) -> SigningKey {
        SigningKey::from_bytes(&blake3::derive_key("swarmroll 2026 viewer certificate key v1", &self.read_key.0))
    }

    /// The public half of [`EpochKeys::viewer_signing`].
    pub fn viewer_public(&self) -> [u8; 32] {
        self.viewer_signing().verifying_key().to_bytes()
    }

    /// The contributor signing key, if this device holds it.
    pub fn contributor_signing(&self) -> Option<SigningKey> {
        self.contributor_secret.as_ref().map(|s| SigningKey::from_bytes(&s.0))
    }

    /// The contributor public key, if this device holds the secret.
    pub fn contributor_public(&self) -> Option<[u8; 32]> {
        self.contributor_signing().map(|k| k.verifying_key().to_bytes())
    }

    /// The subset of these keys that `role` may hold.
    pub fn for_role(&self, role: Role) -> EpochKeys {
        EpochKeys {
            epoch: self.epoch,
            read_key: self.read_key.clone(),
            contributor_secret: if role >= Role::Contributor { self.contributor_secret.clone() } else { None },
        }
    }
}

/// The channel owner's key: its public half is the [`ChannelId`].
pub struct OwnerKey(SigningKey);

impl OwnerKey {
    /// A fresh owner key (a new channel).
    pub fn generate() -> Self {
        OwnerKey(SigningKey::generate(&mut OsRng))
    }

    /// Restores from the secret bytes.
    pub fn from_secret(secret: &Secret) -> Self {
        OwnerKey(SigningKey::from_bytes(&secret.0))
    }

    /// The secret bytes, for persistence only.
    pub fn secret(&self) -> Secret {
        Secret(self.0.to_bytes())
    }

    /// The channel this key owns.
    pub fn channel(&self) -> ChannelId {
        ChannelId(self.0.verifying_key().to_bytes())
    }

    /// The signing key.
    pub fn signing(&self) -> &SigningKey {
        &self.0
    }
}

/// An optional event window: the span of time whose photos belong in the channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// Start (inclusive).
    pub start: Timestamp,
    /// End (exclusive).
    pub end: Timestamp,
}

impl Window {
    /// Whether `t` falls inside the window.
    pub fn contains(&self, t: Timestamp) -> bool {
        self.start <= t && t < self.end
    }
}

/// Checks a display or channel name: non-empty after trimming, at most
/// [`MAX_NAME_BYTES`], no control characters.
pub fn valid_name(name: &str) -> bool {
    !name.trim().is_empty() && name.len() <= MAX_NAME_BYTES && !name.chars().any(char::is_control)
}
