//! A venue for the web gallery's tests and benchmark: Alice's real node (SQLite in a
//! temporary folder, sync and BitTorrent on loopback) with a channel, its web server on
//! 127.0.0.1, and the three kinds of links.

use crate::http::Client;
use crate::net::node_config;
use std::net::SocketAddr;
use swarmroll_core::node::Node;
use swarmroll_core::{ChannelId, Timestamp};
use swarmroll_web::{self, Link, LinkRole, WebConfig, WebServer};
use tempfile::TempDir;

/// Alice's node serving one channel's gallery.
pub struct Venue {
    pub dir: TempDir,
    pub node: Node,
    pub channel: ChannelId,
    pub server: WebServer,
    pub uploader: Link,
    pub viewer: Link,
    pub host: Link,
}

impl Venue {
    /// Starts it, with `tune` applied to the server settings.
    pub async fn start(tune: impl FnOnce(&mut WebConfig)) -> Venue {
        Self::start_in(tempfile::tempdir().expect("temp dir"), tune).await
    }

    /// [`Venue::start`] with the node's data folder in `dir` (a small filesystem, say).
    pub async fn start_in(dir: TempDir, tune: impl FnOnce(&mut WebConfig)) -> Venue {
        Self::start_with(dir, false, tune).await
    }

    /// [`Venue::start`] for a private channel: its links carry a seal key.
    pub async fn start_private(tune: impl FnOnce(&mut WebConfig)) -> Venue {
        Self::start_with(tempfile::tempdir().expect("temp dir"), true, tune).await
    }

    async fn start_with(dir: TempDir, private: bool, tune: impl FnOnce(&mut WebConfig)) -> Venue {
        let node = Node::open(node_config(dir.path())).expect("open node");
        node.start().await.expect("start node");
        let channel = node.create_channel("Ana & Ben's wedding", "Ana", private).expect("create channel");
        let closes = Some(Timestamp(Timestamp::now().0 + 3_600_000));
        let link = |role| node.venue().create_link(&channel, role, closes).expect("link");
        let (uploader, viewer, host) = (link(LinkRole::Uploader), link(LinkRole::Viewer), link(LinkRole::Host));
        let mut cfg = WebConfig::new("127.0.0.1:0".parse().expect("address"));
        cfg.guest_token = Some(uploader.token.clone());
        tune(&mut cfg);
        let server = WebServer::start(node.clone(), cfg).await.expect("start web server");
        Venue { dir, node, channel, server, uploader, viewer, host }
    }

    /// Where the server listens.
    pub fn addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// The path of a link's gallery, `/g/<token>/`.
    pub fn base(link: &Link) -> String {
        format!("/g/{}/", link.token)
    }

    /// A browser that opened `link` and typed `name` (if any).
    pub async fn guest(&self, link: &Link, name: Option<&str>) -> Client {
        let mut c = Client::new(self.addr());
        let r = c.session(&Self::base(link), name).await;
        assert_eq!(r.status, 200, "session: {}", r.text());
        c
    }
}
