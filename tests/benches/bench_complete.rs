//! Benchmark: how soon a member's node says a post's originals are here once the swarm
//! has verified their last piece (issue 21: it used to be up to 2 s later, on a tick).
//!
//! `cargo bench -p swarmroll-tests --bench bench_complete [-- --rounds 5 --photos 30]`
//!
//! Ana and Ben are real nodes on loopback. Each round Ana shares `--photos` distinct small
//! photos (split into posts of at most 12) and Ben's node fetches them in the background.
//! For every post it times, on Ben's side, the swarm's "every piece verified"
//! (`TransferEvent::Finished`) and the node's `TransferFinished` (what the UI and `mirror`
//! act on), and prints the lag between the two and each round's total from share to the
//! last post announced.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: failing loudly is right

use std::collections::HashMap;
use std::time::{Duration, Instant};
use swarmroll_core::channel::Role;
use swarmroll_core::import::Request;
use swarmroll_core::node::{Node, NodeEvent};
use swarmroll_core::swarm::TransferEvent;
use swarmroll_tests::bench::{arg, print_machine, variant, Spread};
use swarmroll_tests::net::node_config;

fn main() {
    let rounds = arg("--rounds", 5).max(1);
    let photos = arg("--photos", 30).max(1);
    print_machine();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(run(rounds, photos));
}

async fn run(rounds: usize, photos: usize) {
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let ana = Node::open(node_config(dirs[0].path())).unwrap();
    ana.start().await.unwrap();
    let ch = ana.create_channel("Party", "Ana", false).unwrap();
    let ben = Node::open(node_config(dirs[1].path())).unwrap();
    ben.start().await.unwrap();
    let (invite, _) = ana.invite(&ch, Role::Contributor, None).await.unwrap();
    ben.join(&invite, "Ben", Duration::from_secs(10)).await.unwrap();
    let swarm = ben.swarm().await.unwrap();
    let base = std::fs::read(swarmroll_tests::photos().join("phones/jolla.jpg")).unwrap();

    let (mut lags, mut totals) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let files: Vec<Request> = (0..photos)
            .map(|i| {
                let path = dirs[2].path().join(format!("r{round}_{i:03}.jpg"));
                std::fs::write(&path, variant(&base, round * 1_000 + i)).unwrap();
                Request::path(path)
            })
            .collect();
        let (mut node_events, mut swarm_events) = (ben.subscribe(), swarm.events());
        let options = swarmroll_core::share::Options::default();
        let outcome = ana.share(&ch, files, options, &swarmroll_core::share::Cancel::default()).await.unwrap();
        let shared = Instant::now();
        let want = outcome.posts.len();
        // Verified, by info hash, and announced, by post: both in arrival order.
        let (mut verified, mut announced): (Vec<Instant>, HashMap<_, Instant>) = (Vec::new(), HashMap::new());
        let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
        while announced.len() < want {
            tokio::select! {
                e = node_events.recv() => {
                    if let Ok(NodeEvent::TransferFinished { post, .. }) = e {
                        if outcome.posts.contains(&post) {
                            announced.entry(post).or_insert_with(Instant::now);
                        }
                    }
                }
                e = swarm_events.recv() => {
                    if let Ok(TransferEvent::Finished { .. }) = e {
                        verified.push(Instant::now());
                    }
                }
                () = tokio::time::sleep_until(deadline) => panic!("round {round}: {} of {want} posts announced", announced.len()),
            }
        }
        let mut done: Vec<Instant> = announced.into_values().collect();
        done.sort();
        // Each announcement follows the latest verification before it.
        for a in &done {
            if let Some(v) = verified.iter().filter(|v| *v <= a).max() {
                lags.push(a.duration_since(*v).as_secs_f64() * 1000.0);
            }
        }
        totals.push(done.last().unwrap().duration_since(shared).as_secs_f64());
    }
    println!("{rounds} rounds of {photos} photos shared by Ana and fetched by Ben on loopback");
    println!(
        "  verified -> announced lag per post: {} ms over {} posts   (was a 2 s tick: up to 2000 ms)",
        Spread::of(&lags).show(1),
        lags.len()
    );
    println!("  share -> every post announced:     {} s", Spread::of(&totals).show(2));
    ana.stop().await;
    ben.stop().await;
}
