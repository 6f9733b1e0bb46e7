#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use proptest::prelude::*;
use std::collections::VecDeque;

/// A fake log: feeds of synthetic events `author | seq | payload`, accepted in feed order.
#[derive(Default, Clone)]
struct FakeLog {
    feeds: BTreeMap<DeviceId, Vec<Vec<u8>>>,
}

fn ev(author: u8, seq: u64, len: usize) -> Vec<u8> {
    let mut v = vec![author; 32];
    v.extend_from_slice(&seq.to_le_bytes());
    v.resize(40 + len, 7);
    v
}

fn head(raw: &[u8]) -> (DeviceId, u64) {
    let mut a = [0u8; 32];
    a.copy_from_slice(&raw[..32]);
    let mut s = [0u8; 8];
    s.copy_from_slice(&raw[32..40]);
    (DeviceId(a), u64::from_le_bytes(s))
}

impl FakeLog {
    fn with(feeds: &[(u8, u64)], len: usize) -> Self {
        let mut log = FakeLog::default();
        for &(a, n) in feeds {
            log.grow(a, n, len);
        }
        log
    }
    fn grow(&mut self, author: u8, n: u64, len: usize) {
        let have = self.vector().get(&DeviceId([author; 32])).copied().unwrap_or(0);
        for s in have + 1..=have + n {
            self.add(ev(author, s, len));
        }
    }
    fn add(&mut self, raw: Vec<u8>) -> bool {
        let (a, s) = head(&raw);
        let feed = self.feeds.entry(a).or_default();
        if s == feed.len() as u64 + 1 {
            feed.push(raw);
            true
        } else {
            false
        }
    }
    fn vector(&self) -> Vector {
        self.feeds.iter().filter(|(_, f)| !f.is_empty()).map(|(a, f)| (*a, f.len() as u64)).collect()
    }
    fn missing(&self, peer: &Vector) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for (a, f) in &self.feeds {
            let from = peer.get(a).copied().unwrap_or(0) as usize;
            out.extend(f.iter().skip(from).cloned());
        }
        out
    }
}

struct Side {
    log: FakeLog,
    engine: Engine,
    caught_up: bool,
}

/// Runs a round between two sides over an in-memory "wire", returning the bytes sent.
fn reconcile(a: &mut Side, b: &mut Side) -> usize {
    let mut wire: [VecDeque<Vec<u8>>; 2] = [VecDeque::new(), VecDeque::new()];
    let mut bytes = 0;
    for (i, s) in [&mut *a, &mut *b].into_iter().enumerate() {
        let Action::Send(m) = s.engine.start_round(s.log.vector()) else { panic!("a round opens with a send") };
        wire[i].push_back(encode(&m));
    }
    loop {
        let mut idle = true;
        for i in 0..2 {
            let Some(frame) = wire[1 - i].pop_front() else { continue };
            idle = false;
            bytes += frame.len();
            let side = if i == 0 { &mut *a } else { &mut *b };
            for action in side.engine.on_msg(decode(&frame).unwrap()) {
                match action {
                    Action::Send(m) => wire[i].push_back(encode(&m)),
                    Action::SendMissing(peer) => {
                        let events = side.log.missing(&peer);
                        for chunk in events.chunks(100) {
                            wire[i].push_back(encode(&Msg::Events { events: chunk.to_vec() }));
                        }
                        wire[i].push_back(encode(&Msg::Synced));
                        let v = side.log.vector();
                        side.engine.sent_up_to(&v);
                    }
                    Action::Ingest(events) => {
                        for raw in events {
                            let (au, seq) = head(&raw);
                            side.log.add(raw);
                            side.engine.peer_has(au, seq);
                        }
                    }
                    Action::CaughtUp => side.caught_up = true,
                }
            }
        }
        if idle {
            return bytes;
        }
    }
}

fn side(log: FakeLog) -> Side {
    Side { log, engine: Engine::new(), caught_up: false }
}

#[test]
fn equal_replicas_exchange_two_digests() {
    let log = FakeLog::with(&[(1, 500), (2, 300), (3, 7)], 100);
    let (mut a, mut b) = (side(log.clone()), side(log));
    let bytes = reconcile(&mut a, &mut b);
    assert!(a.caught_up && b.caught_up);
    assert!(bytes < 80, "{bytes} bytes for an equal pair");
}

