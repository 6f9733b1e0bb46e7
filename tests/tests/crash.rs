//! Crash safety: a process killed at arbitrary moments while writing leaves a database
//! that opens, passes SQLite's integrity check, and whose views agree with its log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};
use swarmroll_core::replica::Replica;
use swarmroll_core::store::{Store, StoreError};

fn count(store: &Store, sql: &str) -> i64 {
    store.read(|c| Ok::<_, StoreError>(c.query_row(sql, [], |r| r.get(0))?)).unwrap()
}

#[test]
fn killed_writer_leaves_a_consistent_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut last_events = 0;
    for round in 0..4u64 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_churn")).arg(dir.path()).spawn().unwrap();
        // Let it write for a while (different each round), then kill it without warning.
        let start = Instant::now();
        std::thread::sleep(Duration::from_millis(150 + 110 * round));
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(start.elapsed() < Duration::from_secs(30));

        let store = Arc::new(Store::open_dir(dir.path()).unwrap());
        let ok: String =
            store.read(|c| Ok::<_, StoreError>(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)).unwrap();
        assert_eq!(ok, "ok");
        let events = count(&store, "SELECT count(*) FROM events");
        assert!(events > last_events, "round {round}: the writer made progress ({events} events)");
        last_events = events;
        // The log has no holes, and every view row matches its event.
        assert_eq!(
            count(
                &store,
                "SELECT count(*) FROM (SELECT author, max(seq) m, count(*) n FROM events GROUP BY author) WHERE m != n"
            ),
            0
        );
        assert_eq!(
            count(&store, "SELECT count(*) FROM events WHERE kind = 2"),
            count(&store, "SELECT count(*) FROM posts")
        );
        assert_eq!(
            count(&store, "SELECT count(*) FROM events WHERE kind = 3"),
            count(&store, "SELECT count(*) FROM comments")
        );
        assert_eq!(count(&store, "SELECT count(*) FROM posts"), count(&store, "SELECT count(*) FROM gallery"));
        let replica = Replica::open(store).unwrap();
        let ch = replica.channels().unwrap()[0].id;
        assert!(!replica.gallery(&ch, None, 10).unwrap().items.is_empty() || round == 0);
    }
}

/// Copies of a real phone photo for indexes `from..to`, each with its own bytes (a JPEG
/// comment).
fn distinct_photos(dir: &std::path::Path, from: usize, to: usize) {
    let base = std::fs::read(swarmroll_tests::photos().join("phones/jolla.jpg")).unwrap();
    std::fs::create_dir_all(dir).unwrap();
    for i in from..to {
        std::fs::write(dir.join(format!("IMG_{i:04}.jpg")), swarmroll_tests::bench::variant(&base, i)).unwrap();
    }
}

/// Every photo imported here belongs to a visible post, once: what the crash must not
/// break. Returns the photos in the channel.
fn assert_every_import_posted_once(store: &Store) -> i64 {
    let ok: String =
        store.read(|c| Ok::<_, StoreError>(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)).unwrap();
    assert_eq!(ok, "ok");
    assert_eq!(
        count(store, "SELECT count(*) FROM media WHERE shared_hash NOT IN (SELECT content_hash FROM items)"),
        0,
        "a photo was imported and belongs to no post"
    );
    assert_eq!(
        count(store, "SELECT count(*) FROM items"),
        count(store, "SELECT count(DISTINCT content_hash) FROM items"),
        "a photo was posted twice"
    );
    count(store, "SELECT count(*) FROM items")
}

/// A share killed at any moment — before, during or after the import, between seeding
/// and posting — loses no photo: the next start finishes it, and sharing the same folder
/// again adds what was never imported, each photo once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_share_killed_at_any_moment_is_finished_at_the_next_start() {
    // Each round adds this many new photos to the folder, so every kill hits a share
    // with work left: before the journal, during the import, between import and post.
    const NEW: usize = 12;
    const KILLS_MS: [u64; 6] = [150, 300, 450, 600, 800, 1100];
    let tmp = tempfile::tempdir().unwrap();
    let (data, folder) = (tmp.path().join("data"), tmp.path().join("camera roll"));
    let mut resumed_rounds = 0;
    for (round, after_ms) in KILLS_MS.into_iter().enumerate() {
        distinct_photos(&folder, round * NEW, (round + 1) * NEW);
        let mut child = Command::new(env!("CARGO_BIN_EXE_sharer")).arg(&data).arg(&folder).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(after_ms));
        child.kill().unwrap();
        child.wait().unwrap();
        let before = Store::open_dir(&data).map(|s| count(&s, "SELECT count(*) FROM items")).unwrap_or(0);

        // The next start finishes whatever share the killed process left.
        let node = swarmroll_core::node::Node::open(swarmroll_tests::net::node_config(&data)).unwrap();
        let mut events = node.subscribe();
        node.start().await.unwrap();
        let store = swarmroll_core::testing::replica(&node).store().clone();
        let started = Instant::now();
        while count(&store, "SELECT count(*) FROM shares") > 0 {
            assert!(started.elapsed() < Duration::from_secs(60), "round {round}: the interrupted share never finished");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut resumed = 0;
        while let Ok(e) = events.try_recv() {
            if let swarmroll_core::node::NodeEvent::Shared { resumed: true, files, .. } = e {
                resumed += files;
            }
        }
        resumed_rounds += usize::from(resumed > 0);
        let posted = assert_every_import_posted_once(&store);
        eprintln!("round {round}: killed after {after_ms} ms with {before} photos posted; {resumed} more posted by the next start");
        assert!(posted <= ((round + 1) * NEW) as i64);
        node.stop().await;
    }
    assert!(resumed_rounds > 0, "some kill fell between import and post, and was finished at start");

    // Sharing the folder again posts what was never imported; the rest is already there.
    let total = KILLS_MS.len() * NEW;
    let node = swarmroll_core::node::Node::open(swarmroll_tests::net::node_config(&data)).unwrap();
    node.start().await.unwrap();
    let ch = node.channels().unwrap()[0].id;
    let mut files: Vec<_> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let requests = files.into_iter().map(swarmroll_core::import::Request::path).collect();
    let options = swarmroll_core::share::Options::default();
    let outcome = node.share(&ch, requests, options, &swarmroll_core::share::Cancel::default()).await.unwrap();
    assert_eq!(outcome.posted() + outcome.already_there(), total, "{outcome:?}");
    assert_eq!(assert_every_import_posted_once(swarmroll_core::testing::replica(&node).store()), total as i64);
    node.stop().await;
}
