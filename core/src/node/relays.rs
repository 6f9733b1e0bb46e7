//! Rendezvous relays the user names in settings: servers a user runs (`swarmroll
//! serve-relay`) where members whose other ways fail meet (`sync::rendezvous`). Kept in
//! the data folder, applied at once to a running node, and met besides the ones the
//! platform names when it opens the node (`sync::Config::rendezvous`).

use super::{db, lock, Inner, Node, NodeError};
use std::net::SocketAddr;

/// Most relays a user may name: each keeps a waiting connection per channel open.
pub const MAX_RENDEZVOUS_RELAYS: usize = 8;

/// Why a relay cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RelayError {
    /// An address nothing can be reached at (`0.0.0.0`, multicast, broadcast, port 0).
    #[error("a relay needs a reachable address and a port")]
    Unreachable,
    /// More than [`MAX_RENDEZVOUS_RELAYS`].
    #[error("at most {MAX_RENDEZVOUS_RELAYS} relays")]
    TooMany,
}

impl Node {
    /// Names the rendezvous relays this node meets members at (replacing the list; the
    /// same address twice counts once). Kept in the data folder, and applied at once if
    /// sync is running.
    ///
    /// # Errors
    /// [`NodeError::Relay`] for an address that cannot be a relay, or too many (nothing
    /// changes then); [`NodeError::Store`] if the list cannot be saved.
    pub async fn set_rendezvous_relays(&self, relays: &[SocketAddr]) -> Result<(), NodeError> {
        let mut list: Vec<SocketAddr> = Vec::with_capacity(relays.len());
        for r in relays {
            let ip = r.ip();
            let broadcast = matches!(ip, std::net::IpAddr::V4(v4) if v4.is_broadcast());
            if ip.is_unspecified() || ip.is_multicast() || broadcast || r.port() == 0 {
                return Err(RelayError::Unreachable.into());
            }
            if !list.contains(r) {
                list.push(*r);
            }
        }
        if list.len() > MAX_RENDEZVOUS_RELAYS {
            return Err(RelayError::TooMany.into());
        }
        self.inner.replica.store().write(|tx| db::save_relays(tx, &list))?;
        lock(&self.inner.conditions).relays = list;
        let effective = self.inner.rendezvous_relays();
        if let Some(sync) = super::live_sync(&*self.inner.live.lock().await) {
            sync.set_rendezvous(&effective);
        }
        Ok(())
    }
}

impl Inner {
    /// The relays met: the platform's, then the user's.
    pub(super) fn rendezvous_relays(&self) -> Vec<SocketAddr> {
        let mut all = self.cfg.sync.rendezvous.clone();
        for r in &lock(&self.conditions).relays {
            if !all.contains(r) {
                all.push(*r);
            }
        }
        all
    }
}
