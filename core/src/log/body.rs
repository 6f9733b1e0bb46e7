//! Event bodies: what each kind of event says, with the limits every field must respect.

use super::event::Kind;
use crate::channel::{valid_name, Certificate, Window};
use crate::types::{ContentHash, DeviceId, EventId, Timestamp};
use serde::{Deserialize, Serialize};

/// Longest post caption, in bytes.
pub const MAX_CAPTION_BYTES: usize = 2_000;
/// Longest comment, in bytes.
pub const MAX_COMMENT_BYTES: usize = 4_000;
/// Most media items in one post.
pub const MAX_ITEMS: usize = 12;
/// Largest thumbnail carried in the log, in bytes.
pub const MAX_THUMBNAIL_BYTES: usize = 40_000;
/// Longest reaction (one emoji, possibly a ZWJ sequence), in bytes.
pub const MAX_EMOJI_BYTES: usize = 32;
/// Longest file name, in bytes.
pub const MAX_FILE_NAME_BYTES: usize = 255;

/// What a member sees of a photo or video, the one place its fields are declared: the
/// log carries it in a [`MediaItem`], the catalog lists it in a post (`catalog::PostItem`),
/// and the FFI's `PostMedia` is made from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaInfo {
    /// BLAKE3 of the shared file's bytes: the same photo posted twice is one gallery item.
    pub content_hash: ContentHash,
    /// File name as shown to members.
    pub name: String,
    /// MIME type (`image/jpeg`, `video/mp4`, …).
    pub mime: String,
    /// Size in bytes of the shared file.
    pub size: u64,
    /// Upright width in pixels (0 if unknown).
    pub width: u32,
    /// Upright height in pixels (0 if unknown).
    pub height: u32,
    /// When it was taken, if known.
    pub capture_time: Option<Timestamp>,
    /// Length of a video, in milliseconds.
    pub duration_ms: Option<u64>,
}

/// One photo or video inside a post: what members see of it, and its thumbnail.
///
/// Postcard encodes a struct as its fields in order with no framing, so this nesting
/// encodes exactly as the flat struct of earlier releases did (`tests::media_item_wire`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaItem {
    /// The descriptor.
    pub info: MediaInfo,
    /// A small JPEG or WebP (about 320 px), shown before the original arrives.
    #[serde(with = "crate::types::bytes")]
    pub thumbnail: Vec<u8>,
}

/// A moderation decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ModAction {
    /// Hide the target from every view.
    Hide,
    /// Undo an earlier hide.
    Show,
}

/// A member removed by a rotation, and the last of their events that stays valid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovedMember {
    /// The removed device.
    pub device: DeviceId,
    /// Their events with a higher seq are rejected.
    pub last_seq: u64,
}

/// A new epoch's keys sealed to one remaining member's device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedKeys {
    /// The recipient.
    pub member: DeviceId,
    /// `channel::seal` of the postcard-encoded `EpochKeys` for the member's role.
    pub sealed: Vec<u8>,
}

/// The decrypted content of an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Body {
    /// Display name, and the membership certificate (required in a feed's first event
    /// and whenever the author moves to an epoch that no rotation certified them for).
    Profile {
        /// Display name.
        name: String,
        /// Membership certificate for the event's epoch.
        cert: Option<Certificate>,
    },
    /// Channel settings, set by the owner.
    Channel {
        /// Channel name.
        name: String,
        /// Optional event window.
        window: Option<Window>,
        /// Epoch 0's contributor public key.
        contributor_key: [u8; 32],
        /// Media travel encrypted on the wire (every post carries a media key). Once a
        /// channel is private it stays private: a later `Channel` event cannot undo it.
        private: bool,
    },
    /// A batch of photos and videos, transferred as one torrent.
    Post {
        /// Caption.
        caption: String,
        /// The media, in display order.
        items: Vec<MediaItem>,
        /// The torrent's v1 info hash (all zero until the swarm publishes it).
        info_hash: [u8; 20],
        /// The bencoded info dictionary, so members can fetch without asking peers.
        #[serde(with = "crate::types::bytes")]
        info: Vec<u8>,
        /// A guest (web upload) the author posted this for.
        on_behalf_of: Option<String>,
        /// For private channels: the key the post's files are encrypted with on the wire
        /// (`swarm::crypt`); only members, who can read this body, learn it.
        media_key: Option<crate::channel::Secret>,
    },
    /// A comment.
    Comment {
        /// The post commented on.
        post: EventId,
        /// The comment replied to, if any.
        reply_to: Option<EventId>,
        /// The text.
        text: String,
    },
    /// A reaction toggled on or off.
    Reaction {
        /// The post or comment.
        target: EventId,
        /// The emoji.
        emoji: String,
        /// `true` to add, `false` to take back.
        on: bool,
    },
    /// Withdraw one of the author's own events.
    Retract {
        /// The event withdrawn.
        target: EventId,
    },
    /// Hide or show a post or comment.
    Moderate {
        /// The post or comment.
        target: EventId,
        /// What to do.
        action: ModAction,
    },
    /// Remove members and start a new key epoch.
    Rotate {
        /// The epoch that starts (current + 1).
        new_epoch: u32,
        /// The new epoch's contributor public key.
        contributor_key: [u8; 32],
        /// Members removed, with the last event of each that stays valid.
        removed: Vec<RemovedMember>,
        /// Every other author of the closing epoch and their last seq there: authors not
        /// carried into the new epoch may not add to the old one past this point.
        closed: Vec<(DeviceId, u64)>,
        /// New-epoch certificates for the members carried over.
        certs: Vec<Certificate>,
        /// New-epoch keys, sealed to each carried member.
        sealed: Vec<SealedKeys>,
    },
    /// A comment the author wrote for a guest (the venue web gallery): the same as
    /// [`Body::Comment`] with the guest's name. A variant of its own, appended last, so
    /// events written before it decode unchanged; its kind is [`Kind::Comment`].
    GuestComment {
        /// The post commented on.
        post: EventId,
        /// The comment replied to, if any.
        reply_to: Option<EventId>,
        /// The text.
        text: String,
        /// The guest's display name.
        guest: String,
    },
}

