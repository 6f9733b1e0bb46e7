//! The same photo shared by two members shows once and credits both, everywhere a post
//! is listed; a member sharing bytes the channel already shows posts nothing again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;
use swarmroll_core::catalog::credit_line;
use swarmroll_core::channel::Role;
use swarmroll_core::import::Request;
use swarmroll_core::node::Node;
use swarmroll_core::share::{Cancel, FileResult, Options};
use swarmroll_core::testing::channel_posts;
use swarmroll_tests::net::{node_config, until};
use swarmroll_tests::{alice, bob, photo};

#[test]
fn a_photo_two_members_posted_offline_shows_once_crediting_both() {
    let (a, b) = (alice(), bob());
    let ch = a.create("Wedding");
    b.join_from(&a, &ch, Role::Contributor);
    b.pull(&a, &ch);
    // Offline from each other, both post the same photo; Bob's post also has one more.
    let first = a.replica.post(&ch, "from Alice", vec![photo(7, 1_000)]).unwrap();
    let second = b.replica.post(&ch, "from Bob", vec![photo(7, 1_000), photo(8, 2_000)]).unwrap();
    a.pull(&b, &ch);
    b.pull(&a, &ch);
    for peer in [&a, &b] {
        let posts = channel_posts(&peer.replica, &ch).unwrap();
        let shown: Vec<_> = posts.iter().flat_map(|p| p.items.iter().map(move |i| (p.id, i))).collect();
        assert_eq!(shown.len(), 2, "the shared photo once, Bob's other photo once");
        let (post, shared) = shown.iter().find(|(_, i)| i.media.content_hash.0 == [7; 32]).unwrap();
        // The earlier post shows it (time order, then event id); both are credited.
        assert!(*post == first || *post == second);
        let names: Vec<String> = shared.credits.iter().map(|c| c.display()).collect();
        assert_eq!(names.len(), 2);
        assert!(names.contains(&"Alice".to_owned()) && names.contains(&"Bob".to_owned()), "{names:?}");
        assert!(["Alice and Bob", "Bob and Alice"].contains(&credit_line(&shared.credits).as_str()));
        // The gallery agrees: one item, two credits.
        let page = peer.replica.gallery(&ch, None, 10).unwrap();
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.items.iter().find(|i| i.content_hash.0 == [7; 32]).unwrap().credits.len(), 2);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sharing_a_photo_the_channel_shows_posts_nothing_again() {
    let dirs: Vec<_> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let ana = Node::open(node_config(dirs[0].path())).unwrap();
    ana.start().await.unwrap();
    let ch = ana.create_channel("Wedding", "Ana", false).unwrap();
    let ben = Node::open(node_config(dirs[1].path())).unwrap();
    ben.start().await.unwrap();
    let (invite, _) = ana.invite(&ch, Role::Contributor, None).await.unwrap();
    ben.join(&invite, "Ben", Duration::from_secs(10)).await.unwrap();
    let photo = swarmroll_tests::photos().join("gps/DSCN0021.jpg");
    let shared = ana.share(&ch, vec![Request::path(&photo)], Options::default(), &Cancel::default()).await.unwrap();
    let post = shared.posts[0];
    until(20, "Ana's post at Ben's", || ben.thread(&post).ok().flatten().is_some()).await;
    // Ben has the same photo on his phone (his own copy of the file, location and all).
    let copy = dirs[1].path().join("my copy.jpg");
    std::fs::copy(&photo, &copy).unwrap();
    let again = ben.share(&ch, vec![Request::path(&copy)], Options::default(), &Cancel::default()).await.unwrap();
    assert!(again.posts.is_empty(), "nothing posted again");
    assert_eq!(again.files, [FileResult::AlreadyThere(post)]);
    assert_eq!(ben.posts(&ch).unwrap().len(), 1);
    ana.stop().await;
    ben.stop().await;
}
