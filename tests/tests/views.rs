//! The materialised views the apps render: gallery paging, dedupe with credits, threads
//! and reactions, members, the channel list with unread counts — across restarts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use swarmroll_core::channel::{Role, Window};
use swarmroll_core::log::ModAction;
use swarmroll_core::Timestamp;
use swarmroll_tests::{alice, bob, carol, photo};

#[test]
fn gallery_pages_newest_first_and_dedupes_with_credits() {
    let alice = alice();
    let bob = bob();
    let ch = alice.create("Reunion");
    bob.join_from(&alice, &ch, Role::Contributor);
    // 25 distinct photos from Alice, capture times out of posting order.
    for i in 0..25u8 {
        let t = 1_000_000 + i64::from((i * 7) % 25) * 1_000;
        alice.replica.post(&ch, "", vec![photo(i, t)]).unwrap();
    }
    // Bob shares bytes identical to Alice's photo 3, plus one of his own.
    bob.replica.post(&ch, "from my phone", vec![photo(3, 1_000_000 + 21_000), photo(100, 5)]).unwrap();
    alice.pull(&bob, &ch);
    bob.pull(&alice, &ch);

    for p in [&alice, &bob] {
        let mut all = Vec::new();
        let mut cursor = None;
        loop {
            let page = p.replica.gallery(&ch, cursor, 10).unwrap();
            assert!(page.items.len() <= 10);
            all.extend(page.items);
            match page.next {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        assert_eq!(all.len(), 26, "25 of Alice's + 1 new of Bob's; the shared one shows once");
        assert!(all.windows(2).all(|w| w[0].sort_time >= w[1].sort_time), "newest first");
        let shared = all.iter().find(|i| i.content_hash.0 == [3; 32]).unwrap();
        let names: Vec<&str> = shared.credits.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names.len(), 2);
        assert!(names.contains(&"Alice") && names.contains(&"Bob"));
        assert_eq!(all.last().unwrap().content_hash.0, [100; 32], "oldest capture last");
    }
}

#[test]
fn threads_reactions_members_and_unread_survive_restart() {
    let alice = alice();
    let bob = bob();
    let carol = carol();
    let ch = alice.create("Wedding");
    bob.join_from(&alice, &ch, Role::Contributor);
    carol.join_from(&alice, &ch, Role::Viewer);
    let post = bob.replica.post(&ch, "cake!", vec![photo(1, 10)]).unwrap();
    carol.pull(&bob, &ch);
    let c1 = carol.replica.comment(&ch, &post, "yum", None).unwrap();
    carol.replica.react(&ch, &post, "🎉", true).unwrap();
    carol.replica.react(&ch, &post, "🎉", false).unwrap(); // taken back
    carol.replica.react(&ch, &post, "❤️", true).unwrap();
    let c2 = carol.replica.comment(&ch, &post, "so yum", Some(c1)).unwrap();
    carol.replica.retract(&ch, &c2).unwrap();
    for p in [&bob, &carol] {
        alice.pull(p, &ch);
    }
    alice.replica.react(&ch, &post, "❤️", true).unwrap();

    assert_eq!(alice.replica.channels().unwrap()[0].unread, 2, "Bob's post and Carol's visible comment");
    alice.replica.mark_read(&ch).unwrap();
    assert_eq!(alice.replica.channels().unwrap()[0].unread, 0);

    let alice = alice.reopen();
    let t = alice.replica.thread(&post).unwrap().unwrap();
    assert_eq!(t.post.caption, "cake!");
    assert_eq!(t.post.author.name, "Bob");
    assert_eq!(t.comments.len(), 1);
    assert_eq!(t.comments[0].text, "yum");
    assert_eq!(t.comments[0].author.name, "Carol");
    assert_eq!(t.reactions.len(), 1);
    assert_eq!((t.reactions[0].emoji.as_str(), t.reactions[0].count, t.reactions[0].mine), ("❤️", 2, true));

    let members = alice.replica.members(&ch).unwrap();
    let roles: Vec<(&str, Role)> = members.iter().map(|m| (m.name.as_str(), m.role)).collect();
    assert_eq!(roles, vec![("Alice", Role::Owner), ("Bob", Role::Contributor), ("Carol", Role::Viewer)]);
    assert_eq!(alice.replica.channels().unwrap()[0].unread, 0, "read marker persisted");

    // A hidden post leaves the gallery and its thread; showing it brings both back.
    alice.replica.moderate(&ch, &post, ModAction::Hide).unwrap();
    assert!(alice.replica.thread(&post).unwrap().is_none());
    assert!(alice.replica.gallery(&ch, None, 10).unwrap().items.is_empty());
    alice.replica.moderate(&ch, &post, ModAction::Show).unwrap();
    assert_eq!(alice.replica.gallery(&ch, None, 10).unwrap().items.len(), 1);
}

#[test]
fn a_member_cannot_retract_someone_elses_post() {
    let alice = alice();
    let bob = bob();
    let ch = alice.create("Party");
    bob.join_from(&alice, &ch, Role::Contributor);
    let post = alice.replica.post(&ch, "", vec![photo(9, 1)]).unwrap();
    bob.pull(&alice, &ch);
    bob.replica.retract(&ch, &post).unwrap(); // a valid event, but it targets Alice's post
    alice.pull(&bob, &ch);
    for p in [&alice, &bob] {
        assert!(p.replica.thread(&post).unwrap().is_some());
    }
}

#[test]
fn the_event_window_reaches_members() {
    let alice = alice();
    let bob = bob();
    let window = Window { start: Timestamp(1_800_000_000_000), end: Timestamp(1_800_086_400_000) };
    let ch = alice.replica.create_channel("Saturday", Some(window), "Alice").unwrap();
    bob.join_from(&alice, &ch, Role::Viewer);
    let s = bob.replica.settings(&ch).unwrap().unwrap();
    assert_eq!(s.name, "Saturday");
    assert_eq!(s.window, Some(window));
    assert!(window.contains(Timestamp(1_800_000_000_000)) && !window.contains(window.end));
    // A window that ends before it starts is refused.
    let bad = Window { start: window.end, end: window.start };
    assert!(alice.replica.create_channel("Backwards", Some(bad), "Alice").is_err());
}

/// A comment, reply or reaction must name a post or comment of the same channel: the log
/// would take one naming anything, and no one would ever see it.
#[test]
fn comments_and_reactions_must_name_something_in_the_channel() {
    use swarmroll_core::replica::Error;
    let a = alice();
    let (party, other) = (a.create("Party"), a.create("Other"));
    let post = a.replica.post(&party, "", vec![photo(1, 1_000)]).unwrap();
    let elsewhere = a.replica.post(&other, "", vec![photo(2, 2_000)]).unwrap();
    let comment = a.replica.comment(&party, &post, "first", None).unwrap();
    let unknown = swarmroll_core::EventId([9; 32]);

    assert!(matches!(a.replica.comment(&party, &unknown, "x", None), Err(Error::UnknownTarget)));
    assert!(matches!(a.replica.comment(&party, &elsewhere, "x", None), Err(Error::UnknownTarget)));
    assert!(matches!(a.replica.comment(&party, &post, "x", Some(unknown)), Err(Error::UnknownTarget)));
    let on_other = a.replica.comment(&other, &elsewhere, "there", None).unwrap();
    assert!(matches!(a.replica.comment(&party, &post, "x", Some(on_other)), Err(Error::UnknownTarget)));
    assert!(matches!(a.replica.react(&party, &unknown, "❤️", true), Err(Error::UnknownTarget)));
    assert!(matches!(a.replica.react(&party, &elsewhere, "❤️", true), Err(Error::UnknownTarget)));

    a.replica.comment(&party, &post, "a reply", Some(comment)).unwrap();
    a.replica.react(&party, &post, "❤️", true).unwrap();
    a.replica.react(&party, &comment, "👍", true).unwrap();
    assert_eq!(a.replica.thread(&post).unwrap().unwrap().comments.len(), 2);
}
