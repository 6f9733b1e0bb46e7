//! A tiny HTTP BitTorrent tracker on loopback, for interop tests and benchmarks with
//! clients (aria2c) that cannot be handed peer addresses directly.
//!
//! It answers every announce with the compact list of every peer that announced (plus
//! any added up front), and never expires them: enough for a test's short life.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A running tracker.
pub struct Tracker {
    /// Its announce URL.
    pub url: String,
    peers: Arc<Mutex<BTreeSet<SocketAddrV4>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Tracker {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn query_param<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query.split('&').find_map(|kv| kv.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
}

impl Tracker {
    /// Starts a tracker on 127.0.0.1.
    pub async fn start() -> std::io::Result<Tracker> {
        Tracker::start_on(Ipv4Addr::LOCALHOST).await
    }

    /// Starts a tracker on `ip` (in the namespace of the runtime it runs on).
    pub async fn start_on(ip: Ipv4Addr) -> std::io::Result<Tracker> {
        let listener = TcpListener::bind((ip, 0)).await?;
        let url = format!("http://{}/announce", listener.local_addr()?);
        let peers: Arc<Mutex<BTreeSet<SocketAddrV4>>> = Arc::default();
        let shared = Arc::clone(&peers);
        let task = tokio::spawn(async move {
            while let Ok((mut sock, from)) = listener.accept().await {
                let peers = Arc::clone(&shared);
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    let Ok(n) = sock.read(&mut buf).await else { return };
                    let req = String::from_utf8_lossy(&buf[..n]);
                    let path = req.split_whitespace().nth(1).unwrap_or("");
                    let query = path.split_once('?').map(|(_, q)| q).unwrap_or("");
                    if let (Some(port), SocketAddr::V4(from)) = (query_param(query, "port"), from) {
                        if let Ok(port) = port.parse::<u16>() {
                            peers.lock().unwrap_or_else(|p| p.into_inner()).insert(SocketAddrV4::new(*from.ip(), port));
                        }
                    }
                    let compact: Vec<u8> = peers
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .iter()
                        .flat_map(|p| p.ip().octets().into_iter().chain(p.port().to_be_bytes()))
                        .collect();
                    let mut body = format!("d8:intervali5e5:peers{}:", compact.len()).into_bytes();
                    body.extend_from_slice(&compact);
                    body.push(b'e');
                    let head = format!(
                        "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
                        body.len()
                    );
                    let _ = sock.write_all(head.as_bytes()).await;
                    let _ = sock.write_all(&body).await;
                });
            }
        });
        Ok(Tracker { url, peers, task })
    }

    /// Adds a peer that will be returned to every announce.
    pub fn add_peer(&self, peer: SocketAddrV4) {
        self.peers.lock().unwrap_or_else(|p| p.into_inner()).insert(peer);
    }

    /// A `.torrent` file for `info` announcing to this tracker.
    pub fn torrent_file(&self, info: &[u8]) -> Vec<u8> {
        let mut t = format!("d8:announce{}:{}4:info", self.url.len(), self.url).into_bytes();
        t.extend_from_slice(info);
        t.push(b'e');
        t
    }
}
