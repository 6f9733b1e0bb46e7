//! The reconciliation engine, without I/O: what to send and what to ingest, given what
//! the peer said.
//!
//! Each channel's log is a set of per-author feeds, so a replica's state is its version
//! vector (author → highest seq). A round opens with the vector's digest (32 bytes): two
//! replicas that agree stop there. Otherwise both send their vectors and each streams the
//! events the other lacks, then `Synced`. Cost: O(1) when equal, O(k + authors) for k
//! missing events. After a round, events accepted locally are pushed at once, filtered by
//! what the peer is known to hold. The driver (`sync::conn`) does the I/O.

use crate::replica::FeedEvent;
use crate::types::DeviceId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::SocketAddr;

/// A version vector: each author's highest seq held.
pub type Vector = BTreeMap<DeviceId, u64>;

/// Most addresses in one `Peers` message.
pub const MAX_PEER_ADDRS: usize = 32;
/// Most events in one `Events` message.
pub const MAX_EVENTS_PER_MSG: usize = 4096;

/// A sync message (inside one encrypted frame).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Msg {
    /// The digest of the sender's version vector, opening a round.
    Summary {
        /// BLAKE3 of the encoded vector.
        digest: [u8; 32],
    },
    /// The sender's version vector, authors in ascending order.
    Vector {
        /// `(author, highest seq)`.
        entries: Vec<(DeviceId, u64)>,
    },
    /// Events the receiver lacks, each feed in ascending order.
    Events {
        /// Encoded events.
        #[serde(with = "crate::types::byte_list")]
        events: Vec<Vec<u8>>,
    },
    /// Every event the sender held when it received the receiver's vector has been sent.
    Synced,
    /// Where the sender reached other members of the channel.
    Peers {
        /// Listening addresses.
        addrs: Vec<SocketAddr>,
    },
    /// Keep-alive.
    Ping,
    /// Answer to `Ping`.
    Pong,
    /// Call back with `token` on the sender's sync port and carry the swarm's bytes for
    /// `info_hash` (the sender could not dial the receiver's swarm; `sync::callback`).
    CallBack {
        /// One-time token the call-back stream opens with.
        token: [u8; 16],
        /// The post librqbit asked for.
        info_hash: [u8; 20],
    },
    /// Open a direct connection to another member, both dialling at once from the sync
    /// port so that each one's NAT lets the other's attempt in (`sync::punch`). Sent by a
    /// member both reach to both, with the same token.
    Punch {
        /// One-time token each side's stream opens with.
        token: [u8; 16],
        /// Where the sender sees the other member's sync port.
        addr: SocketAddr,
        /// Whether the receiver opens the sync handshake once connected (the other answers).
        lead: bool,
        /// The other member's device (its swarm may be reached through the sender, `sync::relay`).
        device: DeviceId,
    },
    /// Join the stream that opens with `token` on the receiver's sync port to `device`'s
    /// swarm for `info_hash` (the receiver relays, `sync::relay`).
    Relay {
        /// The token the sender's stream opens with.
        token: [u8; 16],
        /// The member to reach.
        device: DeviceId,
        /// The post the sender's librqbit wants.
        info_hash: [u8; 20],
    },
    /// Dial the sender's sync port from a fresh port, named first in `PunchPort`, and
    /// carry the swarm's bytes for `info_hash` (a member punched through to, `sync::direct`).
    PunchBack {
        /// One-time token the stream opens with.
        token: [u8; 16],
        /// The post the sender's librqbit wants.
        info_hash: [u8; 20],
    },
    /// The port the sender punches back from, for the receiver's `PunchBack`.
    PunchPort {
        /// The request's token.
        token: [u8; 16],
        /// The sender's fresh port.
        port: u16,
    },
    /// Open a circuit to the sender through the rendezvous relay this connection runs
    /// through, starting with `token`, and carry the swarm's bytes sealed with `key`
    /// (`sync::rendezvous`, `net::sealed`).
    Circuit {
        /// One-time token the circuit opens with.
        token: [u8; 16],
        /// The circuit's one-time key.
        key: [u8; 32],
    },
    /// The first frame each side sends: proofs that it holds the channel's read keys,
    /// bound to this session (`sync::admission`).
    Access {
        /// `(epoch, MAC)`, newest epoch first.
        proofs: Vec<(u32, [u8; 32])>,
    },
}

/// Message kinds this version knows: a frame whose tag is beyond them, but below
/// [`FUTURE_KINDS`], comes from a newer version and is skipped, not taken for misbehaviour.
const KNOWN_KINDS: u32 = 14;

/// The end of the range kept for later versions. A tag beyond it is garbage (an attacker's
/// or a broken peer's), and the peer is penalised as for any malformed frame.
const FUTURE_KINDS: u32 = 64;

/// A peer broke the protocol. The connection is dropped and the peer penalised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// A frame that does not decode as a message.
    #[error("malformed message")]
    Malformed,
    /// A vector whose authors are not strictly ascending.
    #[error("version vector out of order")]
    UnsortedVector,
    /// More items in one message than allowed.
    #[error("too many items in one message")]
    TooMany,
    /// A message kind from a newer version (skipped; the connection goes on).
    #[error("unknown message kind")]
    Unknown,
}

/// What the driver must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send this message.
    Send(Msg),
    /// Send every held event beyond `peer` (in `Events` messages), then `Synced`, then
    /// report the vector sent up to with [`Engine::sent_up_to`].
    SendMissing(Vector),
    /// Validate and store these events from the peer, then report each accepted or
    /// already-held one with [`Engine::peer_has`].
    Ingest(Vec<Vec<u8>>),
    /// This replica now holds everything the peer held at the round's start.
    CaughtUp,
}

