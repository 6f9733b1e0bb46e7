//! [`Channel`]: one channel's screens and actions (gallery, viewer, comments, invites,
//! sharing, its sync policy), a thin wrapper over the core's [`Node`] for one id, as
//! matrix-rust-sdk's `Room` is over its client.

use crate::error::{guard, SwarmrollError};
use crate::live::{self, GalleryListener, ThreadListener};
use crate::records::{
    event_id, ChannelMember, GalleryCursor, GalleryItem, GalleryPage, InviteLink, MemberRole, ThreadItem,
};
use crate::runtime::{run, TaskHandle};
use crate::settings::SyncPolicy;
use crate::web::WebGallery;
use std::sync::Arc;
use swarmroll_core::catalog::Cursor;
use swarmroll_core::channel::Role;
use swarmroll_core::import::Request;
use swarmroll_core::node::Node;
use swarmroll_core::share;
use swarmroll_core::{ChannelId, ContentHash, Timestamp};

/// A photo or video to share, as the platform exported it to a file.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ShareFile {
    /// The file.
    pub path: String,
    /// The platform's id for the asset (so it is not offered again).
    pub asset_id: Option<String>,
    /// The platform's creation time, used when the file has none with a time zone.
    pub created_ms: Option<i64>,
}

/// A file that was not shared, and why.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SkippedFile {
    /// Its position in the request.
    pub index: u32,
    /// Why, for the user.
    pub reason: String,
}

/// What guests who scan the web gallery's QR code may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum WebGuestAccess {
    /// See the gallery, add photos and videos, comment.
    Upload,
    /// See the gallery and comment.
    ViewOnly,
    /// Add photos and videos and see only their own: a drop box.
    DropBox,
}

impl From<WebGuestAccess> for swarmroll_web::GuestAccess {
    fn from(a: WebGuestAccess) -> Self {
        match a {
            WebGuestAccess::Upload => Self::Upload,
            WebGuestAccess::ViewOnly => Self::ViewOnly,
            WebGuestAccess::DropBox => Self::DropBox,
        }
    }
}

/// What sharing did.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ShareResult {
    /// The first new post (empty when nothing new was posted).
    pub post_id: String,
    /// Every new post, in order (a post holds at most 12 files).
    pub post_ids: Vec<String>,
    /// Files posted.
    pub shared: u32,
    /// Files the channel already had (shared before, by anyone): not posted again.
    pub duplicates: u32,
    /// Files that could not be used.
    pub skipped: Vec<SkippedFile>,
    /// Files not shared because the share was cancelled.
    pub not_shared: u32,
}

/// An original photo or video on this device, for the viewer to open.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct OriginalFile {
    /// Its position in the post.
    pub index: u32,
    /// Its name.
    pub name: String,
    /// MIME type.
    pub mime: String,
    /// The file.
    pub path: String,
}

/// One channel of this device. Get it from `SwarmrollNode.channel` or `create_channel`.
#[derive(uniffi::Object)]
pub struct Channel {
    node: Node,
    id: ChannelId,
}

impl Channel {
    pub(crate) fn new(node: Node, id: ChannelId) -> Arc<Self> {
        Arc::new(Channel { node, id })
    }
}

fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn invite_role(role: MemberRole) -> Result<Role, SwarmrollError> {
    match Role::from(role) {
        r @ (Role::Viewer | Role::Contributor) => Ok(r),
        _ => Err(SwarmrollError::InvalidArgument { reason: "an invite makes viewers or contributors".into() }),
    }
}

#[uniffi::export]
impl Channel {
    /// The channel's id.
    pub fn id(&self) -> String {
        self.id.to_hex()
    }

    /// Sets this channel's own sync policy (it overrides the default one).
    ///
    /// # Errors
    /// `Storage` (then it is not applied).
    pub async fn set_policy(&self, policy: SyncPolicy) -> Result<(), SwarmrollError> {
        let (node, id) = (self.node.clone(), self.id);
        run(async move { Ok(node.set_policy(Some(id), policy).await?) }).await
    }

    /// The originals of a post, once every one is on this device (`null`/`nil` while
    /// they are arriving: show the thumbnails meanwhile).
    ///
    /// # Errors
    /// `InvalidArgument`, `Storage`.
    pub fn originals(&self, post_id: String) -> Result<Option<Vec<OriginalFile>>, SwarmrollError> {
        guard(|| {
            let found = self.node.originals(&self.id, &event_id(&post_id)?)?;
            Ok(found.map(|all| {
                all.into_iter()
                    .map(|o| OriginalFile {
                        index: o.item.index,
                        name: o.item.media.name,
                        mime: o.item.media.mime,
                        path: o.path.to_string_lossy().into_owned(),
                    })
                    .collect()
            }))
        })
    }

    /// The sync policy in force for this channel.
    pub fn policy(&self) -> SyncPolicy {
        self.node.policy(Some(&self.id))
    }

