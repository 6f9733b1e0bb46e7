//! Piece selection over real librqbit sessions on loopback: a fetch asks first for its
//! stripe (and reports its progress as events), a file the user opens jumps ahead of
//! everything else, and members fetching together trade.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::num::NonZeroU32;
use std::time::Duration;
use swarmroll_core::swarm::select::Stripe;
use swarmroll_core::swarm::torrent::{self, SourceFile};
use swarmroll_core::swarm::{Config, FetchOptions, Swarm, Transfer, TransferEvent};

const MB: u64 = 1_000_000;

/// Files of pseudo-random bytes (incompressible, distinct).
fn files(dir: &std::path::Path, n: usize, len: u64) -> Vec<SourceFile> {
    (0..n)
        .map(|i| {
            let mut s = 0x9e37_79b9_7f4a_7c15u64 ^ (i as u64 + 1);
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    s ^= s << 13;
                    s ^= s >> 7;
                    s ^= s << 17;
                    s as u8
                })
                .collect();
            let name = format!("VID_{i}.mp4");
            let path = dir.join(&name);
            std::fs::write(&path, data).unwrap();
            SourceFile { name, path, len, patches: vec![], key: None }
        })
        .collect()
}

/// A seeder that uploads at 1 MB/s, so the order pieces arrive in is visible.
async fn slow_seeder(dir: &std::path::Path, files: &[SourceFile]) -> (Swarm, Vec<u8>) {
    let built = torrent::build("post", files, false).unwrap();
    let config =
        Config { listen: "127.0.0.1:0".parse().unwrap(), upload_bps: NonZeroU32::new(MB as u32), ..Config::default() };
    let seeder = Swarm::start(dir, config).await.unwrap();
    seeder.seed(&built, files.to_vec()).await.unwrap();
    (seeder, built.info)
}

/// A member's node, and how it fetches from `seeder` along `stripe`.
async fn member(seeder: &Swarm, stripe: Stripe) -> (tempfile::TempDir, Swarm, FetchOptions) {
    let dir = tempfile::tempdir().unwrap();
    let node =
        Swarm::start(dir.path(), Config { listen: "127.0.0.1:0".parse().unwrap(), ..Config::default() }).await.unwrap();
    let options =
        FetchOptions { seeds: vec![seeder.listen_addr().unwrap()], stripe: Some(stripe), ..FetchOptions::default() };
    (dir, node, options)
}

