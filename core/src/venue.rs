//! The venue gallery's records: links to a channel's gallery for browsers, the guests who
//! opened them, their uploads (a journal: announced, complete, posted), the comments
//! they wrote and their reactions.
//!
//! The HTTP server that shows the gallery is a front end (`swarmroll-web`); it keeps
//! nothing of its own and asks [`Venue`] (from [`crate::node::Node::venue`]) for every
//! look-up and change, so the rules about who may see what live here, beside the tables.
//! A guest's comment and upload become channel events written by this node on the
//! guest's behalf, credited to them by name.

pub(crate) mod db;

use crate::node::{Node, NodeError};
use crate::store::StoreError;
use crate::types::{ChannelId, ContentHash, EventId, Timestamp};
use rand_core::{OsRng, RngCore};
use std::net::SocketAddr;

/// What a link lets its holder do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkRole {
    /// See the gallery and originals, comment, react.
    Viewer,
    /// Also upload photos and videos.
    Uploader,
    /// Also hide posts and block guests: the host's own link.
    Host,
    /// Upload, and see only one's own uploads and comments (a drop box, as Immich and
    /// PhotoPrism users ask for): not the channel's gallery.
    DropBox,
}

impl LinkRole {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkRole::Viewer => "viewer",
            LinkRole::Uploader => "uploader",
            LinkRole::Host => "host",
            LinkRole::DropBox => "dropbox",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "viewer" => Some(LinkRole::Viewer),
            "uploader" => Some(LinkRole::Uploader),
            "host" => Some(LinkRole::Host),
            "dropbox" => Some(LinkRole::DropBox),
            _ => None,
        }
    }

    /// Whether this link allows what `need` allows: `Viewer` — the channel's gallery;
    /// `Uploader` — uploads; `Host` — moderation.
    pub fn allows(self, need: LinkRole) -> bool {
        match need {
            LinkRole::Viewer => self != LinkRole::DropBox,
            LinkRole::Uploader => matches!(self, LinkRole::Uploader | LinkRole::Host | LinkRole::DropBox),
            LinkRole::Host => self == LinkRole::Host,
            LinkRole::DropBox => self == LinkRole::DropBox,
        }
    }
}

/// A link just made: the only time its token is known in full.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// Its row, for [`Venue::revoke_link`].
    pub id: i64,
    /// The secret in the URL.
    pub token: String,
    /// What it allows.
    pub role: LinkRole,
    /// For a private channel, the key its gallery seals content with
    /// ([`Venue::seal_key`]): carried in the URL's fragment, which browsers never send.
    pub seal: Option<[u8; 32]>,
}

impl Link {
    /// The gallery URL on a server listening at `addr` (with `#k=<key>` for a private
    /// channel's link).
    pub fn url(&self, addr: SocketAddr) -> String {
        self.page_url(addr, "")
    }

    /// The URL of one of the link's pages (`""` the gallery, `"slideshow"`), the key's
    /// fragment last.
    pub fn page_url(&self, addr: SocketAddr, page: &str) -> String {
        page_url(addr, &self.token, self.seal.as_ref(), page)
    }
}

/// The URL of page `page` (`""` the gallery, `"slideshow"`) of the link `token` on a
/// server at `addr`, with `#k=<seal>` last for a private channel's link.
pub fn page_url(addr: SocketAddr, token: &str, seal: Option<&[u8; 32]>, page: &str) -> String {
    match seal {
        Some(k) => format!("http://{addr}/g/{token}/{page}#k={}", data_encoding::BASE64URL_NOPAD.encode(k)),
        None => format!("http://{addr}/g/{token}/{page}"),
    }
}

/// A link as a request presents it.
#[derive(Clone, Debug)]
pub struct LinkInfo {
    /// Its row.
    pub id: i64,
    /// The channel it opens.
    pub channel: ChannelId,
    /// What it allows.
    pub role: LinkRole,
    /// When it stops working, if ever.
    pub expires: Option<Timestamp>,
    /// Whether the host revoked it.
    pub revoked: bool,
}

/// A guest as a request presents it.
#[derive(Clone, Debug)]
pub struct GuestInfo {
    /// Their row.
    pub id: i64,
    /// The link they opened.
    pub link: i64,
    /// The name they gave, if any yet.
    pub name: Option<String>,
    /// Whether the host blocked them.
    pub blocked: bool,
}