    /// Leaves the channel: this device stops syncing, fetching and seeding it, and
    /// removes everything it held for it (posts, comments, thumbnails, fetched originals,
    /// keys). The user's own photos are not touched; the others keep the channel, and the
    /// same invite joins it again. This object is of no use afterwards.
    ///
    /// # Errors
    /// `NotFound` (already left), `Storage`.
    pub async fn leave(&self) -> Result<(), SwarmrollError> {
        let (node, id) = (self.node.clone(), self.id);
        run(async move {
            node.leave_channel(&id).await?;
            Ok(())
        })
        .await
    }

    /// The user opened the channel: its unread count becomes zero.
    ///
    /// # Errors
    /// `InvalidArgument`, `NotFound`, `Storage`.
    pub fn mark_read(&self) -> Result<(), SwarmrollError> {
        guard(|| Ok(self.node.mark_read(&self.id)?))
    }

    /// A page of this channel's gallery, newest first; pass the previous page's `next` to go on.
    ///
    /// # Errors
    /// `InvalidArgument`, `Storage`.
    pub fn gallery(&self, after: Option<GalleryCursor>, limit: u32) -> Result<GalleryPage, SwarmrollError> {
        guard(|| {
            let cursor = after
                .map(|c| {
                    let hash = ContentHash::from_hex(&c.content_hash)
                        .ok_or_else(|| SwarmrollError::InvalidArgument { reason: "not a gallery cursor".into() })?;
                    Ok::<_, SwarmrollError>(Cursor { sort_ms: c.sort_time_ms, content_hash: hash })
                })
                .transpose()?;
            let page = self.node.gallery(&self.id, cursor, limit)?;
            Ok(GalleryPage {
                items: page.items.into_iter().map(GalleryItem::from).collect(),
                next: page
                    .next
                    .map(|c| GalleryCursor { sort_time_ms: c.sort_ms, content_hash: c.content_hash.to_hex() }),
            })
        })
    }

    /// The viewer's thread of a post: the post first, then its comments oldest first;
    /// empty when the post is not (or no longer) visible.
    ///
    /// # Errors
    /// `InvalidArgument`, `Storage`.
    pub fn thread(&self, post_id: String) -> Result<Vec<ThreadItem>, SwarmrollError> {
        guard(|| Ok(self.node.thread_entries(&event_id(&post_id)?)?.into_iter().map(Into::into).collect()))
    }

    /// Comments on a post of this channel (or answers `reply_to`, a comment on it); returns the comment's id.
    ///
    /// # Errors
    /// `InvalidArgument` (empty or too long text, bad ids), `NotAllowed`, `NotFound`.
    pub fn comment(&self, post_id: String, text: String, reply_to: Option<String>) -> Result<String, SwarmrollError> {
        guard(|| {
            let reply = reply_to.as_deref().map(event_id).transpose()?;
            Ok(self.node.comment(&self.id, &event_id(&post_id)?, &text, reply)?.to_hex())
        })
    }

    /// Adds (`on`) or takes back a reaction to a post or comment.
    ///
    /// # Errors
    /// `InvalidArgument`, `NotAllowed`, `NotFound`.
    pub fn react(&self, target_id: String, emoji: String, on: bool) -> Result<(), SwarmrollError> {
        guard(|| {
            self.node.react(&self.id, &event_id(&target_id)?, &emoji, on)?;
            Ok(())
        })
    }

    /// The channel's members, owner first: for the members screen and host tools.
    ///
    /// # Errors
    /// `Storage`.
    pub fn members(&self) -> Result<Vec<ChannelMember>, SwarmrollError> {
        guard(|| Ok(self.node.members(&self.id)?.into_iter().map(Into::into).collect()))
    }

    /// Hides a post or comment from every member (`hidden`), or shows it again. Owners
    /// and co-hosts only.
    ///
    /// # Errors
    /// `InvalidArgument` (id), `NotAllowed`.
    pub fn set_hidden(&self, target_id: String, hidden: bool) -> Result<(), SwarmrollError> {
        guard(|| {
            self.node.moderate(&self.id, &event_id(&target_id)?, hidden)?;
            Ok(())
        })
    }

    /// Removes a member: a new key epoch they cannot read. Owner only.
    ///
    /// # Errors
    /// `InvalidArgument` (id), `NotAllowed`.
    pub fn remove_member(&self, device_id: String) -> Result<(), SwarmrollError> {
        guard(|| {
            self.node.remove_member(&self.id, &crate::records::device_id(&device_id)?)?;
            Ok(())
        })
    }

    /// Gives a member a role: `Admin` makes a co-host who may hide posts and comments.
    /// Owner only; a role goes to a member, never to an invite link.
    ///
    /// # Errors
    /// `InvalidArgument` (id, not a member, the owner role), `NotAllowed`.
    pub fn set_member_role(&self, device_id: String, role: MemberRole) -> Result<(), SwarmrollError> {
        let role = Role::from(role);
        if role == Role::Owner {
            return Err(SwarmrollError::InvalidArgument { reason: "the owner role cannot be given".into() });
        }
        guard(|| {
            self.node.set_role(&self.id, &crate::records::device_id(&device_id)?, role)?;
            Ok(())
        })
    }

