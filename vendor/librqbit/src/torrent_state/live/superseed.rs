// Swarmroll patch: super-seeding at the seed (after BEP 16).
//
// A seed that advertises every piece lets each downloader ask it for whatever that
// downloader's own picker wants next; downloaders that do not coordinate ask for the
// same pieces, and every piece the seed sends twice is upload the swarm could have
// carried (on a phone, the scarcest thing its owner has). Here a seed (a torrent that
// holds every piece) tells each peer about only a few pieces at a time: pieces no live
// peer holds and none has been offered. The peer's own requests consume the offer and
// the seed offers more, so the seed sends each piece about once and the peers trade the
// rest among themselves.
//
// When every piece has gone out once the seed goes quiet, except for a peer that has
// made no progress for `STARVED` (it told us of no piece, asked for none, and no block it
// asked for left our upload queue): it cannot get what it lacks from the peers that hold
// it (it cannot reach them, or they do not serve it), so from then on it is offered what
// it lacks, a backlog at a time as before, until it tells of a piece it got elsewhere. A
// peer whose pieces are all known (held or offered) is shown the rest too, so it sees a
// full seed and either side can drop the idle connection.
//
// Blocks served count as progress because a peer whose requests wait in our (rate
// limited, first come first served) upload queue is silent too: it has asked for all it
// was offered and sends no HAVE for pieces it believes we hold. Without that, a crowd
// behind a slow seed looked starved near the end and was offered pieces twice (up to
// 1.14 copies sent instead of 1.01-1.04; tests/tests/superseed.rs).
//
// Only what the seed sees is used: a peer's BITFIELD and HAVEs, its REQUESTs. A
// downloader does not send HAVE for a piece it believes the seed has, so an offered piece
// counts as on its way for as long as the peer is connected.

use std::{
    collections::{HashMap, VecDeque},
    net::SocketAddr,
    time::{Duration, Instant},
};

use librqbit_core::lengths::Lengths;
use parking_lot::Mutex;
use peer_binary_protocol::Message;

use crate::{peer_connection::WriterRequest, type_aliases::BS};

use super::peer::PeerTx;

/// Smaller torrents are seeded plainly. Measured on loopback (4 members fetching 6 MB
/// from a seed capped at 2 MB/s): super-seeding saved at most a few hundred KB there but
/// now and then left the tail a second late (a member waiting on a piece it could not get
/// from the peers holding it, until `STARVED`); on a post of tens of MB that second is
/// small and the upload saved is megabytes.
const MIN_BYTES: u64 = 16 * 1024 * 1024;
/// How long a peer may go without telling of a piece, asking for one or being sent a
/// block before it is shown every piece it lacks.
const STARVED: Duration = Duration::from_secs(1);
/// An offer the peer has not asked for within this time no longer holds back more offers
/// (it got the piece elsewhere, or asks slowly).
const OFFER_AGE: Duration = Duration::from_secs(2);
/// Offered, not yet asked for: about this many bytes per peer (at least two pieces).
const BACKLOG_BYTES: u32 = 512 * 1024;

const OFFERED: u8 = 1;
const HELD: u8 = 2;
const ASKED: u8 = 4;
/// Counted in `Inner::out`: held, asked for, or offered and not yet aged out.
const COUNTED: u8 = 8;

/// What the seed has offered each connected peer, and how often each piece is out.
pub(crate) struct SuperSeed {
    enabled: bool,
    inner: Mutex<Inner>,
}

struct Inner {
    pieces: u32,
    backlog: usize,
    out: Out,
    peers: HashMap<SocketAddr, PeerOffers>,
    /// Where the next peer starts looking for fresh pieces, spread around the torrent.
    spread: u64,
}

struct PeerOffers {
    flags: Vec<u8>,
    /// Pieces neither held nor offered.
    lacking: u32,
    /// Pieces it told us it holds.
    held: u32,
    /// `Some` once this peer is super-seeded (we sent it our partial bitfield).
    tx: Option<PeerTx>,
    /// Offered and not yet asked for, oldest first.
    backlog: VecDeque<(u32, Instant)>,
    cursor: u32,
    last_progress: Instant,
    /// Went `STARVED` without progress once nothing was fresh: offered pieces others
    /// hold too, until it tells of a piece it got elsewhere.
    starving: bool,
    /// A full seed: not counted, never offered anything.
    seed: bool,
    shown_all: bool,
}

