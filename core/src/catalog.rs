//! The gallery and channel views materialised from accepted events.
//!
//! Views are a deterministic function of the *set* of accepted events, whatever order
//! they arrived in:
//!
//! * a post or comment is visible unless its own author retracted it or the latest
//!   moderation decision on it (by `(time, event id)`) is `Hide`;
//! * the gallery has one entry per distinct content hash among visible posts' items,
//!   sorted by capture time (post time when unknown), newest first, crediting every
//!   member who shared those bytes; it is recomputed per hash whenever an item of that
//!   hash appears, disappears or changes visibility.
//!
//! Pages are keyset-paged on `(sort time, content hash)`, so a deep page costs the same
//! as the first.

pub(crate) mod db;

use crate::channel::Role;
pub use crate::log::body::MediaInfo;
use crate::types::{ChannelId, ContentHash, DeviceId, EventId, Timestamp};

/// Where a gallery page starts: the last entry of the previous page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// Sort time of the last entry shown.
    pub sort_ms: i64,
    /// Its content hash (tie-breaker).
    pub content_hash: ContentHash,
}

/// A member credited for a photo: the member's device, or a guest of the venue web
/// gallery for whom that device posted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credit {
    /// The member's device (for a guest, the device that posted for them).
    pub device: DeviceId,
    /// Their display name (for a guest, the posting member's).
    pub name: String,
    /// The guest the member posted for, if any.
    pub guest: Option<String>,
}

impl Credit {
    /// The name to show: the member's, or "Maya (guest)".
    pub fn display(&self) -> String {
        match &self.guest {
            Some(g) => format!("{g} (guest)"),
            None => self.name.clone(),
        }
    }
}

/// Everyone credited, for people: "Ana", "Ana and Ben", "Ana, Ben and Maya (guest)",
/// "Ana and 4 others".
pub fn credit_line(credits: &[Credit]) -> String {
    let names: Vec<String> = credits.iter().map(Credit::display).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [a, b, c] => format!("{a}, {b} and {c}"),
        [a, rest @ ..] => format!("{a} and {} others", rest.len()),
    }
}

/// One distinct photo or video in the gallery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// The content hash.
    pub content_hash: ContentHash,
    /// The earliest visible post holding it.
    pub post: EventId,
    /// Its index in that post.
    pub index: u32,
    /// Capture time, or post time when unknown.
    pub sort_time: Timestamp,
    /// MIME type.
    pub mime: String,
    /// Upright width.
    pub width: u32,
    /// Upright height.
    pub height: u32,
    /// Video length.
    pub duration_ms: Option<u64>,
    /// Small thumbnail bytes.
    pub thumbnail: Vec<u8>,
    /// Everyone who shared it.
    pub credits: Vec<Credit>,
}

/// A page of the gallery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// Entries, newest first.
    pub items: Vec<Item>,
    /// Where the next page starts, if there is one.
    pub next: Option<Cursor>,
}

/// A media item as listed in a post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostItem {
    /// Position in the post.
    pub index: u32,
    /// What members see of it.
    pub media: MediaInfo,
    /// Everyone who shared these bytes in the channel (this post's author first).
    pub credits: Vec<Credit>,
}

/// A visible post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Post {
    /// The post event.
    pub id: EventId,
    /// The author.
    pub author: Credit,
    /// When it was posted.
    pub time: Timestamp,
    /// Caption.
    pub caption: String,
    /// Guest it was posted for (web uploads).
    pub guest: Option<String>,
    /// Torrent info hash.
    pub info_hash: [u8; 20],
    /// The media.
    pub items: Vec<PostItem>,
}

/// A channel member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// Device.
    pub device: DeviceId,
    /// Display name.
    pub name: String,
    /// Highest role held in the newest epoch they are certified for.
    pub role: Role,
    /// Removed by the owner.
    pub removed: bool,
}

/// A channel's settings as its owner last set them in the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The channel's name.
    pub name: String,
    /// The event window, if the owner set one.
    pub window: Option<crate::channel::Window>,
}

/// A channel as listed on the home screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelSummary {
    /// The channel.
    pub id: ChannelId,
    /// Its name.
    pub name: String,
    /// This device's role.
    pub my_role: Role,
    /// Visible posts and comments by others since the channel was last opened.
    pub unread: u64,
    /// Number of distinct photos and videos.
    pub items: u64,
    /// How many of them are videos.
    pub videos: u64,
}