    /// An invite to this channel as a link and a QR code, carrying this node's addresses.
    /// `expires_ms`: when it stops working (`null`/`nil`: never).
    ///
    /// # Errors
    /// `InvalidArgument` (role), `NotFound`, `NotAllowed` (a viewer cannot invite
    /// contributors).
    pub async fn invite(&self, role: MemberRole, expires_ms: Option<i64>) -> Result<InviteLink, SwarmrollError> {
        let ch = self.id;
        let role = invite_role(role)?;
        let node = self.node.clone();
        run(async move {
            let (invite, link) = node.invite(&ch, role, expires_ms.map(Timestamp)).await?;
            let qr_png = swarmroll_core::channel::qr::png(&link, 8)
                .map_err(|e| SwarmrollError::Internal { reason: e.to_string() })?;
            Ok(InviteLink { link, qr_png, invite: invite.into() })
        })
        .await
    }

    /// Opens this channel to browsers on the local network for `minutes`: guests without
    /// the app scan the QR code and, as `guests` allows, see the gallery, add photos and
    /// videos and comment — or, in a drop box, add photos and see only their own; their
    /// uploads become posts by this device for them.
    /// `bind`: `"IP:PORT"` to listen on (`null`/`nil`: the Wi-Fi address, port 8080).
    ///
    /// # Errors
    /// `InvalidArgument` (minutes, bind), `NotFound`, `NotAllowed` (a viewer must open it
    /// view-only), `Network` (the address is taken).
    pub async fn open_web_gallery(
        &self,
        minutes: u32,
        guests: WebGuestAccess,
        bind: Option<String>,
    ) -> Result<Arc<WebGallery>, SwarmrollError> {
        if minutes == 0 || minutes > 30 * 24 * 60 {
            return Err(SwarmrollError::InvalidArgument { reason: "minutes must be between 1 and 43200".into() });
        }
        let bind = match bind {
            Some(b) => {
                b.parse().map_err(|_| SwarmrollError::InvalidArgument { reason: "bind is not IP:PORT".into() })?
            }
            None => swarmroll_web::default_bind(),
        };
        let (ch, node) = (self.id, self.node.clone());
        run(async move {
            let window = std::time::Duration::from_secs(u64::from(minutes) * 60);
            let gallery = swarmroll_web::Gallery::open(node, ch, window, guests.into(), bind).await?;
            WebGallery::new(gallery)
        })
        .await
    }

    /// Imports files and posts them with `caption`. Import progress arrives as
    /// `ImportProgress` events; files that cannot be used are skipped with a reason.
    ///
    /// # Errors
    /// `NotStarted`; `InvalidArgument` when no file could be used; `NotAllowed` for a
    /// viewer.
    pub async fn share(&self, caption: String, files: Vec<ShareFile>) -> Result<ShareResult, SwarmrollError> {
        let ch = self.id;
        let node = self.node.clone();
        run(async move {
            let requests = files
                .into_iter()
                .map(|f| Request {
                    path: std::path::PathBuf::from(f.path),
                    asset_id: f.asset_id,
                    platform_time: f.created_ms.map(Timestamp),
                    poster: None,
                })
                .collect();
            let options = share::Options { caption, ..share::Options::default() };
            let outcome = node.share(&ch, requests, options, &share::Cancel::default()).await?;
            Ok(ShareResult {
                post_id: outcome.posts.first().map(|p| p.to_hex()).unwrap_or_default(),
                post_ids: outcome.posts.iter().map(|p| p.to_hex()).collect(),
                shared: index(outcome.posted()),
                duplicates: index(outcome.already_there()),
                skipped: outcome
                    .failed()
                    .into_iter()
                    .map(|(i, e)| SkippedFile { index: index(i), reason: e.to_string() })
                    .collect(),
                not_shared: index(outcome.not_shared()),
            })
        })
        .await
    }

    /// The newest `limit` gallery items, live.
    ///
    /// # Errors
    /// `InvalidArgument`, `Storage`.
    pub fn watch_gallery(
        &self,
        limit: u32,
        listener: Arc<dyn GalleryListener>,
    ) -> Result<Arc<TaskHandle>, SwarmrollError> {
        live::forward(|| self.node.watch_gallery(self.id, limit), listener)
    }

    /// The viewer's thread of a post, live.
    ///
    /// # Errors
    /// `InvalidArgument`, `Storage`.
    pub fn watch_thread(
        &self,
        post_id: String,
        listener: Arc<dyn ThreadListener>,
    ) -> Result<Arc<TaskHandle>, SwarmrollError> {
        let post = event_id(&post_id)?;
        live::forward(|| self.node.watch_thread(post), listener)
    }
}
