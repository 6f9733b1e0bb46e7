//! What a member writes into a channel through the node: channels, invites, comments,
//! reactions, retractions. Each is a signed event in the channel's log; the node sends it
//! to peers on its next sync.

use super::{Node, NodeError};
use crate::channel::{Invite, Role};
use crate::types::{ChannelId, ContentHash, DeviceId, EventId, Timestamp};
use std::net::SocketAddr;

impl Node {
    /// This device's id: what other members see its events signed by.
    pub fn device_id(&self) -> DeviceId {
        self.inner.replica.device_id()
    }

    /// Creates a channel owned by this device, named `name`, where it is called
    /// `my_name`. A `private` channel's media travel encrypted on the wire, for good.
    ///
    /// # Errors
    /// [`NodeError::Replica`]: an invalid name, storage.
    pub fn create_channel(&self, name: &str, my_name: &str, private: bool) -> Result<ChannelId, NodeError> {
        Ok(self.inner.replica.create_channel_with(name, None, my_name, private)?)
    }

    /// An invite naming `addresses` (where the node can be reached: a running node's own
    /// come from [`Node::invite`]) with its link text.
    ///
    /// # Errors
    /// [`NodeError::Replica`]: not allowed to invite with `role`, unknown channel.
    pub fn invite_at(
        &self,
        channel: &ChannelId,
        role: Role,
        addresses: Vec<SocketAddr>,
        expires: Option<Timestamp>,
    ) -> Result<(Invite, String), NodeError> {
        Ok(self.inner.replica.invite(channel, role, addresses, expires)?)
    }

    /// Comments on `post`, in reply to `reply_to` if given.
    ///
    /// # Errors
    /// [`NodeError::Replica`]: empty or too long, unknown post, not a member.
    pub fn comment(
        &self,
        channel: &ChannelId,
        post: &EventId,
        text: &str,
        reply_to: Option<EventId>,
    ) -> Result<EventId, NodeError> {
        Ok(self.inner.replica.comment(channel, post, text, reply_to)?)
    }

    /// Sets (`on`) or clears a reaction on a post or comment.
    ///
    /// # Errors
    /// [`NodeError::Replica`].
    pub fn react(&self, channel: &ChannelId, target: &EventId, emoji: &str, on: bool) -> Result<EventId, NodeError> {
        Ok(self.inner.replica.react(channel, target, emoji, on)?)
    }

    /// Withdraws this device's own post or comment.
    ///
    /// # Errors
    /// [`NodeError::Replica`]: not this device's, unknown.
    pub fn retract(&self, channel: &ChannelId, target: &EventId) -> Result<EventId, NodeError> {
        Ok(self.inner.replica.retract(channel, target)?)
    }

    /// The location patches of a shared copy this device imported (what its own original
    /// holds that the shared copy does not), if it imported these bytes.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn location_patches(&self, shared: &ContentHash) -> Result<Option<Vec<crate::media::strip::Patch>>, NodeError> {
        Ok(self.inner.replica.store().read(|c| crate::import::db::patches_of(c, shared))?)
    }
}
