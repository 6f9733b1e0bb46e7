//! The records and enums the apps see, with unique flat names, and their conversions
//! from core types. Ids cross as 64-digit lowercase hex strings; times as milliseconds
//! since the Unix epoch.

use crate::error::SwarmrollError;
use swarmroll_core::catalog::{ChannelSummary, Credit, Item, Post, PostItem};
use swarmroll_core::channel::{Invite, Role};
use swarmroll_core::comment::{Comment, ReactionCount};
use swarmroll_core::node::{self, ThreadEntry};
use swarmroll_core::{ChannelId, EventId};

/// Parses a channel id from the apps.
pub(crate) fn channel_id(hex: &str) -> Result<ChannelId, SwarmrollError> {
    ChannelId::from_hex(hex).ok_or_else(|| SwarmrollError::InvalidArgument { reason: "not a channel id".into() })
}

/// Parses a post, comment or other event id from the apps.
pub(crate) fn event_id(hex: &str) -> Result<EventId, SwarmrollError> {
    EventId::from_hex(hex).ok_or_else(|| SwarmrollError::InvalidArgument { reason: "not an event id".into() })
}

/// Parses a device id from the apps.
pub(crate) fn device_id(hex: &str) -> Result<swarmroll_core::DeviceId, SwarmrollError> {
    swarmroll_core::DeviceId::from_hex(hex)
        .ok_or_else(|| SwarmrollError::InvalidArgument { reason: "not a device id".into() })
}

/// What a member of a channel may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum MemberRole {
    /// Sees the channel's photos and videos, comments and reacts.
    Viewer,
    /// Also posts photos and videos, and may invite others.
    Contributor,
    /// Also moderates.
    Admin,
    /// Created the channel.
    Owner,
}

impl From<Role> for MemberRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Viewer => MemberRole::Viewer,
            Role::Contributor => MemberRole::Contributor,
            Role::Admin => MemberRole::Admin,
            Role::Owner => MemberRole::Owner,
        }
    }
}

/// The one mapping back; which roles a call accepts is that call's rule (an invite
/// makes viewers or contributors, the owner role is never given).
impl From<MemberRole> for Role {
    fn from(role: MemberRole) -> Self {
        match role {
            MemberRole::Viewer => Role::Viewer,
            MemberRole::Contributor => Role::Contributor,
            MemberRole::Admin => Role::Admin,
            MemberRole::Owner => Role::Owner,
        }
    }
}

/// A decoded, verified invite to a channel, for the join screen.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ChannelInvite {
    /// The channel's id.
    pub channel_id: String,
    /// The channel's name, as its owner wrote it.
    pub name: String,
    /// The channel's key epoch this invite belongs to.
    pub epoch: u32,
    /// What joining with this invite lets the user do (viewer or contributor).
    pub role: MemberRole,
    /// The inviting device's id.
    pub inviter_id: String,
    /// The inviter's display name; may be empty.
    pub inviter_name: String,
    /// Where the inviter could be reached when inviting, as `ip:port` (LAN first).
    pub addresses: Vec<String>,
    /// When the invite stops working; `null`/`nil` when it never expires.
    pub expires_ms: Option<i64>,
}

impl From<Invite> for ChannelInvite {
    fn from(invite: Invite) -> Self {
        ChannelInvite {
            channel_id: invite.channel.to_hex(),
            name: invite.name,
            epoch: invite.epoch,
            role: invite.capability.role().into(),
            inviter_id: invite.inviter.to_hex(),
            inviter_name: invite.inviter_name,
            addresses: invite.addresses.iter().map(ToString::to_string).collect(),
            expires_ms: invite.expires.map(|t| t.0),
        }
    }
}

/// An invite made here, for the invite screen.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct InviteLink {
    /// The link to share (`https://swarmroll.app/join#…`).
    pub link: String,
    /// The link as a QR code, a PNG image.
    pub qr_png: Vec<u8>,
    /// What the link says, as the guest will see it.
    pub invite: ChannelInvite,
}

/// A channel on the home screen.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ChannelRow {
    /// The channel's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// This device's role.
    pub my_role: MemberRole,
    /// Posts and comments by others since the user last opened it.
    pub unread: u64,
    /// Distinct photos and videos in it.
    pub items: u64,
    /// How many of them are videos.
    pub videos: u64,
}

