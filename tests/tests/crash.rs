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
