//! Benchmark: 1 seeder and N downloaders on loopback, every peer's upload capped at u,
//! one post of F bytes. Prints the time for all to finish against the Kumar–Ross bound
//! T* = max(F/u, N·F/(u + N·u)) and a central server's N·F/u, for Swarmroll and, in the
//! same run, for aria2c (1 seeder + N downloaders, the same caps, a loopback tracker).
//!
//! `cargo bench -p swarmroll-tests --bench bench_swarm [-- --peers 8 --size-mb 64 --rate-mb 4]`
//!
//! Environment: `BENCH_DEBUG` prints per-peer traffic, `BENCH_NO_STRIPES` lets each
//! downloader pick a random stripe instead of its rank, `BENCH_SKIP_ARIA2` skips aria2c.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: failing loudly is right

use std::num::NonZeroU32;
use std::path::Path;
use std::time::{Duration, Instant};
use swarmroll_core::swarm::select::Stripe;
use swarmroll_core::swarm::torrent::{self, SourceFile};
use swarmroll_core::swarm::{Config, FetchOptions, Swarm};
use swarmroll_tests::bench::arg;
use swarmroll_tests::tracker::Tracker;

fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let f: Vec<f64> = stat[stat.rfind(')').unwrap() + 2..].split(' ').map(|x| x.parse().unwrap_or(0.0)).collect();
    (f[11] + f[12] + f[13] + f[14]) / 100.0
}

fn payload(path: &Path, bytes: usize) {
    let mut data = vec![0u8; bytes];
    let mut s = 0x1234_5678_9abc_def0u64;
    for chunk in data.chunks_mut(8) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        chunk.copy_from_slice(&s.to_le_bytes()[..chunk.len()]);
    }
    std::fs::write(path, data).unwrap();
}