#[test]
fn k_missing_events_cost_k_plus_authors() {
    let base = FakeLog::with(&[(1, 200), (2, 200), (3, 200)], 200);
    let mut ahead = base.clone();
    ahead.grow(2, 10, 200);
    let missing_bytes: usize = ahead.missing(&base.vector()).iter().map(Vec::len).sum();
    let (mut a, mut b) = (side(ahead.clone()), side(base));
    let bytes = reconcile(&mut a, &mut b);
    assert_eq!(b.log.vector(), ahead.vector());
    assert!(a.caught_up && b.caught_up);
    // Two digests, two vectors of 3 authors, framing: a small constant.
    assert!(bytes <= missing_bytes + 400, "{bytes} bytes for {missing_bytes} missing");
}

#[test]
fn both_sides_learn_what_the_other_wrote() {
    let base = FakeLog::with(&[(1, 5)], 50);
    let (mut x, mut y) = (base.clone(), base);
    x.grow(1, 1, 50);
    y.grow(9, 1, 50);
    let (mut a, mut b) = (side(x), side(y));
    reconcile(&mut a, &mut b);
    assert_eq!(a.log.vector(), b.log.vector());
    assert_eq!(a.log.vector().len(), 2);
}

#[test]
fn push_sends_only_what_the_peer_lacks() {
    let log = FakeLog::with(&[(1, 3)], 10);
    let (mut a, mut b) = (side(log.clone()), side(log));
    reconcile(&mut a, &mut b);
    let fresh = |seq| FeedEvent { author: DeviceId([1; 32]), seq, raw: ev(1, seq, 10) };
    // Already held by the peer: nothing to send.
    assert_eq!(a.engine.push(&[fresh(2)]), None);
    let Some(Msg::Events { events }) = a.engine.push(&[fresh(4)]) else { panic!("a new event is pushed") };
    assert_eq!(events.len(), 1);
    // Once pushed it counts as held.
    assert_eq!(a.engine.push(&[fresh(4)]), None);
}

#[test]
fn decode_refuses_malformed_and_oversized_messages() {
    assert_eq!(decode(&[0xff, 0xff, 0xff]), Err(ProtocolError::Malformed));
    assert_eq!(decode(&[]), Err(ProtocolError::Malformed));
    let unsorted = Msg::Vector { entries: vec![(DeviceId([2; 32]), 1), (DeviceId([1; 32]), 1)] };
    assert_eq!(decode(&encode(&unsorted)), Err(ProtocolError::UnsortedVector));
    let dup = Msg::Vector { entries: vec![(DeviceId([1; 32]), 1), (DeviceId([1; 32]), 2)] };
    assert_eq!(decode(&encode(&dup)), Err(ProtocolError::UnsortedVector));
    let many = Msg::Peers { addrs: vec!["127.0.0.1:1".parse().unwrap(); MAX_PEER_ADDRS + 1] };
    assert_eq!(decode(&encode(&many)), Err(ProtocolError::TooMany));
    let ok = Msg::Peers { addrs: vec!["127.0.0.1:1".parse().unwrap(); MAX_PEER_ADDRS] };
    assert_eq!(decode(&encode(&ok)), Ok(ok));
}

