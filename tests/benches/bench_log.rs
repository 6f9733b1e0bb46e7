//! Benchmark: a channel of 50,000 events (posts, comments, reactions) from 50 authors,
//! ingested in batches of 1,000 and, as a member joining does it, from a peer through
//! sync on loopback; then the time to open the store and read the first gallery page, a
//! deep page and a thread.
//!
//! `cargo bench -p swarmroll-tests --bench bench_log [-- --events N --authors N --thumb-bytes N --rounds N --join-rounds N]`
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: failing loudly is right

use std::sync::Arc;
use std::time::{Duration, Instant};
use swarmroll_core::catalog::Cursor;
use swarmroll_core::replica::Replica;
use swarmroll_core::store::Store;
use swarmroll_tests::bench::{arg, Spread};
use swarmroll_tests::gen::ChannelGen;

/// Median (lowest–highest) in milliseconds.
fn ms(v: &[Duration]) -> String {
    let v: Vec<f64> = v.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    format!("{} ms", Spread::of(&v).show(2))
}

fn main() {
    let n_events = arg("--events", 50_000);
    let n_authors = arg("--authors", 50);
    let thumb_bytes = arg("--thumb-bytes", 12_000);
    let rounds = arg("--rounds", 5).max(1);
    swarmroll_tests::bench::print_machine();
    let origin = tempfile::tempdir().unwrap();

    let replica = Replica::open(Arc::new(Store::open_dir(origin.path()).unwrap())).unwrap();
    let ch = replica.create_channel("Benchmark wedding", None, "Owner").unwrap();
    println!("generating {n_events} events from {n_authors} authors ({thumb_bytes} B thumbnails)…");
    let t = Instant::now();
    let mut gen = ChannelGen::new(&replica, ch, n_authors, thumb_bytes, 42);
    let events = gen.take(n_events);
    let posts = gen.posts().to_vec();
    drop(replica);
    let encoded: usize = events.iter().map(Vec::len).sum();
    println!("  generated in {:.1} s: {:.1} MB encoded", t.elapsed().as_secs_f64(), encoded as f64 / 1e6);

    // Each round joins afresh: a copy of the channel as created, then every event.
    let mut rates = Vec::new();
    let mut dir = None;
    for _ in 0..rounds {
        let round = tempfile::tempdir().unwrap();
        for e in std::fs::read_dir(origin.path()).unwrap().flatten() {
            if e.path().is_file() {
                std::fs::copy(e.path(), round.path().join(e.file_name())).unwrap();
            }
        }
        let replica = Replica::open(Arc::new(Store::open_dir(round.path()).unwrap())).unwrap();
        let t = Instant::now();
        for batch in events.chunks(1_000) {
            let r = replica.ingest(&ch, batch).unwrap();
            assert!(r.rejected.is_empty(), "{:?}", r.rejected.first());
        }
        rates.push(events.len() as f64 / t.elapsed().as_secs_f64());
        dir = Some(round);
    }
    let dir = dir.unwrap();
    let rate = Spread::of(&rates);
    println!(
        "ingest (validate, decrypt, store, materialise) of {} events, {rounds} rounds: {} events/s   (goal >= 10000)",
        events.len(),
        rate.show(0)
    );
    join_through_sync(dir.path(), &ch, arg("--join-rounds", 3).max(1));
    let db_size = std::fs::metadata(dir.path().join(swarmroll_core::store::DB_FILE)).map(|m| m.len()).unwrap_or(0);
    println!(
        "database: {:.1} MB for {:.1} MB of encoded events = {:.2}x   (goal <= 1.30), {} posts",
        db_size as f64 / 1e6,
        encoded as f64 / 1e6,
        db_size as f64 / encoded as f64,
        posts.len()
    );

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
    println!("median (lowest–highest) of {runs} runs (warm page cache):");
    println!("  open store + replica           {}", ms(&opens));
    println!("  first gallery page (50 items)  {}", ms(&firsts));
    println!("  open + first page              {}   (target < 20 ms)", ms(&open_first));
    println!("  deep page (after {depth} items)  {}", ms(&deeps));
    println!("  post with thread               {}", ms(&threads));
}

/// A new member joins the channel held in `dir` and catches up from its holder over sync
/// on loopback (real sockets, the Noise handshake, frames as the network sends them):
/// from dialling to caught up, in events per second. Each round is a new member.
fn join_through_sync(dir: &std::path::Path, ch: &swarmroll_core::ChannelId, rounds: usize) {
    use swarmroll_core::sync::Sync;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let holder = Arc::new(Replica::open(Arc::new(Store::open_dir(dir).unwrap())).unwrap());
    let held = holder.export(ch).unwrap().len();
    let mut rates = Vec::new();
    rt.block_on(async {
        let a = Sync::start(holder.clone(), swarmroll_tests::net::sync_config()).await.unwrap();
        for _ in 0..rounds {
            let member = swarmroll_tests::peer("Guest");
            let (invite, _) = holder.invite(ch, swarmroll_core::channel::Role::Viewer, vec![], None).unwrap();
            member.replica.join(&invite, "Guest").unwrap();
            let before = member.event_count(ch);
            let b = Sync::start(member.replica.clone(), swarmroll_tests::net::sync_config()).await.unwrap();
            let mut events = b.subscribe();
            let t = Instant::now();
            b.connect(*ch, a.local_addr()).await.unwrap();
            swarmroll_tests::net::caught_up(&mut events, *ch).await;
            let took = t.elapsed().as_secs_f64();
            drop(b);
            let got = member.event_count(ch) - before;
            assert!(got + 10 >= held, "caught up with {got} of {held} events");
            rates.push(got as f64 / took);
        }
    });
    println!(
        "join through sync (a new member catches up from a peer on loopback), {rounds} rounds: {} events/s   (goal >= 10000)",
        Spread::of(&rates).show(0)
    );
}
