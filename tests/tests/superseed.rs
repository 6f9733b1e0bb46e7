//! Super-seeding at the seed (the swarm patch to librqbit): a node holding a whole post
//! offers each peer only pieces nobody else holds or was offered, more as the peer asks,
//! so a crowd fetching a fresh post costs the seed about one copy; a peer that gets nothing
//! elsewhere for a second is then offered what it lacks. Posts under 16 MiB are seeded
//! plainly.
//!
//! Most tests speak the wire protocol themselves (a bare BitTorrent peer over loopback)
//! to see exactly what the seed offers; the crowd test runs real librqbit peers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::num::NonZeroU32;
use std::path::Path;
use std::time::{Duration, Instant};
use swarmroll_core::swarm::select::Stripe;
use swarmroll_core::swarm::torrent::{self, Built, SourceFile};
use swarmroll_core::swarm::{Config, FetchOptions, Swarm};

const BLOCK: u32 = 16 * 1024;

fn loopback() -> Config {
    Config { listen: "127.0.0.1:0".parse().unwrap(), ..Config::default() }
}

/// A post of one generated file of `len` bytes.
fn post(dir: &Path, len: usize) -> (Built, Vec<SourceFile>, Vec<u8>) {
    let data: Vec<u8> = (0..len).map(|i| ((i as u64).wrapping_mul(2_654_435_761) >> 11) as u8).collect();
    let path = dir.join("clip.bin");
    std::fs::write(&path, &data).unwrap();
    let files = vec![SourceFile { name: "clip.bin".into(), path, len: len as u64, patches: vec![], key: None }];
    (torrent::build("post", &files, false).unwrap(), files, data)
}

/// A bare BitTorrent peer: handshake, then length-prefixed messages.
struct Peer {
    sock: TcpStream,
    pieces: u32,
    /// Pieces the seed has shown this peer (bitfield and HAVEs).
    shown: BTreeSet<u32>,
    got: BTreeSet<u32>,
}

impl Peer {
    fn connect(addr: SocketAddr, info_hash: &[u8; 20], pieces: u32, id: u8) -> Peer {
        let mut sock = TcpStream::connect(addr).unwrap();
        let mut hs = vec![19u8];
        hs.extend_from_slice(b"BitTorrent protocol");
        hs.extend_from_slice(&[0; 8]);
        hs.extend_from_slice(info_hash);
        hs.extend_from_slice(b"-TT0001-superseed000");
        hs[67] = id;
        sock.write_all(&hs).unwrap();
        let mut theirs = [0u8; 68];
        sock.read_exact(&mut theirs).unwrap();
        assert_eq!(&theirs[28..48], info_hash);
        let mut peer = Peer { sock, pieces, shown: BTreeSet::new(), got: BTreeSet::new() };
        peer.send(2, &[]); // interested
        peer
    }

    fn send(&mut self, id: u8, payload: &[u8]) {
        let mut m = (payload.len() as u32 + 1).to_be_bytes().to_vec();
        m.push(id);
        m.extend_from_slice(payload);
        self.sock.write_all(&m).unwrap();
    }

    fn request(&mut self, piece: u32, piece_len: u32) {
        let mut p = Vec::new();
        for x in [piece, 0, piece_len] {
            p.extend_from_slice(&x.to_be_bytes());
        }
        self.send(6, &p);
    }

    /// Reads messages until `deadline`, or until `stop` holds; returns whether it held.
    fn read_until(&mut self, deadline: Instant, data: &[u8], mut stop: impl FnMut(&Peer) -> bool) -> bool {
        loop {
            if stop(self) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            self.sock.set_read_timeout(Some(left)).unwrap();
            let mut len = [0u8; 4];
            match self.sock.read_exact(&mut len) {
                Ok(()) => {}
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                    return stop(self)
                }
                Err(e) => panic!("seed closed the connection: {e}"),
            }
            self.sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut msg = vec![0u8; u32::from_be_bytes(len) as usize];
            self.sock.read_exact(&mut msg).unwrap();
            match msg.first() {
                Some(4) => {
                    self.shown.insert(u32::from_be_bytes(msg[1..5].try_into().unwrap()));
                }
                Some(5) => {
                    for (i, byte) in msg[1..].iter().enumerate() {
                        for bit in 0..8 {
                            let piece = (i * 8 + bit) as u32;
                            if byte & (0x80 >> bit) != 0 && piece < self.pieces {
                                self.shown.insert(piece);
                            }
                        }
                    }
                }
                Some(7) => {
                    let piece = u32::from_be_bytes(msg[1..5].try_into().unwrap());
                    let begin = u32::from_be_bytes(msg[5..9].try_into().unwrap()) as usize;
                    let at = piece as usize * BLOCK as usize + begin;
                    assert_eq!(&msg[9..], &data[at..at + msg.len() - 9], "piece {piece} is the post's bytes");
                    self.got.insert(piece);
                }
                _ => {}
            }
        }
    }
}