impl From<ChannelSummary> for ChannelRow {
    fn from(c: ChannelSummary) -> Self {
        ChannelRow {
            id: c.id.to_hex(),
            name: c.name,
            my_role: c.my_role.into(),
            unread: c.unread,
            items: c.items,
            videos: c.videos,
        }
    }
}

/// A person credited for something, by device: a member, or a guest of the venue web
/// gallery for whom that member's device posted.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Person {
    /// Their device's id (for a guest, the posting member's).
    pub device_id: String,
    /// Their display name in the channel (for a guest, the posting member's).
    pub name: String,
    /// The guest's name, when a member posted for a web guest.
    pub guest: Option<String>,
    /// What to show: the name, or "Maya (guest)".
    pub display: String,
}

impl From<Credit> for Person {
    fn from(c: Credit) -> Self {
        let display = c.display();
        Person { device_id: c.device.to_hex(), name: c.name, guest: c.guest, display }
    }
}

/// A member of a channel, for the members screen.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ChannelMember {
    /// Their device's id.
    pub device_id: String,
    /// Their display name.
    pub name: String,
    /// Their role now.
    pub role: MemberRole,
    /// Removed by the owner (they read nothing posted since).
    pub removed: bool,
}

impl From<swarmroll_core::catalog::Member> for ChannelMember {
    fn from(m: swarmroll_core::catalog::Member) -> Self {
        ChannelMember { device_id: m.device.to_hex(), name: m.name, role: m.role.into(), removed: m.removed }
    }
}

/// One photo or video in a channel's gallery.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct GalleryItem {
    /// Its content hash (stable identity; the same photo shared twice is one item).
    pub content_hash: String,
    /// The earliest visible post holding it (open the viewer on it).
    pub post_id: String,
    /// Its position in that post.
    pub index: u32,
    /// Capture time, or post time when unknown.
    pub sort_time_ms: i64,
    /// MIME type (`image/jpeg`, `video/mp4`…).
    pub mime: String,
    /// Upright width in pixels.
    pub width: u32,
    /// Upright height in pixels.
    pub height: u32,
    /// Video length.
    pub duration_ms: Option<u64>,
    /// A small JPEG thumbnail (empty when the author's device could not make one).
    pub thumbnail: Vec<u8>,
    /// Everyone who shared it.
    pub shared_by: Vec<Person>,
}

impl From<Item> for GalleryItem {
    fn from(i: Item) -> Self {
        GalleryItem {
            content_hash: i.content_hash.to_hex(),
            post_id: i.post.to_hex(),
            index: i.index,
            sort_time_ms: i.sort_time.0,
            mime: i.mime,
            width: i.width,
            height: i.height,
            duration_ms: i.duration_ms,
            thumbnail: i.thumbnail,
            shared_by: i.credits.into_iter().map(Into::into).collect(),
        }
    }
}

/// A page of the gallery, newest first.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct GalleryPage {
    /// The items.
    pub items: Vec<GalleryItem>,
    /// Pass to the next call for the following page; `null`/`nil` at the end.
    pub next: Option<GalleryCursor>,
}

/// Where a gallery page ends.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct GalleryCursor {
    /// The last item's sort time.
    pub sort_time_ms: i64,
    /// The last item's content hash.
    pub content_hash: String,
}

/// Reactions with one emoji.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Reaction {
    /// The emoji.
    pub emoji: String,
    /// How many members reacted with it.
    pub count: u64,
    /// Whether the user is one of them.
    pub mine: bool,
}

impl From<ReactionCount> for Reaction {
    fn from(r: ReactionCount) -> Self {
        Reaction { emoji: r.emoji, count: r.count, mine: r.mine }
    }
}

/// A photo or video of a post, for the viewer.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PostMedia {
    /// Position in the post.
    pub index: u32,
    /// Content hash.
    pub content_hash: String,
    /// File name.
    pub name: String,
    /// MIME type.
    pub mime: String,
    /// Size in bytes.
    pub size: u64,
    /// Upright width.
    pub width: u32,
    /// Upright height.
    pub height: u32,
    /// Capture time.
    pub capture_time_ms: Option<i64>,
    /// Video length.
    pub duration_ms: Option<u64>,
}

