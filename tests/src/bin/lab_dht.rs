//! NAT lab helper (`scripts/nat-lab.sh`, case `dht`): the lab internet's DHT.
//!
//! `lab_dht <data-dir> <ip> <port>` reads the channels of the (stopped) node whose data
//! folder is given and serves, on `ip`, a bootstrap node at `port` and, from `port + 1`,
//! librqbit DHT nodes whose ids are near each channel's rendezvous key for this hour and
//! the next (`swarmroll_tests::dht` says why a small DHT needs that). Members bootstrap
//! from it (`--dht-bootstrap ip:port`), announce and look up as on the mainline DHT.
//! Prints `ready` once serving, and runs until killed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{IpAddr, SocketAddr};
use swarmroll_core::store::Store;
use swarmroll_core::swarm::dht::Rendezvous;
use swarmroll_core::sync::dht_key;
use swarmroll_tests::dht::{bootstrap, near};

/// The nodes' rendezvous period (`sync::DhtConfig::new`).
const PERIOD_MS: i64 = 3_600_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, ip, port] = &args[..] else {
        eprintln!("usage: lab_dht <data-dir> <ip> <port>");
        std::process::exit(2);
    };
    let ip: IpAddr = ip.parse().expect("an IP address");
    let port: u16 = port.parse().expect("a port");
    let store = Store::open_dir(std::path::Path::new(dir)).expect("the node's store");
    let accesses = swarmroll_core::testing::accesses_in(&store).expect("channels");
    drop(store);
    let period = swarmroll_core::Timestamp::now().0.div_euclid(PERIOD_MS);
    let mut nodes = Vec::new();
    for access in &accesses {
        for p in [period, period + 1] {
            let key = dht_key(&access.secret, p);
            for x in 1..=2u8 {
                let at = SocketAddr::new(ip, port + 1 + u16::try_from(nodes.len()).expect("few nodes"));
                nodes.push((near(key, x), at));
            }
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let boot = bootstrap(SocketAddr::new(ip, port), nodes.clone()).await.to_string();
        let mut running = Vec::new();
        for (id, at) in &nodes {
            running.push(Rendezvous::standalone(*at, vec![boot.clone()], Some(*id)).await.expect("a DHT node"));
        }
        println!("ready: {} channels, {} nodes", accesses.len(), running.len());
        std::future::pending::<()>().await;
    });
}
