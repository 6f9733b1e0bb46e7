//! Membership certificates: a channel-level key vouching that a device holds a role in an
//! epoch.
//!
//! Each issuer may grant up to its own rank: the viewer key (derived from the read key)
//! grants `Viewer`, the contributor key up to `Contributor`, the owner key any role.

use super::Role;
use crate::types::{ChannelId, DeviceId, Sig};
use ed25519_dalek::{Signer, SigningKey};
use serde::{Deserialize, Serialize};

/// Which channel key signed a certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Issuer {
    /// The owner key (the channel id).
    Owner,
    /// The epoch's contributor key.
    Contributor,
    /// The epoch's viewer key (derived from the read key).
    Viewer,
}

impl Issuer {
    /// The highest role this issuer may grant.
    pub fn max_role(self) -> Role {
        match self {
            Issuer::Owner => Role::Owner,
            Issuer::Contributor => Role::Contributor,
            Issuer::Viewer => Role::Viewer,
        }
    }
}

/// Why a certificate could not be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertError {
    /// The issuer may not grant this role.
    #[error("this key may not grant that role")]
    RoleTooHigh,
}

/// A signed statement: `member` holds `role` in `channel` during `epoch`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// The channel.
    pub channel: ChannelId,
    /// The key epoch the certificate is valid for.
    pub epoch: u32,
    /// The certified device.
    pub member: DeviceId,
    /// The granted role.
    pub role: Role,
    /// Which key signed.
    pub issuer: Issuer,
    /// Signature by the issuer's key over the fields above.
    pub signature: Sig,
}

fn signable(channel: &ChannelId, epoch: u32, member: &DeviceId, role: Role, issuer: Issuer) -> Vec<u8> {
    let mut m = b"swarmroll/cert/v1".to_vec();
    m.extend_from_slice(&channel.0);
    m.extend_from_slice(&epoch.to_be_bytes());
    m.extend_from_slice(&member.0);
    m.push(role.as_i64() as u8);
    m.push(issuer.max_role().as_i64() as u8);
    m
}

impl Certificate {
    /// Issues a certificate with `key`, which must be the `issuer`'s key.
    ///
    /// # Errors
    /// [`CertError::RoleTooHigh`] if `issuer` may not grant `role`.
    pub fn issue(
        key: &SigningKey,
        issuer: Issuer,
        channel: ChannelId,
        epoch: u32,
        member: DeviceId,
        role: Role,
    ) -> Result<Self, CertError> {
        if role > issuer.max_role() {
            return Err(CertError::RoleTooHigh);
        }
        let signature = Sig(key.sign(&signable(&channel, epoch, &member, role, issuer)).to_bytes());
        Ok(Certificate { channel, epoch, member, role, issuer, signature })
    }

    /// Checks the signature against `issuer_public` and the role against the issuer's rank.
    pub fn verify(&self, issuer_public: &[u8; 32]) -> bool {
        self.role <= self.issuer.max_role()
            && crate::identity::verify(
                issuer_public,
                &signable(&self.channel, self.epoch, &self.member, self.role, self.issuer),
                &self.signature.0,
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::{EpochKeys, OwnerKey};
    use crate::identity::DeviceKey;

    #[test]
    fn issuers_are_bounded_and_signatures_bind_fields() {
        let owner = OwnerKey::generate();
        let keys = EpochKeys::generate(0);
        let dev = DeviceKey::generate().id();
        let viewer = keys.viewer_signing();
        assert_eq!(
            Certificate::issue(&viewer, Issuer::Viewer, owner.channel(), 0, dev, Role::Contributor),
            Err(CertError::RoleTooHigh)
        );
        let c = Certificate::issue(&viewer, Issuer::Viewer, owner.channel(), 0, dev, Role::Viewer).unwrap();
        assert!(c.verify(&keys.viewer_public()));
        let mut forged = c.clone();
        forged.role = Role::Contributor;
        assert!(!forged.verify(&keys.viewer_public()));
        let mut other_epoch = c;
        other_epoch.epoch = 1;
        assert!(!other_epoch.verify(&keys.viewer_public()));
    }
}
