//! What the component tests in `tests/` need beyond the public API, behind the
//! `testing` feature: a node's replica, and counts and records the layers below the
//! facade keep. Front ends never enable it (`scripts/test.sh` checks that they build
//! without it); the tests use these instead of the modules' SQL.

use crate::catalog::Post;
use crate::net::ChannelAccess;
use crate::node::Node;
use crate::replica::Replica;
use crate::store::StoreError;
use crate::types::{ChannelId, DeviceId};
use std::net::SocketAddr;
use std::sync::Arc;

/// The replica under a node: the workflow layer the component tests drive directly.
pub fn replica(node: &Node) -> &Arc<Replica> {
    node.replica()
}

/// How many events wait for a dependency in `r`'s copy of a channel.
///
/// # Errors
/// [`StoreError`].
pub fn pending_count(r: &Replica, ch: &ChannelId) -> Result<i64, StoreError> {
    r.store().read(|c| crate::log::db::pending_count(c, ch))
}

/// The encoded events waiting for a dependency in `r`'s copy of a channel.
///
/// # Errors
/// [`StoreError`].
pub fn pending_raw(r: &Replica, ch: &ChannelId) -> Result<Vec<Vec<u8>>, StoreError> {
    r.store().read(|c| crate::log::db::pending_raw(c, ch))
}

/// The proofs `r` sends first on a sync connection for `ch` whose handshake hash is
/// `session` (`Established::session`), as the side that opened it (`initiator`) or not:
/// for tests that speak the sync protocol by hand (`sync::admission`).
///
/// # Errors
/// [`StoreError`]; `Ok(None)` without keys for `ch`.
pub fn access_proofs(
    r: &Replica,
    ch: &ChannelId,
    session: &[u8; 32],
    initiator: bool,
) -> Result<Option<Vec<crate::sync::admission::Proof>>, StoreError> {
    let keys = r.store().read(|c| crate::log::db::current_keys(c, ch))?;
    Ok(keys.map(|k| crate::sync::admission::proofs(ch, (k.epoch, &k.read_key), session, initiator)))
}

/// The channels `r` holds keys for, as sync announces them.
///
/// # Errors
/// [`StoreError`].
pub fn accesses(r: &Replica) -> Result<Vec<ChannelAccess>, StoreError> {
    accesses_in(r.store())
}

/// [`accesses`] of the node whose store is `store` (the NAT lab reads a stopped node's
/// data folder so, without opening its identity).
///
/// # Errors
/// [`StoreError`].
pub fn accesses_in(store: &crate::store::Store) -> Result<Vec<ChannelAccess>, StoreError> {
    store.read(crate::sync::db::accesses)
}

/// Remembers `addr` as a peer of `ch` (as if it had been seen there).
///
/// # Errors
/// [`StoreError`].
pub fn remember_peer(r: &Replica, ch: &ChannelId, addr: SocketAddr) -> Result<(), StoreError> {
    r.store().write(|tx| crate::sync::db::remember(tx, ch, addr, 0))
}

/// Posts and bytes of `channels` still to fetch for `me`.
///
/// # Errors
/// [`StoreError`].
pub fn remaining(r: &Replica, channels: &[ChannelId], me: &DeviceId) -> Result<(u64, u64), StoreError> {
    r.store().read(|c| crate::node::db::remaining(c, channels, me))
}

/// Every post of a channel as the views hold it.
///
/// # Errors
/// [`StoreError`].
pub fn channel_posts(r: &Replica, ch: &ChannelId) -> Result<Vec<Post>, StoreError> {
    r.store().read(|c| crate::catalog::db::channel_posts(c, ch))
}
