//! A blind rendezvous relay: where members that cannot reach each other (two phones
//! behind carrier NATs, no home node among them) meet through a server a user runs
//! and configures, which is not a member of any channel and learns nothing of them.
//!
//! Members of a channel **wait** at the relay under a tag only members can compute
//! (a key derived from the channel's access secret, `sync::rendezvous`); the relay
//! gives each waiter a random id and tells the waiters under one tag about each other.
//! One of two waiters then **connects** a circuit to the other; the relay tells the
//! other over its waiting stream (`Incoming`), the other **accepts** on a fresh
//! stream, and the relay joins the two, counting the bytes. What runs inside is the
//! members' business: the sync handshake (Noise, with the channel secret mixed in), or
//! a swarm connection sealed with a key the two agreed inside it (`net::sealed`).
//!
//! So the relay sees addresses, timing, byte counts and which waiters share a tag — not
//! the channel, the devices, the log, or a byte of a photo. It has quotas (waiters in
//! all and per address, circuits at once, bytes in all) and refuses beyond them. Its
//! wire is fixed-size records after a 6-byte opening, so nothing here parses
//! variable-length input.

use rand_core::RngCore;
use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// What every stream to a rendezvous relay opens with.
pub const MAGIC: &[u8; 4] = b"SWRV";
const VERSION: u8 = 1;
const WAIT: u8 = 1;
const CONNECT: u8 = 2;
const ACCEPT: u8 = 3;
/// Bytes of a tag.
pub const TAG_LEN: usize = 32;
/// A tag members of one channel wait under.
pub type Tag = [u8; TAG_LEN];
/// How long a stream has to say what it is, and a waiter to accept a circuit.
const OPENING_WAIT: Duration = Duration::from_secs(10);
const ACCEPT_WAIT: Duration = Duration::from_secs(5);
/// A waiting stream hears at least this often, so both ends notice a dead one.
pub const KEEPALIVE: Duration = Duration::from_secs(20);
/// Notices queued for one waiter before it is dropped as too slow.
const NOTICE_QUEUE: usize = 64;

/// What the relay tells a waiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Nothing; the relay is alive.
    Keepalive,
    /// Another waiter under the same tag.
    Peer(u64),
    /// Waiter `from` opened circuit `circuit` to this one: accept it.
    Incoming {
        /// The circuit's id.
        circuit: u64,
        /// The waiter that opened it.
        from: u64,
    },
    /// A waiter under the same tag left.
    Gone(u64),
}

impl Notice {
    const LEN: usize = 17;

    fn encode(self) -> [u8; Self::LEN] {
        let (kind, a, b) = match self {
            Notice::Keepalive => (0, 0, 0),
            Notice::Peer(id) => (1, id, 0),
            Notice::Incoming { circuit, from } => (2, circuit, from),
            Notice::Gone(id) => (3, id, 0),
        };
        let mut out = [0u8; Self::LEN];
        out[0] = kind;
        out[1..9].copy_from_slice(&a.to_be_bytes());
        out[9..].copy_from_slice(&b.to_be_bytes());
        out
    }

    fn decode(raw: &[u8; Self::LEN]) -> io::Result<Notice> {
        let word = |r: &[u8]| r.try_into().map(u64::from_be_bytes).map_err(|_| bad("short notice"));
        let (a, b) = (word(&raw[1..9])?, word(&raw[9..])?);
        match raw[0] {
            0 => Ok(Notice::Keepalive),
            1 => Ok(Notice::Peer(a)),
            2 => Ok(Notice::Incoming { circuit: a, from: b }),
            3 => Ok(Notice::Gone(a)),
            _ => Err(bad("unknown notice")),
        }
    }
}

