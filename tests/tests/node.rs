#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: failing loudly is right
//! The node under the platform's conditions, with real nodes on loopback: originals hold
//! on a metered network and resume on Wi-Fi (nothing lost, nothing fetched twice), and a
//! bounded background pass ends on time while a peer stalls, the next one continuing.

use std::collections::BTreeSet;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use swarmroll_core::channel::Role;
use swarmroll_core::import::Request;
use swarmroll_core::node::{Hold, NetworkState, Node, NodeEvent};
use swarmroll_core::{ChannelId, EventId};
use swarmroll_tests::net::{node_config, until};
use tempfile::TempDir;

fn node(dir: &TempDir, upload_bps: Option<u32>) -> Node {
    let mut cfg = node_config(dir.path());
    cfg.swarm.upload_bps = upload_bps.and_then(NonZeroU32::new);
    Node::open(cfg).unwrap()
}

fn photos() -> Vec<Request> {
    let dir = swarmroll_tests::photos();
    ["phones/iphone_hdr_NO.jpg", "phones/jolla.jpg", "cameras/Reconyx_HC500_Hyperfire.jpg", "cameras/fujifilm-dx10.jpg"]
        .iter()
        .map(|p| Request { path: dir.join(p), poster: None, asset_id: None, platform_time: None })
        .collect()
}

/// Shares `files` with `caption` and nothing else asked.
async fn share(node: &Node, ch: &ChannelId, caption: &str, files: Vec<Request>) -> swarmroll_core::share::Outcome {
    let options = swarmroll_core::share::Options { caption: caption.into(), ..Default::default() };
    node.share(ch, files, options, &swarmroll_core::share::Cancel::default()).await.unwrap()
}

/// Alice's node with a channel and a post of real photos, uploading at `upload_bps`.
async fn alice_with_post(dir: &TempDir, upload_bps: u32) -> (Node, ChannelId, EventId, u64) {
    let a = node(dir, Some(upload_bps));
    a.start().await.unwrap();
    let ch = a.create_channel("Party", "Alice", false).unwrap();
    let outcome = share(&a, &ch, "first dance", photos()).await;
    assert_eq!(outcome.posted(), 4);
    let post = outcome.posts[0];
    let total = a.thread(&post).unwrap().unwrap().post.items.iter().map(|i| i.media.size).sum();
    (a, ch, post, total)
}

async fn guest(dir: &TempDir, host: &Node, ch: &ChannelId, name: &str) -> Node {
    let g = node(dir, None);
    g.start().await.unwrap();
    let (invite, _) = host.invite(ch, Role::Contributor, None).await.unwrap();
    g.join(&invite, name, Duration::from_secs(10)).await.unwrap();
    g
}