async fn swarmroll(n: usize, file: &SourceFile, cap: NonZeroU32) -> f64 {
    let built = torrent::build("post", std::slice::from_ref(file), false).unwrap();
    let config = || Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        upload_bps: Some(cap),
        peer_limit: Some(64),
        ..Config::default()
    };
    let root = tempfile::tempdir().unwrap();
    let seeder = Swarm::start(&root.path().join("seeder"), config()).await.unwrap();
    let seeder_handle = seeder.seed(&built, vec![file.clone()]).await.unwrap();
    let mut nodes = Vec::new();
    for i in 0..n {
        nodes.push(Swarm::start(&root.path().join(format!("d{i}")), config()).await.unwrap());
    }
    let addrs: Vec<_> = nodes.iter().map(|s| s.listen_addr().unwrap()).collect();
    let start = Instant::now();
    let mut handles = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        // The control plane tells each member who holds the post (the seeder) and who
        // fetches it too. Each pair of downloaders has exactly one dialler (librqbit drops
        // a connection from a peer it is dialling at that moment).
        let seeds = vec![seeder.listen_addr().unwrap()];
        let peers = addrs[..i].to_vec();
        // Each member ranks itself among those fetching, the same way on every device
        // (`BENCH_NO_STRIPES` leaves selection to chance).
        let stripe = std::env::var_os("BENCH_NO_STRIPES").is_none().then(|| Stripe::rank(&addrs[i], &addrs));
        let options = FetchOptions { seeds, peers, stripe, ..FetchOptions::default() };
        handles.push(node.fetch(&built.info, &root.path().join(format!("d{i}/media")), options).await.unwrap());
    }
    if std::env::var_os("BENCH_DEBUG").is_some() {
        let sh = seeder_handle.clone();
        let hs = handles.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(2)).await;
                let views: Vec<String> = hs
                    .iter()
                    .map(|h| {
                        let all = serde_json::from_value(serde_json::json!({ "state": "all" })).unwrap();
                        let Some(snap) = h.torrent().live().map(|l| l.per_peer_stats_snapshot(all)) else {
                            return "done".to_owned();
                        };
                        let live = snap.peers.values().filter(|p| p.state == "live").count();
                        format!("{}MB/{}live", h.progress().have_bytes / 1_000_000, live)
                    })
                    .collect();
                eprintln!(
                    "{:.0}s seeder up {} MB; {views:?}",
                    start.elapsed().as_secs_f64(),
                    sh.stats().uploaded_bytes / 1_000_000
                );
            }
        });
    }
    for h in &handles {
        tokio::time::timeout(Duration::from_secs(600), h.finished()).await.unwrap().unwrap();
    }
    let t = start.elapsed().as_secs_f64();
    if std::env::var_os("BENCH_DEBUG").is_some() {
        for (i, h) in handles.iter().enumerate() {
            let all = serde_json::from_value(serde_json::json!({ "state": "all" })).unwrap();
            let snap = h.torrent().live().map(|l| l.per_peer_stats_snapshot(all));
            let seeder_addr = seeder.listen_addr().unwrap();
            let peers: Vec<String> = snap
                .map(|s| {
                    s.peers
                        .iter()
                        .filter(|(_, p)| p.counters.fetched_bytes > 0)
                        .map(|(a, p)| {
                            let who = if *a == seeder_addr.to_string() { "SEED" } else { "peer" };
                            format!(
                                "{who}:{}MB/stolen-from {}/stole {}",
                                p.counters.fetched_bytes / 1_000_000,
                                p.counters.times_stolen_from_me,
                                p.counters.times_i_stole
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            println!("d{i} up {} MB; fetched from {:?}", h.progress().uploaded_bytes / 1_000_000, peers);
        }
    }
    if std::env::var_os("BENCH_DEBUG").is_some() {
        println!("seeder up {} MB", seeder_handle.stats().uploaded_bytes / 1_000_000);
    }
    for node in nodes.iter().chain([&seeder]) {
        node.stop().await;
    }
    t
}

fn aria2c(n: usize, file: &SourceFile, cap_bytes: u32) -> Option<f64> {
    if std::process::Command::new("aria2c").arg("--version").output().is_err() {
        println!("aria2c not installed: skipping the stock-client comparison (scripts/ci-setup.sh installs it)");
        return None;
    }
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let tracker = rt.block_on(Tracker::start()).unwrap();
    let built = torrent::build("post", std::slice::from_ref(file), false).unwrap();
    let root = tempfile::tempdir().unwrap();
    let tfile = root.path().join("post.torrent");
    std::fs::write(&tfile, tracker.torrent_file(&built.info)).unwrap();
    let hook = root.path().join("done.sh");
    std::fs::write(&hook, "#!/bin/sh\ntouch \"$3.done\"\n").unwrap();
    std::process::Command::new("chmod").arg("+x").arg(&hook).status().unwrap();
    let common = |dir: &Path| {
        let mut c = std::process::Command::new("aria2c");
        c.arg(format!("--dir={}", dir.display()))
            .args(["--enable-dht=false", "--bt-enable-lpd=false", "--enable-peer-exchange=true"])
            .args(["--summary-interval=0", "--console-log-level=error", "--file-allocation=none"])
            .args(["--seed-ratio=0.0", "--seed-time=60", "--bt-tracker-interval=1", "--bt-max-peers=64"])
            .arg(format!("--max-upload-limit={cap_bytes}"))
            .arg(format!("--on-bt-download-complete={}", hook.display()))
            .arg(&tfile)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        c
    };
    let seed_dir = root.path().join("seed");
    std::fs::create_dir_all(seed_dir.join("post")).unwrap();
    std::fs::copy(&file.path, seed_dir.join("post").join(&file.name)).unwrap();
    let mut kids = vec![common(&seed_dir).arg("--check-integrity=true").spawn().unwrap()];
    std::thread::sleep(Duration::from_millis(1500));
    let start = Instant::now();
    let dirs: Vec<_> = (0..n).map(|i| root.path().join(format!("a{i}"))).collect();
    for d in &dirs {
        kids.push(common(d).spawn().unwrap());
    }
    let marker = |d: &Path| d.join("post").join(format!("{}.done", file.name));
    while !dirs.iter().all(|d| marker(d).exists()) {
        assert!(start.elapsed() < Duration::from_secs(900), "aria2c did not finish");
        std::thread::sleep(Duration::from_millis(50));
    }
    let t = start.elapsed().as_secs_f64();
    for mut k in kids {
        let _ = k.kill();
        let _ = k.wait();
    }
    Some(t)
}

fn main() {
    let n = arg("--peers", 8);
    let size = arg("--size-mb", 64) * 1_000_000;
    let rate = arg("--rate-mb", 4) * 1_000_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("video.bin");
    payload(&path, size);
    let file = SourceFile { name: "video.bin".into(), path, len: size as u64, patches: vec![], key: None };
    let (f, u, nn) = (size as f64, rate as f64, n as f64);
    let t_star = (f / u).max(nn * f / (u + nn * u));
    let star = nn * f / u;
    println!(
        "1 seeder + {n} downloaders, F = {} MB, upload cap u = {} MB/s per peer",
        size / 1_000_000,
        rate / 1_000_000
    );
    println!("T* (Kumar–Ross bound) = {t_star:.2} s; central server N·F/u = {star:.2} s");

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let cap = NonZeroU32::new(rate as u32).unwrap();
    let cpu0 = cpu_seconds();
    let t = rt.block_on(swarmroll(n, &file, cap));
    let cpu = cpu_seconds() - cpu0;
    let gb = nn * f / 1e9;
    println!(
        "swarmroll: T = {t:.2} s, T/T* = {:.2}, CPU {:.2} s per GB moved (all {} nodes)",
        t / t_star,
        cpu / gb,
        n + 1
    );
    if std::env::var_os("BENCH_SKIP_ARIA2").is_some() {
        return;
    }
    if let Some(ta) = aria2c(n, &file, rate as u32) {
        println!("aria2c:    T = {ta:.2} s, T/T* = {:.2}", ta / t_star);
    }
}
