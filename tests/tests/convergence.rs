//! Convergence: the views are a function of the *set* of accepted events. Any delivery
//! order, with duplicates, gives the same gallery, threads, reactions and members; and
//! retractions and moderation hide exactly what they target.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use swarmroll_core::catalog::Member;
use swarmroll_core::channel::Role;
use swarmroll_core::comment::Thread;
use swarmroll_core::log::ModAction;
use swarmroll_core::{ChannelId, EventId};
use swarmroll_tests::{alice, bob, carol, peer, photo, Peer};

#[derive(Clone, Debug)]
enum Op {
    Post { by: usize, hash: u8 },
    Comment { by: usize, target: usize },
    React { by: usize, target: usize, emoji: usize, on: bool },
    Retract { by: usize, pick: usize },
    Moderate { target: usize, hide: bool },
    Sync { from: usize, to: usize },
    RemoveCarol,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..2usize, 0..5u8).prop_map(|(by, hash)| Op::Post { by, hash }),
        3 => (0..3usize, any::<usize>()).prop_map(|(by, target)| Op::Comment { by, target }),
        2 => (0..3usize, any::<usize>(), 0..3usize, any::<bool>())
            .prop_map(|(by, target, emoji, on)| Op::React { by, target, emoji, on }),
        1 => (0..3usize, any::<usize>()).prop_map(|(by, pick)| Op::Retract { by, pick }),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(target, hide)| Op::Moderate { target, hide }),
        2 => (0..3usize, 0..3usize).prop_map(|(from, to)| Op::Sync { from, to }),
        1 => Just(Op::RemoveCarol),
    ]
}

const EMOJI: [&str; 3] = ["❤️", "🎉", "😂"];

/// What the scenario did, for the model check.
#[derive(Default)]
struct Model {
    posts: Vec<EventId>,
    /// Every post or comment, with its author index.
    targets: Vec<(EventId, usize)>,
    /// Each comment's post.
    comment_post: BTreeMap<EventId, EventId>,
    retracted: BTreeSet<EventId>,
    /// Latest moderation per target, in Alice's (strictly increasing) feed order.
    moderated: BTreeMap<EventId, bool>,
}

fn run(ops: &[Op], peers: &[Peer; 3], ch: &ChannelId) -> Model {
    let mut m = Model::default();
    for op in ops {
        match *op {
            Op::Post { by, hash } => {
                let id = peers[by].replica.post(ch, "", vec![photo(hash, 1_000 + i64::from(hash))]).unwrap();
                m.posts.push(id);
                m.targets.push((id, by));
            }
            Op::Comment { by, target } if !m.posts.is_empty() => {
                let post = m.posts[target % m.posts.len()];
                if let Ok(id) = peers[by].replica.comment(ch, &post, "so good", None) {
                    m.targets.push((id, by));
                    m.comment_post.insert(id, post);
                }
            }
            Op::React { by, target, emoji, on } if !m.targets.is_empty() => {
                let t = m.targets[target % m.targets.len()].0;
                let _ = peers[by].replica.react(ch, &t, EMOJI[emoji], on);
            }
            Op::Retract { by, pick } => {
                let own: Vec<EventId> = m.targets.iter().filter(|(_, a)| *a == by).map(|(id, _)| *id).collect();
                if !own.is_empty() {
                    let t = own[pick % own.len()];
                    if peers[by].replica.retract(ch, &t).is_ok() && by != 2 {
                        m.retracted.insert(t);
                    }
                }
            }
            Op::Moderate { target, hide } if !m.targets.is_empty() => {
                let t = m.targets[target % m.targets.len()].0;
                let action = if hide { ModAction::Hide } else { ModAction::Show };
                peers[0].replica.moderate(ch, &t, action).unwrap();
                m.moderated.insert(t, hide);
            }
            Op::Sync { from, to } if from != to => {
                peers[to].pull(&peers[from], ch);
            }
            Op::RemoveCarol => {
                let carol = peers[2].replica.device_id();
                let removed = peers[0].replica.members(ch).unwrap().iter().any(|m| m.device == carol && m.removed);
                if !removed {
                    peers[0].replica.remove_members(ch, &[carol]).unwrap();
                }
            }
            _ => {}
        }
    }
    m
}

/// A small deterministic shuffle (SplitMix64), so proptest controls the order by a seed.
fn shuffle<T>(v: &mut [T], mut seed: u64) {
    for i in (1..v.len()).rev() {
        seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        v.swap(i, (z % (i as u64 + 1)) as usize);
    }
}

