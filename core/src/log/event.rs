//! The signed event envelope: header, encrypted body, signature; encode, sign, open.

use super::body::Body;
use super::MAX_EVENT_BYTES;
use crate::channel::Secret;
use crate::identity::DeviceKey;
use crate::types::{ChannelId, DeviceId, EventId, Sig, Timestamp};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};

/// The event format version this build writes and reads.
pub const WIRE_VERSION: u8 = 1;

/// What an event does; in the clear so that permission checks need no decryption.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// The author's display name and membership certificate.
    Profile,
    /// Channel settings (name, event window, epoch 0 keys): the owner's first event.
    Channel,
    /// A batch of media.
    Post,
    /// A comment on a post.
    Comment,
    /// An emoji reaction on a post or comment.
    Reaction,
    /// The author withdraws one of their own events.
    Retract,
    /// An admin hides or shows a post or comment.
    Moderate,
    /// The owner removes members and starts a new key epoch.
    Rotate,
}

impl Kind {
    /// A stable number for storage.
    pub fn as_i64(self) -> i64 {
        self as i64
    }
}

/// The clear part of an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`WIRE_VERSION`] for events this build makes.
    pub version: u8,
    /// The channel.
    pub channel: ChannelId,
    /// The author's device.
    pub author: DeviceId,
    /// Position in the author's feed, from 1.
    pub seq: u64,
    /// The author's previous event (`None` exactly when `seq == 1`).
    pub prev: Option<EventId>,
    /// The key epoch whose read key encrypts the body.
    pub epoch: u32,
    /// When the author made it (author's clock).
    pub time: Timestamp,
    /// What it does.
    pub kind: Kind,
}

/// A signed event as stored and sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The clear header.
    pub header: Header,
    /// 24-byte nonce followed by the XChaCha20-Poly1305 ciphertext of the postcard [`Body`].
    #[serde(with = "crate::types::bytes")]
    pub body: Vec<u8>,
    /// The author's signature over `"swarmroll/event/v2" | encode(header) | BLAKE3(body)`.
    pub signature: Sig,
}

/// Why an event could not be made or opened.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum CodecError {
    /// Bytes that are not an event.
    #[error("malformed event encoding")]
    Malformed,
    /// Larger than [`MAX_EVENT_BYTES`].
    #[error("event larger than the limit")]
    TooLarge,
    /// The body does not decrypt with the epoch's read key.
    #[error("event body does not decrypt")]
    Undecryptable,
    /// The body's kind differs from the header's.
    #[error("event body does not match its kind")]
    KindMismatch,
}

fn header_bytes(h: &Header) -> Vec<u8> {
    // postcard of our own struct cannot fail (no maps, no unsized sequences)
    postcard::to_allocvec(h).unwrap_or_default()
}

/// What an event's author signs: the header and a BLAKE3 digest of the sealed body.
///
/// Not the body itself: Ed25519 hashes its whole message with SHA-512 (twice when
/// signing), and bodies carry thumbnails of ~12 KB, so a catch-up's verification spent
/// more on SHA-512 than on anything but the curve; BLAKE3 reads the body at several
/// times the speed. The signature then rests on BLAKE3's collision resistance too.
fn signed_message(header: &[u8], body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(SIGNED_DOMAIN.len() + header.len() + 32);
    m.extend_from_slice(SIGNED_DOMAIN);
    m.extend_from_slice(header);
    m.extend_from_slice(blake3::hash(body).as_bytes());
    m
}

/// Separates event signatures from anything else the same key signs.
const SIGNED_DOMAIN: &[u8] = b"swarmroll/event/v2";

impl Event {
    /// Encrypts `body` with `read_key`, signs with `author`, and returns the event.
    ///
    /// # Errors
    /// [`CodecError::KindMismatch`] if `header.kind` is not `body`'s kind;
    /// [`CodecError::TooLarge`] if the result exceeds [`MAX_EVENT_BYTES`].
    pub fn seal(header: Header, body: &Body, read_key: &Secret, author: &DeviceKey) -> Result<Self, CodecError> {
        if body.kind() != header.kind {
            return Err(CodecError::KindMismatch);
        }
        let hb = header_bytes(&header);
        let plain = postcard::to_allocvec(body).map_err(|_| CodecError::Malformed)?;
        let mut nonce = [0u8; 24];
        OsRng.fill_bytes(&mut nonce);
        let cipher = XChaCha20Poly1305::new(read_key.0.as_ref().into());
        let ct = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: &hb })
            .map_err(|_| CodecError::Malformed)?;
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ct);
        let signature = Sig(author.sign(&signed_message(&hb, &sealed)));
        let ev = Event { header, body: sealed, signature };
        if ev.encode().len() > MAX_EVENT_BYTES {
            return Err(CodecError::TooLarge);
        }
        Ok(ev)
    }

    /// The canonical encoding: version byte, then postcard.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![WIRE_VERSION];
        out.extend_from_slice(&postcard::to_allocvec(self).unwrap_or_default());
        out
    }

    /// Decodes an event received from anywhere; checks size and format version only.
    ///
    /// # Errors
    /// [`CodecError::TooLarge`] or [`CodecError::Malformed`].
    pub fn decode(bytes: &[u8]) -> Result<Self, CodecError> {
        if bytes.len() > MAX_EVENT_BYTES {
            return Err(CodecError::TooLarge);
        }
        match bytes.split_first() {
            Some((&WIRE_VERSION, rest)) => {
                let (ev, extra): (Event, _) = postcard::take_from_bytes(rest).map_err(|_| CodecError::Malformed)?;
                // canonical: no trailing bytes, and the header's version agrees
                if !extra.is_empty() || ev.header.version != WIRE_VERSION {
                    return Err(CodecError::Malformed);
                }
                Ok(ev)
            }
            _ => Err(CodecError::Malformed),
        }
    }

    /// The event's id: BLAKE3 of [`Event::encode`].
    pub fn id(&self) -> EventId {
        EventId(*blake3::hash(&self.encode()).as_bytes())
    }

    /// Whether the author's signature is valid.
    pub fn signature_valid(&self) -> bool {
        crate::identity::verify(&self.header.author.0, &self.signed_message(), &self.signature.0)
    }

    /// What the author signed (see [`signed_message`]).
    pub(crate) fn signed_message(&self) -> Vec<u8> {
        signed_message(&header_bytes(&self.header), &self.body)
    }

    /// Decrypts and decodes the body with the epoch's read key.
    ///
    /// # Errors
    /// [`CodecError::Undecryptable`], [`CodecError::Malformed`] or [`CodecError::KindMismatch`].
    pub fn open(&self, read_key: &Secret) -> Result<Body, CodecError> {
        if self.body.len() < 24 {
            return Err(CodecError::Malformed);
        }
        let (nonce, ct) = self.body.split_at(24);
        let cipher = XChaCha20Poly1305::new(read_key.0.as_ref().into());
        let plain = cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: &header_bytes(&self.header) })
            .map_err(|_| CodecError::Undecryptable)?;
        let body: Body = postcard::from_bytes(&plain).map_err(|_| CodecError::Malformed)?;
        if body.kind() != self.header.kind {
            return Err(CodecError::KindMismatch);
        }
        Ok(body)
    }
}
