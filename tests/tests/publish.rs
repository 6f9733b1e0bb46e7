//! End to end on one machine: Alice imports photos and posts them to her channel; Bob, a
//! member, sees the gallery (thumbnails from the log) before any original moves, then
//! fetches the originals from Alice's node over loopback — location stripped, and in a
//! private channel encrypted on the wire.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::AtomicBool;
use std::time::Duration;
use swarmroll_core::channel::Role;
use swarmroll_core::import::{Importer, Options, Request};
use swarmroll_core::media::{self, Kind};
use swarmroll_core::publish;
use swarmroll_core::swarm::{Config, Swarm};
use swarmroll_tests::{alice, bob, photos};

fn loopback() -> Config {
    Config { listen: "127.0.0.1:0".parse().unwrap(), ..Config::default() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_reaches_a_member_gallery_first_then_originals() {
    for private in [false, true] {
        let alice = alice();
        let bob = bob();
        let ch = if private { alice.create_private("Wedding") } else { alice.create("Wedding") };
        bob.join_from(&alice, &ch, Role::Viewer);

        let importer = Importer::new(std::sync::Arc::clone(alice.replica.store()), 2).unwrap();
        let paths = [photos().join("gps/DSCN0012.jpg"), photos().join("orientation/portrait_6.jpg")];
        let reqs: Vec<Request> = paths.iter().map(Request::path).collect();
        let imported = importer.run(&reqs, Options::default(), &|_| {}, &AtomicBool::new(false)).into_records();
        let alice_swarm = Swarm::start(alice.dir.path(), loopback()).await.unwrap();
        let post = publish::publish(&alice.replica, &alice_swarm, &ch, "first dance", &imported).await.unwrap();

        // Bob gets the log: the gallery shows both photos, upright sizes and thumbnails,
        // before any original has moved.
        bob.pull(&alice, &ch);
        let page = bob.replica.gallery(&ch, None, 10).unwrap();
        assert_eq!(page.items.len(), 2);
        assert!(page.items.iter().all(|i| !i.thumbnail.is_empty()));
        let portrait = page.items.iter().find(|i| i.height > i.width).expect("the orientation-6 photo is upright");
        assert!(
            image::load_from_memory(&portrait.thumbnail).unwrap().height()
                > image::load_from_memory(&portrait.thumbnail).unwrap().width()
        );
        assert_eq!(bob.replica.thread(&post).unwrap().unwrap().post.caption, "first dance");

        // Then the originals, from Alice's node.
        let bob_swarm = Swarm::start(bob.dir.path(), loopback()).await.unwrap();
        let dest = bob.dir.path().join("media").join(post.to_hex());
        let h =
            publish::fetch(&bob.replica, &bob_swarm, &post, &dest, vec![alice_swarm.listen_addr().unwrap()], vec![])
                .await
                .unwrap();
        tokio::time::timeout(Duration::from_secs(60), h.finished()).await.unwrap().unwrap();
        for it in &imported {
            let got = std::fs::read(dest.join(it.file_name())).unwrap();
            assert_eq!(*blake3::hash(&got).as_bytes(), it.shared_hash.0, "the bytes the post's content hash names");
            assert_eq!(media::meta::read(&got, Kind::Jpeg).location, None);
        }
        bob_swarm.stop().await;
        alice_swarm.stop().await;
    }
}

/// A valid MP4 of about `len` bytes: the fixture clip with a `free` box appended.
fn big_video(path: &std::path::Path, len: usize, fill: u8) {
    let mut data = std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clip.mp4")).unwrap();
    let pad = len.saturating_sub(data.len()).max(8);
    data.extend_from_slice(&(pad as u32).to_be_bytes());
    data.extend_from_slice(b"free");
    data.extend(std::iter::repeat_n(fill, pad - 8));
    std::fs::write(path, data).unwrap();
}

/// Imports `paths` into `importer`'s store; every one must import.
fn import_all(importer: &Importer, paths: &[std::path::PathBuf]) -> Vec<swarmroll_core::import::Imported> {
    let reqs: Vec<Request> = paths.iter().map(Request::path).collect();
    let s = importer.run(&reqs, Options::default(), &|_| {}, &AtomicBool::new(false));
    assert!(s.failed.is_empty(), "{:?}", s.failed);
    s.into_records()
}

/// A seeder's uplink of 512 kB/s, so the order things arrive in shows.
fn slow_uplink() -> Config {
    Config { upload_bps: std::num::NonZeroU32::new(512_000), ..loopback() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_arrives_photos_first_then_videos() {
    let alice = alice();
    let bob = bob();
    let ch = alice.create("Reunion");
    bob.join_from(&alice, &ch, Role::Viewer);
    let clips = tempfile::tempdir().unwrap();
    let (v1, v2) = (clips.path().join("MOV_1.mp4"), clips.path().join("MOV_2.mp4"));
    big_video(&v1, 1_500_000, 1);
    big_video(&v2, 1_000_000, 2);
    let importer = Importer::new(std::sync::Arc::clone(alice.replica.store()), 2).unwrap();
    let alice_swarm = Swarm::start(alice.dir.path(), slow_uplink()).await.unwrap();
    let mixed = import_all(&importer, &[v1, photos().join("gps/DSCN0010.jpg")]);
    let photo = import_all(&importer, &[photos().join("phones/jolla.jpg")]);
    let video = import_all(&importer, std::slice::from_ref(&v2));
    let mut posts = Vec::new();
    for (items, caption) in [(&mixed, "both"), (&photo, "photo"), (&video, "video")] {
        posts.push(publish::publish(&alice.replica, &alice_swarm, &ch, caption, items).await.unwrap());
    }
    bob.pull(&alice, &ch);

    let bob_swarm = std::sync::Arc::new(Swarm::start(bob.dir.path(), loopback()).await.unwrap());
    let media = bob.dir.path().join("media");
    let seeds = vec![alice_swarm.listen_addr().unwrap()];
    let fetch =
        publish::fetch_channel(&bob.replica, std::sync::Arc::clone(&bob_swarm), &ch, &media, seeds).await.unwrap();
    // Until every photo is complete, the videos wait (the video-only post is not even
    // started): at most the piece a video shares with a photo arrives early.
    let held = |post: &swarmroll_core::types::EventId| {
        // Per file; zeros while the fetch is still starting.
        fetch.progress(post).map(|p| {
            let f = p.per_file;
            [f.first().copied().unwrap_or(0), f.get(1).copied().unwrap_or(0)]
        })
    };
    let started = std::time::Instant::now();
    loop {
        let (m, p) = (held(&posts[0]).unwrap_or_default(), held(&posts[1]).unwrap_or_default());
        let video_bytes = m[0] + held(&posts[2]).map_or(0, |v| v[0]);
        if m[1] == mixed[1].size && p[0] == photo[0].size {
            assert!(video_bytes < 100_000, "videos waited for the photos: {video_bytes} bytes early");
            break;
        }
        assert!(video_bytes < 100_000, "a video arrived before the photos: {video_bytes} bytes");
        assert!(started.elapsed() < Duration::from_secs(60));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::timeout(Duration::from_secs(60), fetch.finished()).await.unwrap().unwrap();
    for (post, items) in posts.iter().zip([&mixed, &photo, &video]) {
        for it in items.iter() {
            let got = std::fs::read(media.join(post.to_hex()).join(it.file_name())).unwrap();
            assert_eq!(*blake3::hash(&got).as_bytes(), it.shared_hash.0);
        }
    }
    bob_swarm.stop().await;
    alice_swarm.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_posted_while_videos_arrive_passes_them() {
    let alice = alice();
    let bob = bob();
    let ch = alice.create("Reunion");
    bob.join_from(&alice, &ch, Role::Viewer);
    let clips = tempfile::tempdir().unwrap();
    let long = clips.path().join("MOV_long.mp4");
    big_video(&long, 6_000_000, 3);
    let importer = Importer::new(std::sync::Arc::clone(alice.replica.store()), 2).unwrap();
    // The video takes ~12 s over the slow uplink.
    let alice_swarm = Swarm::start(alice.dir.path(), slow_uplink()).await.unwrap();
    let video = import_all(&importer, &[long]);
    let video_post = publish::publish(&alice.replica, &alice_swarm, &ch, "the speeches", &video).await.unwrap();
    bob.pull(&alice, &ch);
    let bob_swarm = std::sync::Arc::new(Swarm::start(bob.dir.path(), loopback()).await.unwrap());
    let media = bob.dir.path().join("media");
    let seeds = vec![alice_swarm.listen_addr().unwrap()];
    let fetch =
        publish::fetch_channel(&bob.replica, std::sync::Arc::clone(&bob_swarm), &ch, &media, seeds).await.unwrap();
    let have = |post| fetch.progress(post).map_or(0, |p| p.have_bytes);
    let started = std::time::Instant::now();
    while have(&video_post) == 0 {
        assert!(started.elapsed() < Duration::from_secs(30), "the video never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A photo posted while the video arrives joins the running fetch, once.
    let photo = import_all(&importer, &[photos().join("phones/jolla.jpg")]);
    let photo_post = publish::publish(&alice.replica, &alice_swarm, &ch, "cake", &photo).await.unwrap();
    bob.pull(&alice, &ch);
    assert_eq!(fetch.add(&bob.replica, &[photo_post, video_post]).unwrap(), 1);
    assert_eq!(fetch.add(&bob.replica, &[photo_post]).unwrap(), 0, "added twice");
    loop {
        let done = fetch.progress(&photo_post).is_some_and(|p| p.finished);
        if done {
            assert!(have(&video_post) < video[0].size, "the video was already whole");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the photo never arrived");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::timeout(Duration::from_secs(60), fetch.finished()).await.unwrap().unwrap();
    for (post, items) in [(video_post, &video), (photo_post, &photo)] {
        let got = std::fs::read(media.join(post.to_hex()).join(items[0].file_name())).unwrap();
        assert_eq!(*blake3::hash(&got).as_bytes(), items[0].shared_hash.0);
    }
    bob_swarm.stop().await;
    alice_swarm.stop().await;
}
