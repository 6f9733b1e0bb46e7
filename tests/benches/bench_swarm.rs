//! Benchmark: 1 seeder and N downloaders on loopback, every peer's upload capped at u,
//! one post of F bytes. Prints the time for all to finish against the Kumar–Ross bound
//! T* = max(F/u, N·F/(u + N·u)) and a central server's N·F/u, for Swarmroll and, in the
//! same run, for aria2c (1 seeder + N downloaders, the same caps, a loopback tracker).
//!
//! `cargo bench -p swarmroll-tests --bench bench_swarm [-- --peers 8 --size-mb 64 --rate-mb 4]`
//!
//! `--one-way-ms 50 --loss-pct 1` (or `--lab` alone, for 0 and 0) runs every node, both
//! clients', in its own network namespace behind a delay line ([`swarmroll_tests::lab`];
//! needs root) instead of on loopback.
//!
//! Environment: `BENCH_DEBUG` prints per-peer traffic, `BENCH_NO_STRIPES` lets each
//! downloader pick a random stripe instead of its rank, `BENCH_SKIP_ARIA2` skips aria2c.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: failing loudly is right

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use swarmroll_core::swarm::select::Stripe;
use swarmroll_core::swarm::torrent::{self, SourceFile};
use swarmroll_core::swarm::{Config, FetchOptions, Swarm};
use swarmroll_tests::bench::{arg, Spread};
use swarmroll_tests::lab::{self, Lab};
use swarmroll_tests::tracker::Tracker;
use tokio::runtime::{Handle, Runtime};

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

/// Where the nodes run. Node 0 is the seeder, nodes 1..=N the downloaders.
enum Net {
    /// All on loopback, on the benchmark's runtime.
    Loopback(Handle),
    /// Each in its lab namespace, on a runtime of its own there.
    Lab { lab: Lab, runtimes: Vec<Runtime> },
}

impl Net {
    fn handle(&self, i: usize) -> Handle {
        match self {
            Net::Loopback(h) => h.clone(),
            Net::Lab { runtimes, .. } => runtimes[i].handle().clone(),
        }
    }

    fn ip(&self, i: usize) -> Ipv4Addr {
        match self {
            Net::Loopback(_) => Ipv4Addr::LOCALHOST,
            Net::Lab { lab, .. } => lab.addr(i),
        }
    }

    fn command(&self, i: usize, program: &str) -> std::process::Command {
        match self {
            Net::Loopback(_) => std::process::Command::new(program),
            Net::Lab { lab, .. } => lab.command(i, program),
        }
    }
}

/// Runs `f` on node `i`'s runtime (so its sockets open in node `i`'s network).
async fn on<T: Send + 'static>(net: &Net, i: usize, f: impl Future<Output = T> + Send + 'static) -> T {
    net.handle(i).spawn(f).await.unwrap()
}

