#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: failing loudly is right
//! Reverse connections with real nodes on loopback: a member whose swarm cannot be dialled
//! at the address it connected from (a phone behind a NAT, here a guest whose librqbit
//! listens on 127.0.0.2 while its sync connects from 127.0.0.1) still gets its photos to
//! the node it dialled, by calling back. Without call-backs nothing arrives — the control
//! that shows the guest really cannot be dialled. The NAT lab (`scripts/nat-lab.sh`)
//! shows the same behind real NATs.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::Path;
use std::time::Duration;
use swarmroll_core::channel::Role;
use swarmroll_core::node::{NetworkKind, NetworkState, Node};
use swarmroll_core::sync::Reverse;
use swarmroll_core::{ChannelId, EventId};
use swarmroll_tests::net::{node_config, share_fixtures as shares, until};
use tempfile::TempDir;

fn host(dir: &Path, reverse: Reverse) -> Node {
    let mut cfg = node_config(dir);
    cfg.sync.reverse = reverse;
    Node::open(cfg).unwrap()
}

/// A guest whose swarm listens where its sync connections do not come from.
fn unreachable_guest(dir: &Path) -> Node {
    let mut cfg = node_config(dir);
    cfg.swarm.listen = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, 2), 0));
    Node::open(cfg).unwrap()
}

/// The host's channel, the guest joined to it (the guest dialled the host), and a post of
/// real photos the guest shared.
async fn guest_shares(host: &Node, guest: &Node) -> (ChannelId, EventId) {
    host.start().await.unwrap();
    let ch = host.create_channel("After the party", "Home", false).unwrap();
    guest.start().await.unwrap();
    let (invite, _) = host.invite(&ch, Role::Contributor, None).await.unwrap();
    guest.join(&invite, "Ana", Duration::from_secs(10)).await.unwrap();
    let outcome = shares(guest, &ch, &["phones/iphone_hdr_NO.jpg", "phones/jolla.jpg"], "from the dance floor").await;
    assert_eq!(outcome.posted(), 2);
    let post = outcome.posts[0];
    until(10, "the post in the home node's log", || host.thread(&post).unwrap().is_some()).await;
    (ch, post)
}

