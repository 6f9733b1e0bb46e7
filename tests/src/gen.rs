//! A synthetic but valid channel history for benchmarks: a profile per author, then posts
//! (with thumbnails of a chosen size), comments and reactions in a 3:5:2 mix, each event
//! signed by its author and sealed with the channel's read key. Deterministic per seed.

use swarmroll_core::channel::{Certificate, Issuer, Role, Secret};
use swarmroll_core::identity::DeviceKey;
use swarmroll_core::log::{Body, Event, Header, MediaInfo, MediaItem, WIRE_VERSION};
use swarmroll_core::replica::Replica;
use swarmroll_core::{ChannelId, ContentHash, EventId, Timestamp};

/// SplitMix64: a small deterministic generator.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

struct Author {
    key: DeviceKey,
    seq: u64,
    prev: Option<EventId>,
}

/// Generates events for a channel whose owner's replica is given.
pub struct ChannelGen {
    ch: ChannelId,
    read_key: Secret,
    contributor: ed25519_dalek::SigningKey,
    authors: Vec<Author>,
    profiles_done: usize,
    posts: Vec<EventId>,
    rng: Rng,
    base: i64,
    count: usize,
    thumb_bytes: usize,
}

impl ChannelGen {
    /// A generator of events by `authors` fresh devices in `ch`, which `owner` holds.
    pub fn new(owner: &Replica, ch: ChannelId, authors: usize, thumb_bytes: usize, seed: u64) -> Self {
        let keys = owner.keys(&ch).expect("keys").expect("channel keys");
        ChannelGen {
            ch,
            read_key: keys.read_key.clone(),
            contributor: keys.contributor_signing().expect("contributor key"),
            authors: (0..authors).map(|_| Author { key: DeviceKey::generate(), seq: 0, prev: None }).collect(),
            profiles_done: 0,
            posts: Vec::new(),
            rng: Rng(seed),
            base: Timestamp::now().0 - 86_400_000,
            count: 0,
            thumb_bytes,
        }
    }

    /// Posts generated so far.
    pub fn posts(&self) -> &[EventId] {
        &self.posts
    }

    /// The next `n` events, in an order every feed accepts.
    pub fn take(&mut self, n: usize) -> Vec<Vec<u8>> {
        (0..n).map(|_| self.next_event()).collect()
    }

    fn seal(&mut self, who: usize, body: Body, time: i64) -> (EventId, Vec<u8>) {
        let a = &mut self.authors[who];
        a.seq += 1;
        let header = Header {
            version: WIRE_VERSION,
            channel: self.ch,
            author: a.key.id(),
            seq: a.seq,
            prev: a.prev,
            epoch: 0,
            time: Timestamp(time),
            kind: body.kind(),
        };
        let ev = Event::seal(header, &body, &self.read_key, &a.key).expect("seal");
        a.prev = Some(ev.id());
        (ev.id(), ev.encode())
    }

    /// The next event.
    pub fn next_event(&mut self) -> Vec<u8> {
        self.count += 1;
        if self.profiles_done < self.authors.len() {
            let i = self.profiles_done;
            self.profiles_done += 1;
            let id = self.authors[i].key.id();
            let cert = Certificate::issue(&self.contributor, Issuer::Contributor, self.ch, 0, id, Role::Contributor)
                .expect("certificate");
            return self.seal(i, Body::Profile { name: format!("Guest {i}"), cert: Some(cert) }, self.base).1;
        }
        let who = self.rng.below(self.authors.len() as u64) as usize;
        let time = self.base + self.count as i64 * 1_000;
        let roll = self.rng.below(10);
        let body = if roll < 3 || self.posts.is_empty() {
            let n = 1 + self.rng.below(2) as usize;
            let items = (0..n).map(|_| self.item()).collect();
            Body::Post {
                caption: String::new(),
                items,
                info_hash: [0; 20],
                info: vec![],
                on_behalf_of: None,
                media_key: None,
            }
        } else if roll < 8 {
            let post = self.posts[self.rng.below(self.posts.len() as u64) as usize];
            Body::Comment { post, reply_to: None, text: "What a moment! ".repeat(1 + self.rng.below(4) as usize) }
        } else {
            let target = self.posts[self.rng.below(self.posts.len() as u64) as usize];
            Body::Reaction { target, emoji: "❤️".into(), on: true }
        };
        let is_post = matches!(body, Body::Post { .. });
        let (id, raw) = self.seal(who, body, time);
        if is_post {
            self.posts.push(id);
        }
        raw
    }

    fn item(&mut self) -> MediaItem {
        let mut hash = [0u8; 32];
        hash[..8].copy_from_slice(&self.rng.next_u64().to_le_bytes());
        let mut thumbnail = vec![0u8; self.thumb_bytes];
        for chunk in thumbnail.chunks_mut(8) {
            let r = self.rng.next_u64().to_le_bytes();
            chunk.copy_from_slice(&r[..chunk.len()]);
        }
        MediaItem {
            info: MediaInfo {
                content_hash: ContentHash(hash),
                name: "IMG_0001.jpg".into(),
                mime: "image/jpeg".into(),
                size: 3_000_000,
                width: 4032,
                height: 3024,
                capture_time: Some(Timestamp(self.base + self.rng.below(86_400_000) as i64)),
                duration_ms: None,
            },
            thumbnail,
        }
    }
}
