//! Test helper: fetches one post into a folder from one peer, at a capped download rate,
//! and exits when it is complete. The resume test kills it midway and runs it again.
//!
//! `fetcher <info-file> <dest> <peer> <download-bytes-per-s>`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::num::NonZeroU32;
use swarmroll_core::swarm::{Config, FetchOptions, Swarm};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let info = std::fs::read(&args[1]).unwrap();
    let dest = std::path::PathBuf::from(&args[2]);
    let peer: std::net::SocketAddr = args[3].parse().unwrap();
    let rate = NonZeroU32::new(args[4].parse().unwrap());
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let config = Config { listen: "127.0.0.1:0".parse().unwrap(), download_bps: rate, ..Config::default() };
        let swarm = Swarm::start(&dest.join(".swarm"), config).await.unwrap();
        let handle = swarm
            .fetch(&info, &dest.join("media"), FetchOptions { seeds: vec![peer], ..Default::default() })
            .await
            .unwrap();
        handle.torrent().wait_until_initialized().await.unwrap();
        println!("had {}", handle.progress().have_bytes);
        handle.finished().await.unwrap();
        println!("done");
        swarm.stop().await;
    });
}
