//! The soak: one `swarmroll` node runs for `SWARMROLL_SOAK_MINUTES` (30 by default)
//! while peers join, leave and are killed, comments flow both ways and new posts are
//! fetched; every 10 s its resident memory, open descriptors, threads and live tasks are
//! sampled. The node posts new photos during the warm-up (the first fifth) only; after
//! it the channel's content is fixed and the node's figures must stay flat: the last
//! third's mean memory within 15 % of the middle third's, and no more descriptors or
//! tasks at the end than the middle third's highest plus 8 per peer then connected.
//!
//! Not part of `cargo test` (ignored): `bash scripts/soak.sh [MINUTES]` runs it, and its
//! figures are in `docs/reliability.md`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "crash_loop/harness.rs"]
#[allow(dead_code)]
mod harness;

use common::{free_port, net, ok_json, on as swarmroll, spawn_until, Killed};
use harness::{write_photos, Rng};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Peers alive at most at once.
const MAX_PEERS: usize = 6;

/// One sample of the node under watch.
#[derive(Debug, Clone, Copy)]
struct Sample {
    at_s: u64,
    rss_kib: u64,
    fds: usize,
    threads: u64,
    tasks: u64,
    peers: u64,
}

fn proc_field(pid: u32, name: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with(name)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn sample(pid: u32, dir: &Path, started: Instant) -> Sample {
    let status = swarmroll(dir).args(["--json", "status"]).output().unwrap();
    let v: Value = serde_json::from_slice(&status.stdout).unwrap_or_default();
    Sample {
        at_s: started.elapsed().as_secs(),
        rss_kib: proc_field(pid, "VmRSS:"),
        fds: std::fs::read_dir(format!("/proc/{pid}/fd")).unwrap().count(),
        threads: proc_field(pid, "Threads:"),
        tasks: v["tasks"].as_u64().unwrap_or(0),
        peers: v["channels"].as_array().and_then(|c| c.first()).and_then(|c| c["peers"].as_u64()).unwrap_or(0),
    }
}

/// A peer: its data folder, while it runs its process, and whether it left the channel.
struct Peer {
    dir: PathBuf,
    node: Option<Child>,
    left: bool,
}

fn run_peer(dir: &Path) -> Child {
    let mut c = swarmroll(dir);
    c.args(["--json", "run"]).args(net(0)).stdout(Stdio::null()).stderr(Stdio::null());
    c.spawn().unwrap()
}

/// Keeps the world around the node busy until `stop`: peers join, leave, are killed and
/// come back, comment, and fetch the posts; the node posts new photos until
/// `posting_until` (the warm-up: afterwards the channel's content is fixed, so what the
/// node holds for it — seeded torrents, their files — is too, and any growth is a leak).
fn world(
    host: PathBuf,
    channel: String,
    link: String,
    root: PathBuf,
    posting_until: Instant,
    stop: Arc<AtomicBool>,
) -> [usize; 5] {
    let mut rng = Rng::new("soak");
    let mut peers: Vec<Peer> = Vec::new();
    let (mut joined, mut left, mut killed, mut comments, mut posts) = (0, 0, 0, 0, 0);
    let first_post = || -> Option<String> {
        let v = ok_json(&swarmroll(&host).args(["--json", "posts", &channel]).output().unwrap());
        v.as_array()?.last()?["post"].as_str().map(str::to_owned)
    };
    let post = first_post().unwrap();
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(500 + rng.below(1500)));
        let live: Vec<usize> = (0..peers.len()).filter(|i| peers[*i].node.is_some()).collect();
        match rng.below(10) {
            0 | 1 if live.len() < MAX_PEERS => {
                let dir = root.join(format!("peer{}", peers.len()));
                let mut join = swarmroll(&dir);
                join.args(["--json", "join", &link, "--as-name", "Guest", "--wait", "30"]).args(net(0));
                if join.output().is_ok_and(|o| o.status.success()) {
                    joined += 1;
                    peers.push(Peer { node: Some(run_peer(&dir)), dir, left: false });
                }
            }
            2 if !live.is_empty() => {
                let p = &mut peers[live[rng.below(live.len() as u64) as usize]];
                let gone = swarmroll(&p.dir).args(["leave", &channel]).output().is_ok_and(|o| o.status.success());
                if let Some(mut n) = p.node.take() {
                    let _ = n.kill();
                    let _ = n.wait();
                }
                p.left = true;
                left += usize::from(gone);
            }
            3 if !live.is_empty() => {
                let p = &mut peers[live[rng.below(live.len() as u64) as usize]];
                if let Some(mut n) = p.node.take() {
                    let _ = n.kill();
                    let _ = n.wait();
                }
                killed += 1;
            }
            4 => {
                // A killed peer comes back (one that left stays away: it forgot the channel).
                if let Some(p) = peers.iter_mut().find(|p| p.node.is_none() && !p.left) {
                    p.node = Some(run_peer(&p.dir));
                }
            }
            5 if Instant::now() < posting_until => {
                let n = posts;
                let folder = root.join(format!("new{n}"));
                write_photos(&folder, 1000 + n * 2, 1002 + n * 2);
                let mut share = swarmroll(&host);
                share.args(["--json", "share", "--no-serve", "--channel", &channel]).arg(&folder);
                if share.output().is_ok_and(|o| o.status.success()) {
                    posts += 1;
                }
            }
            _ => {
                let who = live.get(rng.below(live.len() as u64 + 1) as usize).map_or(&host, |i| &peers[*i].dir);
                let said = swarmroll(who).args(["comment", &channel, &post, "still here"]).output();
                comments += usize::from(said.is_ok_and(|o| o.status.success()));
            }
        }
    }
    for p in &mut peers {
        if let Some(mut n) = p.node.take() {
            let _ = n.kill();
            let _ = n.wait();
        }
    }
    [joined, left, killed, comments, posts]
}