/// The digest of a version vector.
pub fn digest(v: &Vector) -> [u8; 32] {
    let mut h = blake3::Hasher::new_derive_key("swarmroll/sync/vector/v1");
    for (author, seq) in v {
        h.update(&author.0);
        h.update(&seq.to_le_bytes());
    }
    *h.finalize().as_bytes()
}

/// Decodes a message, refusing anything malformed or over the item limits.
///
/// # Errors
/// [`ProtocolError`].
pub fn decode(frame: &[u8]) -> Result<Msg, ProtocolError> {
    let msg: Msg = match postcard::from_bytes(frame) {
        Ok(m) => m,
        Err(_) if kind(frame).is_some_and(|k| (KNOWN_KINDS..FUTURE_KINDS).contains(&k)) => return Err(ProtocolError::Unknown),
        Err(_) => return Err(ProtocolError::Malformed),
    };
    match &msg {
        Msg::Vector { entries } if entries.windows(2).any(|w| w[0].0 >= w[1].0) => {
            return Err(ProtocolError::UnsortedVector);
        }
        Msg::Events { events } if events.len() > MAX_EVENTS_PER_MSG => return Err(ProtocolError::TooMany),
        Msg::Peers { addrs } if addrs.len() > MAX_PEER_ADDRS => return Err(ProtocolError::TooMany),
        Msg::Access { proofs } if proofs.len() > super::admission::MAX_PROOFS => return Err(ProtocolError::TooMany),
        _ => {}
    }
    Ok(msg)
}

/// The message kind a frame starts with (postcard's varint enum tag), if it is whole.
fn kind(frame: &[u8]) -> Option<u32> {
    let mut v: u32 = 0;
    for (i, b) in frame.iter().take(5).enumerate() {
        v |= u32::from(b & 0x7f).checked_shl(7 * i as u32)?;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// Encodes a message.
pub fn encode(msg: &Msg) -> Vec<u8> {
    // Serialising plain enums of bytes and integers into a Vec cannot fail.
    postcard::to_allocvec(msg).unwrap_or_default()
}

/// One peer's reconciliation state for one channel.
#[derive(Debug, Default)]
pub struct Engine {
    /// What the peer is known to hold (from its vector, events it sent, events we sent).
    peer_known: Vector,
    /// Our vector at the start of the current round.
    round_start: Vector,
    /// Whether we already sent our vector this round.
    vector_sent: bool,
    caught_up: bool,
}

impl Engine {
    /// A fresh engine.
    pub fn new() -> Self {
        Engine::default()
    }

    /// Opens a round from our current vector.
    pub fn start_round(&mut self, local: Vector) -> Action {
        let digest = digest(&local);
        self.round_start = local;
        self.vector_sent = false;
        self.caught_up = false;
        Action::Send(Msg::Summary { digest })
    }

    /// Whether we hold everything the peer held at the round's start.
    pub fn caught_up(&self) -> bool {
        self.caught_up
    }

    /// Reacts to a message from the peer.
    pub fn on_msg(&mut self, msg: Msg) -> Vec<Action> {
        match msg {
            Msg::Summary { digest: theirs } => {
                if theirs == digest(&self.round_start) {
                    merge(&mut self.peer_known, &self.round_start);
                    self.caught_up = true;
                    vec![Action::CaughtUp]
                } else {
                    vec![self.send_vector()]
                }
            }
            Msg::Vector { entries } => {
                let theirs: Vector = entries.into_iter().collect();
                merge(&mut self.peer_known, &theirs);
                let mut out = Vec::new();
                if !self.vector_sent {
                    // The peer's digest and ours crossed with changes in between.
                    out.push(self.send_vector());
                }
                out.push(Action::SendMissing(theirs));
                out
            }
            Msg::Events { events } => vec![Action::Ingest(events)],
            Msg::Synced => {
                self.caught_up = true;
                vec![Action::CaughtUp]
            }
            Msg::Peers { .. }
            | Msg::Pong
            | Msg::CallBack { .. }
            | Msg::Punch { .. }
            | Msg::Relay { .. }
            | Msg::PunchBack { .. }
            | Msg::PunchPort { .. }
            | Msg::Circuit { .. }
            | Msg::Access { .. } => Vec::new(),
            Msg::Ping => vec![Action::Send(Msg::Pong)],
        }
    }

    /// Our vector at the round's start, as a message (sent once per round).
    fn send_vector(&mut self) -> Action {
        self.vector_sent = true;
        Action::Send(Msg::Vector { entries: self.round_start.iter().map(|(a, s)| (*a, *s)).collect() })
    }

    /// Records that the peer holds `author`'s feed up to `seq`.
    pub fn peer_has(&mut self, author: DeviceId, seq: u64) {
        let e = self.peer_known.entry(author).or_insert(0);
        *e = (*e).max(seq);
    }

    /// Records that everything up to `sent` was sent to the peer.
    pub fn sent_up_to(&mut self, sent: &Vector) {
        merge(&mut self.peer_known, sent);
    }

    /// The events of a local change that the peer does not hold yet, as one message (none
    /// if it holds them all). They count as held from now on.
    pub fn push(&mut self, events: &[FeedEvent]) -> Option<Msg> {
        let mut out = Vec::new();
        for e in events {
            let known = self.peer_known.entry(e.author).or_insert(0);
            if e.seq > *known {
                *known = e.seq;
                out.push(e.raw.clone());
            }
        }
        (!out.is_empty()).then_some(Msg::Events { events: out })
    }
}

fn merge(into: &mut Vector, from: &Vector) {
    for (a, s) in from {
        let e = into.entry(*a).or_insert(0);
        *e = (*e).max(*s);
    }
}

#[cfg(test)]
mod tests;
