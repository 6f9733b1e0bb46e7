//! The data plane on real librqbit sessions over loopback: a post seeded in place from
//! camera-roll originals (location stripped on the fly) reaches another node
//! byte-identical, and the originals are never written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;
use swarmroll_core::import::{Importer, Options, Request};
use swarmroll_core::media::{self, Kind};
use swarmroll_core::store::Store;
use swarmroll_core::swarm::torrent::{self, SourceFile};
use swarmroll_core::swarm::{Config, Swarm, SwarmError};
use swarmroll_tests::photos;

fn loopback() -> Config {
    Config { listen: "127.0.0.1:0".parse().unwrap(), ..Config::default() }
}

fn import(dir: &std::path::Path, paths: &[PathBuf]) -> Vec<SourceFile> {
    let store = Arc::new(Store::open_dir(dir).unwrap());
    let imp = Importer::new(store, 2).unwrap();
    let reqs: Vec<Request> = paths.iter().map(Request::path).collect();
    let s = imp.run(&reqs, Options::default(), &|_| {}, &AtomicBool::new(false));
    assert!(s.failed.is_empty());
    s.imported
        .iter()
        .map(|i| SourceFile {
            name: i.path.file_name().unwrap().to_string_lossy().into_owned(),
            path: i.path.clone(),
            len: i.size,
            patches: i.patches.clone(),
        })
        .collect()
}

#[test]
fn the_same_files_give_the_same_info_hash_anywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let originals = [photos().join("gps/DSCN0012.jpg"), photos().join("cameras/Nikon_D70.jpg")];
    let files = import(tmp.path(), &originals);
    let a = torrent::build("post", &files, false).unwrap();
    // Another device: copies elsewhere, same names and bytes.
    let other = tempfile::tempdir().unwrap();
    let moved: Vec<SourceFile> = files
        .iter()
        .map(|f| {
            let p = other.path().join(&f.name);
            std::fs::copy(&f.path, &p).unwrap();
            SourceFile { path: p, ..f.clone() }
        })
        .collect();
    assert_eq!(torrent::build("post", &moved, false).unwrap(), a);
    // The info dict parses and describes the shared copies.
    let parsed: librqbit::TorrentMetaV1Info<librqbit::ByteBufOwned> = librqbit_bencode::from_bytes(&a.info).unwrap();
    let total: u64 = files.iter().map(|f| f.len).sum();
    assert_eq!(parsed.pieces.as_ref().len() as u64, total.div_ceil(u64::from(parsed.piece_length)) * 20);
    assert_ne!(torrent::build("post", &files, true).unwrap().info_hash, a.info_hash, "private flag is in the hash");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_seeded_in_place_arrives_byte_identical_without_location() {
    let alice_dir = tempfile::tempdir().unwrap();
    let bob_dir = tempfile::tempdir().unwrap();
    let originals = [photos().join("gps/DSCN0010.jpg"), photos().join("phones/jolla.jpg")];
    let before: Vec<Vec<u8>> = originals.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let files = import(alice_dir.path(), &originals);
    let built = torrent::build("post", &files, false).unwrap();

    let alice = Swarm::start(alice_dir.path(), loopback()).await.unwrap();
    alice.seed(&built, files.clone()).await.unwrap();
    let bob = Swarm::start(bob_dir.path(), loopback()).await.unwrap();
    let dest = bob_dir.path().join("media");
    let handle = bob.fetch(&built.info, &dest, vec![alice.listen_addr().unwrap()]).await.unwrap();
    tokio::time::timeout(Duration::from_secs(60), handle.wait_until_completed()).await.unwrap().unwrap();

    for (f, original) in files.iter().zip(&before) {
        let got = std::fs::read(dest.join(&f.name)).unwrap();
        assert_eq!(got, media::strip::apply(original, &f.patches), "byte-identical shared copy");
        assert_eq!(media::meta::read(&got, Kind::Jpeg).location, None, "no location reaches peers");
    }
    for (p, b) in originals.iter().zip(&before) {
        assert_eq!(&std::fs::read(p).unwrap(), b, "originals untouched");
    }
    bob.stop().await;
    alice.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_original_stops_seeding_instead_of_serving_wrong_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("photo.jpg");
    std::fs::copy(photos().join("cameras/Canon_40D.jpg"), &copy).unwrap();
    let files = import(dir.path(), std::slice::from_ref(&copy));
    let built = torrent::build("post", &files, false).unwrap();
    // The user edits the photo after posting it.
    let mut bytes = std::fs::read(&copy).unwrap();
    let n = bytes.len();
    bytes[n - 100] ^= 0xFF;
    std::fs::write(&copy, &bytes).unwrap();
    let swarm = Swarm::start(dir.path(), loopback()).await.unwrap();
    assert!(matches!(swarm.seed(&built, files).await, Err(SwarmError::Changed)));
    assert_eq!(std::fs::read(&copy).unwrap(), bytes, "nothing was written to the original");
    swarm.stop().await;
}
