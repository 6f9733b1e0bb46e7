//! Kills during web uploads: a guest's browser uploads real photos to the venue gallery
//! in pieces and commits them in batches, as the page does, resuming from the server's
//! offset after any failure; meanwhile `swarmroll web` is killed at random moments and
//! started again. Every photo must be posted once, byte for byte, and no upload the
//! server called complete may be missing bytes.

use crate::common::{ok_json, open_web, run};
use crate::harness::{after_kill, create_channel, open, temp_files, write_photos, Rng, Tally};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use swarmroll_tests::http::{Client, Response};

/// Photos per commit (the page's batch).
const BATCH: usize = 4;
/// Bytes per PATCH.
const CHUNK: usize = 192 * 1024;

/// The guest's browser: the server's current address (it moves at each restart), the
/// cookie, and retries until the server answers.
struct Browser {
    client: Client,
    addr: Arc<Mutex<SocketAddr>>,
    base: String,
}

impl Browser {
    async fn send(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
        loop {
            self.client.addr = *self.addr.lock().unwrap();
            let path = format!("{}{path}", self.base);
            match self.client.send(method, &path, headers, body).await {
                Ok(r) if r.status < 500 || r.status == 507 => return r,
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    async fn json(&mut self, method: &str, path: &str, v: &Value) -> Response {
        self.send(method, path, &[("Content-Type", "application/json")], v.to_string().as_bytes()).await
    }

    /// One photo to the end, as the page does it: announce, then pieces from the
    /// server's offset, asking it again after any failure.
    async fn upload(&mut self, name: &str, bytes: &[u8]) -> String {
        let hash = blake3::hash(bytes).to_hex().to_string();
        let announce = json!({"name": name, "size": bytes.len(), "type": "image/jpeg", "hash": hash});
        let r = self.json("POST", "api/uploads", &announce).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let id = r.json()["id"].as_str().unwrap().to_owned();
        let mut state = r.json();
        while state["state"] == "partial" {
            let offset = state["offset"].as_u64().unwrap() as usize;
            let end = (offset + CHUNK).min(bytes.len());
            let off = offset.to_string();
            let r =
                self.send("PATCH", &format!("api/uploads/{id}"), &[("Upload-Offset", &off)], &bytes[offset..end]).await;
            state = match r.status {
                200 => r.json(),
                // A piece the server lost with its process: ask where it stands.
                _ => self.send("GET", &format!("api/uploads/{id}"), &[], &[]).await.json(),
            };
        }
        assert!(state["state"] == "complete" || state["state"] == "posted", "{state}");
        id
    }
}

#[test]
fn web_uploads_survive_kills_at_random_moments() {
    let mut tally = Tally::new("upload");
    let mut rng = Rng::new("upload");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let channel = create_channel(&dir);
    let (mut web, links) = open_web(&dir, &channel, "3h");
    let guest_url = links["guest_url"].as_str().unwrap();
    let base = format!("/g/{}", guest_url.split_once("/g/").unwrap().1);
    let addr = Arc::new(Mutex::new(links["address"].as_str().unwrap().parse().unwrap()));
    let stop = Arc::new(AtomicBool::new(false));
    let guest = {
        let (addr, stop, photos) = (Arc::clone(&addr), Arc::clone(&stop), tmp.path().join("photos"));
        let client = Client::new(*addr.lock().unwrap());
        std::thread::spawn(move || guest(Browser { client, addr, base }, &photos, &stop))
    };
    while !tally.done() {
        std::thread::sleep(Duration::from_millis(200 + rng.below(1800)));
        web.kill().unwrap();
        web.wait().unwrap();
        tally.killed_in("uploading");
        tally.check("killed while taking uploads", after_kill(&dir));
        tally.check("killed while taking uploads", completed_whole(&dir));
        let (next, next_links) = open_web(&dir, &channel, "3h");
        web = next;
        tally.restarts += 1;
        *addr.lock().unwrap() = next_links["address"].as_str().unwrap().parse().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    let sent = guest.join().unwrap();
    web.kill().unwrap();
    web.wait().unwrap();

    let (posted, files) = posted_uploads(&dir, &channel);
    let mut problems = after_kill(&dir);
    problems.extend(completed_whole(&dir));
    if posted != sent {
        let missing = sent.keys().filter(|h| !posted.contains_key(*h)).count();
        let twice = posted.values().filter(|n| **n > 1).count();
        let strange = posted.keys().filter(|h| !sent.contains_key(*h)).count();
        problems.push(format!("{missing} uploads never posted, {twice} posted twice, {strange} posted but never sent"));
    }
    if files != sent.len() {
        problems.push(format!("the channel holds {files} files for {} photos sent", sent.len()));
    }
    let c = open(&dir);
    let unposted: i64 = c.query_row("SELECT count(*) FROM web_uploads WHERE post IS NULL", [], |r| r.get(0)).unwrap();
    if unposted > 0 {
        problems.push(format!("{unposted} committed uploads not posted"));
    }
    problems.extend(temp_files(&dir).iter().map(|p| format!("temporary file left: {}", p.display())));
    tally.check("every upload committed", problems);
    tally.report(&format!("{} photos uploaded in {CHUNK}-byte pieces, each posted once, byte for byte", sent.len()));
}

/// The guest: uploads batches of new photos and commits each, until `stop`; returns the
/// BLAKE3 of every photo it committed.
fn guest(mut browser: Browser, photos: &Path, stop: &AtomicBool) -> BTreeMap<String, usize> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let r = browser.json("POST", "api/session", &json!({"name": "Maya"})).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let mut sent = BTreeMap::new();
        let mut n = 0;
        while !stop.load(Ordering::Relaxed) {
            let hashes = write_photos(photos, n, n + BATCH);
            let mut ids = Vec::new();
            for i in n..n + BATCH {
                let name = format!("IMG_{i:05}.jpg");
                ids.push(browser.upload(&name, &std::fs::read(photos.join(&name)).unwrap()).await);
            }
            loop {
                let r = browser.json("POST", "api/uploads/commit", &json!({"ids": ids})).await;
                if r.status == 200 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            for (h, k) in hashes {
                *sent.entry(h).or_insert(0) += k;
            }
            n += BATCH;
        }
        sent
    })
}

/// Every upload the server recorded as complete has its whole file, byte for byte as
/// sent (posted ones are seeded from it, the location left out on the way).
fn completed_whole(dir: &Path) -> Vec<String> {
    let c = open(dir);
    let mut st = c.prepare("SELECT lower(hex(hash)), name FROM web_uploads WHERE completed_ms IS NOT NULL").unwrap();
    let rows: Vec<(String, String)> =
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    rows.into_iter()
        .filter_map(|(hash, name)| {
            let path = dir.join("web").join("files").join(&hash).join(&name);
            let ok = std::fs::read(&path).is_ok_and(|b| blake3::hash(&b).to_hex().as_str() == hash);
            (!ok).then(|| format!("upload {} called complete without its whole file", &hash[..12]))
        })
        .collect()
}

/// BLAKE3 of every upload that became part of a post (as the guest sent it: the post
/// holds it with the location removed), with how often each is, and the files the
/// channel's posts hold.
fn posted_uploads(dir: &Path, channel: &str) -> (BTreeMap<String, usize>, usize) {
    let c = open(dir);
    let mut st = c
        .prepare(
            "SELECT lower(hex(u.hash)), count(*) FROM web_uploads u JOIN posts p ON p.event = u.post              GROUP BY 1",
        )
        .unwrap();
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize))).unwrap();
    let uploads = rows.map(Result::unwrap).collect();
    let posts = ok_json(&run(dir, &["--json", "posts", channel]));
    let files = posts.as_array().unwrap().iter().map(|p| p["files"].as_array().unwrap().len()).sum();
    (uploads, files)
}
