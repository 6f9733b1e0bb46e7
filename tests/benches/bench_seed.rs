//! Benchmark: resident memory and open file descriptors of a node seeding many photos.
//!
//! `cargo bench -p swarmroll-tests --bench bench_seed [-- --files 2000 --size-mb 2000 --posts 100 --no-fast-resume]`
//!
//! Generates the files (about 1 MB each), posts them as `--posts` torrents, seeds them all
//! in place, lets one peer fetch a post, then prints RSS and descriptors.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: failing loudly is right

use std::time::{Duration, Instant};
use swarmroll_core::swarm::torrent::{self, SourceFile};
use swarmroll_core::swarm::{Config, FetchOptions, Swarm};
use swarmroll_tests::bench::arg;

/// `--no-fast-resume`: without resume files (one open file per transfer fewer).
fn flag(name: &str) -> bool {
    std::env::args().any(|a| a == name)
}

fn status(field: &str) -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = s.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<f64>().unwrap() / 1024.0
}

fn fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map(|d| d.count()).unwrap_or(0)
}

fn main() {
    let n_files = arg("--files", 2000);
    let total = arg("--size-mb", 2000) * 1_000_000;
    let n_posts = arg("--posts", 100).max(1);
    let each = total / n_files;
    let dir = tempfile::tempdir().unwrap();
    println!("writing {n_files} files of {} KB…", each / 1000);
    let mut files = Vec::with_capacity(n_files);
    let mut s = 0x9e37_79b9_7f4a_7c15u64;
    let mut buf = vec![0u8; each];
    for i in 0..n_files {
        for chunk in buf.chunks_mut(8) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            chunk.copy_from_slice(&s.to_le_bytes()[..chunk.len()]);
        }
        let path = dir.path().join(format!("IMG_{i:05}.jpg"));
        std::fs::write(&path, &buf).unwrap();
        files.push(SourceFile { name: format!("IMG_{i:05}.jpg"), path, len: each as u64, patches: vec![], key: None });
    }
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let fast_resume = !flag("--no-fast-resume");
    rt.block_on(async {
        let node_dir = tempfile::tempdir().unwrap();
        let swarm = Swarm::start(
            node_dir.path(),
            Config { listen: "127.0.0.1:0".parse().unwrap(), fast_resume, ..Config::default() },
        )
        .await
        .unwrap();
        let fds_before = fds();
        let t = Instant::now();
        let mut posts = Vec::new();
        for chunk in files.chunks(n_files.div_ceil(n_posts)) {
            let built = torrent::build("post", chunk, false).unwrap();
            swarm.seed(&built, chunk.to_vec()).await.unwrap();
            posts.push(built);
        }
        println!(
            "seeding {} posts, {} files, {:.2} GB (build + verify {:.1} s)",
            posts.len(),
            n_files,
            total as f64 / 1e9,
            t.elapsed().as_secs_f64()
        );
        // One member fetches a post, so the seeder serves as well as idles.
        let peer_dir = tempfile::tempdir().unwrap();
        let peer =
            Swarm::start(peer_dir.path(), Config { listen: "127.0.0.1:0".parse().unwrap(), ..Config::default() })
                .await
                .unwrap();
        let h = peer
            .fetch(
                &posts[0].info,
                &peer_dir.path().join("media"),
                FetchOptions { seeds: vec![swarm.listen_addr().unwrap()], ..Default::default() },
            )
            .await
            .unwrap();
        tokio::time::timeout(Duration::from_secs(120), h.finished()).await.unwrap().unwrap();
        peer.stop().await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!(
            "seeder process: RSS {:.0} MB (peak {:.0} MB)   (target < 150 MB)",
            status("VmRSS:"),
            status("VmHWM:")
        );
        println!(
            "open descriptors: {} (before seeding {fds_before}); originals open: {} (node-wide cap {})",
            fds(),
            swarm.open_originals(),
            swarmroll_core::swarm::storage::OPEN_ORIGINALS
        );
        swarm.stop().await;
    });
}
