//! `torrent`: a public post for any BitTorrent client — the `.torrent` (its info
//! dictionary exactly as the post carries it, so the info hash is the post's) and a
//! magnet link naming this node's addresses (`x.pe`), which libtorrent-based clients
//! (qBittorrent, Deluge) connect to at once; others find the node on the DHT.

use crate::Failure;
use serde_json::{json, Value};
use swarmroll_core::node::Node;
use swarmroll_core::EventId;

/// The `.torrent` file for a post's info dictionary.
fn torrent_file(info: &[u8]) -> Vec<u8> {
    let mut out = b"d10:created by9:swarmroll4:info".to_vec();
    out.extend_from_slice(info);
    out.push(b'e');
    out
}

pub(super) async fn torrent(node: &Node, post: &EventId) -> Result<Value, Failure> {
    let Some(swarmroll_core::node::PostTorrent { info_hash: hash, info, private }) = node.post_torrent(post)? else {
        return Err(Failure::input("no such post here (see `swarmroll posts`)"));
    };
    if private {
        return Err(Failure::input(
            "this post is in a private channel: its files travel encrypted, for members' apps only",
        ));
    }
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    let mut peers = Vec::new();
    if let Some(addr) = node.swarm_addr().await {
        let port = addr.port();
        if addr.ip().is_unspecified() {
            peers.extend(swarmroll_core::node::lan_addresses(port).into_iter().map(|a| a.to_string()));
            peers.push(format!("127.0.0.1:{port}"));
        } else {
            peers.push(addr.to_string());
        }
    }
    let mut magnet = format!("magnet:?xt=urn:btih:{hex}&dn=swarmroll-post");
    for p in &peers {
        magnet.push_str("&x.pe=");
        magnet.push_str(p);
    }
    let file = torrent_file(&info);
    Ok(json!({
        "post": post.to_hex(),
        "info_hash": hex,
        "magnet": magnet,
        "peers": peers,
        "torrent_hex": file.iter().map(|b| format!("{b:02x}")).collect::<String>(),
    }))
}
