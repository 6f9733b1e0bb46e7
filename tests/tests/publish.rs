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
        let ch = alice.create("Wedding");
        bob.join_from(&alice, &ch, Role::Viewer);

        let importer = Importer::new(std::sync::Arc::clone(alice.replica.store()), 2).unwrap();
        let paths = [photos().join("gps/DSCN0012.jpg"), photos().join("orientation/portrait_6.jpg")];
        let reqs: Vec<Request> = paths.iter().map(Request::path).collect();
        let imported = importer.run(&reqs, Options::default(), &|_| {}, &AtomicBool::new(false)).imported;
        let alice_swarm = Swarm::start(alice.dir.path(), loopback()).await.unwrap();
        let post =
            publish::publish(&alice.replica, &alice_swarm, &ch, "first dance", &imported, private).await.unwrap();

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
