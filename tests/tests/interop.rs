//! Public channels are ordinary BitTorrent: a stock client from Debian (aria2c) downloads
//! a post Swarmroll seeds in place, and Swarmroll downloads a post aria2c seeds. Over
//! loopback, with a tiny tracker the test starts (aria2c cannot be handed peers directly).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;
use swarmroll_core::import::{Importer, Options, Request};
use swarmroll_core::media;
use swarmroll_core::store::Store;
use swarmroll_core::swarm::torrent::{self, SourceFile};
use swarmroll_core::swarm::{Config, FetchOptions, Swarm};
use swarmroll_tests::photos;
use swarmroll_tests::tracker::Tracker;
use tokio::process::Command;

fn aria2c() -> Command {
    assert!(
        std::process::Command::new("aria2c").arg("--version").stdout(Stdio::null()).status().is_ok(),
        "aria2c is not installed: run scripts/ci-setup.sh (Debian package aria2)"
    );
    let mut c = Command::new("aria2c");
    c.args([
        "--enable-dht=false",
        "--enable-dht6=false",
        "--bt-enable-lpd=false",
        "--enable-peer-exchange=false",
        "--summary-interval=0",
        "--console-log-level=warn",
        "--file-allocation=none",
        "--bt-stop-timeout=90",
    ])
    .stdout(Stdio::null())
    .kill_on_drop(true);
    c
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn post(dir: &Path) -> Vec<SourceFile> {
    let store = Arc::new(Store::open_dir(dir).unwrap());
    let imp = Importer::new(store, 2).unwrap();
    let paths =
        [photos().join("gps/DSCN0010.jpg"), photos().join("phones/jolla.jpg"), photos().join("cameras/Canon_40D.jpg")];
    let reqs: Vec<Request> = paths.iter().map(Request::path).collect();
    let s = imp.run(&reqs, Options::default(), &|_| {}, &AtomicBool::new(false));
    s.imported.iter().map(|(_, i)| i.source_file()).collect()
}

fn shared_copy(f: &SourceFile) -> Vec<u8> {
    media::strip::apply(&std::fs::read(&f.path).unwrap(), &f.patches)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aria2c_downloads_a_post_swarmroll_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = post(dir.path());
    // A video-sized file makes the post big enough to be super-seeded (pieces offered a
    // few at a time, with HAVE): a stock client must follow that too.
    let clip = dir.path().join("clip.bin");
    let bytes: Vec<u8> = (0..18_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 9) as u8).collect();
    std::fs::write(&clip, &bytes).unwrap();
    files.push(SourceFile { name: "clip.bin".into(), path: clip, len: bytes.len() as u64, patches: vec![], key: None });
    let built = torrent::build("post", &files, false).unwrap();
    let swarm =
        Swarm::start(dir.path(), Config { listen: "127.0.0.1:0".parse().unwrap(), ..Config::default() }).await.unwrap();
    swarm.seed(&built, files.clone()).await.unwrap();
    let std::net::SocketAddr::V4(seeder) = swarm.listen_addr().unwrap() else { panic!("IPv4 loopback") };
    let tracker = Tracker::start().await.unwrap();
    tracker.add_peer(seeder);
    let torrent_path = dir.path().join("post.torrent");
    std::fs::write(&torrent_path, tracker.torrent_file(&built.info)).unwrap();

    let out = dir.path().join("aria2");
    let status = tokio::time::timeout(
        Duration::from_secs(120),
        aria2c()
            .arg(format!("--dir={}", out.display()))
            .arg("--seed-time=0")
            .arg(format!("--listen-port={}", free_port()))
            .arg(&torrent_path)
            .status(),
    )
    .await
    .expect("aria2c finished in time")
    .unwrap();
    assert!(status.success(), "aria2c exit status {status}");
    for f in &files {
        assert_eq!(
            std::fs::read(out.join("post").join(&f.name)).unwrap(),
            shared_copy(f),
            "aria2c got the shared copy"
        );
    }
    swarm.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swarmroll_downloads_a_post_aria2c_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let files = post(dir.path());
    let built = torrent::build("post", &files, false).unwrap();
    // aria2c holds the shared copies and seeds them.
    let seed_dir = dir.path().join("aria2-seed");
    std::fs::create_dir_all(seed_dir.join("post")).unwrap();
    for f in &files {
        std::fs::write(seed_dir.join("post").join(&f.name), shared_copy(f)).unwrap();
    }
    let tracker = Tracker::start().await.unwrap();
    let torrent_path = dir.path().join("post.torrent");
    std::fs::write(&torrent_path, tracker.torrent_file(&built.info)).unwrap();
    let port = free_port();
    let mut seeder = aria2c()
        .arg(format!("--dir={}", seed_dir.display()))
        .args(["--check-integrity=true", "--seed-ratio=0.0", "--seed-time=10"])
        .arg(format!("--listen-port={port}"))
        .arg(&torrent_path)
        .spawn()
        .unwrap();

    let bob_dir = tempfile::tempdir().unwrap();
    let bob = Swarm::start(bob_dir.path(), Config { listen: "127.0.0.1:0".parse().unwrap(), ..Config::default() })
        .await
        .unwrap();
    let dest = bob_dir.path().join("media");
    let peer: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    // aria2c needs a moment to check its files and open its port; retry the add until it
    // answers (librqbit takes peers only when a torrent is added).
    let mut done = false;
    for _ in 0..30 {
        let h = bob.fetch(&built.info, &dest, FetchOptions { seeds: vec![peer], ..Default::default() }).await.unwrap();
        if tokio::time::timeout(Duration::from_secs(4), h.finished()).await.is_ok() {
            done = true;
            break;
        }
        bob.forget(&h).await;
    }
    assert!(done, "Swarmroll completed the download from aria2c");
    for f in &files {
        assert_eq!(std::fs::read(dest.join(&f.name)).unwrap(), shared_copy(f));
    }
    seeder.kill().await.unwrap();
    bob.stop().await;
}