/// One distribution: (T in seconds, bytes the seeder uploaded).
async fn swarmroll(net: &Net, n: usize, file: &SourceFile, cap: NonZeroU32) -> (f64, u64) {
    let built = torrent::build("post", std::slice::from_ref(file), false).unwrap();
    let config = |i: usize| Config {
        listen: SocketAddr::new(IpAddr::V4(net.ip(i)), 0),
        upload_bps: Some(cap),
        peer_limit: Some(64),
        ..Config::default()
    };
    let root = tempfile::tempdir().unwrap();
    let start_node = |i: usize, dir: std::path::PathBuf| {
        let config = config(i);
        on(net, i, async move { Arc::new(Swarm::start(&dir, config).await.unwrap()) })
    };
    let seeder = start_node(0, root.path().join("seeder")).await;
    let (s, b, f) = (Arc::clone(&seeder), built.clone(), file.clone());
    let seeder_handle = on(net, 0, async move { s.seed(&b, vec![f]).await.unwrap() }).await;
    let mut nodes = Vec::new();
    for i in 0..n {
        nodes.push(start_node(i + 1, root.path().join(format!("d{i}"))).await);
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
        let (node, info, dest) = (Arc::clone(node), built.info.clone(), root.path().join(format!("d{i}/media")));
        handles.push(on(net, i + 1, async move { node.fetch(&info, &dest, options).await.unwrap() }).await);
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
    let seeder_up = seeder_handle.stats().uploaded_bytes;
    for (i, node) in [&seeder].into_iter().chain(nodes.iter()).enumerate() {
        let node = Arc::clone(node);
        on(net, i, async move { node.stop().await }).await;
    }
    (t, seeder_up)
}

fn aria2c(net: &Net, n: usize, file: &SourceFile, cap_bytes: u32) -> Option<f64> {
    if let Err(why) = swarmroll_tests::bench::find_tool("aria2c", "aria2") {
        println!("{why}; skipping the stock-client comparison");
        return None;
    }
    // The tracker runs beside the seeder.
    let (seeder, ip) = (net.handle(0), net.ip(0));
    let tracker = seeder.block_on(seeder.spawn(Tracker::start_on(ip))).unwrap().unwrap();
    let built = torrent::build("post", std::slice::from_ref(file), false).unwrap();
    let root = tempfile::tempdir().unwrap();
    let tfile = root.path().join("post.torrent");
    std::fs::write(&tfile, tracker.torrent_file(&built.info)).unwrap();
    let hook = root.path().join("done.sh");
    std::fs::write(&hook, "#!/bin/sh\ntouch \"$3.done\"\n").unwrap();
    std::process::Command::new("chmod").arg("+x").arg(&hook).status().unwrap();
    let common = |i: usize, dir: &Path| {
        let mut c = net.command(i, "aria2c");
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
    let mut kids = vec![common(0, &seed_dir).arg("--check-integrity=true").spawn().unwrap()];
    std::thread::sleep(Duration::from_millis(1500));
    let start = Instant::now();
    let dirs: Vec<_> = (0..n).map(|i| root.path().join(format!("a{i}"))).collect();
    for (i, d) in dirs.iter().enumerate() {
        kids.push(common(i + 1, d).spawn().unwrap());
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
    let (one_way_ms, loss_pct) = (arg("--one-way-ms", 0), arg("--loss-pct", 0));
    let in_lab = one_way_ms > 0 || loss_pct > 0 || std::env::args().any(|a| a == "--lab");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("video.bin");
    payload(&path, size);
    let file = SourceFile { name: "video.bin".into(), path, len: size as u64, patches: vec![], key: None };
    let (f, u, nn) = (size as f64, rate as f64, n as f64);
    let t_star = (f / u).max(nn * f / (u + nn * u));
    let star = nn * f / u;
    swarmroll_tests::bench::print_machine();
    println!(
        "1 seeder + {n} downloaders, F = {} MB, upload cap u = {} MB/s per peer",
        size / 1_000_000,
        rate / 1_000_000
    );
    println!("T* (Kumar–Ross bound) = {t_star:.2} s; central server N·F/u = {star:.2} s");

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let net = if in_lab {
        let lab = match Lab::build(n + 1, one_way_ms as f64, loss_pct as f64) {
            Ok(lab) => lab,
            Err(e) => {
                eprintln!("bench_swarm: NOT RUN in the lab: {e}");
                std::process::exit(2);
            }
        };
        println!("every node in its own namespace: {one_way_ms} ms one way and {loss_pct} % loss between any two");
        let rtt = lab.round_trip_ms(n, 0, 21).map_or_else(|| "none answered".into(), |ms| format!("{ms:.1} ms"));
        println!("measured round trip between two nodes (median of 21): {rtt}");
        let runtimes = (0..=n).map(|i| lab::runtime_in(&lab.netns(i), 1).unwrap()).collect();
        Net::Lab { lab, runtimes }
    } else {
        println!("every node on loopback");
        Net::Loopback(rt.handle().clone())
    };
    let cap = NonZeroU32::new(rate as u32).unwrap();
    // Alternating rounds: a shared machine's noise falls on both alike.
    let rounds = arg("--rounds", 5).max(1);
    let with_aria2 = std::env::var_os("BENCH_SKIP_ARIA2").is_none();
    let (mut ts, mut ups, mut cpus, mut tas) = (vec![], vec![], vec![], vec![]);
    for _ in 0..rounds {
        let cpu0 = cpu_seconds();
        let (t, up) = rt.block_on(swarmroll(&net, n, &file, cap));
        cpus.push((cpu_seconds() - cpu0) / (nn * f / 1e9));
        ts.push(t / t_star);
        ups.push(up as f64 / f);
        if with_aria2 {
            if let Some(ta) = aria2c(&net, n, &file, rate as u32) {
                tas.push(ta / t_star);
            }
        }
    }
    println!("median (lowest–highest) of {rounds} alternating rounds:");
    println!("  swarmroll T/T* = {}   (goal <= 1.15)", Spread::of(&ts).show(2));
    println!("  swarmroll seeder upload = {} F   (goal <= 1.10)", Spread::of(&ups).show(2));
    println!(
        "  swarmroll CPU per GB moved = {} s for all {} nodes, {:.2} s per node",
        Spread::of(&cpus).show(1),
        n + 1,
        Spread::of(&cpus).median / (nn + 1.0)
    );
    if !tas.is_empty() {
        let ratio: Vec<f64> = ts.iter().zip(&tas).map(|(t, a)| t / a).collect();
        println!("  aria2c T/T* = {}; swarmroll/aria2c = {}", Spread::of(&tas).show(2), Spread::of(&ratio).show(2));
    }
    if let Net::Lab { mut lab, runtimes } = net {
        drop(runtimes);
        let (carried, dropped) = lab.stop();
        let share = 100.0 * dropped as f64 / (carried + dropped).max(1) as f64;
        println!("the delay lines carried {carried} frames and dropped {dropped} ({share:.2} % per cable)");
    }
}
