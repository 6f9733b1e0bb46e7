//! The log's acceptance rules, each shown with real replicas on real SQLite files: every
//! hostile or invalid event is refused with its own typed error and nothing is stored.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use swarmroll_core::channel::{Certificate, EpochKeys, Issuer, Role, Secret};
use swarmroll_core::identity::DeviceKey;
use swarmroll_core::log::{Body, Event, Header, Kind, Rejection, MAX_EVENT_BYTES, WIRE_VERSION};
use swarmroll_core::replica::Error;
use swarmroll_core::types::Sig;
use swarmroll_core::{ChannelId, EventId, Timestamp};
use swarmroll_tests::{alice, bob, carol, peer, photo, Peer};

fn craft(
    key: &DeviceKey,
    ch: ChannelId,
    seq: u64,
    prev: Option<EventId>,
    epoch: u32,
    body: &Body,
    read_key: &Secret,
) -> Event {
    let header = Header {
        version: WIRE_VERSION,
        channel: ch,
        author: key.id(),
        seq,
        prev,
        epoch,
        time: Timestamp::now(),
        kind: body.kind(),
    };
    Event::seal(header, body, read_key, key).unwrap()
}

/// The latest event `p` itself authored in the channel (to extend or fork its feed).
fn last_own_event(p: &Peer, ch: &ChannelId) -> Event {
    let me = p.replica.device_id();
    let log = p.replica.export(ch).unwrap();
    log.iter().map(|r| Event::decode(r).unwrap()).rfind(|e| e.header.author == me).unwrap()
}

fn comment_on(post: EventId) -> Body {
    Body::Comment { post, reply_to: None, text: "nice".into() }
}

/// Asserts `raw` is refused with `want` and that the receiver's log and pending queue
/// did not change.
fn assert_refused(receiver: &Peer, ch: &ChannelId, raw: Vec<u8>, want: Rejection) {
    let before = receiver.replica.export(ch).unwrap();
    let pending_before = swarmroll_core::testing::pending_count(&receiver.replica, ch).unwrap();
    let report = receiver.replica.ingest(ch, &[raw]).unwrap();
    assert_eq!(report.rejected, vec![(0, want)]);
    assert!(report.accepted.is_empty());
    assert_eq!(receiver.replica.export(ch).unwrap(), before, "log changed");
    let pending_after = swarmroll_core::testing::pending_count(&receiver.replica, ch).unwrap();
    assert_eq!(pending_before, pending_after, "pending queue changed");
}

struct World {
    alice: Peer,
    bob: Peer,
    ch: ChannelId,
    post: EventId,
}

/// Alice owns a channel, Bob contributes and has posted once.
fn world() -> World {
    let alice = alice();
    let bob = bob();
    let ch = alice.create("Wedding");
    bob.join_from(&alice, &ch, Role::Contributor);
    let post = bob.replica.post(&ch, "first dance", vec![photo(1, 1_000)]).unwrap();
    alice.pull(&bob, &ch);
    World { alice, bob, ch, post }
}

#[test]
fn honest_events_are_accepted_on_both_sides() {
    let w = world();
    assert_eq!(w.alice.replica.gallery(&w.ch, None, 10).unwrap().items.len(), 1);
    let c = w.alice.replica.comment(&w.ch, &w.post, "lovely", None).unwrap();
    w.bob.pull(&w.alice, &w.ch);
    let thread = w.bob.replica.thread(&w.post).unwrap().unwrap();
    assert_eq!(thread.comments.len(), 1);
    assert_eq!(thread.comments[0].id, c);
    assert_eq!(thread.comments[0].author.name, "Alice");
}

#[test]
fn forged_signature() {
    let w = world();
    let mut ev = Event::decode(&w.bob.replica.export(&w.ch).unwrap().pop().unwrap()).unwrap();
    // Bob's next comment, with one signature bit flipped.
    let c = w.bob.replica.comment(&w.ch, &w.post, "hi", None).unwrap();
    let raw = w.bob.replica.export(&w.ch).unwrap().into_iter().find(|r| Event::decode(r).unwrap().id() == c).unwrap();
    ev = Event::decode(&raw).unwrap_or(ev);
    let mut sig = ev.signature.0;
    sig[5] ^= 1;
    ev.signature = Sig(sig);
    assert_refused(&w.alice, &w.ch, ev.encode(), Rejection::BadSignature);
    // The same with the author swapped for another device: the signature no longer matches.
    let mut ev2 = Event::decode(&raw).unwrap();
    ev2.header.author = w.alice.replica.device_id();
    assert_refused(&w.alice, &w.ch, ev2.encode(), Rejection::BadSignature);
    // One bit of the sealed body changed (the author signs the body's BLAKE3 digest).
    let mut ev3 = Event::decode(&raw).unwrap();
    let last = ev3.body.len() - 1;
    ev3.body[last] ^= 0x10;
    assert_refused(&w.alice, &w.ch, ev3.encode(), Rejection::BadSignature);
}

