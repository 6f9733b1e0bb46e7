//! SQL for the share journal (`shares`, `share_files`): what is being shared, until it is
//! posted.

use super::Options;
use crate::import::Request;
use crate::store::{blob32, exec, Store, StoreError};
use crate::types::{ChannelId, Timestamp};
use rusqlite::{params, Connection, Transaction};
use std::sync::Arc;

/// A share in the journal.
#[derive(Clone, Debug)]
pub struct Share {
    /// Its row.
    pub id: i64,
    /// Where it posts.
    pub channel: ChannelId,
    /// How.
    pub options: Options,
    /// Its files not yet settled, by index in the original request.
    pub files: Vec<File>,
    /// The user cancelled it.
    pub cancelled: bool,
}

/// One file of a share.
#[derive(Clone, Debug)]
pub struct File {
    /// Its index in the request that began the share.
    pub idx: usize,
    /// What to import.
    pub request: Request,
}

/// Writes a new share to the journal.
///
/// # Errors
/// [`StoreError`].
pub fn begin(
    tx: &Transaction<'_>,
    channel: &ChannelId,
    options: &Options,
    files: &[Request],
) -> Result<Share, StoreError> {
    exec(
        tx,
        "INSERT INTO shares (channel, caption, guest, keep_location, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![channel.0, options.caption, options.guest, options.keep_location, Timestamp::now().0],
    )?;
    let id = tx.last_insert_rowid();
    let mut stmt = tx.prepare_cached(
        "INSERT INTO share_files (share, idx, path, asset_id, platform_ms, poster) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (idx, f) in files.iter().enumerate() {
        stmt.execute(params![
            id,
            idx as i64,
            f.path.to_string_lossy(),
            f.asset_id,
            f.platform_time.map(|t| t.0),
            f.poster
        ])?;
    }
    let files = files.iter().enumerate().map(|(idx, r)| File { idx, request: r.clone() }).collect();
    Ok(Share { id, channel: *channel, options: options.clone(), files, cancelled: false })
}

/// Every share in the journal, oldest first: those a stopped node left unfinished.
///
/// # Errors
/// [`StoreError`].
pub fn pending(conn: &Connection) -> Result<Vec<Share>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT id, channel, caption, guest, keep_location, cancelled FROM shares ORDER BY id")?;
    let shares = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                Options { caption: r.get(2)?, guest: r.get(3)?, keep_location: r.get(4)? },
                r.get::<_, bool>(5)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut files = conn.prepare_cached(
        "SELECT idx, path, asset_id, platform_ms, poster FROM share_files WHERE share = ?1 ORDER BY idx",
    )?;
    let mut out = Vec::with_capacity(shares.len());
    for (id, channel, options, cancelled) in shares {
        let rows = files
            .query_map([id], |r| {
                Ok(File {
                    idx: usize::try_from(r.get::<_, i64>(0)?).unwrap_or(usize::MAX),
                    request: Request {
                        path: r.get::<_, String>(1)?.into(),
                        asset_id: r.get(2)?,
                        platform_time: r.get::<_, Option<i64>>(3)?.map(Timestamp),
                        poster: r.get(4)?,
                    },
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        out.push(Share { id, channel: ChannelId(blob32(channel)?), options, files: rows, cancelled });
    }
    Ok(out)
}

/// Records that the user cancelled a share.
///
/// # Errors
/// [`StoreError`].
pub fn mark_cancelled(tx: &Transaction<'_>, share: i64) -> Result<(), StoreError> {
    exec(tx, "UPDATE shares SET cancelled = 1 WHERE id = ?1", [share])?;
    Ok(())
}

/// Removes settled files (posted, failed, already in the channel) from a share, inside
/// the caller's transaction.
///
/// # Errors
/// [`StoreError`].
pub fn settle_in(tx: &Transaction<'_>, share: i64, files: &[usize]) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached("DELETE FROM share_files WHERE share = ?1 AND idx = ?2")?;
    for idx in files {
        stmt.execute(params![share, *idx as i64])?;
    }
    Ok(())
}

/// [`settle_in`] in a transaction of its own.
///
/// # Errors
/// [`StoreError`].
pub async fn settle(store: &Arc<Store>, share: i64, files: &[usize]) -> Result<(), StoreError> {
    if files.is_empty() {
        return Ok(());
    }
    let files = files.to_vec();
    store.write_async(move |tx| settle_in(tx, share, &files)).await
}

/// Removes a share and whatever of it is left.
///
/// # Errors
/// [`StoreError`].
pub async fn abandon(store: &Arc<Store>, share: i64) -> Result<(), StoreError> {
    store
        .write_async(move |tx| {
            exec(tx, "DELETE FROM shares WHERE id = ?1", [share])?;
            Ok::<_, StoreError>(())
        })
        .await
}

/// Forgets the journaled shares to `ch` (leaving the channel): they will not be resumed.
///
/// # Errors
/// [`StoreError`].
pub fn forget_channel(tx: &Transaction<'_>, ch: &ChannelId) -> Result<(), StoreError> {
    exec(tx, "DELETE FROM share_files WHERE share IN (SELECT id FROM shares WHERE channel = ?1)", [ch.0])?;
    exec(tx, "DELETE FROM shares WHERE channel = ?1", [ch.0])?;
    Ok(())
}
