#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: failing loudly is right
//! Rendezvous on a real (tiny) mainline DHT on loopback: three librqbit DHT nodes, two of
//! them members of a channel. Neither member knows the other's address; both find each
//! other under the channel's rendezvous key and sync.
//!
//! A DHT of three nodes needs help that the internet's millions do not
//! (`swarmroll_tests::dht` says which).

use std::net::SocketAddr;
use std::time::Duration;
use swarmroll_core::channel::Role;
use swarmroll_core::node::Node;
use swarmroll_core::swarm::dht::Rendezvous;
use swarmroll_core::sync::{dht_key, Config, DhtConfig};
use swarmroll_tests::dht::{bootstrap, near};
use swarmroll_tests::net::{free_udp_port, node_config, share_fixtures, start, sync_config, until};
use swarmroll_tests::{alice, bob};
use tokio::net::UdpSocket;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_meet_under_the_channel_key_on_the_dht() {
    let (a, b) = (alice(), bob());
    let ch = a.create("Far apart");
    let post = a.replica.post(&ch, "hello from home", vec![swarmroll_tests::photo(1, 1_000)]).expect("post");
    let (invite, _) = a.replica.invite(&ch, Role::Viewer, vec![], None).expect("invite");
    b.replica.join(&invite, "Bob").expect("join");

    // One period for the whole test (a century), so the key cannot turn mid-test.
    let period = Duration::from_secs(100 * 365 * 86_400);
    let access = swarmroll_core::testing::accesses(&a.replica).expect("accesses");
    let secret = access.iter().find(|x| x.channel == ch).expect("channel").secret;
    let index = swarmroll_core::Timestamp::now().0.div_euclid(period.as_millis() as i64);
    let key = dht_key(&secret, index);
    let id = |x: u8| near(key, x);
    let ports: Vec<u16> = (0..3).map(|_| free_udp_port()).collect();
    let addr = |i: usize| SocketAddr::from(([127, 0, 0, 1], ports[i]));
    let nodes = (0..3).map(|i| (id(i as u8 + 1), addr(i))).collect();
    let boot = bootstrap("127.0.0.1:0".parse().unwrap(), nodes).await.to_string();
    let node = |i: usize| Rendezvous::standalone(addr(i), vec![boot.clone()], Some(id(i as u8 + 1)));
    let (ra, rb, _rc) = (node(0).await.expect("dht a"), node(1).await.expect("dht b"), node(2).await.expect("dht c"));

    let with_dht = |r: Rendezvous| Config { dht: Some(DhtConfig { rendezvous: r, period }), ..sync_config() };
    let sa = start(&a, with_dht(ra)).await;
    let sb = start(&b, with_dht(rb)).await;
    until(60, "the members meeting through the DHT", || !sa.peers(&ch).is_empty() && !sb.peers(&ch).is_empty()).await;
    until(10, "bob's copy of the post", || b.replica.thread(&post).expect("thread").is_some()).await;
}

#[test]
fn rendezvous_keys_are_per_channel_and_per_period() {
    assert_ne!(dht_key(&[1; 32], 7), dht_key(&[1; 32], 8));
    assert_ne!(dht_key(&[1; 32], 7), dht_key(&[2; 32], 7));
    assert_eq!(dht_key(&[1; 32], 7), dht_key(&[1; 32], 7));
}

#[derive(serde::Deserialize)]
struct Asked<'a> {
    #[serde(borrow)]
    t: librqbit_bencode::ByteBuf<'a>,
    #[serde(borrow)]
    a: Option<AskedArgs<'a>>,
}

#[derive(serde::Deserialize)]
struct AskedArgs<'a> {
    #[serde(borrow)]
    info_hash: Option<librqbit_bencode::ByteBuf<'a>>,
}

type Heard = std::sync::Arc<std::sync::Mutex<std::collections::HashSet<[u8; 20]>>>;

/// A DHT node that names itself in every answer (so it is in the asker's routing table
/// and asked about everything) and records each info hash it is asked about: a DHT
/// observer.
async fn observer() -> (SocketAddr, Heard) {
    let sock = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
    let addr = sock.local_addr().expect("addr");
    let heard = Heard::default();
    let id = [0x5a; 20];
    let SocketAddr::V4(v4) = addr else { panic!("IPv4 only") };
    let mut me = id.to_vec();
    me.extend_from_slice(&v4.ip().octets());
    me.extend_from_slice(&v4.port().to_be_bytes());
    let record = std::sync::Arc::clone(&heard);
    tokio::spawn(async move {
        let mut buf = [0u8; 2048];
        while let Ok((n, from)) = sock.recv_from(&mut buf).await {
            let Ok(q) = librqbit_bencode::from_bytes::<Asked>(&buf[..n]) else { continue };
            if let Some(hash) = q.a.and_then(|a| a.info_hash).and_then(|h| <[u8; 20]>::try_from(h.0).ok()) {
                record.lock().unwrap().insert(hash);
            }
            let mut r = b"d1:rd2:id20:".to_vec();
            r.extend_from_slice(&id);
            r.extend_from_slice(format!("5:nodes{}:", me.len()).as_bytes());
            r.extend_from_slice(&me);
            r.extend_from_slice(b"5:token4:seen");
            r.extend_from_slice(format!("e1:t{}:", q.t.0.len()).as_bytes());
            r.extend_from_slice(q.t.0);
            r.extend_from_slice(b"1:y1:re");
            let _ = sock.send_to(&r, from).await;
        }
    });
    (addr, heard)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dht_observer_never_hears_of_a_private_channels_posts() {
    let (at, heard) = observer().await;
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = node_config(dir.path());
    cfg.swarm.dht = true;
    cfg.swarm.dht_bootstrap = Some(vec![at]);
    let n = Node::open(cfg).unwrap();
    n.start().await.unwrap();
    let family = n.create_channel("Family only", "Ana", true).unwrap();
    let party = n.create_channel("Open party", "Ana", false).unwrap();
    let private = share_fixtures(&n, &family, &["phones/jolla.jpg"], "").await.posts[0];
    let open = share_fixtures(&n, &party, &["phones/iphone_hdr_NO.jpg"], "").await.posts[0];
    let (private, open) = (n.post_torrent(&private).unwrap().unwrap(), n.post_torrent(&open).unwrap().unwrap());
    assert!(private.private && !open.private);
    // The control: the open channel's post, seeded since after the private one, is looked
    // up (and announced) through the observer, which hears everything the node asks.
    until(60, "the open post asked about on the DHT", || heard.lock().unwrap().contains(&open.info_hash)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let heard = heard.lock().unwrap().clone();
    assert!(!heard.contains(&private.info_hash), "a private post's info hash went to the DHT");
    n.stop().await;
}