fn bad(what: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

fn opening(kind: u8) -> [u8; 6] {
    let mut o = [0u8; 6];
    o[..4].copy_from_slice(MAGIC);
    o[4] = VERSION;
    o[5] = kind;
    o
}

/// Waits under `tag` on `stream` (a fresh connection to the relay); this waiter's id.
///
/// # Errors
/// The relay refused (it closes the stream) or the stream failed.
pub async fn wait(stream: &mut TcpStream, tag: &Tag) -> io::Result<u64> {
    let mut m = opening(WAIT).to_vec();
    m.extend_from_slice(tag);
    stream.write_all(&m).await?;
    let mut id = [0u8; 8];
    stream.read_exact(&mut id).await?;
    Ok(u64::from_be_bytes(id))
}

/// The next notice on a waiting stream.
///
/// # Errors
/// The stream ended or sent garbage.
pub async fn next_notice(stream: &mut TcpStream) -> io::Result<Notice> {
    let mut raw = [0u8; Notice::LEN];
    stream.read_exact(&mut raw).await?;
    Notice::decode(&raw)
}

/// Opens a circuit from waiter `from` to waiter `to` under `tag` at `relay`; the
/// stream, once the other end accepted.
///
/// # Errors
/// Refused (no such waiter, a quota, the other did not accept) or failed.
pub async fn connect(relay: SocketAddr, tag: &Tag, from: u64, to: u64) -> io::Result<TcpStream> {
    let mut m = opening(CONNECT).to_vec();
    m.extend_from_slice(tag);
    m.extend_from_slice(&from.to_be_bytes());
    m.extend_from_slice(&to.to_be_bytes());
    joined(relay, &m).await
}

/// Accepts circuit `circuit` at `relay`; the stream, once joined.
///
/// # Errors
/// Refused (no such circuit) or failed.
pub async fn accept(relay: SocketAddr, circuit: u64) -> io::Result<TcpStream> {
    let mut m = opening(ACCEPT).to_vec();
    m.extend_from_slice(&circuit.to_be_bytes());
    joined(relay, &m).await
}

async fn joined(relay: SocketAddr, request: &[u8]) -> io::Result<TcpStream> {
    let limit = OPENING_WAIT + ACCEPT_WAIT;
    let run = async {
        let mut s = TcpStream::connect(relay).await?;
        s.set_nodelay(true)?;
        s.write_all(request).await?;
        let mut ok = [0u8; 1];
        s.read_exact(&mut ok).await?;
        if ok[0] != 1 {
            return Err(io::Error::new(io::ErrorKind::ConnectionRefused, "the relay refused the circuit"));
        }
        Ok(s)
    };
    tokio::time::timeout(limit, run).await.map_err(|_| io::Error::from(io::ErrorKind::TimedOut))?
}

/// A rendezvous relay's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerConfig {
    /// Where it listens.
    pub listen: SocketAddr,
    /// Most waiters in all.
    pub max_waiting: usize,
    /// Most waiters from one address.
    pub max_waiting_per_ip: usize,
    /// Most circuits at once.
    pub max_circuits: u64,
    /// Most bytes carried since start (both ways); then new circuits are refused.
    pub max_bytes: u64,
}

impl ServerConfig {
    /// Defaults for a small server of one's own: 1024 waiters (32 per address), 64
    /// circuits, 64 GiB.
    pub fn new(listen: SocketAddr) -> Self {
        ServerConfig { listen, max_waiting: 1024, max_waiting_per_ip: 32, max_circuits: 64, max_bytes: 64 << 30 }
    }
}

/// What a rendezvous relay did since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerCounts {
    /// Waiters now.
    pub waiting: u64,
    /// Circuits joined.
    pub circuits: u64,
    /// Circuits open now.
    pub open: u64,
    /// Requests refused (quotas, unknown waiters or circuits).
    pub refused: u64,
    /// Bytes carried, both ways.
    pub bytes: u64,
}

struct Waiter {
    tag: Tag,
    ip: IpAddr,
    notices: mpsc::Sender<Notice>,
}

#[derive(Default)]
struct Book {
    waiters: HashMap<u64, Waiter>,
    pending: HashMap<u64, oneshot::Sender<TcpStream>>,
}

struct Shared {
    cfg: ServerConfig,
    book: Mutex<Book>,
    circuits: AtomicU64,
    open: AtomicU64,
    refused: AtomicU64,
    bytes: AtomicU64,
}

