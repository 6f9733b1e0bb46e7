//! Benchmark: 20 guests upload 12 MP photos to the venue web gallery at once, over
//! loopback, the way the page does (announce with the BLAKE3, 8 MiB chunks, then one
//! commit per guest that imports and posts their photos). Prints upload throughput
//! (MB/s), photos/s to the end of posting, and the node's peak RSS.
//!
//! `cargo bench -p swarmroll-tests --bench bench_web [-- --clients 20 --photos 6]`
//!
//! The node runs in a child process, so its peak RSS and CPU time are its own; the
//! clients (and the photo generation) run in this one.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: failing loudly is right

use std::io::{BufRead, Write};
use std::process::{Command, Stdio};
use std::time::Instant;
use swarmroll_tests::bench::{arg, peak_rss_mb, synth_jpeg, variant};
use swarmroll_tests::http::Client;
use swarmroll_tests::venue::Venue;

fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let f: Vec<f64> = stat[stat.rfind(')').unwrap() + 2..].split(' ').map(|x| x.parse().unwrap_or(0.0)).collect();
    (f[11] + f[12]) / 100.0
}

/// The node: serves until told to stop on stdin, then prints its peak RSS and CPU time.
async fn child_node() {
    let v = Venue::start(|_| {}).await;
    println!("READY {} {}", v.addr(), Venue::base(&v.uploader));
    let mut line = String::new();
    tokio::task::spawn_blocking(move || std::io::stdin().lock().read_line(&mut line)).await.unwrap().unwrap();
    let posts = v.node.posts(&v.channel).unwrap();
    let items: usize = posts.iter().map(|p| p.items.len()).sum();
    println!("DONE {} {} {:.1} {:.2}", posts.len(), items, peak_rss_mb(), cpu_seconds());
    v.node.stop().await;
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    if std::env::args().nth(1).as_deref() == Some("--child-node") {
        child_node().await;
        return;
    }
    let clients = arg("--clients", 20);
    let per_client = arg("--photos", 6);
    println!("preparing {} generated 12 MP photos…", clients * per_client);
    let bases: Vec<Vec<u8>> = tokio::task::spawn_blocking(|| (0..4).map(synth_jpeg).collect()).await.unwrap();
    let photos: Vec<Vec<Vec<u8>>> = (0..clients)
        .map(|c| (0..per_client).map(|i| variant(&bases[(c + i) % bases.len()], c * 1000 + i)).collect())
        .collect();
    let bytes: usize = photos.iter().flatten().map(Vec::len).sum();

    let mut node = Command::new(std::env::current_exe().unwrap())
        .arg("--child-node")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(node.stdout.take().unwrap());
    let mut ready = String::new();
    out.read_line(&mut ready).unwrap();
    let mut parts = ready.split_whitespace().skip(1);
    let addr: std::net::SocketAddr = parts.next().unwrap().parse().unwrap();
    let base = parts.next().unwrap().to_owned();

    let start = Instant::now();
    let mut tasks = Vec::new();
    for (c, mine) in photos.into_iter().enumerate() {
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            let mut guest = Client::new(addr);
            assert_eq!(guest.session(&base, Some(&format!("Guest {c}"))).await.status, 200);
            let mut ids = Vec::new();
            for (i, p) in mine.iter().enumerate() {
                let r = guest.upload(&base, &format!("IMG_{c:02}{i:02}.jpg"), "image/jpeg", p, 8 << 20).await;
                assert_eq!(r.json()["state"], "complete", "{}", r.text());
                ids.push(r.json()["id"].clone());
            }
            let uploaded = start.elapsed();
            let r = guest.json("POST", &format!("{base}api/uploads/commit"), &serde_json::json!({ "ids": ids })).await;
            assert_eq!(r.status, 200, "{}", r.text());
            (uploaded, start.elapsed())
        }));
    }
    let mut uploaded = std::time::Duration::ZERO;
    let mut posted = std::time::Duration::ZERO;
    for t in tasks {
        let (u, p) = t.await.unwrap();
        uploaded = uploaded.max(u);
        posted = posted.max(p);
    }
    let stdin = node.stdin.as_mut().unwrap();
    writeln!(stdin, "stop").unwrap();
    let mut done = String::new();
    out.read_line(&mut done).unwrap();
    node.wait().unwrap();
    let f: Vec<f64> = done.split_whitespace().skip(1).map(|x| x.parse().unwrap()).collect();
    let n = clients * per_client;
    assert_eq!(f[1] as usize, n, "every photo is in a post");

    println!();
    println!("{clients} concurrent guests x {per_client} photos = {n} photos, {:.0} MB", bytes as f64 / 1e6);
    println!(
        "upload (all bytes received and hash-checked): {:.2} s, {:.0} MB/s",
        uploaded.as_secs_f64(),
        bytes as f64 / 1e6 / uploaded.as_secs_f64()
    );
    println!(
        "to posted (imported: thumbnail, preview, location removed; seeded; posted): {:.2} s, {:.1} photos/s",
        posted.as_secs_f64(),
        n as f64 / posted.as_secs_f64()
    );
    println!("posts: {}   node peak RSS: {:.0} MB   node CPU: {:.1} s", f[0], f[2], f[3]);
    println!("cores: {}", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
}