fn mean(xs: &[Sample], f: impl Fn(&Sample) -> u64) -> f64 {
    xs.iter().map(|s| f(s) as f64).sum::<f64>() / xs.len().max(1) as f64
}

#[test]
#[ignore = "30 minutes: bash scripts/soak.sh"]
fn a_node_stays_flat_under_churn() {
    let minutes: u64 = std::env::var("SWARMROLL_SOAK_MINUTES").ok().and_then(|v| v.parse().ok()).unwrap_or(30);
    let tmp = tempfile::tempdir().unwrap();
    let host = tmp.path().join("host");
    write_photos(&tmp.path().join("first"), 0, 8);
    let port = free_port();
    let mut cmd = swarmroll(&host);
    cmd.args(["--json", "share", "--new", "Soak", "--as-name", "Host"])
        .arg(tmp.path().join("first"))
        .args(net(port))
        .stderr(Stdio::null());
    let (node, shared) = spawn_until(cmd, |v| v.get("invite").is_some());
    let pid = node.id();
    let _node = Killed(node);
    let link = shared["invite"]["link"].as_str().unwrap().to_owned();
    let channel = shared["invite"]["channel"].as_str().unwrap().to_owned();
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let warmup = Duration::from_secs(minutes * 60 / 5);
    let churn = {
        let (h, c, l, r, s) = (host.clone(), channel.clone(), link, tmp.path().to_path_buf(), Arc::clone(&stop));
        std::thread::spawn(move || world(h, c, l, r, started + warmup, s))
    };
    let mut samples = Vec::new();
    while started.elapsed() < Duration::from_secs(minutes * 60) {
        let s = sample(pid, &host, started);
        println!(
            "soak {:>5} s: rss {:>7} KiB, fds {:>4}, threads {:>3}, tasks {:>4}, peers {}",
            s.at_s, s.rss_kib, s.fds, s.threads, s.tasks, s.peers
        );
        samples.push(s);
        std::thread::sleep(Duration::from_secs(10).saturating_sub(Duration::from_millis(200)));
    }
    stop.store(true, Ordering::Relaxed);
    let [joined, left, killed, comments, posts] = churn.join().unwrap();
    let after_warmup = &samples[samples.len() / 5..];
    let third = after_warmup.len() / 3;
    let (middle, last) = (&after_warmup[third..2 * third], &after_warmup[2 * third..]);
    let rss = mean(last, |s| s.rss_kib) / mean(middle, |s| s.rss_kib);
    let max = |xs: &[Sample], f: &dyn Fn(&Sample) -> u64| xs.iter().map(f).max().unwrap_or(0);
    let (fds_mid, fds_end) = (max(middle, &|s| s.fds as u64), last.last().map_or(0, |s| s.fds as u64));
    let (tasks_mid, tasks_end) = (max(middle, &|s| s.tasks), last.last().map_or(0, |s| s.tasks));
    let peers_end = last.last().map_or(0, |s| s.peers);
    println!(
        "soak: {minutes} min, {} samples; churn: {joined} joined, {left} left, {killed} killed, {comments} comments, {posts} posts",
        samples.len()
    );
    println!(
        "soak: rss last/middle third {rss:.3} ({:.0} → {:.0} KiB); fds end {fds_end} (middle max {fds_mid}); tasks end {tasks_end} (middle max {tasks_mid}); peers at end {peers_end}",
        mean(middle, |s| s.rss_kib),
        mean(last, |s| s.rss_kib)
    );
    assert!(rss <= 1.15, "memory grew {rss:.3}× after the warm-up");
    // Each connected peer holds a few descriptors and tasks (about 3 of each here); the
    // end may have more peers connected than the middle's highest sample had.
    let slack = 8 * peers_end;
    assert!(fds_end <= fds_mid + slack, "descriptors grew: {fds_end} against {fds_mid}");
    assert!(tasks_end <= tasks_mid + slack, "tasks grew: {tasks_end} against {tasks_mid}");
    assert!(joined > 0 && comments > 0 && posts > 0, "the world around the node stayed busy");
}