#[test]
fn a_newer_message_kind_is_skipped_not_taken_for_misbehaviour() {
    // Kind 14 is the first this version does not know, 63 the last kept for later versions.
    assert_eq!(decode(&[14, 1, 2, 3]), Err(ProtocolError::Unknown));
    // The access proofs came after the circuits (kind 13), at most MAX_PROOFS of them.
    let access = Msg::Access { proofs: vec![(3, [1; 32]), (2, [2; 32])] };
    assert_eq!(encode(&access)[0], 13);
    assert_eq!(decode(&encode(&access)), Ok(access));
    let many = Msg::Access { proofs: vec![(0, [0; 32]); crate::sync::admission::MAX_PROOFS + 1] };
    assert_eq!(decode(&encode(&many)), Err(ProtocolError::TooMany));
    // A circuit through a rendezvous relay came after the punch-backs; a known kind 12
    // that does not decode is malformed, not unknown.
    let circuit = Msg::Circuit { token: [5; 16], key: [6; 32] };
    assert_eq!(encode(&circuit)[0], 12);
    assert_eq!(decode(&encode(&circuit)), Ok(circuit));
    assert_eq!(decode(&[12, 1, 2, 3]), Err(ProtocolError::Malformed));
    // The punch-back messages came after version 10 kinds: they take the tags an older
    // node skips (10 and 11), so it never answers and its members go through the relay.
    let back = Msg::PunchBack { token: [3; 16], info_hash: [4; 20] };
    let port = Msg::PunchPort { token: [3; 16], port: 40_001 };
    assert_eq!((encode(&back)[0], encode(&port)[0]), (10, 11));
    assert_eq!(decode(&encode(&back)), Ok(back));
    assert_eq!(decode(&encode(&port)), Ok(port));
    assert_eq!(decode(&[63]), Err(ProtocolError::Unknown));
    // Beyond the kept range (200 takes two varint bytes) is garbage, as is a runaway varint.
    assert_eq!(decode(&[64, 1]), Err(ProtocolError::Malformed));
    assert_eq!(decode(&[0xc8, 0x01, 9]), Err(ProtocolError::Malformed));
    assert_eq!(decode(&[0xff, 0x13, 0x37, 0x00, 0x42]), Err(ProtocolError::Malformed));
    // A known kind that does not decode is still malformed.
    assert_eq!(decode(&[7, 1]), Err(ProtocolError::Malformed));
    let call = Msg::CallBack { token: [7; 16], info_hash: [9; 20] };
    assert_eq!(decode(&encode(&call)), Ok(call));
    let punch =
        Msg::Punch { token: [3; 16], addr: "203.0.113.6:51417".parse().unwrap(), lead: true, device: DeviceId([4; 32]) };
    assert_eq!(decode(&encode(&punch)), Ok(punch));
    let relay = Msg::Relay { token: [5; 16], device: DeviceId([6; 32]), info_hash: [7; 20] };
    assert_eq!(decode(&encode(&relay)), Ok(relay));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Two replicas of a common history, each with additions of its own (authors 0–2 on
    /// one side, 3–5 on the other, so no feed forks), converge in one round and both
    /// report being caught up.
    #[test]
    fn any_divergence_converges(
        common in prop::collection::vec((0u8..6, 0u64..20), 0..6),
        extra_a in prop::collection::vec((0u8..3, 1u64..10), 0..4),
        extra_b in prop::collection::vec((3u8..6, 1u64..10), 0..4),
    ) {
        let base = FakeLog::with(&common, 8);
        let (mut x, mut y) = (base.clone(), base);
        for &(au, n) in &extra_a { x.grow(au, n, 8); }
        for &(au, n) in &extra_b { y.grow(au, n, 8); }
        let mut union = x.vector();
        union.extend(y.vector().into_iter().map(|(au, s)| (au, s.max(x.vector().get(&au).copied().unwrap_or(0)))));
        let (mut a, mut b) = (side(x), side(y));
        reconcile(&mut a, &mut b);
        prop_assert!(a.caught_up && b.caught_up);
        prop_assert_eq!(a.log.vector(), union.clone());
        prop_assert_eq!(b.log.vector(), union);
    }
}

/// An `Events` frame is the same bytes as before the byte-list serde: the variant, the
/// count, and each event as its length and its bytes (what a peer of an older build
/// reads); and it reads back.
#[test]
fn an_events_frame_keeps_its_wire_format() {
    let events = vec![vec![1u8, 2, 3], Vec::new(), vec![0xFF; 300]];
    let frame = encode(&Msg::Events { events: events.clone() });
    let mut want = vec![2u8, 3, 3, 1, 2, 3, 0];
    want.extend([0xAC, 0x02]); // 300 as a varint
    want.extend([0xFF; 300]);
    assert_eq!(frame, want);
    #[derive(serde::Serialize)]
    enum Plain {
        _Summary { _digest: [u8; 32] },
        _Vector { _entries: Vec<(DeviceId, u64)> },
        Events { events: Vec<Vec<u8>> },
    }
    assert_eq!(frame, postcard::to_allocvec(&Plain::Events { events: events.clone() }).unwrap());
    match decode(&frame).unwrap() {
        Msg::Events { events: back } => assert_eq!(back, events),
        other => panic!("{other:?}"),
    }
}
