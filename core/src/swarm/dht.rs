//! Rendezvous on the mainline DHT through librqbit's DHT: announce our sync port under a
//! 20-byte key and collect the addresses announced under it by others.
//!
//! The node normally shares the swarm session's DHT ([`crate::swarm::Swarm::rendezvous`]);
//! [`Rendezvous::standalone`] starts one of its own (a home server without a swarm, and
//! tests, which need chosen node ids: librqbit announces only to nodes whose id shares 16
//! bits with the key, and stores only announces within 20 bits).

use super::SwarmError;
use futures_util::{Stream, StreamExt};
use librqbit::dht::{Dht, DhtBuilder, DhtConfig, Id20};
use std::net::SocketAddr;
use std::pin::Pin;

/// A handle on a DHT node.
#[derive(Clone)]
pub struct Rendezvous {
    dht: Dht,
}

/// Addresses announced under a key, as they arrive (duplicates included). Librqbit
/// re-queries and re-announces every minute for as long as the stream lives.
pub type Found = Pin<Box<dyn Stream<Item = SocketAddr> + Send>>;

impl std::fmt::Debug for Rendezvous {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rendezvous").field("listen", &self.listen_addr()).finish()
    }
}

impl Rendezvous {
    pub(crate) fn new(dht: Dht) -> Self {
        Rendezvous { dht }
    }

    /// A DHT node of its own on `listen`, bootstrapping from `bootstrap` (`host:port`),
    /// with node id `node_id` if given.
    ///
    /// # Errors
    /// [`SwarmError::Engine`] if the node cannot start.
    pub async fn standalone(
        listen: SocketAddr,
        bootstrap: Vec<String>,
        node_id: Option<[u8; 20]>,
    ) -> Result<Self, SwarmError> {
        let config = DhtConfig {
            peer_id: node_id.map(Id20::new),
            bootstrap_addrs: Some(bootstrap),
            listen_addr: Some(listen),
            ..DhtConfig::default()
        };
        let dht = DhtBuilder::with_config(config).await.map_err(|_| SwarmError::Engine)?;
        Ok(Rendezvous { dht })
    }

    /// Where the node's UDP socket is.
    pub fn listen_addr(&self) -> SocketAddr {
        self.dht.listen_addr()
    }

    /// Looks up `key`, announcing `port` under it too if given.
    pub fn lookup(&self, key: [u8; 20], announce: Option<u16>) -> Found {
        self.dht.get_peers(Id20::new(key), announce).boxed()
    }
}
