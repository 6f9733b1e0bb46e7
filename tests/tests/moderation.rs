//! The owner moderates with real nodes on loopback: makes a member a co-host, who hides a
//! post for everyone; removes a member, whose node — started again — receives nothing new
//! it can read, while everyone else carries on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;
use swarmroll_core::channel::Role;
use swarmroll_core::import::Request;
use swarmroll_core::node::Node;
use swarmroll_core::share::{Cancel, Options};
use swarmroll_core::{ChannelId, EventId};
use swarmroll_tests::net::{node_config, until};
use tempfile::TempDir;

async fn started(dir: &TempDir) -> Node {
    let n = Node::open(node_config(dir.path())).unwrap();
    n.start().await.unwrap();
    n
}

async fn join(host: &Node, ch: &ChannelId, dir: &TempDir, name: &str) -> Node {
    let n = started(dir).await;
    let (invite, _) = host.invite(ch, Role::Contributor, None).await.unwrap();
    n.join(&invite, name, Duration::from_secs(10)).await.unwrap();
    n
}

async fn post(n: &Node, ch: &ChannelId, photo: &str) -> EventId {
    let files = vec![Request::path(swarmroll_tests::photos().join(photo))];
    n.share(ch, files, Options::default(), &Cancel::default()).await.unwrap().posts[0]
}

fn sees(n: &Node, post: &EventId) -> bool {
    n.thread(post).ok().flatten().is_some()
}

fn comments(n: &Node, post: &EventId) -> Vec<String> {
    n.thread(post).unwrap().map(|t| t.comments.into_iter().map(|c| c.text).collect()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_co_host_hides_and_a_removed_member_reads_nothing_new() {
    let dirs: Vec<TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let ana = started(&dirs[0]).await;
    let ch = ana.create_channel("Wedding", "Ana", false).unwrap();
    let ben = join(&ana, &ch, &dirs[1], "Ben").await;
    let cleo = join(&ana, &ch, &dirs[2], "Cleo").await;
    let first = post(&ana, &ch, "cameras/Canon_40D.jpg").await;
    until(30, "the first post everywhere", || sees(&ben, &first) && sees(&cleo, &first)).await;

    // Cleo becomes a co-host; a contributor could not hide, a co-host can.
    let cleo_id = cleo.device_id();
    assert!(cleo.moderate(&ch, &first, true).is_err(), "a contributor may not hide");
    ana.set_role(&ch, &cleo_id, Role::Admin).unwrap();
    until(30, "Cleo's new role at Cleo's", || {
        cleo.members(&ch).unwrap().iter().any(|m| m.device == cleo_id && m.role == Role::Admin)
    })
    .await;
    cleo.moderate(&ch, &first, true).unwrap();
    until(30, "the hidden post gone for Ana and Ben", || !sees(&ana, &first) && !sees(&ben, &first)).await;
    cleo.moderate(&ch, &first, false).unwrap();
    until(30, "the post shown again", || sees(&ana, &first) && sees(&ben, &first)).await;

    // Ben is removed while his node is off; the others go on posting and commenting.
    let ben_id = ben.device_id();
    ben.stop().await;
    ana.remove_member(&ch, &ben_id).unwrap();
    assert!(ana.members(&ch).unwrap().iter().any(|m| m.device == ben_id && m.removed));
    let second = post(&ana, &ch, "cameras/Nikon_D70.jpg").await;
    until(30, "the second post at Cleo's", || sees(&cleo, &second)).await;
    let c = cleo.comment(&ch, &second, "Lovely", None).unwrap();
    ana.comment(&ch, &first, "Still here", None).unwrap();
    until(30, "Cleo's comment at Ana's", || comments(&ana, &second).contains(&"Lovely".to_owned())).await;
    until(30, "Ana's comment at Cleo's", || comments(&cleo, &first).contains(&"Still here".to_owned())).await;

    // Ben's node starts again and syncs as it can: nothing new is readable to him.
    let before = comments(&ben, &first);
    ben.start().await.unwrap();
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert!(!sees(&ben, &second), "the post made after his removal");
    assert!(ben.thread(&c).unwrap().is_none());
    assert_eq!(comments(&ben, &first), before, "no comment made after his removal");
    // Everyone else carries on.
    let third = post(&cleo, &ch, "cameras/fujifilm-dx10.jpg").await;
    until(30, "Cleo's post at Ana's", || sees(&ana, &third)).await;
    assert!(!sees(&ben, &third));
    for n in [ana, ben, cleo] {
        n.stop().await;
    }
}