impl SuperSeed {
    pub(crate) fn new(lengths: &Lengths) -> Self {
        let pieces = lengths.total_pieces();
        let per_piece = lengths.default_piece_length().max(1);
        Self {
            enabled: lengths.total_length() >= MIN_BYTES,
            inner: Mutex::new(Inner {
                pieces,
                backlog: (BACKLOG_BYTES / per_piece).max(2) as usize,
                out: Out { count: vec![0; pieces as usize], fresh: pieces },
                peers: HashMap::new(),
                spread: 0,
            }),
        }
    }

    /// Starts super-seeding `addr`: returns the bitfield to send it instead of ours, or
    /// `None` for a torrent too small to be worth it.
    pub(crate) fn start(&self, addr: SocketAddr, tx: PeerTx, bitfield_bytes: usize) -> Option<Vec<u8>> {
        if !self.enabled {
            return None;
        }
        let now = Instant::now();
        let mut g = self.inner.lock();
        let inner = &mut *g;
        // Peers start looking for fresh pieces far apart (golden-ratio steps).
        let at = (inner.spread as f64 * 0.618_034).fract() * f64::from(inner.pieces);
        inner.spread += 1;
        let peer = inner.peer(addr, now);
        peer.cursor = (at as u32).min(peer.flags.len().saturating_sub(1) as u32);
        peer.last_progress = now;
        peer.tx = Some(tx);
        let mut bits = vec![0u8; bitfield_bytes];
        let mut shown = Vec::new();
        inner.top_up(addr, now, &mut shown);
        for piece in shown {
            bits[piece as usize / 8] |= 0x80 >> (piece % 8);
        }
        Some(bits)
    }

    /// The peer announced a piece.
    pub(crate) fn on_have(&self, addr: SocketAddr, piece: u32) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        let mut g = self.inner.lock();
        if piece >= g.pieces {
            return;
        }
        let peer = g.peer(addr, now);
        peer.last_progress = now;
        // It gets pieces elsewhere: the swarm can serve it.
        peer.starving = false;
        g.mark(addr, piece, HELD);
        g.send_top_up(addr, now);
    }

    /// The peer's bitfield (its first message).
    pub(crate) fn on_bitfield(&self, addr: SocketAddr, bits: &BS) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        let mut g = self.inner.lock();
        let n = g.pieces as usize;
        if bits.get(..n).is_some_and(|b| b.all()) {
            g.peer(addr, now);
            g.now_a_seed(addr);
            return;
        }
        for piece in bits.iter_ones().take_while(|&i| i < n) {
            g.mark(addr, piece as u32, HELD);
        }
        g.send_top_up(addr, now);
    }

    /// The peer asked us for a block of `piece`.
    pub(crate) fn on_request(&self, addr: SocketAddr, piece: u32) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        let mut g = self.inner.lock();
        if piece >= g.pieces {
            return;
        }
        g.peer(addr, now).last_progress = now;
        g.mark(addr, piece, ASKED);
        g.send_top_up(addr, now);
    }

    /// A block the peer asked for left the upload queue: it is being fed by us.
    pub(crate) fn on_served(&self, addr: SocketAddr) {
        if !self.enabled {
            return;
        }
        if let Some(peer) = self.inner.lock().peers.get_mut(&addr) {
            peer.last_progress = Instant::now();
        }
    }

    /// The peer is gone: what it held or was offered is out no more.
    pub(crate) fn forget(&self, addr: SocketAddr) {
        if !self.enabled {
            return;
        }
        let mut g = self.inner.lock();
        if let Some(peer) = g.peers.remove(&addr) {
            if peer.seed {
                return;
            }
            for (piece, f) in peer.flags.iter().enumerate() {
                if f & COUNTED != 0 {
                    g.out.release(piece);
                }
            }
        }
    }

    /// Called every ~100 ms: refills backlogs, notices starved peers.
    pub(crate) fn tick(&self) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        let mut g = self.inner.lock();
        let addrs: Vec<SocketAddr> = g
            .peers
            .iter()
            .filter(|(_, p)| p.tx.is_some() && !p.seed && !p.shown_all)
            .map(|(a, _)| *a)
            .collect();
        for addr in addrs {
            g.send_top_up(addr, now);
        }
    }
}

/// How many live peers each piece is out to, and how many pieces are out to none.
struct Out {
    /// Per piece: live peers that hold it, asked for it or have a standing offer of it.
    count: Vec<u32>,
    /// Pieces with a count of 0.
    fresh: u32,
}

impl Out {
    fn take(&mut self, piece: usize) {
        if self.count[piece] == 0 {
            self.fresh -= 1;
        }
        self.count[piece] += 1;
    }

    fn release(&mut self, piece: usize) {
        if self.count[piece] > 0 {
            self.count[piece] -= 1;
            if self.count[piece] == 0 {
                self.fresh += 1;
            }
        }
    }
}