#[test]
fn event_from_a_non_member() {
    let w = world();
    let outsider = DeviceKey::generate();
    let keys = w.alice.replica.keys(&w.ch).unwrap().unwrap();
    // Knows the read key (say, a leaked link) but holds no certificate.
    let ev = craft(&outsider, w.ch, 1, None, 0, &comment_on(w.post), &keys.read_key);
    assert_refused(&w.alice, &w.ch, ev.encode(), Rejection::NotAMember);
    // Brings a certificate it signed itself, claiming the owner issued it.
    let fake_owner = DeviceKey::generate();
    let forged = Certificate::issue(
        &ed25519_dalek::SigningKey::from_bytes(&fake_owner.secret_bytes()),
        Issuer::Owner,
        w.ch,
        0,
        outsider.id(),
        Role::Contributor,
    )
    .unwrap();
    let ev = craft(
        &outsider,
        w.ch,
        1,
        None,
        0,
        &Body::Profile { name: "Mallory".into(), cert: Some(forged) },
        &keys.read_key,
    );
    assert_refused(&w.alice, &w.ch, ev.encode(), Rejection::NotAMember);
    // Without the read key it cannot even produce a readable body.
    let ev = craft(&outsider, w.ch, 1, None, 0, &comment_on(w.post), &Secret([9; 32]));
    assert_refused(&w.alice, &w.ch, ev.encode(), Rejection::Undecryptable);
}

#[test]
fn event_for_another_channel() {
    let w = world();
    let other = w.alice.create("Other party");
    // `comment` refuses a post of another channel; a crafted event is authored directly.
    let body = swarmroll_core::log::Body::Comment { post: w.post, reply_to: None, text: "wrong place".into() };
    let c = w.alice.replica.author(&other, body).unwrap();
    let raw =
        w.alice.replica.export(&other).unwrap().into_iter().find(|r| Event::decode(r).unwrap().id() == c).unwrap();
    assert_refused(&w.bob, &w.ch, raw, Rejection::WrongChannel);
}

#[test]
fn replayed_event() {
    let w = world();
    let raw = w.bob.replica.export(&w.ch).unwrap().pop().unwrap();
    assert_refused(&w.alice, &w.ch, raw, Rejection::Duplicate);
}

#[test]
fn fork_two_events_at_one_feed_position() {
    let w = world();
    let key = w.bob.device_key();
    let keys = w.bob.replica.keys(&w.ch).unwrap().unwrap();
    let last = last_own_event(&w.bob, &w.ch);
    // A second event at the seq of Bob's post, with the same predecessor.
    let ev = craft(&key, w.ch, last.header.seq, last.header.prev, 0, &comment_on(w.post), &keys.read_key);
    assert_refused(&w.alice, &w.ch, ev.encode(), Rejection::Fork);
}

#[test]
fn oversize_event() {
    let w = world();
    let mut raw = w.bob.replica.export(&w.ch).unwrap().pop().unwrap();
    raw.resize(MAX_EVENT_BYTES + 1, 0);
    assert_refused(&w.alice, &w.ch, raw, Rejection::TooLarge);
    // Within the byte limit but over a field limit.
    let key = w.bob.device_key();
    let keys = w.bob.replica.keys(&w.ch).unwrap().unwrap();
    let last = last_own_event(&w.bob, &w.ch);
    let long = Body::Comment { post: w.post, reply_to: None, text: "x".repeat(4001) };
    let ev = craft(&key, w.ch, last.header.seq + 1, Some(last.id()), 0, &long, &keys.read_key);
    assert_refused(&w.alice, &w.ch, ev.encode(), Rejection::Limits("comment"));
}

#[test]
fn malformed_bytes() {
    let w = world();
    assert_refused(&w.alice, &w.ch, vec![], Rejection::Malformed);
    assert_refused(&w.alice, &w.ch, vec![WIRE_VERSION, 1, 2, 3], Rejection::Malformed);
    let mut raw = w.bob.replica.export(&w.ch).unwrap().pop().unwrap();
    raw.push(0); // trailing bytes: not canonical
    assert_refused(&w.alice, &w.ch, raw, Rejection::Malformed);
}

