//! What sync reads and writes in the store: channel access secrets, version vectors,
//! events past a vector, removals, and remembered peer addresses.

use crate::channel::Secret;
use crate::log;
use crate::net::ChannelAccess;
use crate::store::{blob32, exec, StoreError};
use crate::types::{ChannelId, DeviceId, Timestamp};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::net::SocketAddr;

/// The secret every member of a channel can derive — from the epoch-0 read key, which any
/// later read key yields by key regression — that admits a device to the channel's sync.
pub fn access_secret(channel: &ChannelId, epoch0_read_key: &Secret) -> [u8; 32] {
    let mut h = blake3::Hasher::new_derive_key("swarmroll/channel-access/v1");
    h.update(&channel.0);
    h.update(&epoch0_read_key.0);
    *h.finalize().as_bytes()
}

/// Every channel this device holds keys for, with its access secret.
///
/// # Errors
/// [`StoreError`].
pub fn accesses(conn: &Connection) -> Result<Vec<ChannelAccess>, StoreError> {
    let mut stmt = conn.prepare("SELECT DISTINCT channel FROM channel_keys ORDER BY channel")?;
    let chans = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?.collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::with_capacity(chans.len());
    for c in chans {
        let channel = ChannelId(blob32(c)?);
        if let Some(key) = log::db::read_key(conn, &channel, 0)? {
            out.push(ChannelAccess { channel, secret: access_secret(&channel, &key) });
        }
    }
    Ok(out)
}

/// Up to `limit` events of `author`'s feed after `after`, with their seq, in feed order.
///
/// # Errors
/// [`StoreError`].
pub fn feed_after(
    conn: &Connection,
    ch: &ChannelId,
    author: &DeviceId,
    after: u64,
    limit: u32,
) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, raw FROM events WHERE channel = ?1 AND author = ?2 AND seq > ?3 ORDER BY seq LIMIT ?4",
    )?;
    let rows = stmt
        .query_map(params![ch.0, author.0, after as i64, limit], |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Whether `device` was removed from the channel.
///
/// # Errors
/// [`StoreError`].
pub fn is_removed(conn: &Connection, ch: &ChannelId, device: &DeviceId) -> Result<bool, StoreError> {
    Ok(conn
        .query_row("SELECT 1 FROM removals WHERE channel = ?1 AND device = ?2", params![ch.0, device.0], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Whether `device` is a member of `ch` on this replica's roster (removed or not).
///
/// # Errors
/// [`StoreError`].
pub fn is_member(conn: &Connection, ch: &ChannelId, device: &DeviceId) -> Result<bool, StoreError> {
    Ok(conn
        .query_row("SELECT 1 FROM members WHERE channel = ?1 AND device = ?2", params![ch.0, device.0], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Remembers that a member of `ch` was reached at `addr`.
///
/// # Errors
/// [`StoreError`].
pub fn remember(tx: &Transaction<'_>, ch: &ChannelId, addr: SocketAddr, source: i64) -> Result<(), StoreError> {
    exec(
        tx,
        "INSERT INTO peer_addresses (channel, addr, source, last_seen_ms) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (channel, addr) DO UPDATE SET source = excluded.source, last_seen_ms = excluded.last_seen_ms",
        params![ch.0, addr.to_string(), source, Timestamp::now().0],
    )?;
    Ok(())
}

/// Remembered addresses, newest first, at most `limit` per channel.
///
/// # Errors
/// [`StoreError`].
pub fn remembered(conn: &Connection, limit: u32) -> Result<Vec<(ChannelId, SocketAddr)>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT channel, addr FROM (
           SELECT channel, addr, row_number() OVER (PARTITION BY channel ORDER BY last_seen_ms DESC) AS n
           FROM peer_addresses) WHERE n <= ?1",
    )?;
    let rows = stmt
        .query_map([limit], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (c, a) in rows {
        // A row this build cannot parse is skipped, not fatal.
        if let Ok(addr) = a.parse() {
            out.push((ChannelId(blob32(c)?), addr));
        }
    }
    Ok(out)
}

/// Forgets the addresses remembered for `ch` (leaving the channel).
///
/// # Errors
/// [`StoreError`].
pub fn forget_channel(tx: &Transaction<'_>, ch: &ChannelId) -> Result<(), StoreError> {
    exec(tx, "DELETE FROM peer_addresses WHERE channel = ?1", [ch.0])?;
    Ok(())
}
