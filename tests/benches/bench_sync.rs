//! Benchmark of channel-log sync over real sockets on loopback.
//!
//! (a) Two replicas of a 100,000-event channel (50 authors) that differ by 0, 10 and
//!     1,000 events: bytes on the wire (both directions, counted by a TCP relay between
//!     them, handshake and encryption included) and time from dialling to both sides
//!     caught up. The goal: under 1 KB for no difference; for k missing events, within
//!     1.5× their encoded size plus a constant.
//! (b) Latency from `comment()` on one node to the comment being committed and visible
//!     on each of 8 connected nodes, over 100 comments: median and max.
//!
//! `cargo bench -p swarmroll-tests --bench bench_sync [-- --events N --authors N --thumb-bytes N --comments N --nodes N]`
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: failing loudly is right

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use swarmroll_core::channel::Role;
use swarmroll_core::log::Event;
use swarmroll_core::sync::Sync;
use swarmroll_core::ChannelId;
use swarmroll_tests::bench::arg;
use swarmroll_tests::gen::ChannelGen;
use swarmroll_tests::net::{caught_up, start, sync_config};
use swarmroll_tests::Peer;
use tokio::net::{TcpListener, TcpStream};

/// A TCP relay to `target` counting the bytes it carries in both directions.
async fn relay(target: SocketAddr) -> (SocketAddr, Arc<AtomicU64>) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let bytes = Arc::new(AtomicU64::new(0));
    let counted = bytes.clone();
    tokio::spawn(async move {
        while let Ok((inbound, _)) = l.accept().await {
            let counted = counted.clone();
            tokio::spawn(async move {
                let outbound = TcpStream::connect(target).await.unwrap();
                let (mut ir, mut iw) = inbound.into_split();
                let (mut or, mut ow) = outbound.into_split();
                let c1 = counted.clone();
                let up = async move { copy_counting(&mut ir, &mut ow, &c1).await };
                let down = async move { copy_counting(&mut or, &mut iw, &counted).await };
                tokio::join!(up, down);
            });
        }
    });
    (addr, bytes)
}

async fn copy_counting(
    r: &mut (impl tokio::io::AsyncRead + Unpin),
    w: &mut (impl tokio::io::AsyncWrite + Unpin),
    n: &AtomicU64,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let Ok(k) = r.read(&mut buf).await else { return };
        if k == 0 || w.write_all(&buf[..k]).await.is_err() {
            let _ = w.shutdown().await;
            return;
        }
        n.fetch_add(k as u64, Ordering::Relaxed);
    }
}

/// Dials B → A through a counting relay; returns (bytes, time) until both caught up.
async fn reconcile(a: &Peer, b: &Peer, ch: ChannelId) -> (u64, Duration) {
    let sa = start(a, sync_config()).await;
    let sb = start(b, sync_config()).await;
    let (via, bytes) = relay(sa.local_addr()).await;
    let (mut ea, mut eb) = (sa.subscribe(), sb.subscribe());
    let t = Instant::now();
    sb.connect(ch, via).await.unwrap();
    tokio::join!(caught_up(&mut ea, ch), caught_up(&mut eb, ch));
    let took = t.elapsed();
    assert_eq!(a.event_count(&ch), b.event_count(&ch), "replicas differ after sync");
    // Let the last frames through the relay before reading its counter.
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop((sa, sb));
    (bytes.load(Ordering::Relaxed), took)
}

fn ingest(p: &Peer, ch: &ChannelId, events: &[Vec<u8>]) {
    for batch in events.chunks(1_000) {
        let r = p.replica.ingest(ch, batch).unwrap();
        assert!(r.rejected.is_empty(), "{:?}", r.rejected.first());
    }
}