impl From<PostItem> for PostMedia {
    fn from(item: PostItem) -> Self {
        let m = item.media;
        PostMedia {
            index: item.index,
            content_hash: m.content_hash.to_hex(),
            name: m.name,
            mime: m.mime,
            size: m.size,
            width: m.width,
            height: m.height,
            capture_time_ms: m.capture_time.map(|t| t.0),
            duration_ms: m.duration_ms,
        }
    }
}

/// A post, for the viewer.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PostView {
    /// The post's id.
    pub id: String,
    /// Who posted it.
    pub author: Person,
    /// When.
    pub time_ms: i64,
    /// The caption.
    pub caption: String,
    /// The guest it was posted for (web uploads), if any.
    pub guest: Option<String>,
    /// Its photos and videos.
    pub media: Vec<PostMedia>,
    /// Reactions to it.
    pub reactions: Vec<Reaction>,
}

fn post_view(p: Post, reactions: Vec<ReactionCount>) -> PostView {
    PostView {
        id: p.id.to_hex(),
        author: p.author.into(),
        time_ms: p.time.0,
        caption: p.caption,
        guest: p.guest,
        media: p.items.into_iter().map(Into::into).collect(),
        reactions: reactions.into_iter().map(Into::into).collect(),
    }
}

/// A comment, for the viewer.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CommentView {
    /// The comment's id.
    pub id: String,
    /// Who wrote it.
    pub author: Person,
    /// When.
    pub time_ms: i64,
    /// The text.
    pub text: String,
    /// The comment it answers.
    pub reply_to: Option<String>,
    /// Reactions to it.
    pub reactions: Vec<Reaction>,
    /// The guest it was written for (the venue web gallery), if any.
    pub guest: Option<String>,
}

impl From<Comment> for CommentView {
    fn from(c: Comment) -> Self {
        CommentView {
            id: c.id.to_hex(),
            author: c.author.into(),
            time_ms: c.time.0,
            text: c.text,
            reply_to: c.reply_to.map(|r| r.to_hex()),
            reactions: c.reactions.into_iter().map(Into::into).collect(),
            guest: c.guest,
        }
    }
}

/// One entry of the viewer's thread: the post first, then its comments oldest first.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum ThreadItem {
    /// The post with its reactions.
    Post {
        /// The post.
        post: PostView,
    },
    /// A comment.
    Comment {
        /// The comment.
        comment: CommentView,
    },
}

impl From<ThreadEntry> for ThreadItem {
    fn from(e: ThreadEntry) -> Self {
        match e {
            ThreadEntry::Post { post, reactions } => ThreadItem::Post { post: post_view(post, reactions) },
            ThreadEntry::Comment(c) => ThreadItem::Comment { comment: c.into() },
        }
    }
}

/// A post whose originals are arriving.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TransferRow {
    /// The channel.
    pub channel_id: String,
    /// The post.
    pub post_id: String,
    /// Verified bytes here.
    pub have_bytes: u64,
    /// Bytes in the post.
    pub total_bytes: u64,
    /// Current speed.
    pub bytes_per_s: u64,
}

impl From<node::Transfer> for TransferRow {
    fn from(t: node::Transfer) -> Self {
        TransferRow {
            channel_id: t.channel.to_hex(),
            post_id: t.post.to_hex(),
            have_bytes: t.have_bytes,
            total_bytes: t.total_bytes,
            bytes_per_s: t.bytes_per_s,
        }
    }
}

/// What is new in a channel since the user last opened it (for notifications).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ChannelNews {
    /// The channel.
    pub channel_id: String,
    /// Its name.
    pub name: String,
    /// New posts by others.
    pub new_posts: u64,
    /// New comments by others.
    pub new_comments: u64,
    /// Who wrote them (display names, most recent first, at most three).
    pub from: Vec<String>,
    /// How many people wrote them ("Ana and 3 others").
    pub people: u64,
    /// Photos in the new posts ("added 12 photos").
    pub new_photos: u64,
    /// Videos in the new posts.
    pub new_videos: u64,
}

impl From<node::News> for ChannelNews {
    fn from(n: node::News) -> Self {
        ChannelNews {
            channel_id: n.channel.to_hex(),
            name: n.name,
            new_posts: n.new_posts,
            new_comments: n.new_comments,
            from: n.from,
            people: n.people,
            new_photos: n.new_photos,
            new_videos: n.new_videos,
        }
    }
}