/// A node seeding a generated post of `len` bytes, for bare peers to dial.
struct Seeding {
    seeder: Swarm,
    addr: SocketAddr,
    hash: [u8; 20],
    info: Vec<u8>,
    data: Vec<u8>,
    pieces: u32,
    _dir: tempfile::TempDir,
}

async fn seeding(len: usize) -> Seeding {
    let dir = tempfile::tempdir().unwrap();
    let (built, files, data) = post(dir.path(), len);
    assert_eq!(torrent::piece_length(data.len() as u64), BLOCK, "the test reads one block per piece");
    let seeder = Swarm::start(dir.path(), loopback()).await.unwrap();
    seeder.seed(&built, files).await.unwrap();
    let addr = seeder.listen_addr().unwrap();
    let pieces = data.len().div_ceil(BLOCK as usize) as u32;
    Seeding { seeder, addr, hash: built.info_hash, info: built.info, data, pieces, _dir: dir }
}

/// Asks for every piece the seed shows `peer` until it holds the whole post (or 20 s
/// pass); returns the pieces asked for in the first `early` after starting.
fn fetch_shown(peer: &mut Peer, data: &[u8], early: Duration) -> BTreeSet<u32> {
    let (started, end) = (Instant::now(), Instant::now() + Duration::from_secs(20));
    let mut asked = BTreeSet::new();
    let mut asked_early = BTreeSet::new();
    while peer.got.len() < peer.pieces as usize && Instant::now() < end {
        for piece in peer.shown.clone() {
            if asked.insert(piece) {
                peer.request(piece, piece_len(data, piece));
                if started.elapsed() < early {
                    asked_early.insert(piece);
                }
            }
        }
        peer.read_until(Instant::now() + Duration::from_millis(50), data, |_| false);
    }
    asked_early
}