#[test]
fn viewer_trying_to_post() {
    let w = world();
    let carol = carol();
    carol.join_from(&w.alice, &w.ch, Role::Viewer);
    // Her own replica refuses to author it…
    match carol.replica.post(&w.ch, "me too", vec![photo(2, 2_000)]) {
        Err(Error::Rejected(Rejection::RoleForbids { role: Role::Viewer, kind: Kind::Post })) => {}
        other => panic!("expected RoleForbids, got {other:?}"),
    }
    // …and a peer refuses one she crafts by hand. She may comment.
    w.alice.pull(&carol, &w.ch);
    let key = carol.device_key();
    let keys = carol.replica.keys(&w.ch).unwrap().unwrap();
    let last = last_own_event(&carol, &w.ch);
    let post = Body::Post {
        caption: String::new(),
        items: vec![photo(3, 3_000)],
        info_hash: [0; 20],
        info: vec![],
        on_behalf_of: None,
        media_key: None,
    };
    let ev = craft(&key, w.ch, last.header.seq + 1, Some(last.id()), 0, &post, &keys.read_key);
    assert_refused(&w.alice, &w.ch, ev.encode(), Rejection::RoleForbids { role: Role::Viewer, kind: Kind::Post });
    carol.replica.comment(&w.ch, &w.post, "congratulations!", None).unwrap();
    assert_eq!(w.alice.pull(&carol, &w.ch).accepted.len(), 1);
    // A contributor may not moderate either.
    match w.bob.replica.moderate(&w.ch, &w.post, swarmroll_core::log::ModAction::Hide) {
        Err(Error::Rejected(Rejection::RoleForbids { role: Role::Contributor, kind: Kind::Moderate })) => {}
        other => panic!("expected RoleForbids, got {other:?}"),
    }
}

#[test]
fn removed_member_after_rotation() {
    let w = world();
    let carol = carol();
    carol.join_from(&w.alice, &w.ch, Role::Viewer);
    w.alice.pull(&carol, &w.ch);
    w.bob.pull(&w.alice, &w.ch);
    let bob_old_keys = w.bob.replica.keys(&w.ch).unwrap().unwrap();
    let bob_key = w.bob.device_key();

    w.alice.replica.remove_members(&w.ch, &[w.bob.replica.device_id()]).unwrap();
    let after = w.alice.replica.comment(&w.ch, &w.post, "new epoch secret", None).unwrap();
    carol.pull(&w.alice, &w.ch);
    w.bob.pull(&w.alice, &w.ch);

    // Carol, who stayed, reads the new epoch.
    assert_eq!(carol.replica.keys(&w.ch).unwrap().unwrap().epoch, 1);
    let t = carol.replica.thread(&w.post);
    assert!(t.unwrap().is_some(), "Bob's old post stays: removal is not retroactive");
    assert!(carol.replica.thread(&w.post).unwrap().unwrap().comments.iter().any(|c| c.id == after));

    // Bob holds only epoch 0 keys: nothing of epoch 1 opens with anything he has.
    assert_eq!(w.bob.replica.keys(&w.ch).unwrap().unwrap().epoch, 0);
    let epoch1: Vec<Event> = w
        .alice
        .replica
        .export(&w.ch)
        .unwrap()
        .iter()
        .map(|r| Event::decode(r).unwrap())
        .filter(|e| e.header.epoch == 1)
        .collect();
    assert!(!epoch1.is_empty());
    for ev in &epoch1 {
        assert!(ev.open(&bob_old_keys.read_key).is_err());
        assert!(ev.open(&EpochKeys::generate(1).read_key).is_err());
    }
    assert!(w.bob.replica.thread(&w.post).unwrap().unwrap().comments.iter().all(|c| c.id != after));

    // Bob keeps posting with what he has: refused by every remaining member.
    let last = last_own_event(&w.bob, &w.ch);
    let ev =
        craft(&bob_key, w.ch, last.header.seq + 1, Some(last.id()), 0, &comment_on(w.post), &bob_old_keys.read_key);
    assert_refused(&w.alice, &w.ch, ev.encode(), Rejection::Removed);
    assert_refused(&carol, &w.ch, ev.encode(), Rejection::Removed);
    // His own replica, having seen the rotation, refuses too.
    match w.bob.replica.comment(&w.ch, &w.post, "am I still here?", None) {
        Err(Error::Rejected(Rejection::Removed)) => {}
        other => panic!("expected Removed, got {other:?}"),
    }
}