/// One row of the host's guest list.
#[derive(Clone, Debug)]
pub struct GuestSummary {
    /// Their row.
    pub id: i64,
    /// The name they gave.
    pub name: Option<String>,
    /// Uploads of theirs posted.
    pub uploads: i64,
    /// Whether the host blocked them.
    pub blocked: bool,
}

/// A guest's upload, from its announcement to its post.
#[derive(Clone, Debug)]
pub struct Upload {
    /// Its row.
    pub id: i64,
    /// Whose it is.
    pub guest: i64,
    /// BLAKE3 of the file as the guest sends it.
    pub hash: ContentHash,
    /// Its length in bytes.
    pub size: u64,
    /// Its cleaned file name.
    pub name: String,
    /// Every byte arrived and was checked.
    pub complete: bool,
    /// The post that shows it, once posted.
    pub post: Option<EventId>,
}

/// What announcing an upload found.
#[derive(Clone, Debug)]
pub enum Announced {
    /// The channel already shows these bytes: nothing to send.
    Duplicate,
    /// The guest's unfinished upload of the same bytes, to resume.
    Resume(Upload),
    /// A new upload.
    New(Upload),
    /// The guest has too many unfinished uploads.
    TooMany,
}

/// A visible post as the gallery's pages need it.
#[derive(Clone, Debug)]
pub struct PostMeta {
    /// The channel it is in.
    pub channel: ChannelId,
    /// Whether this node posted it (a guest's upload).
    pub ours: bool,
    /// Its visible comments.
    pub comments: i64,
}

/// 26 lower-case base32 characters: 130 bits from the OS's generator. Link tokens and
/// guest cookies.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 17];
    OsRng.fill_bytes(&mut bytes);
    let mut s = data_encoding::BASE32_NOPAD.encode(&bytes).to_ascii_lowercase();
    s.truncate(26);
    s
}

/// The venue gallery's records of one node ([`Node::venue`]).
#[derive(Clone)]
pub struct Venue {
    node: Node,
}

mod access;
mod uploads;

pub use uploads::Announcement;

impl Venue {
    pub(crate) fn new(node: Node) -> Self {
        Venue { node }
    }

    fn store(&self) -> &crate::store::Store {
        self.node.replica().store()
    }

    /// Makes a link to `channel`'s gallery, valid until `expires` (or until revoked).
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn create_link(
        &self,
        channel: &ChannelId,
        role: LinkRole,
        expires: Option<Timestamp>,
    ) -> Result<Link, NodeError> {
        let token = new_secret();
        let id = self.store().write::<_, StoreError>(|tx| db::insert_link(tx, channel, &token, role, expires))?;
        let seal = self.seal_key(channel, &token)?;
        Ok(Link { id, token, role, seal })
    }

    /// The key a private channel's gallery seals everything with for the link `token`
    /// (`None` for other channels): a keyed hash of the token under a key derived from
    /// this device's identity, so it is the same for the link's whole life — across
    /// restarts — without being stored, and unknown to anyone who only saw the token on
    /// the Wi-Fi.
    ///
    /// # Errors
    /// [`NodeError::Replica`].
    pub fn seal_key(&self, channel: &ChannelId, token: &str) -> Result<Option<[u8; 32]>, NodeError> {
        if !self.node.replica().is_private(channel)? {
            return Ok(None);
        }
        let device = self.node.replica().device_key().secret_bytes();
        let key = blake3::derive_key("swarmroll/web-seal/link-key/v1", device.as_ref());
        Ok(Some(*blake3::keyed_hash(&key, token.as_bytes()).as_bytes()))
    }

    /// Revokes a link: its pages, API and live updates stop at once, for every guest who
    /// opened it.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn revoke_link(&self, link: i64) -> Result<(), NodeError> {
        Ok(self.store().write::<_, StoreError>(|tx| db::revoke_link(tx, link))?)
    }

    /// The link whose token is `token`, revoked or expired ones included.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn link(&self, token: &str) -> Result<Option<LinkInfo>, NodeError> {
        Ok(self.store().read::<_, StoreError>(|c| db::link_by_token(c, token))?)
    }
}