/// Waits until file `i` is complete and returns every file's bytes held at that moment.
async fn when_complete(t: &Transfer, i: usize, len: u64) -> Vec<u64> {
    tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let p = t.progress();
            if p.per_file.get(i).copied() == Some(len) {
                return p.per_file;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fetch_asks_first_for_its_own_stripe() {
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path(), 2, 2 * MB);
    let (seeder, info) = slow_seeder(dir.path(), &files).await;
    // Second of two members: its stripe is the second half of the post, the second file.
    let (bob_dir, bob, options) = member(&seeder, Stripe { index: 1, count: 2 }).await;
    let mut events = bob.events();
    let t = bob.fetch(&info, &bob_dir.path().join("media"), options).await.unwrap();
    let held = when_complete(&t, 1, 2 * MB).await;
    assert!(held[0] < MB, "the first file waited for the stripe: {held:?}");
    tokio::time::timeout(Duration::from_secs(60), t.finished()).await.unwrap().unwrap();
    // The UI heard it all: progress per file, growing, with speeds, then the end.
    let mut seen = Vec::new();
    loop {
        match tokio::time::timeout(Duration::from_secs(5), events.recv()).await.unwrap().unwrap() {
            TransferEvent::Progress { info_hash, progress } => {
                assert_eq!(info_hash, t.info_hash());
                seen.push(progress);
            }
            TransferEvent::Finished { info_hash } => {
                assert_eq!(info_hash, t.info_hash());
                break;
            }
        }
    }
    assert!(seen.len() >= 4, "progress while 4 MB came at 1 MB/s: {} events", seen.len());
    assert!(seen.windows(2).all(|w| w[1].have_bytes >= w[0].have_bytes));
    assert!(seen.iter().any(|p| p.download_bytes_per_s > 0 && !p.finished));
    assert!(seen.iter().any(|p| p.per_file[1] > p.per_file[0]), "per-file figures follow the stripe");
    let last = seen.last().unwrap();
    assert!(last.finished && last.have_bytes == 4 * MB && last.per_file == vec![2 * MB, 2 * MB]);
    for f in &files {
        assert_eq!(std::fs::read(bob_dir.path().join("media").join(&f.name)).unwrap(), std::fs::read(&f.path).unwrap());
    }
    bob.stop().await;
    seeder.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_the_user_opens_jumps_ahead_of_everything() {
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path(), 3, 3 * MB / 2);
    let (seeder, info) = slow_seeder(dir.path(), &files).await;
    // The background order starts at the first file...
    let (bob_dir, bob, options) = member(&seeder, Stripe { index: 0, count: 1 }).await;
    let t = bob.fetch(&info, &bob_dir.path().join("media"), options).await.unwrap();
    // ...and the user taps the last video.
    assert!(bob.prioritize(&t, 2));
    let held = when_complete(&t, 2, 3 * MB / 2).await;
    assert!(held[0] + held[1] < 3 * MB / 4, "the tapped video came first: {held:?}");
    tokio::time::timeout(Duration::from_secs(60), t.finished()).await.unwrap().unwrap();
    // Not a running fetch any more once forgotten.
    bob.forget(&t).await;
    assert!(!bob.prioritize(&t, 0));
    bob.stop().await;
    seeder.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_fetching_together_trade_instead_of_each_asking_the_seeder() {
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path(), 1, 4 * MB);
    let (seeder, info) = slow_seeder(dir.path(), &files).await;
    let seeding = seeder.seed(&torrent::build("post", &files, false).unwrap(), files.clone()).await.unwrap();
    // Phones: every member's uplink capped like the seeder's.
    let config =
        Config { listen: "127.0.0.1:0".parse().unwrap(), upload_bps: NonZeroU32::new(MB as u32), ..Config::default() };
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Swarm::start(a_dir.path(), config.clone()).await.unwrap();
    let b = Swarm::start(b_dir.path(), config).await.unwrap();
    let (a_addr, b_addr) = (a.listen_addr().unwrap(), b.listen_addr().unwrap());
    let fetching = [a_addr, b_addr];
    let seeds = vec![seeder.listen_addr().unwrap()];
    // Both start empty and at once: the case where librqbit alone never trades.
    let ta = a
        .fetch(
            &info,
            &a_dir.path().join("media"),
            FetchOptions { seeds: seeds.clone(), stripe: Some(Stripe::rank(&a_addr, &fetching)), ..Default::default() },
        )
        .await
        .unwrap();
    let tb = b
        .fetch(
            &info,
            &b_dir.path().join("media"),
            FetchOptions {
                seeds,
                peers: vec![a_addr],
                stripe: Some(Stripe::rank(&b_addr, &fetching)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    for t in [&ta, &tb] {
        tokio::time::timeout(Duration::from_secs(60), t.finished()).await.unwrap().unwrap();
    }
    let sent = Swarm::progress(&seeding).uploaded_bytes;
    let traded = [ta.progress().uploaded_bytes, tb.progress().uploaded_bytes];
    // The members served each other part of the post. (How much, and in which direction,
    // varies: librqbit does not wake a peer's request loop on HAVE, so trading runs in
    // bursts up to 5 s apart; handing both over at the start trades nothing at all.)
    assert!(traded[0] + traded[1] > MB / 2, "the members traded: {traded:?}");
    // Alone, each would take all 4 MB from the seeder (8 MB, more with duplicates).
    assert!(sent < 8 * MB, "the seeder sent {sent} bytes for two copies of 4 MB");
    for dir in [a_dir.path(), b_dir.path()] {
        assert_eq!(
            std::fs::read(dir.join("media").join(&files[0].name)).unwrap(),
            std::fs::read(&files[0].path).unwrap()
        );
    }
    for s in [&a, &b, &seeder] {
        s.stop().await;
    }
}
