#![allow(clippy::expect_used, clippy::unwrap_used)] // a test harness: failing loudly is its job
//! Multi-peer test harness: real replicas on real SQLite files in temporary folders.
//!
//! `alice()` creates a channel; `bob()`, `carol()` … are fresh devices. Peers exchange
//! events through [`Peer::pull`] (the whole log of another peer, as sync will send it),
//! so tests state plainly who has seen what. Network tests build on the same peers.

use std::sync::Arc;
use swarmroll_core::channel::{Invite, Role};
use swarmroll_core::identity::DeviceKey;
use swarmroll_core::replica::{IngestReport, Replica};
use swarmroll_core::store::Store;
use swarmroll_core::{ChannelId, Timestamp};
use tempfile::TempDir;

/// One device with its own data folder.
pub struct Peer {
    /// The display name used in channels.
    pub name: &'static str,
    /// The data folder (deleted on drop).
    pub dir: TempDir,
    /// The replica (shared with the peer's sync service, if started).
    pub replica: Arc<Replica>,
}

pub mod bench;
pub mod dht;
pub mod gen;
pub mod http;
pub mod lab;
pub mod net;
pub mod tracker;
pub mod venue;

/// A fresh device named `name`.
pub fn peer(name: &'static str) -> Peer {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(Store::open_dir(dir.path()).expect("open store"));
    let replica = Arc::new(Replica::open(store).expect("open replica"));
    Peer { name, dir, replica }
}

/// A fresh device, "Alice".
pub fn alice() -> Peer {
    peer("Alice")
}

/// A fresh device, "Bob".
pub fn bob() -> Peer {
    peer("Bob")
}

/// A fresh device, "Carol".
pub fn carol() -> Peer {
    peer("Carol")
}

impl Peer {
    /// Creates a channel owned by this peer.
    pub fn create(&self, name: &str) -> ChannelId {
        self.replica.create_channel(name, None, self.name).expect("create channel")
    }

    /// A new channel owned by this peer whose media travel encrypted.
    pub fn create_private(&self, name: &str) -> ChannelId {
        self.replica.create_channel_with(name, None, self.name, true).expect("create channel")
    }

    /// An invite link from this peer.
    pub fn invite(&self, ch: &ChannelId, role: Role) -> String {
        self.replica.invite(ch, role, vec!["127.0.0.1:41000".parse().expect("addr")], None).expect("invite").1
    }

    /// Joins by invite link and pulls the inviter's log.
    pub fn join_from(&self, inviter: &Peer, ch: &ChannelId, role: Role) {
        let link = inviter.invite(ch, role);
        let invite = Invite::parse(&link, Timestamp::now()).expect("parse invite");
        self.replica.join(&invite, self.name).expect("join");
        self.pull(inviter, ch);
    }

    /// Ingests every event `other` holds for the channel.
    pub fn pull(&self, other: &Peer, ch: &ChannelId) -> IngestReport {
        let events = other.replica.export(ch).expect("export");
        self.replica.ingest(ch, &events).expect("ingest")
    }

    /// This device's secret key, read back from its store (to craft hostile events).
    pub fn device_key(&self) -> DeviceKey {
        DeviceKey::from_secret(&self.replica.device_key().secret_bytes())
    }

    /// Closes and reopens the replica on the same folder.
    pub fn reopen(self) -> Peer {
        let Peer { name, dir, replica } = self;
        drop(replica);
        let store = Arc::new(Store::open_dir(dir.path()).expect("reopen store"));
        Peer { name, replica: Arc::new(Replica::open(store).expect("reopen replica")), dir }
    }

    /// Number of accepted events in a channel.
    pub fn event_count(&self, ch: &ChannelId) -> usize {
        self.replica.export(ch).expect("export").len()
    }
}

/// Fake photo item number `i` (its own content hash, a `thumbnail_bytes` thumbnail): the
/// writers that fill a channel with many posts.
pub fn numbered_photo(i: u32, thumbnail_bytes: usize) -> swarmroll_core::log::MediaItem {
    let mut item = photo((i % 251) as u8, i64::from(i));
    item.info.content_hash.0[..4].copy_from_slice(&i.to_le_bytes());
    item.thumbnail = vec![(i % 256) as u8; thumbnail_bytes];
    item
}

/// A small valid media item with the given content-hash seed.
pub fn photo(seed: u8, capture_ms: i64) -> swarmroll_core::log::MediaItem {
    swarmroll_core::log::MediaItem {
        info: swarmroll_core::log::MediaInfo {
            content_hash: swarmroll_core::ContentHash([seed; 32]),
            name: format!("IMG_{seed:04}.jpg"),
            mime: "image/jpeg".into(),
            size: 1000 + u64::from(seed),
            width: 4032,
            height: 3024,
            capture_time: Some(Timestamp(capture_ms)),
            duration_ms: None,
        },
        thumbnail: vec![0xff, 0xd8, seed, 0xff, 0xd9],
    }
}

/// How many events wait for a dependency in `p`'s copy of a channel.
pub fn pending(p: &Peer, ch: &ChannelId) -> i64 {
    swarmroll_core::testing::pending_count(&p.replica, ch).expect("pending count")
}

/// The events waiting for a dependency in `p`'s copy of a channel.
pub fn pending_events(p: &Peer, ch: &ChannelId) -> Vec<swarmroll_core::log::Event> {
    swarmroll_core::testing::pending_raw(&p.replica, ch)
        .expect("pending events")
        .iter()
        .map(|raw| swarmroll_core::log::Event::decode(raw).expect("pending events decode"))
        .collect()
}

/// The shared real-photo fixtures: `../shared/fixtures/photos` beside the repository, or
/// `$SWARMROLL_SHARED/fixtures/photos`.
pub fn photos() -> std::path::PathBuf {
    let shared = std::env::var_os("SWARMROLL_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let dir = shared.join("fixtures/photos");
    assert!(
        dir.join("SOURCES.md").exists(),
        "photo fixtures not found at {}: check out the shared folder beside the repository, or set SWARMROLL_SHARED",
        dir.display()
    );
    dir
}

/// This repository's own fixtures (`tests/fixtures`).
pub fn own_fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}
