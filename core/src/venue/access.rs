//! Guests and what they may see and write: sessions on a link, the host's guest list and
//! blocks, the items a drop-box guest uploaded, comments and reactions written for them.

use super::{db, GuestInfo, GuestSummary, PostMeta, Venue};
use crate::node::NodeError;
use crate::store::StoreError;
use crate::types::{ChannelId, EventId};

impl Venue {
    /// The guest whose cookie is `secret`, blocked ones included.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn guest(&self, secret: &str) -> Result<Option<GuestInfo>, NodeError> {
        Ok(self.store().read::<_, StoreError>(|c| db::guest_by_secret(c, secret))?)
    }

    /// A new guest on `link` with the cookie `secret`, unless the link has `cap` guests.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn add_guest(&self, link: i64, secret: &str, name: Option<&str>, cap: usize) -> Result<Option<i64>, NodeError> {
        Ok(self.store().write::<_, StoreError>(|tx| {
            if db::guest_count(tx, link)? >= cap {
                return Ok(None);
            }
            db::insert_guest(tx, link, secret, name).map(Some)
        })?)
    }

    /// Sets the name a guest gave.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn rename_guest(&self, guest: i64, name: &str) -> Result<(), NodeError> {
        Ok(self.store().write::<_, StoreError>(|tx| db::set_guest_name(tx, guest, name))?)
    }

    /// The guests of every link to `channel`.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn guests(&self, channel: &ChannelId) -> Result<Vec<GuestSummary>, NodeError> {
        Ok(self.store().read::<_, StoreError>(|c| db::guests(c, channel))?)
    }

    /// Blocks a guest of `channel` (not a host); `false` if there is no such guest.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn block_guest(&self, channel: &ChannelId, guest: i64) -> Result<bool, NodeError> {
        Ok(self.store().write::<_, StoreError>(|tx| db::block_guest(tx, channel, guest))?)
    }

    /// A visible post's channel, whether this node posted it, and its comment count.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn post_meta(&self, post: &EventId) -> Result<Option<PostMeta>, NodeError> {
        let me = self.node.replica().device_id();
        Ok(self.store().read::<_, StoreError>(|c| {
            let Some((channel, author)) = crate::catalog::db::post_origin(c, post)? else { return Ok(None) };
            let comments = crate::comment::db::count(c, post)?;
            Ok(Some(PostMeta { channel, ours: author == me, comments }))
        })?)
    }

    /// The channel of a visible comment.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn comment_channel(&self, comment: &EventId) -> Result<Option<ChannelId>, NodeError> {
        Ok(self.store().read::<_, StoreError>(|c| crate::comment::db::channel_of(c, comment))?)
    }

    /// The items a guest's uploads became, `(post, index)`, newest first: all a drop-box
    /// guest may see.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn guest_items(&self, guest: i64) -> Result<Vec<(EventId, u32)>, NodeError> {
        Ok(self.store().read::<_, StoreError>(|c| db::guest_items(c, guest))?)
    }

    /// Whether a guest may open `post` of `channel`: on a drop box (`own_only`), one
    /// holding an upload of theirs; otherwise any visible post of the channel.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn may_see(&self, channel: &ChannelId, guest: i64, own_only: bool, post: &EventId) -> Result<bool, NodeError> {
        if own_only {
            return Ok(self.guest_items(guest)?.iter().any(|(p, _)| p == post));
        }
        Ok(self.post_meta(post)?.is_some_and(|m| m.channel == *channel))
    }

    /// Whether `guest` wrote `comment`.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn wrote(&self, guest: i64, comment: &EventId) -> Result<bool, NodeError> {
        Ok(self.store().read::<_, StoreError>(|c| db::wrote(c, guest, comment))?)
    }

    /// The emoji `guest` has on `target`.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn guest_reactions(&self, guest: i64, target: &EventId) -> Result<Vec<String>, NodeError> {
        Ok(self.store().read::<_, StoreError>(|c| db::guest_reactions(c, guest, target))?)
    }

    /// Writes a comment for the guest `name` (this node signs it, crediting them) and
    /// remembers that they wrote it.
    ///
    /// # Errors
    /// [`NodeError`]: the replica refused it (a removed member cannot write), storage.
    pub fn comment(
        &self,
        guest: i64,
        name: &str,
        channel: &ChannelId,
        post: &EventId,
        text: &str,
        reply_to: Option<EventId>,
    ) -> Result<EventId, NodeError> {
        let id = self.node.replica().guest_comment(channel, post, text, reply_to, name)?;
        self.store().write::<_, StoreError>(|tx| db::record_comment(tx, guest, &id))?;
        Ok(id)
    }

    /// Sets or clears a guest's reaction. This node reacts once for all its guests: on
    /// while any of them has it on.
    ///
    /// # Errors
    /// [`NodeError`].
    pub fn react(
        &self,
        guest: i64,
        channel: &ChannelId,
        target: &EventId,
        emoji: &str,
        on: bool,
    ) -> Result<(), NodeError> {
        let count = self.store().write::<_, StoreError>(|tx| db::set_guest_reaction(tx, guest, target, emoji, on))?;
        let me = self.node.replica().device_id();
        let node_has = self
            .store()
            .read(|c| crate::comment::db::reactions(c, target, &me))?
            .iter()
            .any(|r| r.emoji == emoji && r.mine);
        if node_has != (count > 0) {
            self.node.replica().react(channel, target, emoji, count > 0)?;
        }
        Ok(())
    }

    /// A visible item's thumbnail (empty when no poster could be made) and type.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn thumbnail(
        &self,
        channel: &ChannelId,
        post: &EventId,
        index: u32,
    ) -> Result<Option<(Vec<u8>, String)>, NodeError> {
        Ok(self.store().read::<_, StoreError>(|c| crate::catalog::db::thumbnail(c, channel, post, index))?)
    }
}
