#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: failing loudly is right
//! Channel-log sync between real nodes on loopback: discovery, reconciliation, live push,
//! joining by invite, peer exchange, catching up after being offline.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;
use swarmroll_core::channel::{Invite, Role};
use swarmroll_core::net::lan::LanStatus;
use swarmroll_core::sync::{LanConfig, SyncError};
use swarmroll_core::ChannelId;
use swarmroll_tests::net::{caught_up, free_udp_port, lan_config, listen_on, start, sync_config, until};
use swarmroll_tests::{alice, bob, carol, peer, photo, Peer};

/// An invite that carries no address: the guest must find the channel by discovery.
fn join_without_address(guest: &Peer, host: &Peer, ch: &ChannelId, role: Role) {
    let (invite, _) = host.replica.invite(ch, role, vec![], None).expect("invite");
    guest.replica.join(&invite, guest.name).expect("join");
}

fn caption_count(p: &Peer, ch: &ChannelId) -> usize {
    p.replica.gallery(ch, None, 100).expect("gallery").items.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_find_each_other_on_the_lan_converge_and_one_catches_up_later() {
    let (a, b, c) = (alice(), bob(), carol());
    let ch = a.create("Wedding");
    join_without_address(&b, &a, &ch, Role::Contributor);
    join_without_address(&c, &a, &ch, Role::Viewer);
    let port = free_udp_port();
    let lan = |cfg: swarmroll_core::sync::Config| swarmroll_core::sync::Config { lan: Some(lan_config(port)), ..cfg };
    let sa = start(&a, lan(sync_config())).await;
    let sb = start(&b, lan(sync_config())).await;
    let mut sc = start(&c, lan(sync_config())).await;
    until(15, "a full mesh found by beacons", || {
        sa.peers(&ch).len() == 2 && sb.peers(&ch).len() == 2 && sc.peers(&ch).len() == 2
    })
    .await;
    assert_eq!(sa.lan_status(), Some(LanStatus::Found));

    // A contributor posts, the others comment and react: everyone converges.
    let post = b.replica.post(&ch, "first dance", vec![photo(1, 1_000), photo(2, 2_000)]).expect("post");
    until(10, "the post everywhere", || caption_count(&a, &ch) == 2 && caption_count(&c, &ch) == 2).await;
    c.replica.comment(&ch, &post, "so lovely", None).expect("comment");
    a.replica.react(&ch, &post, "❤", true).expect("react");
    let settled = |p: &Peer| {
        p.replica.thread(&post).expect("thread").is_some_and(|t| t.comments.len() == 1 && t.reactions.len() == 1)
    };
    until(10, "comment and reaction everywhere", || settled(&a) && settled(&b) && settled(&c)).await;
    let n = a.event_count(&ch);
    assert_eq!((b.event_count(&ch), c.event_count(&ch)), (n, n));

    // Carol goes offline; the others carry on.
    sc.stop();
    until(10, "carol gone", || sa.peers(&ch).len() == 1).await;
    let post2 = a.replica.post(&ch, "cake", vec![photo(3, 3_000)]).expect("post");
    until(10, "the cake at b", || b.replica.thread(&post2).is_ok_and(|t| t.is_some())).await;
    b.replica.comment(&ch, &post2, "yum", None).expect("comment");
    until(10, "a and b converge", || b.event_count(&ch) == n + 2 && a.event_count(&ch) == n + 2).await;
    assert_eq!(c.event_count(&ch), n);

    // Back online, she rediscovers them and catches up.
    let _sc = start(&c, lan(sync_config())).await;
    until(15, "carol catches up", || c.event_count(&ch) == n + 2).await;
    assert_eq!(caption_count(&c, &ch), 3);
    assert_eq!(c.replica.thread(&post2).expect("thread").expect("post").comments.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joining_by_invite_shows_the_gallery_before_any_original_moves() {
    let a = alice();
    let ch = a.create("Party");
    for i in 0..5u8 {
        a.replica.post(&ch, "", vec![photo(i, 1_000 * i64::from(i))]).expect("post");
    }
    let sa = start(&a, sync_config()).await;
    // The invite carries where Alice's node listens; no discovery is on.
    let (carried, link) = sa.invite(&ch, Role::Viewer, None).expect("invite");
    assert_eq!(carried.addresses, vec![sa.local_addr()]);
    let b = bob();
    let sb = start(&b, sync_config()).await;
    let invite = Invite::parse(&link, swarmroll_core::Timestamp::now()).expect("parse");
    let joined = sb.join(&invite, "Bob", Duration::from_secs(10)).await.expect("join");
    assert_eq!(joined, ch);
    // The whole gallery, thumbnails included, is here as soon as join returns.
    let page = b.replica.gallery(&ch, None, 100).expect("gallery");
    assert_eq!(page.items.len(), 5);
    assert!(page.items.iter().all(|i| i.thumbnail.len() == 5 && i.thumbnail[0] == 0xff));
    // And the host learns the guest's profile.
    until(5, "alice sees bob", || a.replica.members(&ch).expect("members").len() == 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invite_whose_host_is_gone_says_so_and_keeps_the_channel() {
    let a = alice();
    let ch = a.create("Party");
    let dead: SocketAddr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let (invite, _) = a.replica.invite(&ch, Role::Viewer, vec![dead], None).expect("invite");
    let b = bob();
    let sb = start(&b, sync_config()).await;
    let err = sb.join(&invite, "Bob", Duration::from_millis(800)).await.expect_err("nobody answers");
    assert!(matches!(err, SyncError::NoPeerReachable), "{err:?}");
    assert!(b.replica.channels().expect("channels").iter().any(|c| c.id == ch));
    assert_eq!(caption_count(&b, &ch), 0);
    // When the host comes back at that address, sync finds it without being asked again.
    a.replica.post(&ch, "", vec![photo(9, 9_000)]).expect("post");
    let _sa = start(&a, swarmroll_core::sync::Config { listen: dead, ..sync_config() }).await;
    until(20, "bob reaches alice once she is back", || caption_count(&b, &ch) == 1).await;
}

/// Bob and Carol are each given Alice's address only. Returns whether they were
/// introduced to each other within a few seconds.
async fn introduced(exchange: bool) -> bool {
    let (a, b, c) = (alice(), bob(), carol());
    let ch = a.create("Trip");
    join_without_address(&b, &a, &ch, Role::Contributor);
    join_without_address(&c, &a, &ch, Role::Contributor);
    let cfg = || swarmroll_core::sync::Config { exchange, ..sync_config() };
    let sa = start(&a, cfg()).await;
    let sb = start(&b, cfg()).await;
    let sc = start(&c, cfg()).await;
    sb.add_peer(ch, sa.local_addr());
    until(5, "bob connected to alice", || sb.peers(&ch).len() == 1).await;
    sc.add_peer(ch, sa.local_addr());
    until(5, "carol connected to alice", || sc.peers(&ch).contains(&a.replica.device_id())).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while tokio::time::Instant::now() < deadline {
        if sb.peers(&ch).contains(&c.replica.device_id()) && sc.peers(&ch).len() == 2 {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_introduce_each_other_unless_switched_off() {
    assert!(introduced(true).await, "alice did not introduce bob and carol");
    assert!(!introduced(false).await, "introduced with address exchange off");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subnet_scan_finds_members_when_multicast_is_filtered() {
    let (a, b, d) = (alice(), bob(), peer("Dave"));
    let ch = a.create("Venue");
    join_without_address(&b, &a, &ch, Role::Viewer);
    d.create("Another party");
    // A port free on both addresses; each node on its own loopback address, each with a
    // beacon group nobody else uses, so no beacon ever arrives.
    let port = loop {
        let p = free_udp_port();
        let ok = [21u8, 22, 23].iter().all(|i| std::net::TcpListener::bind((Ipv4Addr::new(127, 0, 0, *i), p)).is_ok());
        if ok {
            break p;
        }
    };
    let scanning = |ip: u8| LanConfig {
        scan_after: Some(Duration::from_millis(300)),
        scan_subnets: Some(vec![(Ipv4Addr::new(127, 0, 0, ip), 24)]),
        scan_port: port,
        ..lan_config(free_udp_port())
    };
    let cfg = |ip: u8| swarmroll_core::sync::Config {
        lan: Some(scanning(ip)),
        ..listen_on(Ipv4Addr::new(127, 0, 0, ip), port)
    };
    let _sa = start(&a, cfg(21)).await;
    let sb = start(&b, cfg(22)).await;
    let sd = start(&d, cfg(23)).await;
    until(20, "bob finds alice by scanning", || sb.peers(&ch).len() == 1).await;
    until(10, "bob's status", || sb.lan_status() == Some(LanStatus::Found)).await;
    // Dave shares no channel: hosts answered, none a member — not "isolated".
    until(20, "dave's status", || sd.lan_status() == Some(LanStatus::NoMembersNearby)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unicast_reply_suffices_when_multicast_works_one_way() {
    let (a, b) = (alice(), bob());
    let ch = a.create("Venue");
    join_without_address(&b, &a, &ch, Role::Viewer);
    let port = free_udp_port();
    let sa = start(&a, swarmroll_core::sync::Config { lan: Some(lan_config(port)), ..sync_config() }).await;
    // Bob's beacons go out on no interface (his multicast never reaches anyone); he still
    // receives Alice's (on Linux a socket on the port gets the group's datagrams once any
    // socket of the host joined it).
    let mute = LanConfig { interfaces: Some(vec![]), ..lan_config(port) };
    let sb = start(&b, swarmroll_core::sync::Config { lan: Some(mute), ..sync_config() }).await;
    until(10, "connected", || sa.peers(&ch).len() == 1 && sb.peers(&ch).len() == 1).await;
    // Alice heard no multicast from Bob, only his unicast answer: she knows he is here.
    until(5, "alice hears bob's answer", || sa.lan_status() == Some(LanStatus::Found)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_node_on_the_machine_takes_another_port() {
    let (a, b) = (alice(), bob());
    let default = swarmroll_core::sync::Config { lan: None, ..swarmroll_core::sync::Config::default() };
    let on_loopback = swarmroll_core::sync::Config {
        listen: SocketAddr::from(([127, 0, 0, 1], swarmroll_core::sync::SYNC_PORT)),
        ..default
    };
    let first = start(&a, on_loopback.clone()).await;
    let second = start(&b, on_loopback).await;
    // Whoever held the default port (another process, or the first node), both run.
    assert_ne!(first.local_addr(), second.local_addr());
    assert_ne!(second.local_addr().port(), swarmroll_core::sync::SYNC_PORT);
}

/// A channel of `n` events by 30 generated authors (12 KB thumbnails), owned by a peer
/// whose own feed sorts after a third of them: delivered in the order of the version
/// vector, those feeds — several transactions' worth — would wait for the contributor
/// key the owner's genesis publishes (a viewer's invite does not carry it).
fn channel_with_owner_sorting_late(n: usize) -> (Peer, ChannelId, Vec<Vec<u8>>) {
    for _ in 0..20 {
        let owner = peer("Owner");
        let ch = owner.create("Big wedding");
        let events = swarmroll_tests::gen::ChannelGen::new(&owner.replica, ch, 30, 12_000, 11).take(n);
        let me = owner.replica.device_id();
        let before_owner = events
            .iter()
            .map(|raw| swarmroll_core::log::Event::decode(raw).unwrap().header.author)
            .filter(|a| *a < me)
            .count();
        if before_owner > n / 3 {
            for batch in events.chunks(500) {
                assert!(owner.replica.ingest(&ch, batch).unwrap().rejected.is_empty());
            }
            return (owner, ch, events);
        }
    }
    panic!("twenty owners in a row sorted early");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_joining_member_gets_the_key_publishing_feeds_first_and_nothing_waits() {
    let (owner, ch, events) = channel_with_owner_sorting_late(3_000);
    let guest = bob();
    join_without_address(&guest, &owner, &ch, Role::Viewer);
    let so = start(&owner, sync_config()).await;
    let sg = start(&guest, sync_config()).await;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // The most events that ever waited while the guest caught up.
    let watch = {
        let (replica, ch, done) = (guest.replica.clone(), ch, done.clone());
        tokio::spawn(async move {
            let mut most = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                most = most.max(swarmroll_core::testing::pending_count(&replica, &ch).unwrap());
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            most
        })
    };
    let mut sync_events = sg.subscribe();
    sg.connect(ch, so.local_addr()).await.unwrap();
    tokio::time::timeout(Duration::from_secs(60), caught_up(&mut sync_events, ch)).await.expect("caught up");
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let most = watch.await.unwrap();
    assert_eq!(most, 0, "events waited for a feed that came later");
    until(10, "every event", || guest.event_count(&ch) == owner.event_count(&ch)).await;
    assert!(guest.event_count(&ch) > events.len());
}

#[test]
fn a_backlog_waiting_for_the_owners_feed_is_accepted_when_it_comes() {
    let (owner, ch, events) = channel_with_owner_sorting_late(2_000);
    let guest = bob();
    join_without_address(&guest, &owner, &ch, Role::Viewer);
    // Every generated event first (they all wait), the owner's feed last.
    for batch in events.chunks(300) {
        let r = guest.replica.ingest(&ch, batch).unwrap();
        assert!(r.rejected.is_empty(), "{:?}", r.rejected.first());
    }
    let waiting = swarmroll_core::testing::pending_count(&guest.replica, &ch).unwrap();
    assert!(waiting > 1_000, "only {waiting} waited");
    let owners: Vec<Vec<u8>> = owner
        .replica
        .export(&ch)
        .unwrap()
        .into_iter()
        .filter(|raw| swarmroll_core::log::Event::decode(raw).unwrap().header.author == owner.replica.device_id())
        .collect();
    let r = guest.replica.ingest(&ch, &owners).unwrap();
    assert!(r.rejected.is_empty(), "{:?}", r.rejected.first());
    assert_eq!(swarmroll_core::testing::pending_count(&guest.replica, &ch).unwrap(), 0);
    let (mut mine, mut theirs) = (guest.replica.export(&ch).unwrap(), owner.replica.export(&ch).unwrap());
    mine.sort();
    theirs.sort();
    mine.retain(|raw| theirs.binary_search(raw).is_ok());
    assert_eq!(mine.len(), theirs.len(), "the guest holds every event the owner holds");
}