impl Body {
    /// The kind matching this body.
    pub fn kind(&self) -> Kind {
        match self {
            Body::Profile { .. } => Kind::Profile,
            Body::Channel { .. } => Kind::Channel,
            Body::Post { .. } => Kind::Post,
            Body::Comment { .. } | Body::GuestComment { .. } => Kind::Comment,
            Body::Reaction { .. } => Kind::Reaction,
            Body::Retract { .. } => Kind::Retract,
            Body::Moderate { .. } => Kind::Moderate,
            Body::Rotate { .. } => Kind::Rotate,
        }
    }

    /// Checks field limits. Returns the name of the first field out of bounds.
    pub fn check_limits(&self) -> Result<(), &'static str> {
        fn ok(cond: bool, field: &'static str) -> Result<(), &'static str> {
            if cond {
                Ok(())
            } else {
                Err(field)
            }
        }
        match self {
            Body::Profile { name, .. } => ok(valid_name(name), "profile name"),
            Body::Channel { name, window, .. } => {
                ok(valid_name(name), "channel name")?;
                ok(window.is_none_or(|w| w.start < w.end), "event window")
            }
            Body::Post { caption, items, on_behalf_of, .. } => {
                ok(caption.len() <= MAX_CAPTION_BYTES, "caption")?;
                ok(!items.is_empty() && items.len() <= MAX_ITEMS, "item count")?;
                ok(on_behalf_of.as_deref().is_none_or(valid_name), "guest name")?;
                for MediaItem { info: it, thumbnail } in items {
                    ok(!it.name.is_empty() && it.name.len() <= MAX_FILE_NAME_BYTES, "file name")?;
                    ok(!it.name.contains(['/', '\\', '\0']), "file name")?;
                    ok(it.mime.len() <= 100 && it.mime.contains('/'), "mime type")?;
                    ok(thumbnail.len() <= MAX_THUMBNAIL_BYTES, "thumbnail")?;
                }
                Ok(())
            }
            Body::Comment { text, .. } => ok(!text.trim().is_empty() && text.len() <= MAX_COMMENT_BYTES, "comment"),
            Body::GuestComment { text, guest, .. } => {
                ok(!text.trim().is_empty() && text.len() <= MAX_COMMENT_BYTES, "comment")?;
                ok(valid_name(guest), "guest name")
            }
            Body::Reaction { emoji, .. } => ok(!emoji.is_empty() && emoji.len() <= MAX_EMOJI_BYTES, "reaction"),
            Body::Retract { .. } | Body::Moderate { .. } => Ok(()),
            Body::Rotate { removed, certs, sealed, .. } => {
                ok(!removed.is_empty() || !certs.is_empty(), "rotation")?;
                ok(certs.len() == sealed.len(), "rotation keys")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The media item as earlier releases declared it: flat.
    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct FlatItem {
        content_hash: ContentHash,
        name: String,
        mime: String,
        size: u64,
        width: u32,
        height: u32,
        capture_time: Option<Timestamp>,
        duration_ms: Option<u64>,
        thumbnail: Vec<u8>,
    }

    #[test]
    fn media_item_wire() {
        let flat = FlatItem {
            content_hash: ContentHash([7; 32]),
            name: "IMG_0001.JPG".into(),
            mime: "image/jpeg".into(),
            size: 123_456,
            width: 4032,
            height: 3024,
            capture_time: Some(Timestamp(1_700_000_000_000)),
            duration_ms: None,
            thumbnail: vec![1, 2, 3],
        };
        let nested = MediaItem {
            info: MediaInfo {
                content_hash: flat.content_hash,
                name: flat.name.clone(),
                mime: flat.mime.clone(),
                size: flat.size,
                width: flat.width,
                height: flat.height,
                capture_time: flat.capture_time,
                duration_ms: flat.duration_ms,
            },
            thumbnail: flat.thumbnail.clone(),
        };
        let old = postcard::to_allocvec(&flat).unwrap();
        assert_eq!(postcard::to_allocvec(&nested).unwrap(), old, "a post's bytes, hence its id, are unchanged");
        assert_eq!(postcard::from_bytes::<MediaItem>(&old).unwrap(), nested);
    }
}
