//! Test helper: opens a node on the data folder given first (creating a channel the first
//! time), shares every file of the folder given second into it, prints `shared` and
//! exits. The crash test kills it at arbitrary moments, then checks that the next start
//! finishes what it began.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use swarmroll_core::import::Request;
use swarmroll_core::node::Node;
use swarmroll_core::share::{Cancel, Options};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("data folder"));
    let photos = std::path::PathBuf::from(args.next().expect("photo folder"));
    let node = Node::open(swarmroll_tests::net::node_config(&dir)).unwrap();
    node.start().await.unwrap();
    let ch = match node.channels().unwrap().first() {
        Some(c) => c.id,
        None => node.create_channel("Crash test", "Sharer", false).unwrap(),
    };
    let mut files: Vec<_> = std::fs::read_dir(&photos).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let requests = files.into_iter().map(Request::path).collect();
    let outcome = node.share(&ch, requests, Options::default(), &Cancel::default()).await.unwrap();
    println!("shared {}", outcome.posted());
    node.stop().await;
}
