#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: failing loudly is right
//! Leaving a channel, with real nodes on loopback: the member who leaves stops syncing,
//! fetching and seeding it, and nothing of it stays in the database or the data folder
//! (every blob column of every table is searched for the channel's and its posts' ids),
//! while the user's own files and what another channel shows stay. The channel goes on
//! for the others, and the same invite joins it again.

use std::path::{Path, PathBuf};
use std::time::Duration;
use swarmroll_core::channel::Role;
use swarmroll_core::import::Request;
use swarmroll_core::node::{Node, NodeError, NodeEvent, ReplicaError};
use swarmroll_core::{ChannelId, EventId};
use swarmroll_tests::net::{node_config, until};
use tempfile::TempDir;

fn node(dir: &TempDir) -> Node {
    Node::open(node_config(dir.path())).unwrap()
}

fn photos(names: &[&str]) -> Vec<Request> {
    let dir = swarmroll_tests::photos();
    names.iter().map(|p| Request { path: dir.join(p), poster: None, asset_id: None, platform_time: None }).collect()
}

async fn share(node: &Node, ch: &ChannelId, files: Vec<Request>) -> Vec<EventId> {
    let options = swarmroll_core::share::Options { caption: "first dance".into(), ..Default::default() };
    let out = node.share(ch, files, options, &swarmroll_core::share::Cancel::default()).await.unwrap();
    out.posts
}

/// Every `(table, column)` of the database at `db` holding a blob that contains `needle`.
fn rows_naming(db: &Path, needle: &[u8]) -> Vec<String> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut found = Vec::new();
    for t in tables {
        let cols: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{t}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for c in cols {
            let n: i64 = conn
                .query_row(
                    &format!("SELECT count(*) FROM \"{t}\" WHERE typeof(\"{c}\") = 'blob' AND instr(\"{c}\", ?1) > 0"),
                    [needle],
                    |r| r.get(0),
                )
                .unwrap();
            if n > 0 {
                found.push(format!("{t}.{c} ({n})"));
            }
        }
    }
    found
}

fn database(dir: &TempDir) -> PathBuf {
    std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "sqlite3"))
        .expect("a database file in the data folder")
}