async fn part_a() {
    let n = arg("--events", 100_000);
    let authors = arg("--authors", 50);
    let thumb = arg("--thumb-bytes", 2_000);
    let (a, b) = (swarmroll_tests::alice(), swarmroll_tests::bob());
    let ch = a.create("Benchmark wedding");
    let (invite, _) = a.replica.invite(&ch, Role::Viewer, vec![], None).unwrap();
    b.replica.join(&invite, "Bob").unwrap();
    b.pull(&a, &ch);
    a.pull(&b, &ch);
    println!("(a) reconciliation: {n} events by {authors} authors ({thumb} B thumbnails)");
    let t = Instant::now();
    let mut gen = ChannelGen::new(&a.replica, ch, authors, thumb, 7);
    let events = gen.take(n + 10);
    let (base, rest) = events.split_at(n - 1_000);
    let (thousand, ten) = rest.split_at(1_000);
    ingest(&a, &ch, base);
    ingest(&b, &ch, base);
    ingest(&a, &ch, thousand);
    println!("  set up in {:.1} s", t.elapsed().as_secs_f64());
    let size = |evs: &[Vec<u8>]| evs.iter().map(Vec::len).sum::<usize>() as u64;
    let mut rows = Vec::new();
    let (bytes, took) = reconcile(&a, &b, ch).await;
    rows.push((1_000, size(thousand), bytes, took));
    let (bytes, took) = reconcile(&a, &b, ch).await;
    rows.push((0, 0, bytes, took));
    ingest(&a, &ch, ten);
    let (bytes, took) = reconcile(&a, &b, ch).await;
    rows.push((10, size(ten), bytes, took));
    rows.sort();
    println!(
        "  {:>6} {:>14} {:>14} {:>10} {:>12} {:>10}",
        "diff", "missing B", "wire B", "wire/miss", "overhead B", "time"
    );
    for (k, missing, wire, took) in rows {
        let ratio = if missing > 0 { format!("{:.3}", wire as f64 / missing as f64) } else { "-".into() };
        println!(
            "  {k:>6} {missing:>14} {wire:>14} {ratio:>10} {:>12} {:>8.1} ms",
            wire as i64 - missing as i64,
            took.as_secs_f64() * 1000.0
        );
    }
}

async fn part_b() {
    let nodes = arg("--nodes", 8);
    let comments = arg("--comments", 100);
    let a = swarmroll_tests::alice();
    let ch = a.create("Latency");
    let post = a.replica.post(&ch, "cake", vec![swarmroll_tests::photo(1, 1_000)]).unwrap();
    let sa = start(&a, sync_config()).await;
    let guests: Vec<Peer> = (0..nodes).map(|_| swarmroll_tests::peer("Guest")).collect();
    let mut syncs: Vec<Sync> = Vec::new();
    for g in &guests {
        let (invite, _) = a.replica.invite(&ch, Role::Viewer, vec![], None).unwrap();
        g.replica.join(&invite, g.name).unwrap();
        let s = start(g, sync_config()).await;
        s.add_peer(ch, sa.local_addr());
        syncs.push(s);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while sa.peers(&ch).len() < nodes || syncs.iter().any(|s| s.peers(&ch).len() < nodes) {
        assert!(Instant::now() < deadline, "mesh not formed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Quiet: every profile everywhere.
    let want = a.event_count(&ch);
    while guests.iter().any(|g| g.event_count(&ch) != want) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!("(b) comment latency: 1 author, {nodes} connected nodes (full mesh), {comments} comments");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    for (i, g) in guests.iter().enumerate() {
        let mut changes = g.replica.subscribe();
        let tx = tx.clone();
        tokio::spawn(async move {
            while let Ok(c) = changes.recv().await {
                let at = Instant::now();
                for e in c.events.iter() {
                    let id = Event::decode(&e.raw).unwrap().id();
                    let _ = tx.send((i, id, at));
                }
            }
        });
    }
    let mut samples = Vec::new();
    for k in 0..comments {
        let t0 = Instant::now();
        let id = a.replica.comment(&ch, &post, &format!("comment {k}"), None).unwrap();
        let mut seen = vec![false; nodes];
        while seen.iter().any(|s| !s) {
            let (i, got, at) = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.unwrap().unwrap();
            if got == id && !seen[i] {
                seen[i] = true;
                samples.push(at - t0);
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "  {} samples: median {:.2} ms, p99 {:.2} ms, max {:.2} ms   (goals: median < 10 ms, max < 50 ms)",
        samples.len(),
        ms(samples[samples.len() / 2]),
        ms(samples[samples.len() * 99 / 100]),
        ms(samples[samples.len() - 1])
    );
    for g in &guests {
        assert!(g.replica.thread(&post).unwrap().unwrap().comments.len() == comments);
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        part_b().await;
        part_a().await;
    });
}
