//! A tiny mainline DHT for tests and the NAT lab: a bootstrap node that introduces
//! librqbit DHT nodes to each other.
//!
//! A DHT of a few nodes needs help that the internet's millions do not: node ids close to
//! the key (librqbit announces only to ids sharing 16 bits with it, and stores only within
//! 20 bits), and a bootstrap node that introduces them (librqbit adds to its routing table
//! only nodes named in answers). [`bootstrap`] is a minimal KRPC responder for that.

use std::net::SocketAddr;
use tokio::net::UdpSocket;

#[derive(serde::Deserialize)]
struct Query<'a> {
    #[serde(borrow)]
    t: librqbit_bencode::ByteBuf<'a>,
}

/// Serves on `bind` (port 0: any) a DHT node that answers every query with `nodes`
/// (id, IPv4 address). Returns where it listens.
pub async fn bootstrap(bind: SocketAddr, nodes: Vec<([u8; 20], SocketAddr)>) -> SocketAddr {
    let sock = UdpSocket::bind(bind).await.expect("bind");
    let addr = sock.local_addr().expect("addr");
    let mut compact = Vec::new();
    for (id, a) in &nodes {
        let SocketAddr::V4(v4) = a else { panic!("IPv4 only") };
        compact.extend_from_slice(id);
        compact.extend_from_slice(&v4.ip().octets());
        compact.extend_from_slice(&v4.port().to_be_bytes());
    }
    tokio::spawn(async move {
        let mut buf = [0u8; 2048];
        while let Ok((n, from)) = sock.recv_from(&mut buf).await {
            let Ok(q) = librqbit_bencode::from_bytes::<Query>(&buf[..n]) else { continue };
            let mut r = b"d1:rd2:id20:".to_vec();
            r.extend_from_slice(&[0x42; 20]);
            r.extend_from_slice(format!("5:nodes{}:", compact.len()).as_bytes());
            r.extend_from_slice(&compact);
            r.extend_from_slice(format!("e1:t{}:", q.t.0.len()).as_bytes());
            r.extend_from_slice(q.t.0);
            r.extend_from_slice(b"1:y1:re");
            let _ = sock.send_to(&r, from).await;
        }
    });
    addr
}

/// `key` with its last byte changed by `x`: a node id as close to `key` as the DHT gets.
pub fn near(key: [u8; 20], x: u8) -> [u8; 20] {
    let mut id = key;
    id[19] ^= x;
    id
}