async fn originals_here(n: &Node, ch: &ChannelId, post: &EventId) {
    until(30, "the originals to arrive", || n.originals(ch, post).unwrap().is_some()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_who_leaves_keeps_nothing_of_the_channel_and_can_join_again() {
    let (da, db) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let alice = node(&da);
    alice.start().await.unwrap();
    let party = alice.create_channel("Party", "Alice", true).unwrap();
    let posts = share(&alice, &party, photos(&["phones/jolla.jpg", "cameras/fujifilm-dx10.jpg"])).await;
    let (invite, _) = alice.invite(&party, Role::Contributor, None).await.unwrap();

    let bob = node(&db);
    bob.start().await.unwrap();
    // Bob has a channel of his own, sharing a photo that is also in the party.
    let family = bob.create_channel("Family", "Bob", false).unwrap();
    share(&bob, &family, photos(&["phones/jolla.jpg"])).await;
    bob.join(&invite, "Bob", Duration::from_secs(10)).await.unwrap();
    originals_here(&bob, &party, &posts[0]).await;
    let own = share(&bob, &party, photos(&["cameras/Reconyx_HC500_Hyperfire.jpg"])).await;
    bob.comment(&party, &posts[0], "what a night", None).unwrap();
    until(10, "alice to see bob's post", || alice.posts(&party).unwrap().len() == 2).await;
    until(10, "bob's seed of his post", || alice.post_torrent(&own[0]).unwrap().is_some()).await;
    assert!(bob.media_dir(&party).exists());

    let hashes: Vec<String> = posts
        .iter()
        .chain(&own)
        .map(|p| bob.post_torrent(p).unwrap().unwrap().info_hash.iter().map(|b| format!("{b:02x}")).collect())
        .collect();
    let resume = db.path().join("swarm").join("resume");
    let resume_of = |h: &String| resume.join(format!("{h}.bitv"));
    assert!(hashes.iter().any(|h| resume_of(h).exists()), "the fetch kept resume state");
    let mut events = bob.subscribe();
    let mut channels = bob.watch_channels().unwrap();
    let left = bob.leave_channel(&party).await.unwrap();
    assert_eq!(left.posts, 2, "both posts let go");
    assert!(left.files_removed >= 1, "the fetched originals removed");

    // Gone from the list, live and queried, with an event saying so.
    let ids: Vec<ChannelId> = bob.channels().unwrap().iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![family]);
    let mut list = channels.initial.clone();
    let watched = tokio::time::timeout(Duration::from_secs(5), async {
        while list.iter().any(|c| c.id == party) {
            let changes = channels.changes.recv().await.unwrap();
            swarmroll_core::node::diff::apply(&mut list, &changes);
        }
    });
    watched.await.expect("the live channel list drops it");
    assert_eq!(list.iter().map(|c| c.id).collect::<Vec<_>>(), vec![family]);
    let mut saw_left = false;
    while let Ok(e) = events.try_recv() {
        saw_left |= e == NodeEvent::Left { channel: party };
    }
    assert!(saw_left, "a Left event");
    assert!(matches!(bob.leave_channel(&party).await, Err(NodeError::Replica(ReplicaError::UnknownChannel))));

    // Nothing of it in the database or the data folder; the other channel keeps its photo.
    let file = database(&db);
    assert_eq!(rows_naming(&file, &party.0), Vec::<String>::new(), "rows naming the channel");
    for p in posts.iter().chain(&own) {
        assert_eq!(rows_naming(&file, &p.0), Vec::<String>::new(), "rows naming a post");
    }
    assert!(!bob.media_dir(&party).exists(), "fetched originals removed");
    assert_eq!(bob.gallery(&family, None, 10).unwrap().items.len(), 1);
    assert!(bob.has_content(&family, &bob.gallery(&family, None, 10).unwrap().items[0].content_hash).unwrap());
    for r in photos(&["cameras/Reconyx_HC500_Hyperfire.jpg", "phones/jolla.jpg"]) {
        assert!(r.path.exists(), "the user's own files are never touched");
    }
    for h in &hashes {
        assert!(!resume_of(h).exists(), "resume state of a post left behind");
        assert!(!resume.join(format!("{h}.torrent")).exists(), "librqbit's torrent of a post left behind");
    }

    // Bob is no longer connected for it, and what alice writes next does not reach him.
    assert!(bob.peers(&party).await.is_empty());
    until(10, "alice to see bob gone", || {
        futures_lite_block(alice.peers(&party)).iter().all(|d| *d != bob.device_id())
    })
    .await;
    let later = share(&alice, &party, photos(&["phones/iphone_hdr_NO.jpg"])).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(rows_naming(&file, &party.0), Vec::<String>::new(), "nothing arrived after leaving");
    assert_eq!(rows_naming(&file, &later[0].0), Vec::<String>::new());

    // The channel goes on for alice, and the same invite brings bob back with everything.
    // Until his earlier events are back, he cannot write (it would fork his feed).
    assert_eq!(alice.posts(&party).unwrap().len(), 3);
    alice.stop().await;
    assert!(bob.join(&invite, "Bob", Duration::from_millis(300)).await.is_err(), "nobody to catch up from");
    let options = swarmroll_core::share::Options::default();
    let early = bob.share(&party, photos(&["phones/iphone_hdr_NO.jpg"]), options, &Default::default()).await;
    assert!(format!("{early:?}").contains("CatchingUp"), "a share before catching up: {early:?}");
    alice.start().await.unwrap();
    bob.add_peer(party, alice.sync_addr().await.unwrap()).await;
    until(15, "the gallery back", || bob.posts(&party).map(|p| p.len() == 3).unwrap_or(false)).await;
    let back = bob.comment(&party, &posts[0], "back!", None).unwrap();
    until(10, "alice to see bob's comment", || {
        alice.thread(&posts[0]).unwrap().unwrap().comments.iter().any(|c| c.id == back)
    })
    .await;
    originals_here(&bob, &party, &later[0]).await;
    originals_here(&bob, &party, &posts[0]).await;
    alice.stop().await;
    bob.stop().await;
}

/// `alice.peers` is async; `until` polls a closure.
fn futures_lite_block<F: std::future::Future>(f: F) -> F::Output {
    tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(f))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_leaving_their_own_channel_keeps_their_photos_and_the_guest_keeps_the_channel() {
    let (da, db) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    let alice = node(&da);
    alice.start().await.unwrap();
    let ch = alice.create_channel("Party", "Alice", false).unwrap();
    let posts = share(&alice, &ch, photos(&["phones/jolla.jpg"])).await;
    let (invite, _) = alice.invite(&ch, Role::Contributor, None).await.unwrap();
    let bob = node(&db);
    bob.start().await.unwrap();
    bob.join(&invite, "Bob", Duration::from_secs(10)).await.unwrap();
    originals_here(&bob, &ch, &posts[0]).await;

    alice.leave_channel(&ch).await.unwrap();
    assert!(alice.channels().unwrap().is_empty());
    assert_eq!(rows_naming(&database(&da), &ch.0), Vec::<String>::new());
    assert!(photos(&["phones/jolla.jpg"])[0].path.exists());
    // Bob still has the channel and alice's photo, and can post to it.
    assert_eq!(bob.posts(&ch).unwrap().len(), 1);
    let more = share(&bob, &ch, photos(&["cameras/fujifilm-dx10.jpg"])).await;
    assert_eq!(more.len(), 1);
    assert_eq!(bob.posts(&ch).unwrap().len(), 2);
    alice.stop().await;
    bob.stop().await;
}