#[derive(Debug, PartialEq, Eq)]
struct Views {
    gallery: Vec<swarmroll_core::catalog::Item>,
    threads: Vec<Option<Thread>>,
    members: Vec<Member>,
}

fn views(p: &Peer, ch: &ChannelId, posts: &[EventId]) -> Views {
    let mut gallery = Vec::new();
    let mut cursor = None;
    loop {
        let page = p.replica.gallery(ch, cursor, 3).unwrap();
        gallery.extend(page.items);
        match page.next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    // Members, less the two late joiners (each knows itself first).
    let members = p.replica.members(ch).unwrap().into_iter().filter(|m| m.name != "Dave" && m.name != "Erin").collect();
    Views { gallery, threads: posts.iter().map(|id| p.replica.thread(id).unwrap()).collect(), members }
}

fn deliver(p: &Peer, ch: &ChannelId, mut events: Vec<Vec<u8>>, seed: u64, chunk: usize) {
    // duplicate about a third of the events, then shuffle and deliver in chunks
    let dups: Vec<Vec<u8>> = events.iter().step_by(3).cloned().collect();
    events.extend(dups);
    shuffle(&mut events, seed);
    for batch in events.chunks(chunk.max(1)) {
        let report = p.replica.ingest(ch, batch).unwrap();
        assert!(
            report.rejected.iter().all(|(_, r)| matches!(
                r,
                swarmroll_core::log::Rejection::Duplicate
                    | swarmroll_core::log::Rejection::Removed
                    | swarmroll_core::log::Rejection::EpochClosed
            )),
            "{:?}",
            report.rejected
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_delivery_order_converges(
        ops in prop::collection::vec(op(), 1..28),
        seed_a in any::<u64>(),
        seed_b in any::<u64>(),
        chunk in 1usize..9,
    ) {
        let peers = [alice(), bob(), carol()];
        let ch = peers[0].create("Party");
        peers[1].join_from(&peers[0], &ch, Role::Contributor);
        peers[2].join_from(&peers[0], &ch, Role::Viewer);
        // Two members who are offline during the whole scenario.
        let dave = peer("Dave");
        let erin = peer("Erin");
        dave.join_from(&peers[0], &ch, Role::Viewer);
        erin.join_from(&peers[0], &ch, Role::Viewer);
        for p in &peers { p.pull(&dave, &ch); p.pull(&erin, &ch); }
        for (i, p) in peers.iter().enumerate() { for q in &peers[i + 1..] { p.pull(q, &ch); q.pull(p, &ch); } }

        let model = run(&ops, &peers, &ch);

        let mut all = BTreeSet::new();
        for p in &peers { all.extend(p.replica.export(&ch).unwrap()); }
        let all: Vec<Vec<u8>> = all.into_iter().collect();
        deliver(&dave, &ch, all.clone(), seed_a, chunk);
        deliver(&erin, &ch, all, seed_b, 1);

        let (vd, ve) = (views(&dave, &ch, &model.posts), views(&erin, &ch, &model.posts));
        prop_assert_eq!(&vd, &ve);
        for p in [&dave, &erin] {
            let left: Vec<String> = swarmroll_tests::pending_events(p, &ch)
                .iter()
                .map(|e| format!("{:?} seq {} {:?}", e.header.author, e.header.seq, e.header.kind))
                .collect();
            prop_assert!(left.is_empty(), "{} still waits for {:?}", p.name, left);
        }

        // Retract and moderate hide exactly what they target.
        for (i, post) in model.posts.iter().enumerate() {
            let hidden = model.retracted.contains(post) || model.moderated.get(post).copied().unwrap_or(false);
            prop_assert_eq!(vd.threads[i].is_none(), hidden, "post {} hidden={}", i, hidden);
        }
        let shown: BTreeSet<EventId> =
            vd.threads.iter().flatten().flat_map(|t| t.comments.iter().map(|c| c.id)).collect();
        let visible_posts: BTreeSet<EventId> = vd.threads.iter().flatten().map(|t| t.post.id).collect();
        for (id, by) in &model.targets {
            // Carol's comments may fall to her removal; their convergence is checked above.
            let Some(post) = model.comment_post.get(id) else { continue };
            if *by == 2 || !visible_posts.contains(post) {
                continue;
            }
            let hidden = model.retracted.contains(id) || model.moderated.get(id).copied().unwrap_or(false);
            prop_assert_eq!(shown.contains(id), !hidden, "comment hidden={}", hidden);
        }
        // The gallery lists each distinct photo once, crediting every visible poster.
        let hashes: BTreeSet<_> = vd.gallery.iter().map(|i| i.content_hash).collect();
        prop_assert_eq!(hashes.len(), vd.gallery.len());
    }
}