fn left(n: &Node, ch: &ChannelId) -> u64 {
    let me = n.device_id();
    swarmroll_core::testing::remaining(swarmroll_core::testing::replica(n), &[*ch], &me).unwrap().0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_that_cannot_be_dialled_calls_back_and_its_photos_arrive() {
    let dirs: Vec<TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let (home, ana) = (host(dirs[0].path(), Reverse::Always), unreachable_guest(dirs[1].path()));
    let (ch, post) = guest_shares(&home, &ana).await;
    until(60, "the guest's photos at the home node", || left(&home, &ch) == 0).await;
    // Byte for byte what Ana shared.
    let want: std::collections::BTreeSet<[u8; 32]> =
        ana.thread(&post).unwrap().unwrap().post.items.iter().map(|i| i.media.content_hash.0).collect();
    let got: std::collections::BTreeSet<[u8; 32]> = std::fs::read_dir(home.media_dir(&ch).join(post.to_hex()))
        .unwrap()
        .map(|e| *blake3::hash(&std::fs::read(e.unwrap().path()).unwrap()).as_bytes())
        .collect();
    assert_eq!(got, want);
    // It came through call-backs: the home node asked, Ana called back, bytes flowed.
    let (h, a) = (home.callbacks().await.unwrap(), ana.callbacks().await.unwrap());
    assert!(h.asked >= 1 && h.answered >= 1, "{h:?}");
    assert!(a.made >= 1, "{a:?}");
    assert!(h.bytes > 2_000_000, "{h:?}");
    // Ana never needed one: she dialled the home node, whose swarm she dials directly.
    assert_eq!(a.asked, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_call_backs_the_photos_of_a_member_that_cannot_be_dialled_never_arrive() {
    let dirs: Vec<TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let (home, ana) = (host(dirs[0].path(), Reverse::Off), unreachable_guest(dirs[1].path()));
    let (ch, _) = guest_shares(&home, &ana).await;
    let before = left(&home, &ch);
    assert!(before > 0);
    tokio::time::sleep(Duration::from_secs(8)).await;
    assert_eq!(left(&home, &ch), before, "something arrived: the guest was dialable after all");
    assert_eq!(home.callbacks().await.unwrap().asked, 0);
}

/// A member whose node dials nobody it is told of: it reaches other members only when an
/// introducer has them punch (`sync::punch`).
fn reticent_guest(dir: &Path) -> Node {
    let mut cfg = node_config(dir);
    cfg.sync.exchange = false;
    cfg.sync.reverse = Reverse::Always;
    Node::open(cfg).unwrap()
}

async fn two_guests_join(home: &Node, ana: &Node, ben: &Node) -> (ChannelId, EventId) {
    home.start().await.unwrap();
    let ch = home.create_channel("After the party", "Home", false).unwrap();
    let outcome = shares(home, &ch, &["phones/jolla.jpg"], "").await;
    let (invite, _) = home.invite(&ch, Role::Contributor, None).await.unwrap();
    for (g, name) in [(ana, "Ana"), (ben, "Ben")] {
        g.start().await.unwrap();
        g.join(&invite, name, Duration::from_secs(10)).await.unwrap();
    }
    (ch, outcome.posts[0])
}

/// Waits until `a` is connected to `b` in `ch`; whether it was within `secs`.
async fn connected(a: &Node, b: &Node, ch: &ChannelId, secs: u64) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while tokio::time::Instant::now() < deadline {
        if a.peers(ch).await.contains(&b.device_id()) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_introduced_by_a_third_punch_through_to_each_other() {
    let dirs: Vec<TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let home = host(dirs[0].path(), Reverse::Always);
    let (ana, ben) = (reticent_guest(dirs[1].path()), reticent_guest(dirs[2].path()));
    let (ch, post) = two_guests_join(&home, &ana, &ben).await;
    assert!(connected(&ana, &ben, &ch, 15).await, "Ana and Ben never connected");
    let (h, a, b) = (home.punches().await.unwrap(), ana.punches().await.unwrap(), ben.punches().await.unwrap());
    assert!(h.introduced >= 1, "{h:?}");
    assert!(a.opened >= 1 && b.opened >= 1, "{a:?} {b:?}");
    // The punched connection carries the log on its own: Ben's comment reaches Ana with
    // the home node gone.
    home.stop().await;
    let said = ben.comment(&ch, &post, "straight to you", None).unwrap();
    until(10, "Ben's comment at Ana", || {
        ana.thread(&post).unwrap().is_some_and(|t| t.comments.iter().any(|c| c.id == said))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_introduction_members_that_dial_nobody_stay_apart() {
    let dirs: Vec<TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let home = host(dirs[0].path(), Reverse::Off);
    let (ana, ben) = (reticent_guest(dirs[1].path()), reticent_guest(dirs[2].path()));
    let (ch, _) = two_guests_join(&home, &ana, &ben).await;
    assert!(!connected(&ana, &ben, &ch, 6).await, "connected without being introduced");
    assert_eq!(home.punches().await.unwrap().introduced, 0);
}

/// A member whose swarm cannot be dialled and who dials nobody it is told of: like a phone
/// behind a NAT, its photos reach another such member by punching again (`direct`), or
/// only through a member both reach.
fn phone(dir: &Path, direct: bool) -> Node {
    let mut cfg = node_config(dir);
    cfg.swarm.listen = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, 2), 0));
    cfg.sync.exchange = false;
    cfg.sync.direct_swarm = direct;
    Node::open(cfg).unwrap()
}

/// A home node that fetches no originals itself: whatever of a phone's photo reaches the
/// other phone went through its relay.
fn relaying_home(dir: &Path, relay: bool) -> Node {
    let mut cfg = node_config(dir);
    cfg.sync.reverse = Reverse::Always;
    cfg.sync.relay.enabled = relay;
    cfg.policy.originals = swarmroll_core::node::Originals::Never;
    Node::open(cfg).unwrap()
}

/// The content hashes of the originals of `post` held by `n`.
fn held(n: &Node, ch: &ChannelId, post: &EventId) -> std::collections::BTreeSet<[u8; 32]> {
    let Ok(files) = std::fs::read_dir(n.media_dir(ch).join(post.to_hex())) else { return Default::default() };
    files.filter_map(|e| std::fs::read(e.ok()?.path()).ok()).map(|b| *blake3::hash(&b).as_bytes()).collect()
}

/// Ana shares two real photos; returns whether Ben held both, byte for byte, within `secs`.
async fn ana_shares_to_ben(home: &Node, ana: &Node, ben: &Node, secs: u64) -> (ChannelId, EventId, bool) {
    let (ch, _) = two_guests_join(home, ana, ben).await;
    assert!(connected(ana, ben, &ch, 15).await, "Ana and Ben never connected");
    let outcome =
        shares(ana, &ch, &["phones/iphone_hdr_NO.jpg", "cameras/Reconyx_HC500_Hyperfire.jpg"], "for Ben").await;
    let post = outcome.posts[0];
    until(10, "Ana's post at Ben", || ben.thread(&post).unwrap().is_some()).await;
    let want: std::collections::BTreeSet<[u8; 32]> =
        ana.thread(&post).unwrap().unwrap().post.items.iter().map(|i| i.media.content_hash.0).collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while held(ben, &ch, &post) != want && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (ch, post, held(ben, &ch, &post) == want)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_between_punched_members_go_directly_not_through_the_relay() {
    let dirs: Vec<TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let home = relaying_home(dirs[0].path(), true);
    let (ana, ben) = (phone(dirs[1].path(), true), phone(dirs[2].path(), true));
    let (ch, post, whole) = ana_shares_to_ben(&home, &ana, &ben, 60).await;
    assert!(whole, "Ben never got Ana's photos, byte for byte");
    // Ben's librqbit asked Ana to punch back, and the photos took that connection.
    let (a, b) = (ana.direct_swarm().await.unwrap(), ben.direct_swarm().await.unwrap());
    assert!(b.asked >= 1 && b.opened >= 1 && a.opened >= 1, "{a:?} {b:?}");
    assert!(b.bytes > 2_000_000, "{b:?}");
    let h = home.relays().await.unwrap();
    assert_eq!((h.circuits, h.bytes), (0, 0), "went through the relay: {h:?}");
    assert!(!home.media_dir(&ch).join(post.to_hex()).exists(), "the home node stored the photos");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_between_members_that_cannot_dial_each_other_go_through_the_relay() {
    let dirs: Vec<TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let home = relaying_home(dirs[0].path(), true);
    // Punching again is off (as where the members' NATs change the port).
    let (ana, ben) = (phone(dirs[1].path(), false), phone(dirs[2].path(), false));
    let (ch, post, whole) = ana_shares_to_ben(&home, &ana, &ben, 60).await;
    assert!(whole, "Ben never got Ana's photos, byte for byte");
    // Through the home node's relay, which holds none of it.
    let (h, b) = (home.relays().await.unwrap(), ben.relays().await.unwrap());
    assert!(h.circuits >= 1 && h.bytes > 2_000_000, "{h:?}");
    assert!(b.used >= 1, "{b:?}");
    assert!(!home.media_dir(&ch).join(post.to_hex()).exists(), "the home node stored the photos");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_relay_off_nothing_passes_between_members_that_cannot_dial_each_other() {
    let dirs: Vec<TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let home = relaying_home(dirs[0].path(), false);
    nothing_relayed(&home, &dirs).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_on_a_metered_network_relays_nothing() {
    let dirs: Vec<TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let home = relaying_home(dirs[0].path(), true);
    let cellular = NetworkState { kind: NetworkKind::Cellular, metered: true, constrained: false };
    home.network_changed(cellular).await;
    nothing_relayed(&home, &dirs).await;
}

/// Ana's photos never reach Ben through `home`, which refuses to relay.
async fn nothing_relayed(home: &Node, dirs: &[TempDir]) {
    let (ana, ben) = (phone(dirs[1].path(), false), phone(dirs[2].path(), false));
    let (ch, post, whole) = ana_shares_to_ben(home, &ana, &ben, 8).await;
    // Ben's fetch may have made the files (empty, or sparse); not a byte of them arrived.
    let arrived: u64 = std::fs::read_dir(ben.media_dir(&ch).join(post.to_hex()))
        .map(|d| {
            d.filter_map(|e| std::fs::read(e.ok()?.path()).ok())
                .map(|b| b.iter().filter(|x| **x != 0).count() as u64)
                .sum()
        })
        .unwrap_or(0);
    assert!(!whole && arrived == 0, "something arrived: the members could dial each other ({arrived} bytes)");
    let h = home.relays().await.unwrap();
    assert_eq!((h.circuits, h.bytes), (0, 0), "{h:?}");
    assert!(h.refused >= 1, "{h:?}");
}

/// A phone like [`phone`] that also waits at these rendezvous relays (nodes in no channel).
fn phone_via(dir: &Path, relays: &[SocketAddr]) -> Node {
    let mut cfg = node_config(dir);
    cfg.swarm.listen = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, 2), 0));
    cfg.sync.exchange = false;
    cfg.sync.direct_swarm = false;
    cfg.sync.rendezvous = relays.to_vec();
    Node::open(cfg).unwrap()
}

/// Ana and Ben join the home node's channel, then the home node goes away: from then on
/// the members can meet only at `relays`. Ana shares two real photos, Ben comments;
/// returns both, the post, and whether Ben held both photos byte for byte and Ana
/// had Ben's comment within `secs`.
async fn after_the_home_node_is_gone(
    relays: &[SocketAddr],
    dirs: &[TempDir],
    secs: u64,
) -> (Node, Node, EventId, bool) {
    let home = Node::open(node_config(dirs[0].path())).unwrap();
    let (ana, ben) = (phone_via(dirs[1].path(), relays), phone_via(dirs[2].path(), relays));
    let (ch, _) = two_guests_join(&home, &ana, &ben).await;
    home.stop().await;
    drop(home);
    let outcome =
        shares(&ana, &ch, &["phones/iphone_hdr_NO.jpg", "cameras/Reconyx_HC500_Hyperfire.jpg"], "for Ben").await;
    let post = outcome.posts[0];
    let want: std::collections::BTreeSet<[u8; 32]> =
        ana.thread(&post).unwrap().unwrap().post.items.iter().map(|i| i.media.content_hash.0).collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    let mut commented = false;
    while tokio::time::Instant::now() < deadline {
        if !commented && ben.thread(&post).unwrap().is_some() {
            ben.comment(&ch, &post, "wish I had been there", None).unwrap();
            commented = true;
        }
        let answered = ana.thread(&post).unwrap().is_some_and(|t| !t.comments.is_empty());
        if answered && held(&ben, &ch, &post) == want {
            return (ana, ben, post, true);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (ana, ben, post, false)
}

/// A rendezvous relay (`swarmroll serve-relay`) on loopback.
async fn loopback_relay() -> swarmroll_core::node::RelayServer {
    let at = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0));
    swarmroll_core::node::RelayServer::start(swarmroll_core::node::RelayServerConfig::new(at)).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_meet_at_a_rendezvous_relay_that_is_in_no_channel() {
    let relay = loopback_relay().await;
    let dirs: Vec<TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (ana, ben, _, whole) = after_the_home_node_is_gone(&[relay.local_addr()], &dirs, 60).await;
    assert!(whole, "Ben never got Ana's photos byte for byte, or Ana never got Ben's comment");
    // Sync and the photos' swarm both went through the relay, sealed end to end.
    let (a, b, r) = (ana.rendezvous().await.unwrap(), ben.rendezvous().await.unwrap(), relay.counts());
    assert!(a.connections + b.connections >= 1 && a.swarm + b.swarm >= 1, "{a:?} {b:?}");
    assert!(a.bytes > 2_000_000 && b.bytes > 2_000_000, "{a:?} {b:?}");
    assert!(r.circuits >= 2 && r.bytes > 2_000_000, "{r:?}");
    assert_eq!(r.waiting, 2, "one waiter per member and channel: {r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_rendezvous_relay_members_whose_home_node_is_gone_stay_apart() {
    let dirs: Vec<TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (_, ben, post, whole) = after_the_home_node_is_gone(&[], &dirs, 8).await;
    assert!(!whole && ben.thread(&post).unwrap().is_none(), "the members met without the relay");
    assert_eq!(ben.rendezvous().await.unwrap(), Default::default());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_named_in_settings_while_running_is_met_at_once_and_kept() {
    use swarmroll_core::node::{NodeError, RelayError};
    let relay = loopback_relay().await;
    let at = relay.local_addr();
    let dirs: Vec<TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let home = Node::open(node_config(dirs[0].path())).unwrap();
    let (ana, ben) = (phone_via(dirs[1].path(), &[]), phone_via(dirs[2].path(), &[]));
    let (ch, _) = two_guests_join(&home, &ana, &ben).await;
    home.stop().await;
    drop(home);
    // What no relay can be changes nothing.
    let nowhere: SocketAddr = "0.0.0.0:51418".parse().unwrap();
    assert!(matches!(ana.set_rendezvous_relays(&[at, nowhere]).await, Err(NodeError::Relay(RelayError::Unreachable))));
    let many: Vec<SocketAddr> = (1..=9).map(|p| SocketAddr::from(([127, 0, 0, 1], 40_000 + p))).collect();
    assert!(matches!(ana.set_rendezvous_relays(&many).await, Err(NodeError::Relay(RelayError::TooMany))));
    assert!(ana.settings().rendezvous_relays.is_empty());
    // Named on both running phones (the same one twice counts once): they meet there.
    ana.set_rendezvous_relays(&[at, at]).await.unwrap();
    ben.set_rendezvous_relays(&[at]).await.unwrap();
    assert_eq!(ana.settings().rendezvous_relays, vec![at]);
    let post = shares(&ana, &ch, &["phones/iphone_hdr_NO.jpg"], "named a relay").await.posts[0];
    until(30, "Ana's post at Ben through the relay", || ben.thread(&post).unwrap().is_some()).await;
    assert!(relay.counts().circuits >= 1, "{:?}", relay.counts());
    // Taken off the list: the node stops waiting there.
    ben.set_rendezvous_relays(&[]).await.unwrap();
    until(10, "Ben no longer waiting at the relay", || relay.counts().waiting == 1).await;
    // Kept in the data folder.
    ana.stop().await;
    drop(ana);
    let again = phone_via(dirs[1].path(), &[]);
    assert_eq!(again.settings().rendezvous_relays, vec![at]);
}
