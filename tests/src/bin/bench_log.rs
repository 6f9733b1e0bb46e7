//! Benchmark: a channel of 50,000 events (posts, comments, reactions) from 50 authors,
//! then the time to open the store and read the first gallery page, a deep page and a
//! thread.
//!
//! `cargo run --release -p swarmroll-tests --bin bench_log [-- --events N --authors N --thumb-bytes N]`
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: failing loudly is right

use std::sync::Arc;
use std::time::{Duration, Instant};
use swarmroll_core::catalog::Cursor;
use swarmroll_core::channel::{Certificate, Issuer, Role};
use swarmroll_core::identity::DeviceKey;
use swarmroll_core::log::{Body, Event, Header, MediaItem, WIRE_VERSION};
use swarmroll_core::replica::Replica;
use swarmroll_core::store::Store;
use swarmroll_core::{ContentHash, EventId, Timestamp};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

struct Author {
    key: DeviceKey,
    seq: u64,
    prev: Option<EventId>,
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let n_events = arg("--events", 50_000);
    let n_authors = arg("--authors", 50);
    let thumb_bytes = arg("--thumb-bytes", 12_000);
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(42);

    let replica = Replica::open(Arc::new(Store::open_dir(dir.path()).unwrap())).unwrap();
    let ch = replica.create_channel("Benchmark wedding", None, "Owner").unwrap();
    let keys = replica.keys(&ch).unwrap().unwrap();
    let contributor = keys.contributor_signing().unwrap();

    println!("generating {n_events} events from {n_authors} authors ({thumb_bytes} B thumbnails)…");
    let t = Instant::now();
    let mut authors: Vec<Author> =
        (0..n_authors).map(|_| Author { key: DeviceKey::generate(), seq: 0, prev: None }).collect();
    let mut posts: Vec<EventId> = Vec::new();
    let mut events: Vec<Vec<u8>> = Vec::with_capacity(n_events);
    let base = Timestamp::now().0 - 86_400_000;
    let seal = |a: &mut Author, body: Body, time: i64| {
        a.seq += 1;
        let header = Header {
            version: WIRE_VERSION,
            channel: ch,
            author: a.key.id(),
            seq: a.seq,
            prev: a.prev,
            epoch: 0,
            time: Timestamp(time),
            kind: body.kind(),
        };
        let ev = Event::seal(header, &body, &keys.read_key, &a.key).unwrap();
        a.prev = Some(ev.id());
        (ev.id(), ev.encode())
    };
    for (i, a) in authors.iter_mut().enumerate() {
        let cert = Certificate::issue(&contributor, Issuer::Contributor, ch, 0, a.key.id(), Role::Contributor).unwrap();
        events.push(seal(a, Body::Profile { name: format!("Guest {i}"), cert: Some(cert) }, base).1);
    }
    while events.len() < n_events {
        let a = &mut authors[rng.below(n_authors as u64) as usize];
        let time = base + events.len() as i64 * 1_000;
        let roll = rng.below(10);
        let body = if roll < 3 || posts.is_empty() {
            let n = 1 + rng.below(2) as usize;
            let items = (0..n)
                .map(|_| {
                    let mut hash = [0u8; 32];
                    hash[..8].copy_from_slice(&rng.next().to_le_bytes());
                    let mut thumbnail = vec![0u8; thumb_bytes];
                    for chunk in thumbnail.chunks_mut(8) {
                        let r = rng.next().to_le_bytes();
                        chunk.copy_from_slice(&r[..chunk.len()]);
                    }
                    MediaItem {
                        content_hash: ContentHash(hash),
                        name: "IMG_0001.jpg".into(),
                        mime: "image/jpeg".into(),
                        size: 3_000_000,
                        width: 4032,
                        height: 3024,
                        capture_time: Some(Timestamp(base + rng.below(86_400_000) as i64)),
                        duration_ms: None,
                        thumbnail,
                    }
                })
                .collect();
            Body::Post {
                caption: String::new(),
                items,
                info_hash: [0; 20],
                info: vec![],
                on_behalf_of: None,
                media_key: None,
            }
        } else if roll < 8 {
            let post = posts[rng.below(posts.len() as u64) as usize];
            Body::Comment { post, reply_to: None, text: "What a moment! ".repeat(1 + rng.below(4) as usize) }
        } else {
            let target = posts[rng.below(posts.len() as u64) as usize];
            Body::Reaction { target, emoji: "❤️".into(), on: true }
        };
        let is_post = matches!(body, Body::Post { .. });
        let (id, raw) = seal(a, body, time);
        if is_post {
            posts.push(id);
        }
        events.push(raw);
    }
    println!("  generated in {:.1} s", t.elapsed().as_secs_f64());

    let t = Instant::now();
    for batch in events.chunks(1_000) {
        let r = replica.ingest(&ch, batch).unwrap();
        assert!(r.rejected.is_empty(), "{:?}", r.rejected.first());
    }
    let ingest = t.elapsed();
    println!(
        "ingest (validate, decrypt, store, materialise): {} events in {:.2} s = {:.0} events/s",
        events.len(),
        ingest.as_secs_f64(),
        events.len() as f64 / ingest.as_secs_f64()
    );
    drop(replica);
    let db_size = std::fs::metadata(dir.path().join(swarmroll_core::store::DB_FILE)).map(|m| m.len()).unwrap_or(0);
    println!("database: {:.1} MB, {} posts", db_size as f64 / 1e6, posts.len());

    // A cursor deep into the gallery (not timed).
    let replica = Replica::open(Arc::new(Store::open_dir(dir.path()).unwrap())).unwrap();
    let mut cursor: Option<Cursor> = None;
    let mut depth = 0;
    let target_depth = 10_000.min(posts.len().saturating_sub(100));
    while depth < target_depth {
        let page = replica.gallery(&ch, cursor, (target_depth - depth).min(500) as u32).unwrap();
        depth += page.items.len();
        match page.next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let deep_cursor = cursor;
    drop(replica);

    let runs = 9;
    let (mut open_first, mut opens, mut firsts, mut deeps, mut threads) = (vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..runs {
        let t0 = Instant::now();
        let replica = Replica::open(Arc::new(Store::open_dir(dir.path()).unwrap())).unwrap();
        let t1 = Instant::now();
        let first = replica.gallery(&ch, None, 50).unwrap();
        let t2 = Instant::now();
        assert_eq!(first.items.len(), 50);
        let deep = replica.gallery(&ch, deep_cursor, 50).unwrap();
        let t3 = Instant::now();
        assert_eq!(deep.items.len(), 50);
        let thread = replica.thread(&first.items[0].post).unwrap();
        let t4 = Instant::now();
        assert!(thread.is_some());
        opens.push(t1 - t0);
        firsts.push(t2 - t1);
        open_first.push(t2 - t0);
        deeps.push(t3 - t2);
        threads.push(t4 - t3);
    }
    println!("median of {runs} runs (warm page cache):");
    println!("  open store + replica           {}", ms(median(opens)));
    println!("  first gallery page (50 items)  {}", ms(median(firsts)));
    println!("  open + first page              {}   (target < 20 ms)", ms(median(open_first)));
    println!("  deep page (after {depth} items)  {}", ms(median(deeps)));
    println!("  post with thread               {}", ms(median(threads)));
}