/// One block per piece here (the post's pieces are 16 KiB).
fn piece_len(data: &[u8], piece: u32) -> u32 {
    (data.len() - piece as usize * BLOCK as usize).min(BLOCK as usize) as u32
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seed_offers_each_peer_fresh_pieces_a_few_at_a_time_and_feeds_a_starved_peer() {
    let Seeding { seeder, addr, hash, data, pieces, .. } = seeding(17_000_000).await;
    tokio::task::spawn_blocking(move || {
        let soon = || Instant::now() + Duration::from_secs(5);
        // Two peers connect: each is offered a few pieces (512 KiB' worth), not the same.
        let mut x = Peer::connect(addr, &hash, pieces, 1);
        x.read_until(soon(), &data, |p| p.shown.len() >= 32);
        let mut y = Peer::connect(addr, &hash, pieces, 2);
        y.read_until(soon(), &data, |p| p.shown.len() >= 32);
        assert_eq!((x.shown.len(), y.shown.len()), (32, 32), "a few pieces each, of {pieces}");
        assert!(x.shown.is_disjoint(&y.shown), "nobody is offered what another was");

        // X asks for what it was offered; the seed offers more as it does, never what Y
        // holds an offer for, until X has the whole post: Y's offers expire after 2 s, and
        // X, once nothing is fresh, goes a second without progress and is offered the rest.
        let y_first = y.shown.clone();
        let before_expiry = fetch_shown(&mut x, &data, Duration::from_millis(900));
        assert_eq!(x.got.len(), pieces as usize, "X got the whole post from offers");
        assert!(before_expiry.is_disjoint(&y_first), "Y's standing offers were not X's");
        assert!(before_expiry.len() > 40, "X was offered more as it asked ({})", before_expiry.len());

        // Every piece is out now (X holds it). A new peer, Z, gets nothing fresh; having
        // made no progress for a second, it is offered what it lacks, a backlog at a time,
        // and more as it asks, until it has the whole post.
        let mut z = Peer::connect(addr, &hash, pieces, 3);
        let t0 = Instant::now();
        z.read_until(t0 + Duration::from_millis(600), &data, |_| false);
        assert!(z.shown.is_empty(), "nothing fresh to offer ({} shown)", z.shown.len());
        assert!(z.read_until(t0 + Duration::from_secs(5), &data, |p| !p.shown.is_empty()));
        let waited = t0.elapsed();
        assert!(waited >= Duration::from_millis(900), "offered pieces only once starved ({waited:?})");
        assert!(z.shown.len() <= 32, "a backlog at a time ({})", z.shown.len());
        fetch_shown(&mut z, &data, Duration::ZERO);
        assert_eq!(z.got.len(), pieces as usize, "Z got the whole post from the seed");
        drop((x, y, z));
    })
    .await
    .unwrap();
    seeder.stop().await;
}

/// The members wait in the seed's upload queue near the end, silent; that must not pass
/// for starving (it did: 1.09-1.14 copies on a loaded machine, and a CI failure, before
/// blocks served counted as progress; 1.00-1.04 since, 20 runs with both cores busy).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crowd_fetching_a_fresh_post_costs_the_seed_about_one_copy() {
    let dir = tempfile::tempdir().unwrap();
    let (built, files, data) = post(dir.path(), 20_000_000);
    let total = data.len() as u64;
    // The seed's upload is the bottleneck (as a phone's is); the members' is not.
    let capped = Config { upload_bps: NonZeroU32::new(4_000_000), ..loopback() };
    let seeder = Swarm::start(dir.path(), capped).await.unwrap();
    let seeding = seeder.seed(&built, files).await.unwrap();
    let seed_addr = seeder.listen_addr().unwrap();
    let mut members = Vec::new();
    for _ in 0..4 {
        let d = tempfile::tempdir().unwrap();
        members.push((Swarm::start(d.path(), loopback()).await.unwrap(), d));
    }
    let addrs: Vec<SocketAddr> = members.iter().map(|(s, _)| s.listen_addr().unwrap()).collect();
    let mut fetches = Vec::new();
    let started = Instant::now();
    for (i, (swarm, d)) in members.iter().enumerate() {
        // As the control plane does: who holds the post, who fetches it too (one dialler
        // per pair), and this member's rank among them.
        let stripe = Some(Stripe::rank(&addrs[i], &addrs));
        let options =
            FetchOptions { seeds: vec![seed_addr], peers: addrs[..i].to_vec(), stripe, ..FetchOptions::default() };
        fetches.push(swarm.fetch(&built.info, &d.path().join("media"), options).await.unwrap());
    }
    for f in &fetches {
        tokio::time::timeout(Duration::from_secs(90), f.finished()).await.unwrap().unwrap();
    }
    for (_, d) in &members {
        assert_eq!(std::fs::read(d.path().join("media/clip.bin")).unwrap(), data);
    }
    let sent = Swarm::progress(&seeding).uploaded_bytes;
    eprintln!(
        "seed sent {sent} B for a {total} B post to 4 members ({:.2} copies) in {:?}",
        sent as f64 / total as f64,
        started.elapsed()
    );
    assert!(sent >= total, "every piece came from the seed once");
    assert!(sent as f64 <= 1.10 * total as f64, "the seed sent {:.2} copies", sent as f64 / total as f64);
    for (s, _) in &members {
        s.stop().await;
    }
    seeder.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_post_is_seeded_plainly() {
    let Seeding { seeder, addr, hash, data, pieces, .. } = seeding(4_000_000).await;
    tokio::task::spawn_blocking(move || {
        let mut x = Peer::connect(addr, &hash, pieces, 4);
        let full = x.read_until(Instant::now() + Duration::from_secs(5), &data, |p| p.shown.len() == pieces as usize);
        assert!(full, "a 4 MB post: every piece shown at once ({} of {pieces})", x.shown.len());
    })
    .await
    .unwrap();
    seeder.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_that_fetched_a_big_post_super_seeds_it_in_turn() {
    let s = seeding(17_000_000).await;
    let dir = tempfile::tempdir().unwrap();
    let member = Swarm::start(dir.path(), loopback()).await.unwrap();
    let options = FetchOptions { seeds: vec![s.addr], ..FetchOptions::default() };
    let fetch = member.fetch(&s.info, &dir.path().join("media"), options).await.unwrap();
    tokio::time::timeout(Duration::from_secs(60), fetch.finished()).await.unwrap().unwrap();
    // A member that completed a big post is a seed like any other: a newcomer is offered
    // a backlog of fresh pieces, and the rest as it asks. (The member heard of the seed's
    // pieces only by HAVE; a peer announcing every piece that way counts as a seed, not as
    // a holder of every piece that would leave nothing fresh. This run does not catch
    // that case: the member drops the seed as soon as both hold everything.)
    let (addr, hash, pieces, data) = (member.listen_addr().unwrap(), s.hash, s.pieces, s.data.clone());
    tokio::task::spawn_blocking(move || {
        let mut z = Peer::connect(addr, &hash, pieces, 5);
        z.read_until(Instant::now() + Duration::from_secs(5), &data, |p| p.shown.len() >= 32);
        assert_eq!(z.shown.len(), 32, "a backlog of fresh pieces from the member");
        fetch_shown(&mut z, &data, Duration::ZERO);
        assert_eq!(z.got.len(), pieces as usize, "and the whole post as it asks");
    })
    .await
    .unwrap();
    member.stop().await;
    s.seeder.stop().await;
}