/// Verified bytes of `post` held by `n` (all of them once the post is done).
fn have(n: &Node, ch: &ChannelId, post: &EventId, total: u64) -> u64 {
    let me = n.device_id();
    let left = swarmroll_core::testing::remaining(swarmroll_core::testing::replica(n), &[*ch], &me).unwrap().0;
    if left == 0 {
        return total;
    }
    n.transfers().iter().find(|(_, p, _)| p == post).map_or(0, |(_, _, pr)| pr.have_bytes)
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The fetched files are exactly the post's shared copies.
fn assert_originals_here(n: &Node, author: &Node, ch: &ChannelId, post: &EventId) {
    let want: BTreeSet<[u8; 32]> =
        author.thread(post).unwrap().unwrap().post.items.iter().map(|i| i.media.content_hash.0).collect();
    let dir = n.media_dir(ch).join(post.to_hex());
    let got: BTreeSet<[u8; 32]> =
        files_under(&dir).iter().map(|f| *blake3::hash(&std::fs::read(f).unwrap()).as_bytes()).collect();
    assert_eq!(got, want, "fetched files differ from the post");
}

async fn done(n: &Node, ch: &ChannelId, secs: u64) {
    let me = n.device_id();
    let left = || swarmroll_core::testing::remaining(swarmroll_core::testing::replica(n), &[*ch], &me).unwrap().0;
    until(secs, "every original here", || left() == 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn originals_hold_on_a_metered_network_and_resume_on_wifi() {
    let dirs: Vec<TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (a, ch, post, total) = alice_with_post(&dirs[0], 400_000).await;
    let b = guest(&dirs[1], &a, &ch, "Bob").await;
    let c = guest(&dirs[2], &a, &ch, "Carol").await;
    let mut events = b.subscribe();
    // Well into the transfer, Bob's phone leaves Wi-Fi.
    until(30, "bob a quarter through", || have(&b, &ch, &post, total) > total / 4).await;
    b.network_changed(NetworkState::CELLULAR).await;
    assert_eq!(b.held(), Some(Hold::Metered));
    let held = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Ok(NodeEvent::Held { originals, log_held }) = events.recv().await {
                return (originals, log_held);
            }
        }
    })
    .await
    .expect("a Held event");
    assert_eq!(held, (Hold::Metered, false));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let swarm = b.swarm().await.unwrap();
    let (at_hold, fetched_at_hold) = (have(&b, &ch, &post, total), swarm.traffic().0);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(swarm.traffic().0, fetched_at_hold, "originals moved on a metered network");
    assert!(have(&b, &ch, &post, total) < total, "finished before the network changed: slow the upload down");
    // Comments still flow on cellular.
    let comment = a.comment(&ch, &post, "gorgeous", None).unwrap();
    until(10, "the comment on cellular", || {
        b.thread(&post).unwrap().is_some_and(|t| t.comments.iter().any(|k| k.id == comment))
    })
    .await;
    // Back on Wi-Fi: it resumes from where it was and completes.
    b.network_changed(NetworkState::WIFI).await;
    assert_eq!(b.held(), None);
    done(&b, &ch, 60).await;
    assert_originals_here(&b, &a, &ch, &post);
    let fetched = swarm.traffic().0;
    assert!(at_hold > 0);
    assert!(fetched <= total + total / 10, "fetched {fetched} bytes for {total}: data fetched twice");
    done(&c, &ch, 60).await;
    assert_originals_here(&c, &a, &ch, &post);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_background_pass_ends_on_time_while_a_peer_stalls_and_the_next_continues() {
    let dirs: Vec<TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let (a, ch, post, total) = alice_with_post(&dirs[0], 250_000).await;
    let b = guest(&dirs[1], &a, &ch, "Bob").await;
    // The app goes to the background at once.
    b.pause().await;
    // A peer that accepts connections and never says a word, remembered from before.
    let stall = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let stall_addr = stall.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = stall.accept().await {
            held.push(s);
        }
    });
    swarmroll_core::testing::remember_peer(swarmroll_core::testing::replica(&b), &ch, stall_addr).unwrap();
    let swarm = b.swarm().await.unwrap();
    let before = swarm.traffic().0;

    let t = Instant::now();
    let first = b.sync_for(Duration::from_secs(5)).await.unwrap();
    let took = t.elapsed();
    eprintln!("first pass (5 s budget) returned after {took:?}: {first:?}");
    assert!(took <= Duration::from_millis(5_500), "the pass took {took:?}");
    assert!(!first.complete);
    assert!(first.bytes_fetched > 0, "{first:?}");
    assert_eq!(first.remaining_posts, 1);
    // Between passes nothing moves.
    let between = swarm.traffic().0;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(swarm.traffic().0, between, "originals moved while the app was in the background");

    let second = b.sync_for(Duration::from_secs(60)).await.unwrap();
    eprintln!("second pass: {second:?}");
    assert!(second.complete, "{second:?}");
    assert_eq!(second.remaining_posts, 0);
    assert_originals_here(&b, &a, &ch, &post);
    let fetched = swarm.traffic().0 - before;
    assert!(fetched <= total + total / 10, "fetched {fetched} bytes for {total}: the second pass started over");
    assert!(second.bytes_fetched < total, "the second pass fetched everything again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_stream_tells_the_ui_what_changed_with_ids() {
    let dirs: Vec<TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    // Slow enough for the transfer to report progress before it completes.
    let a = node(&dirs[0], Some(1_500_000));
    a.start().await.unwrap();
    let ch = a.create_channel("Party", "Alice", false).unwrap();
    let b = node(&dirs[1], None);
    b.start().await.unwrap();
    let mut events = b.subscribe();
    let (invite, _) = a.invite(&ch, Role::Contributor, None).await.unwrap();
    b.join(&invite, "Bob", Duration::from_secs(10)).await.unwrap();
    let gallery = b.watch_gallery(ch, 50).unwrap();
    assert!(gallery.initial.is_empty());
    let mut gallery = gallery;
    let mut channels = b.watch_channels().unwrap();
    let mut channel_list = channels.initial.clone();

    // Alice shares photos (import progress on her side), Bob's UI hears of each step.
    let mut a_events = a.subscribe();
    let post = share(&a, &ch, "cake", photos()).await.posts[0];
    let mut import_steps = 0;
    while let Ok(e) = a_events.try_recv() {
        if let NodeEvent::ImportProgress { done, total } = e {
            assert!(done <= total && total == 4);
            import_steps += 1;
        }
    }
    assert_eq!(import_steps, 4);
    let comment = a.comment(&ch, &post, "yum", None).unwrap();

    let mut seen = (false, false, false, false, false);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !(seen.0 && seen.1 && seen.2 && seen.3 && seen.4) {
        let e = tokio::time::timeout_at(deadline, events.recv())
            .await
            .unwrap_or_else(|_| panic!("events in time: {seen:?}"))
            .unwrap();
        match e {
            NodeEvent::PeerConnected { channel, peer } if channel == ch => {
                assert_eq!(peer, a.device_id());
                seen.0 = true;
            }
            NodeEvent::PostArrived { channel, post: p } if channel == ch && p == post => seen.1 = true,
            NodeEvent::CommentAdded { channel, post: p, comment: k } if channel == ch => {
                assert_eq!((p, k), (post, comment));
                seen.2 = true;
            }
            NodeEvent::TransferProgress { post: p, have_bytes, total_bytes, .. } if p == post => {
                assert!(have_bytes <= total_bytes);
                seen.3 = true;
            }
            NodeEvent::TransferFinished { post: p, .. } if p == post => seen.4 = true,
            _ => {}
        }
    }
    // The live gallery got the four photos as inserts, and applying them gives the page.
    let mut list = Vec::new();
    while let Ok(changes) = gallery.changes.try_recv() {
        swarmroll_core::node::diff::apply(&mut list, &changes);
    }
    assert_eq!(list, b.gallery(&ch, None, 50).unwrap().items);
    assert_eq!(list.len(), 4);
    // Notifications: one new post and one comment, from Alice; nothing once opened.
    let news = b.news().unwrap();
    assert_eq!(news.len(), 1);
    assert_eq!((news[0].channel, news[0].new_posts, news[0].new_comments), (ch, 1, 1));
    assert_eq!(news[0].from, vec!["Alice".to_string()]);
    // "Alice added 4 photos": the items of the new posts, and how many people wrote.
    assert_eq!((news[0].people, news[0].new_photos, news[0].new_videos), (1, 4, 0));
    // The live channel list followed: Bob's one channel with two unread, then none.
    while let Ok(changes) = channels.changes.try_recv() {
        swarmroll_core::node::diff::apply(&mut channel_list, &changes);
    }
    assert_eq!(channel_list, b.channels().unwrap());
    assert_eq!(channel_list[0].unread, 2);
    b.mark_read(&ch).unwrap();
    assert!(b.news().unwrap().is_empty());
    let changes = tokio::time::timeout(Duration::from_secs(5), channels.changes.recv()).await.unwrap().unwrap();
    swarmroll_core::node::diff::apply(&mut channel_list, &changes);
    assert_eq!(channel_list[0].unread, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn power_and_per_channel_policies_hold_and_release_the_swarm() {
    use swarmroll_core::node::{Originals, Policy};
    let dir = tempfile::tempdir().unwrap();
    let n = node(&dir, None);
    n.start().await.unwrap();
    let ch = n.create_channel("Trip", "Me", false).unwrap();
    let swarm = n.swarm().await.unwrap();
    assert!(!swarm.is_held());
    n.power_changed(false, true).await;
    assert_eq!(n.held(), Some(Hold::BatteryLow));
    assert!(swarm.is_held());
    n.power_changed(true, true).await;
    assert_eq!(n.held(), None);
    assert!(!swarm.is_held());
    n.set_policy(None, Policy { charging_only: true, ..Policy::default() }).await.unwrap();
    n.power_changed(false, false).await;
    assert_eq!(n.held(), Some(Hold::NotCharging));
    assert!(swarm.is_held());
    // On cellular, one channel the user allowed everywhere keeps the swarm going.
    n.set_policy(None, Policy::default()).await.unwrap();
    n.network_changed(NetworkState::CELLULAR).await;
    assert!(swarm.is_held());
    let anywhere = Policy { originals: Originals::AnyNetwork, ..Policy::default() };
    n.set_policy(Some(ch), anywhere).await.unwrap();
    assert!(!swarm.is_held());
    // Local discovery is off in these tests: no status to show.
    assert_eq!(n.lan_status().await, None);
    // Offline: sync stops as well.
    n.network_changed(NetworkState::NONE).await;
    assert!(swarm.is_held());
    assert_eq!(n.sync_addr().await, None);
    n.network_changed(NetworkState::WIFI).await;
    assert!(n.sync_addr().await.is_some());
    // Policies are settings: they survive a restart.
    n.stop().await;
    drop(swarm);
    drop(n);
    let again = node(&dir, None);
    assert_eq!(again.policy(Some(&ch)), anywhere);
    assert_eq!(again.policy(None), Policy::default());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_metered_budget_stops_transfers_when_spent() {
    use swarmroll_core::node::{Originals, Policy};
    let dirs: Vec<TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let (a, ch, post, total) = alice_with_post(&dirs[0], 400_000).await;
    let b = node(&dirs[1], None);
    let budget = 300_000;
    b.set_policy(
        None,
        Policy { originals: Originals::AnyNetwork, metered_daily_bytes: Some(budget), ..Policy::default() },
    )
    .await
    .unwrap();
    b.network_changed(NetworkState::CELLULAR).await;
    b.start().await.unwrap();
    let (invite, _) = a.invite(&ch, Role::Contributor, None).await.unwrap();
    b.join(&invite, "Bob", Duration::from_secs(10)).await.unwrap();
    until(30, "the budget spent", || b.held() == Some(Hold::BudgetSpent)).await;
    assert!(b.metered_today() >= budget);
    let swarm = b.swarm().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopped_at = swarm.traffic().0;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(swarm.traffic().0, stopped_at, "transfers went on past the budget");
    // At most about a second's worth past the cap (the meter reads once a second).
    assert!(stopped_at < budget + 800_000, "{stopped_at} bytes against a budget of {budget}");
    // Wi-Fi does not count against it.
    b.network_changed(NetworkState::WIFI).await;
    let spent = b.metered_today();
    done(&b, &ch, 60).await;
    assert_originals_here(&b, &a, &ch, &post);
    assert!(swarm.traffic().0 <= total + total / 10);
    assert_eq!(b.metered_today(), spent, "Wi-Fi bytes were counted as metered");
    // The day's spending survives a restart.
    b.stop().await;
    drop((swarm, b));
    assert_eq!(node(&dirs[1], None).metered_today(), spent);
}

/// Applies every batch waiting on `w` to `list`.
fn drain<T: Clone>(w: &mut swarmroll_core::node::Watch<T>, list: &mut Vec<T>) -> usize {
    let mut batches = 0;
    while let Ok(changes) = w.changes.try_recv() {
        swarmroll_core::node::diff::apply(list, &changes);
        batches += 1;
    }
    batches
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_viewer_transfers_and_settings_screens_come_from_the_core() {
    use swarmroll_core::node::{Originals, Policy, ThreadEntry};
    let dirs: Vec<TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let a = node(&dirs[0], Some(1_500_000));
    a.start().await.unwrap();
    let ch = a.create_channel("Party", "Alice", false).unwrap();
    let b = guest(&dirs[1], &a, &ch, "Bob").await;
    let mut transfers = b.watch_transfers().unwrap();
    let mut transfer_list = transfers.initial.clone();
    assert!(transfer_list.is_empty());

    let post = share(&a, &ch, "cake", photos()).await.posts[0];
    until(20, "the post at Bob", || b.thread(&post).unwrap().is_some()).await;

    // The viewer: the post first, then comments; each change is one small diff.
    let mut viewer = b.watch_thread(post).unwrap();
    let mut thread = viewer.initial.clone();
    assert!(matches!(&thread[..], [ThreadEntry::Post { post: p, .. }] if p.id == post && p.caption == "cake"));
    let comment = a.comment(&ch, &post, "yum", None).unwrap();
    until(20, "the comment in Bob's viewer", || {
        drain(&mut viewer, &mut thread);
        thread.len() == 2
    })
    .await;
    assert!(matches!(&thread[1], ThreadEntry::Comment(c) if c.id == comment && c.author.name == "Alice"));
    a.react(&ch, &comment, "🎂", true).unwrap();
    until(20, "the reaction in Bob's viewer", || {
        drain(&mut viewer, &mut thread);
        matches!(&thread[1], ThreadEntry::Comment(c) if c.reactions.len() == 1)
    })
    .await;
    a.moderate(&ch, &comment, true).unwrap();
    until(20, "the hidden comment gone from Bob's viewer", || {
        drain(&mut viewer, &mut thread);
        thread.len() == 1
    })
    .await;
    assert_eq!(thread, b.thread_entries(&post).unwrap());

    // Transfers: the post appears while its originals arrive and goes when they are here.
    done(&b, &ch, 60).await;
    let mut seen_post = false;
    until(10, "the finished transfer removed", || {
        while let Ok(changes) = transfers.changes.try_recv() {
            swarmroll_core::node::diff::apply(&mut transfer_list, &changes);
            seen_post |=
                transfer_list.iter().any(|t| t.post == post && t.channel == ch && t.have_bytes <= t.total_bytes);
        }
        seen_post && transfer_list.is_empty()
    })
    .await;
    assert_eq!(transfer_list, b.transfer_list());
    // Where the originals are: fetched shared copies at Bob's, the imported files at Alice's.
    let at_bob = b.originals(&ch, &post).unwrap().expect("all here");
    assert_eq!(at_bob.len(), 4);
    for o in &at_bob {
        assert_eq!(blake3::hash(&std::fs::read(&o.path).unwrap()).as_bytes(), &o.item.media.content_hash.0, "{o:?}");
    }
    let at_alice = a.originals(&ch, &post).unwrap().expect("the author's own");
    let mut sources: Vec<PathBuf> = photos().into_iter().map(|r| r.path).collect();
    let mut got: Vec<PathBuf> = at_alice.into_iter().map(|o| o.path).collect();
    sources.sort();
    got.sort();
    assert_eq!(got, sources);

    // Settings: what the platform reported and what the policy makes of it.
    let s = b.settings();
    assert_eq!((s.device, s.held, s.network), (b.device_id(), None, NetworkState::WIFI));
    b.network_changed(NetworkState::CELLULAR).await;
    let own = Policy { originals: Originals::AnyNetwork, ..Policy::default() };
    b.set_policy(Some(ch), own).await.unwrap();
    let s = b.settings();
    assert_eq!((s.held, s.network, s.channel_policies), (Some(Hold::Metered), NetworkState::CELLULAR, vec![(ch, own)]));
}

/// A post is recorded as here, and the UI told, when its last original is verified — not
/// at the background fetch's next look: with looks an hour apart, every post of a
/// channel still arrives, each one announced, without any other event to wake the node.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_post_is_announced_without_waiting_for_the_next_look() {
    let dirs: Vec<TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let a = node(&dirs[0], None);
    a.start().await.unwrap();
    let ch = a.create_channel("Party", "Alice", false).unwrap();
    let mut cfg = node_config(dirs[1].path());
    cfg.look_again = Duration::from_secs(3_600);
    let b = Node::open(cfg).unwrap();
    b.start().await.unwrap();
    let (invite, _) = a.invite(&ch, Role::Contributor, None).await.unwrap();
    b.join(&invite, "Bob", Duration::from_secs(10)).await.unwrap();
    let mut events = b.subscribe();
    // Posts that arrive one after another: each one's events wake Bob's node, and then
    // nothing does until its originals are in.
    let mut posts = BTreeSet::new();
    for (i, photo) in photos().into_iter().enumerate() {
        posts.insert(share(&a, &ch, &format!("photo {i}"), vec![photo]).await.posts[0]);
    }
    let mut finished = BTreeSet::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while finished != posts {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Ok(NodeEvent::TransferFinished { channel, post })) if channel == ch => {
                finished.insert(post);
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => panic!("event stream: {e}"),
            Err(_) => panic!("{} of {} posts announced as here", finished.len(), posts.len()),
        }
    }
    for post in &posts {
        assert_originals_here(&b, &a, &ch, post);
    }
}
