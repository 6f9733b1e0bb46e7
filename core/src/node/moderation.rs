//! A channel's members and their moderation by its owner and co-hosts: who is in it,
//! hiding and showing posts and comments, removing a member (a new key epoch they cannot
//! read), and giving a member a role (co-host, contributor, viewer).

use super::{Node, NodeError};
use crate::catalog::Member;
use crate::channel::Role;
use crate::log::body::ModAction;
use crate::types::{ChannelId, DeviceId, EventId};

impl Node {
    /// The channel's members, owner first, then by name.
    ///
    /// # Errors
    /// [`NodeError::Replica`].
    pub fn members(&self, channel: &ChannelId) -> Result<Vec<Member>, NodeError> {
        Ok(self.inner.replica.members(channel)?)
    }

    /// Hides a post or comment from every member (`hide`), or shows it again. Needs the
    /// co-host (admin) or owner role.
    ///
    /// # Errors
    /// [`NodeError::Replica`]: not allowed, or unknown channel.
    pub fn moderate(&self, channel: &ChannelId, target: &EventId, hide: bool) -> Result<EventId, NodeError> {
        let action = if hide { ModAction::Hide } else { ModAction::Show };
        Ok(self.inner.replica.moderate(channel, target, action)?)
    }

    /// Removes a member from a channel this device owns: a new key epoch, sealed to
    /// everyone else. What is posted from then on is unreadable to them.
    ///
    /// # Errors
    /// [`NodeError::Replica`]: not the owner, unknown channel.
    pub fn remove_member(&self, channel: &ChannelId, member: &DeviceId) -> Result<EventId, NodeError> {
        Ok(self.inner.replica.remove_members(channel, &[*member])?)
    }

    /// Gives a member of a channel this device owns a role: `Admin` makes a co-host.
    ///
    /// # Errors
    /// [`NodeError::Replica`]: not the owner, not a member, or the owner role.
    pub fn set_role(&self, channel: &ChannelId, member: &DeviceId, role: Role) -> Result<EventId, NodeError> {
        Ok(self.inner.replica.set_role(channel, member, role)?)
    }
}