fn book(s: &Shared) -> std::sync::MutexGuard<'_, Book> {
    s.book.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A running rendezvous relay; stops when dropped.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Server {
    /// Listens on `cfg.listen` and serves until dropped.
    ///
    /// # Errors
    /// The address cannot be bound.
    pub async fn start(cfg: ServerConfig) -> io::Result<Server> {
        let listener = TcpListener::bind(cfg.listen).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            cfg,
            book: Mutex::new(Book::default()),
            circuits: AtomicU64::new(0),
            open: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
        });
        let serving = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, from)) = listener.accept().await else {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let shared = Arc::clone(&serving);
                tokio::spawn(async move {
                    if let Err(e) = serve(&shared, stream, from.ip()).await {
                        tracing::debug!(error = %e, "rendezvous stream ended");
                    }
                });
            }
        });
        Ok(Server { addr, shared, task })
    }

    /// Where it listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// What it did so far.
    pub fn counts(&self) -> ServerCounts {
        let s = &self.shared;
        ServerCounts {
            waiting: book(s).waiters.len() as u64,
            circuits: s.circuits.load(Ordering::Relaxed),
            open: s.open.load(Ordering::Relaxed),
            refused: s.refused.load(Ordering::Relaxed),
            bytes: s.bytes.load(Ordering::Relaxed),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(s: &Arc<Shared>, mut stream: TcpStream, ip: IpAddr) -> io::Result<()> {
    let mut head = [0u8; 6];
    tokio::time::timeout(OPENING_WAIT, stream.read_exact(&mut head)).await.map_err(|_| bad("slow opening"))??;
    if &head[..4] != MAGIC || head[4] != VERSION {
        return Err(bad("not a rendezvous stream"));
    }
    match head[5] {
        WAIT => {
            let mut tag = [0u8; TAG_LEN];
            tokio::time::timeout(OPENING_WAIT, stream.read_exact(&mut tag)).await.map_err(|_| bad("slow"))??;
            waiting(s, stream, ip, tag).await
        }
        CONNECT => {
            let mut rest = [0u8; TAG_LEN + 16];
            tokio::time::timeout(OPENING_WAIT, stream.read_exact(&mut rest)).await.map_err(|_| bad("slow"))??;
            let word = |r: &[u8]| r.try_into().map(u64::from_be_bytes).map_err(|_| bad("short"));
            let (from, to) = (word(&rest[TAG_LEN..TAG_LEN + 8])?, word(&rest[TAG_LEN + 8..])?);
            let mut tag = [0u8; TAG_LEN];
            tag.copy_from_slice(&rest[..TAG_LEN]);
            circuit(s, stream, tag, from, to).await
        }
        ACCEPT => {
            let mut id = [0u8; 8];
            tokio::time::timeout(OPENING_WAIT, stream.read_exact(&mut id)).await.map_err(|_| bad("slow"))??;
            let waiting = book(s).pending.remove(&u64::from_be_bytes(id));
            match waiting {
                Some(tx) => {
                    let _ = tx.send(stream);
                }
                None => {
                    s.refused.fetch_add(1, Ordering::Relaxed);
                    stream.write_all(&[0]).await?;
                }
            }
            Ok(())
        }
        _ => Err(bad("unknown request")),
    }
}

/// A fresh nonzero id no waiter or circuit holds.
fn fresh_id(b: &Book) -> u64 {
    loop {
        let id = rand_core::OsRng.next_u64();
        if id != 0 && !b.waiters.contains_key(&id) && !b.pending.contains_key(&id) {
            return id;
        }
    }
}

/// A waiter: registered under its tag, told of the others, and kept until it leaves.
async fn waiting(s: &Arc<Shared>, mut stream: TcpStream, ip: IpAddr, tag: Tag) -> io::Result<()> {
    let (tx, mut rx) = mpsc::channel(NOTICE_QUEUE);
    let (id, others) = {
        let mut b = book(s);
        let from_ip = b.waiters.values().filter(|w| w.ip == ip).count();
        if b.waiters.len() >= s.cfg.max_waiting || from_ip >= s.cfg.max_waiting_per_ip {
            drop(b);
            s.refused.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        let id = fresh_id(&b);
        let others: Vec<u64> = b.waiters.iter().filter(|(_, w)| w.tag == tag).map(|(k, _)| *k).collect();
        for o in &others {
            if let Some(w) = b.waiters.get(o) {
                let _ = w.notices.try_send(Notice::Peer(id));
            }
        }
        b.waiters.insert(id, Waiter { tag, ip, notices: tx.clone() });
        (id, others)
    };
    for o in others {
        let _ = tx.try_send(Notice::Peer(o));
    }
    let result = keep_waiting(&mut stream, id, &mut rx).await;
    let mut b = book(s);
    b.waiters.remove(&id);
    for w in b.waiters.values().filter(|w| w.tag == tag) {
        let _ = w.notices.try_send(Notice::Gone(id));
    }
    result
}

async fn keep_waiting(stream: &mut TcpStream, id: u64, rx: &mut mpsc::Receiver<Notice>) -> io::Result<()> {
    stream.write_all(&id.to_be_bytes()).await?;
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + KEEPALIVE, KEEPALIVE);
    let mut scratch = [0u8; 1];
    loop {
        tokio::select! {
            n = rx.recv() => match n {
                Some(n) => stream.write_all(&n.encode()).await?,
                None => return Ok(()),
            },
            _ = tick.tick() => stream.write_all(&Notice::Keepalive.encode()).await?,
            // A waiter sends nothing after its opening: a byte or the end means it left.
            _ = stream.read(&mut scratch) => return Ok(()),
        }
    }
}

/// Waiter `from` asks for a circuit to waiter `to` under `tag`.
async fn circuit(s: &Arc<Shared>, mut stream: TcpStream, tag: Tag, from: u64, to: u64) -> io::Result<()> {
    let (tx, rx) = oneshot::channel();
    let asked = {
        let mut b = book(s);
        let under = |id: u64| b.waiters.get(&id).is_some_and(|w| w.tag == tag);
        let over = s.open.load(Ordering::Relaxed) >= s.cfg.max_circuits
            || s.bytes.load(Ordering::Relaxed) >= s.cfg.max_bytes;
        if from == to || !under(from) || !under(to) || over {
            None
        } else {
            let id = fresh_id(&b);
            let told = b.waiters.get(&to).is_some_and(|w| w.notices.try_send(Notice::Incoming { circuit: id, from }).is_ok());
            if told {
                b.pending.insert(id, tx);
            }
            told.then_some(id)
        }
    };
    let Some(id) = asked else {
        s.refused.fetch_add(1, Ordering::Relaxed);
        return stream.write_all(&[0]).await;
    };
    let other = tokio::time::timeout(ACCEPT_WAIT, rx).await.ok().and_then(Result::ok);
    book(s).pending.remove(&id);
    let Some(mut other) = other else {
        s.refused.fetch_add(1, Ordering::Relaxed);
        return stream.write_all(&[0]).await;
    };
    s.open.fetch_add(1, Ordering::Relaxed);
    s.circuits.fetch_add(1, Ordering::Relaxed);
    let joined = async {
        stream.write_all(&[1]).await?;
        other.write_all(&[1]).await?;
        super::splice::splice(stream, other, &s.bytes, s.cfg.max_bytes).await
    };
    let result = joined.await;
    s.open.fetch_sub(1, Ordering::Relaxed);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_round_trip() {
        for n in [Notice::Keepalive, Notice::Peer(7), Notice::Incoming { circuit: u64::MAX, from: 3 }, Notice::Gone(1)] {
            assert_eq!(Notice::decode(&n.encode()).unwrap(), n);
        }
        let mut junk = Notice::Peer(1).encode();
        junk[0] = 9;
        assert!(Notice::decode(&junk).is_err());
    }

    #[tokio::test]
    async fn two_waiters_under_one_tag_meet_and_a_stranger_does_not() {
        let server = Server::start(ServerConfig::new("127.0.0.1:0".parse().unwrap())).await.unwrap();
        let at = server.local_addr();
        let (tag, other_tag) = ([1u8; TAG_LEN], [2u8; TAG_LEN]);
        let mut a = TcpStream::connect(at).await.unwrap();
        let a_id = wait(&mut a, &tag).await.unwrap();
        let mut stranger = TcpStream::connect(at).await.unwrap();
        let s_id = wait(&mut stranger, &other_tag).await.unwrap();
        let mut b = TcpStream::connect(at).await.unwrap();
        let b_id = wait(&mut b, &tag).await.unwrap();
        assert_eq!(next_notice(&mut a).await.unwrap(), Notice::Peer(b_id));
        assert_eq!(next_notice(&mut b).await.unwrap(), Notice::Peer(a_id));
        // A waiter under another tag cannot open a circuit to them.
        assert!(connect(at, &other_tag, s_id, a_id).await.is_err());
        assert!(connect(at, &tag, s_id, a_id).await.is_err());
        let opening = tokio::spawn(async move { connect(at, &tag, b_id, a_id).await });
        let Notice::Incoming { circuit, from } = next_notice(&mut a).await.unwrap() else { panic!("no circuit") };
        assert_eq!(from, b_id);
        let mut on_a = accept(at, circuit).await.unwrap();
        let mut on_b = opening.await.unwrap().unwrap();
        on_b.write_all(b"hello").await.unwrap();
        let mut got = [0u8; 5];
        on_a.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"hello");
        drop(b);
        assert_eq!(next_notice(&mut a).await.unwrap(), Notice::Gone(b_id));
        assert_eq!(server.counts().circuits, 1);
        assert_eq!(server.counts().refused, 2);
    }

    /// Waiters `a` and `b` under one tag at `at`, with their ids, each told of the other.
    async fn two_waiters(at: SocketAddr, tag: &Tag) -> ((TcpStream, u64), (TcpStream, u64)) {
        let mut a = TcpStream::connect(at).await.unwrap();
        let a_id = wait(&mut a, tag).await.unwrap();
        let mut b = TcpStream::connect(at).await.unwrap();
        let b_id = wait(&mut b, tag).await.unwrap();
        assert_eq!(next_notice(&mut a).await.unwrap(), Notice::Peer(b_id));
        assert_eq!(next_notice(&mut b).await.unwrap(), Notice::Peer(a_id));
        ((a, a_id), (b, b_id))
    }

    /// Opens a circuit from `from` to the waiter on `to`: both ends.
    async fn open(at: SocketAddr, tag: Tag, from: u64, to: (&mut TcpStream, u64)) -> io::Result<(TcpStream, TcpStream)> {
        let opening = tokio::spawn(async move { connect(at, &tag, from, to.1).await });
        let circuit = match tokio::time::timeout(Duration::from_secs(2), next_notice(to.0)).await {
            Ok(Ok(Notice::Incoming { circuit, .. })) => circuit,
            _ => return Err(opening.await.unwrap().err().unwrap_or_else(|| io::ErrorKind::Other.into())),
        };
        let accepted = accept(at, circuit).await?;
        Ok((opening.await.unwrap()?, accepted))
    }

    #[tokio::test]
    async fn quotas_refuse_waiters_and_circuits_and_end_a_circuit_in_its_middle() {
        let mut cfg = ServerConfig::new("127.0.0.1:0".parse().unwrap());
        (cfg.max_waiting_per_ip, cfg.max_circuits, cfg.max_bytes) = (2, 1, 200_000);
        let server = Server::start(cfg).await.unwrap();
        let at = server.local_addr();
        let tag = [3u8; TAG_LEN];
        let ((mut a, a_id), (mut b, b_id)) = two_waiters(at, &tag).await;
        // A third waiter from the same address is refused: the relay closes it.
        let mut third = TcpStream::connect(at).await.unwrap();
        assert!(wait(&mut third, &tag).await.is_err());
        // One circuit at a time.
        let (mut on_b, mut on_a) = open(at, tag, b_id, (&mut a, a_id)).await.unwrap();
        assert!(open(at, tag, a_id, (&mut b, b_id)).await.is_err(), "a second circuit at once");
        // The byte quota ends the open circuit once used up, in its middle.
        let writer = tokio::spawn(async move {
            for _ in 0..100 {
                if on_b.write_all(&[9u8; 16 * 1024]).await.is_err() {
                    return;
                }
            }
        });
        let mut got = Vec::new();
        let _ = on_a.read_to_end(&mut got).await;
        assert!(got.len() <= 200_000, "{} bytes passed the quota", got.len());
        writer.abort();
        // And no circuit opens after it.
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(server.counts().open, 0);
        assert!(open(at, tag, b_id, (&mut a, a_id)).await.is_err(), "a circuit past the quota");
        let c = server.counts();
        assert_eq!((c.circuits, c.waiting), (1, 2), "{c:?}");
        assert!(c.refused >= 3 && c.bytes > 200_000, "{c:?}");
    }
}
