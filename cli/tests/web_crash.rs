//! The venue web gallery's node killed while a guest's uploads are being posted: the
//! next start finishes the post, the uploads show as posted, and a retried commit adds
//! nothing twice.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};
use swarmroll_tests::http::Client;

mod common;

use common::{on as swarmroll, photos};

fn open_web(dir: &Path, channel: &str) -> (Child, Value) {
    common::open_web(dir, channel, "1h")
}

fn posted_files(dir: &Path, channel: &str) -> Vec<(String, Value)> {
    let out = swarmroll(dir).args(["--json", "posts", channel]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let posts: Value = serde_json::from_slice(&out.stdout).unwrap();
    posts
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| {
            let guest = p["guest"].clone();
            p["files"].as_array().unwrap().iter().map(move |f| (f["name"].as_str().unwrap().to_owned(), guest.clone()))
        })
        .collect()
}

/// A real photo with its own bytes per `i`.
fn photo(i: usize) -> Vec<u8> {
    let base = std::fs::read(photos().join("phones/jolla.jpg")).unwrap();
    swarmroll_tests::bench::variant(&base, i)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_while_posting_guest_uploads_finishes_at_its_next_start() {
    const PER_ROUND: usize = 12;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let created = swarmroll(dir).args(["--json", "create", "Wedding", "--as-name", "Ana"]).output().unwrap();
    let channel = serde_json::from_slice::<Value>(&created.stdout).unwrap()["channel"].as_str().unwrap().to_owned();
    let (mut web, links) = open_web(dir, &channel);
    let guest_url = links["guest_url"].as_str().unwrap().to_owned();
    let base = format!("/g/{}", guest_url.split_once("/g/").unwrap().1);
    // One browser all along: the links of the first run stay valid for their window.
    let mut maya = Client::new(links["address"].as_str().unwrap().parse().unwrap());
    assert_eq!(maya.session(&base, Some("Maya")).await.status, 200);
    let mut total = 0;
    // Round 0 kills before the node has seen the commit; the others once its share is
    // journaled (the import under way), then a little later.
    for (round, (journaled, kill_after_ms)) in [(false, 0u64), (true, 0), (true, 150)].into_iter().enumerate() {
        let mut ids = Vec::new();
        for i in 0..PER_ROUND {
            let bytes = photo(round * 100 + i);
            let r = maya.upload(&base, &format!("r{round}_{i}.jpg"), "image/jpeg", &bytes, 8 << 20).await;
            assert_eq!(r.json()["state"], "complete", "{}", r.text());
            ids.push(r.json()["id"].as_str().unwrap().to_owned());
        }
        // The page commits; the node is killed while it imports and posts.
        let commit = {
            let (mut c, path, body) = (maya.clone(), format!("{base}api/uploads/commit"), json!({"ids": ids}));
            tokio::spawn(async move { c.send("POST", &path, &[], body.to_string().as_bytes()).await })
        };
        if journaled {
            let db = rusqlite::Connection::open_with_flags(
                dir.join("swarmroll.sqlite3"),
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .unwrap();
            let started = Instant::now();
            while db.query_row("SELECT count(*) FROM shares", [], |r| r.get::<_, i64>(0)).unwrap_or(0) == 0 {
                assert!(started.elapsed() < Duration::from_secs(30), "the commit never started a share");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        tokio::time::sleep(Duration::from_millis(kill_after_ms)).await;
        web.kill().unwrap();
        web.wait().unwrap();
        let _ = commit.await;

        // The next start finishes what was in flight; the page's retried commit (or the
        // guest pressing the button again) adds nothing twice.
        let (next, next_links) = open_web(dir, &channel);
        web = next;
        maya.addr = next_links["address"].as_str().unwrap().parse().unwrap();
        // A kill that fell after the commit began is finished by the start alone.
        let started = Instant::now();
        let wait = Duration::from_secs(if journaled { 60 } else { 5 });
        while posted_files(dir, &channel).len() == total && started.elapsed() < wait {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let by_start = posted_files(dir, &channel).len() - total;
        if journaled {
            assert_eq!(by_start, PER_ROUND, "round {round}: the next start finished the journaled share");
        }
        eprintln!("round {round}: killed {kill_after_ms} ms into the commit; the next start posted {by_start}");
        let started = Instant::now();
        loop {
            let r = maya.json("POST", &format!("{base}api/uploads/commit"), &json!({"ids": ids})).await;
            if r.status == 200 {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "{}", r.text());
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        for id in &ids {
            let state = maya.get(&format!("{base}api/uploads/{id}")).await.json()["state"].clone();
            assert_eq!(state, "posted", "round {round}");
        }
        total += PER_ROUND;
        let files = posted_files(dir, &channel);
        let mut names: Vec<&String> = files.iter().map(|(n, _)| n).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), total, "round {round}: every upload posted once");
        assert_eq!(files.len(), total, "round {round}: none twice");
        assert!(files.iter().all(|(_, g)| g == "Maya"), "credited to the guest: {files:?}");
    }
    web.kill().unwrap();
    web.wait().unwrap();
}