impl Inner {
    fn peer(&mut self, addr: SocketAddr, now: Instant) -> &mut PeerOffers {
        let pieces = self.pieces;
        self.peers.entry(addr).or_insert_with(|| PeerOffers {
            flags: vec![0; pieces as usize],
            lacking: pieces,
            held: 0,
            tx: None,
            backlog: VecDeque::new(),
            cursor: 0,
            last_progress: now,
            starving: false,
            seed: false,
            shown_all: false,
        })
    }

    /// The peer holds every piece: it no longer counts, and is offered nothing.
    fn now_a_seed(&mut self, addr: SocketAddr) {
        let Some(peer) = self.peers.get_mut(&addr) else {
            return;
        };
        peer.seed = true;
        let counted: Vec<usize> = (0..peer.flags.len()).filter(|&i| peer.flags[i] & COUNTED != 0).collect();
        peer.flags.iter_mut().for_each(|f| *f = 0);
        for piece in counted {
            self.out.release(piece);
        }
    }

    /// Sets `flag` on the peer's piece; the piece is out from then on.
    fn mark(&mut self, addr: SocketAddr, piece: u32, flag: u8) {
        let Some(peer) = self.peers.get_mut(&addr) else {
            return;
        };
        if peer.seed {
            return;
        }
        let f = &mut peer.flags[piece as usize];
        let before = *f;
        *f |= flag | COUNTED;
        if before & (OFFERED | HELD) == 0 && *f & (OFFERED | HELD) != 0 {
            peer.lacking -= 1;
        }
        if before & HELD == 0 && flag == HELD {
            peer.held += 1;
        }
        let complete = peer.held == self.pieces;
        if before & COUNTED == 0 {
            self.out.take(piece as usize);
        }
        if complete {
            // Told of its last piece with HAVE (a super-seeding seed ends by showing all).
            self.now_a_seed(addr);
        }
    }

    fn send_top_up(&mut self, addr: SocketAddr, now: Instant) {
        let mut shown = Vec::new();
        self.top_up(addr, now, &mut shown);
        if let Some(tx) = self.peers.get(&addr).and_then(|p| p.tx.as_ref()) {
            for piece in shown {
                let _ = tx.send(WriterRequest::Message(Message::Have(piece)));
            }
        }
    }

    /// Chooses what to offer the peer now; the caller tells it.
    fn top_up(&mut self, addr: SocketAddr, now: Instant, shown: &mut Vec<u32>) {
        let (pieces, backlog) = (self.pieces, self.backlog);
        let Some(peer) = self.peers.get_mut(&addr) else {
            return;
        };
        // Not super-seeded (we were not a seed when it connected): nothing to offer.
        if peer.tx.is_none() || peer.seed || peer.shown_all {
            return;
        }
        if peer.lacking == 0 {
            // Everything is held or offered: show the rest so it sees a full seed.
            peer.shown_all = true;
            for piece in 0..pieces {
                let f = &mut peer.flags[piece as usize];
                if *f & OFFERED == 0 {
                    *f |= OFFERED;
                    shown.push(piece);
                }
            }
            return;
        }
        // Drop offers that were taken up; release those not asked for in time, so that
        // another peer may be offered them.
        while let Some(&(p, at)) = peer.backlog.front() {
            let f = &mut peer.flags[p as usize];
            if *f & (ASKED | HELD) != 0 {
                peer.backlog.pop_front();
            } else if now - at >= OFFER_AGE {
                peer.backlog.pop_front();
                *f &= !COUNTED;
                self.out.release(p as usize);
            } else {
                break;
            }
        }
        peer.backlog.retain(|&(p, _)| peer.flags[p as usize] & (ASKED | HELD) == 0);
        if self.out.fresh == 0 && now - peer.last_progress >= STARVED {
            peer.starving = true;
        }
        let starved = peer.starving;
        let mut wanted = backlog.saturating_sub(peer.backlog.len());
        let mut looked = 0;
        while wanted > 0 && looked < pieces && (starved || self.out.fresh > 0) {
            let piece = peer.cursor;
            peer.cursor = (peer.cursor + 1) % pieces;
            looked += 1;
            let f = peer.flags[piece as usize];
            if f & (OFFERED | HELD) != 0 || (!starved && self.out.count[piece as usize] != 0) {
                continue;
            }
            peer.flags[piece as usize] |= OFFERED | COUNTED;
            peer.lacking -= 1;
            if f & COUNTED == 0 {
                self.out.take(piece as usize);
            }
            peer.backlog.push_back((piece, now));
            shown.push(piece);
            wanted -= 1;
        }
    }
}