#[test]
fn removal_rejects_events_that_arrived_before_the_rotation() {
    // Carol has Bob's late comment before she learns of his removal: the rotation purges it.
    let w = world();
    let carol = carol();
    carol.join_from(&w.alice, &w.ch, Role::Viewer);
    w.alice.pull(&carol, &w.ch);
    carol.pull(&w.bob, &w.ch);
    w.alice.replica.remove_members(&w.ch, &[w.bob.replica.device_id()]).unwrap();
    let late = w.bob.replica.comment(&w.ch, &w.post, "sneaky", None).unwrap();
    carol.pull(&w.bob, &w.ch);
    assert!(carol.replica.thread(&w.post).unwrap().unwrap().comments.iter().any(|c| c.id == late));
    carol.pull(&w.alice, &w.ch);
    assert!(carol.replica.thread(&w.post).unwrap().unwrap().comments.iter().all(|c| c.id != late));
    // Both now hold the same log.
    let mut a = w.alice.replica.export(&w.ch).unwrap();
    let mut c = carol.replica.export(&w.ch).unwrap();
    a.sort();
    c.sort();
    assert_eq!(a, c);
}

#[test]
fn a_removed_members_waiting_events_are_all_refused_when_the_removal_arrives() {
    // Carol holds two of Bob's comments written after his removal, waiting for the one
    // before them, when she learns of the removal: both are refused, none waits forever
    // (the first was refused and the second was left behind; the convergence property
    // test found it).
    let w = world();
    let carol = carol();
    carol.join_from(&w.alice, &w.ch, Role::Viewer);
    carol.pull(&w.bob, &w.ch);
    w.alice.replica.remove_members(&w.ch, &[w.bob.replica.device_id()]).unwrap();
    for text in ["one", "two", "three"] {
        w.bob.replica.comment(&w.ch, &w.post, text, None).unwrap();
    }
    let late = w.bob.replica.export(&w.ch).unwrap();
    let late = &late[late.len() - 3..];
    let report = carol.replica.ingest(&w.ch, &late[1..]).unwrap();
    assert_eq!((report.pending, report.rejected.len()), (2, 0), "{report:?}");
    carol.pull(&w.alice, &w.ch);
    assert_eq!(swarmroll_core::testing::pending_count(&carol.replica, &w.ch).unwrap(), 0, "nothing waits");
    assert_refused(&carol, &w.ch, late[0].clone(), Rejection::Removed);
    assert!(carol.replica.thread(&w.post).unwrap().unwrap().comments.is_empty());
}

#[test]
fn out_of_order_events_wait_then_apply() {
    let w = world();
    let carol = peer("Carol");
    let link = w.alice.invite(&w.ch, Role::Viewer);
    carol.replica.join(&swarmroll_core::channel::Invite::parse(&link, Timestamp::now()).unwrap(), "Carol").unwrap();
    let mut log = w.alice.replica.export(&w.ch).unwrap();
    log.reverse();
    let report = carol.replica.ingest(&w.ch, &log).unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert_eq!(report.accepted.len(), log.len());
    assert_eq!(swarmroll_core::testing::pending_count(&carol.replica, &w.ch).unwrap(), 0);
    assert_eq!(carol.replica.gallery(&w.ch, None, 10).unwrap().items.len(), 1);
}

#[test]
fn a_post_in_the_clear_is_refused_in_a_private_channel() {
    let alice = alice();
    let bob = bob();
    let ch = alice.create_private("Family");
    bob.join_from(&alice, &ch, Role::Contributor);
    assert!(bob.replica.is_private(&ch).unwrap(), "the setting travels with the log");
    // Bob's own replica refuses to author a post without a media key…
    match bob.replica.post(&ch, "beach", vec![photo(1, 1_000)]) {
        Err(Error::Rejected(Rejection::UnencryptedPost)) => {}
        other => panic!("expected UnencryptedPost, got {other:?}"),
    }
    // …and Alice refuses one crafted by hand; with a media key it is accepted.
    let keys = bob.replica.keys(&ch).unwrap().unwrap();
    let last = last_own_event(&bob, &ch);
    let post = |media_key| Body::Post {
        caption: String::new(),
        items: vec![photo(2, 2_000)],
        info_hash: [0; 20],
        info: vec![],
        on_behalf_of: None,
        media_key,
    };
    alice.pull(&bob, &ch);
    let clear = craft(&bob.device_key(), ch, last.header.seq + 1, Some(last.id()), 0, &post(None), &keys.read_key);
    assert_refused(&alice, &ch, clear.encode(), Rejection::UnencryptedPost);
    let sealed = craft(
        &bob.device_key(),
        ch,
        last.header.seq + 1,
        Some(last.id()),
        0,
        &post(Some(Secret([7; 32]))),
        &keys.read_key,
    );
    assert_eq!(alice.replica.ingest(&ch, &[sealed.encode()]).unwrap().accepted.len(), 1);
    // A public channel takes posts in the clear.
    let open = alice.create("Party");
    assert!(!alice.replica.is_private(&open).unwrap());
    alice.replica.post(&open, "", vec![photo(3, 3_000)]).unwrap();
}
