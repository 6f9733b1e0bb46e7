//! Network helpers for multi-peer tests: sync services on loopback with short timeouts,
//! and waiting for a condition or for a sync service to catch up.

use crate::Peer;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::time::Duration;
use swarmroll_core::net::Limits;
use swarmroll_core::sync::{Config, LanConfig, Sync, SyncEvent};
use swarmroll_core::ChannelId;

/// Sync on an ephemeral loopback port, no local discovery, short timeouts.
pub fn sync_config() -> Config {
    listen_on(Ipv4Addr::LOCALHOST, 0)
}

/// Sync listening on `ip:port` (0: any free port), otherwise as [`sync_config`].
pub fn listen_on(ip: Ipv4Addr, port: u16) -> Config {
    Config {
        listen: SocketAddr::V4(SocketAddrV4::new(ip, port)),
        lan: None,
        limits: Limits {
            handshake: Duration::from_secs(2),
            idle: Duration::from_secs(10),
            frame: Duration::from_secs(2),
            ..Limits::default()
        },
        ping: Duration::from_secs(2),
        redial: Duration::from_millis(200),
        ..Config::default()
    }
}

/// Local discovery over loopback on the beacon port `port` (each test its own).
pub fn lan_config(port: u16) -> LanConfig {
    LanConfig {
        group: SocketAddrV4::new(swarmroll_core::net::lan::GROUP, port),
        interfaces: Some(vec![Ipv4Addr::LOCALHOST]),
        announce: Duration::from_millis(500),
        scan_after: None,
        ..LanConfig::default()
    }
}

/// A UDP port free right now (for a test's own beacon group).
pub fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0").and_then(|s| s.local_addr()).map(|a| a.port()).expect("free port")
}

/// Starts `p`'s sync service.
pub async fn start(p: &Peer, cfg: Config) -> Sync {
    Sync::start(p.replica.clone(), cfg).await.expect("start sync")
}

/// Waits until `f` holds, polling every 20 ms; panics with `what` after `secs` seconds.
pub async fn until(secs: u64, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A node on `dir` for tests: sync and BitTorrent on loopback ports, no local discovery.
pub fn node_config(dir: &std::path::Path) -> swarmroll_core::node::NodeConfig {
    let mut cfg = swarmroll_core::node::NodeConfig::new(dir);
    cfg.sync = sync_config();
    cfg.swarm.listen = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0));
    cfg
}

/// `n` shares these fixture photos (paths under `../shared/fixtures/photos`) into `ch`
/// with `caption`, as one share.
pub async fn share_fixtures(
    n: &swarmroll_core::node::Node,
    ch: &swarmroll_core::ChannelId,
    photos: &[&str],
    caption: &str,
) -> swarmroll_core::share::Outcome {
    let dir = crate::photos();
    let files = photos
        .iter()
        .map(|p| swarmroll_core::import::Request {
            path: dir.join(p),
            poster: None,
            asset_id: None,
            platform_time: None,
        })
        .collect();
    let options = swarmroll_core::share::Options { caption: caption.into(), ..Default::default() };
    n.share(ch, files, options, &swarmroll_core::share::Cancel::default()).await.expect("share")
}

/// Waits until the sync service whose events `events` receives has caught up with a
/// peer on `ch` (it received everything the peer held when their round began).
///
/// # Panics
/// If the service stops first.
pub async fn caught_up(events: &mut tokio::sync::broadcast::Receiver<SyncEvent>, ch: ChannelId) {
    loop {
        match events.recv().await {
            Ok(SyncEvent::CaughtUp { channel, .. }) if channel == ch => return,
            Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
            Err(tokio::sync::broadcast::error::RecvError::Closed) => panic!("sync stopped before catching up"),
        }
    }
}
