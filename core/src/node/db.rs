//! What the node reads and writes in the store: which posts' originals are here, what
//! remains, what is new for notifications, and ids behind events.

use crate::catalog::db::with_unread;
use crate::store::{blob32, exec, StoreError};
use crate::types::{ChannelId, DeviceId, EventId, Timestamp};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// Posts of others in `ch` with originals to fetch that are not all here yet, newest first.
///
/// # Errors
/// [`StoreError`].
pub fn posts_to_fetch(conn: &Connection, ch: &ChannelId, me: &DeviceId) -> Result<Vec<EventId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.event FROM posts p
         WHERE p.channel = ?1 AND p.visible = 1 AND p.author != ?2 AND length(p.info) > 0
           AND NOT EXISTS (SELECT 1 FROM originals_done d WHERE d.post = p.event)
         ORDER BY p.time_ms DESC, p.event DESC",
    )?;
    let ids = stmt.query_map(params![ch.0, me.0], |r| r.get::<_, Vec<u8>>(0))?.collect::<Result<Vec<_>, _>>()?;
    ids.into_iter().map(|id| blob32(id).map(EventId)).collect()
}

/// Records that a post's originals are all here.
///
/// # Errors
/// [`StoreError`].
pub fn mark_done(tx: &Transaction<'_>, ch: &ChannelId, post: &EventId) -> Result<(), StoreError> {
    exec(
        tx,
        "INSERT OR IGNORE INTO originals_done (post, channel, done_ms) VALUES (?1, ?2, ?3)",
        params![post.0, ch.0, Timestamp::now().0],
    )?;
    Ok(())
}

/// What remains to fetch in `channels`: `(posts, bytes)`.
///
/// # Errors
/// [`StoreError`].
pub fn remaining(conn: &Connection, channels: &[ChannelId], me: &DeviceId) -> Result<(u64, u64), StoreError> {
    let mut posts = 0;
    let mut bytes = 0;
    let mut stmt = conn.prepare_cached(
        "SELECT count(DISTINCT p.event), coalesce(sum(i.size), 0) FROM posts p JOIN items i ON i.post = p.event
         WHERE p.channel = ?1 AND p.visible = 1 AND p.author != ?2 AND length(p.info) > 0
           AND NOT EXISTS (SELECT 1 FROM originals_done d WHERE d.post = p.event)",
    )?;
    for ch in channels {
        let (n, b) = stmt.query_row(params![ch.0, me.0], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        posts += n as u64;
        bytes += b as u64;
    }
    Ok((posts, bytes))
}

/// The channel and post of a comment.
///
/// # Errors
/// [`StoreError`].
pub fn comment_post(conn: &Connection, comment: &EventId) -> Result<Option<EventId>, StoreError> {
    conn.query_row("SELECT post FROM comments WHERE event = ?1", [comment.0], |r| r.get::<_, Vec<u8>>(0))
        .optional()?
        .map(|p| blob32(p).map(EventId))
        .transpose()
}

/// The channel and post whose torrent has this info hash.
///
/// # Errors
/// [`StoreError`].
pub fn post_by_info_hash(conn: &Connection, info_hash: &[u8; 20]) -> Result<Option<(ChannelId, EventId)>, StoreError> {
    let row = conn
        .query_row("SELECT channel, event FROM posts WHERE info_hash = ?1 LIMIT 1", [info_hash.as_slice()], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
        })
        .optional()?;
    row.map(|(c, e)| Ok((ChannelId(blob32(c)?), EventId(blob32(e)?)))).transpose()
}

/// What is new in one channel since the user last opened it (for notifications).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct News {
    /// The channel.
    pub channel: ChannelId,
    /// Its name.
    pub name: String,
    /// Visible posts by others since it was last opened.
    pub new_posts: u64,
    /// Visible comments by others since then.
    pub new_comments: u64,
    /// Who wrote them (display names, most recent first, at most three).
    pub from: Vec<String>,
    /// How many people wrote them (`from` names at most three of them).
    pub people: u64,
    /// Photos in the new posts.
    pub new_photos: u64,
    /// Videos in the new posts.
    pub new_videos: u64,
}

/// What is new in every channel with anything new, most recent first: what the channel
/// list counts as unread (`catalog::db::with_unread`), told apart and with its authors.
///
/// # Errors
/// [`StoreError`].
pub fn news(conn: &Connection, me: &DeviceId) -> Result<Vec<News>, StoreError> {
    let mut stmt = conn.prepare_cached(&with_unread(
        "SELECT u.channel, c.name, sum(u.is_post), sum(1 - u.is_post), max(u.seqno)
         FROM unread u JOIN channels c ON c.id = u.channel GROUP BY u.channel ORDER BY 5 DESC",
    ))?;
    let rows = stmt
        .query_map([me.0], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut names = conn.prepare_cached(&with_unread(
        "SELECT mb.name FROM (
           SELECT author, max(seqno) AS s FROM unread WHERE channel = ?2 GROUP BY author ORDER BY s DESC LIMIT 3) a
         JOIN members mb ON mb.channel = ?2 AND mb.device = a.author ORDER BY a.s DESC",
    ))?;
    let mut counts = conn.prepare_cached(&with_unread(
        "SELECT (SELECT count(DISTINCT author) FROM unread WHERE channel = ?2),
                count(i.post), coalesce(sum(i.mime LIKE 'video/%'), 0)
         FROM unread u JOIN items i ON i.post = u.event WHERE u.channel = ?2 AND u.is_post = 1",
    ))?;
    let mut out = Vec::with_capacity(rows.len());
    for (c, name, posts, comments) in rows {
        let channel = ChannelId(blob32(c)?);
        let from =
            names.query_map(params![me.0, channel.0], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
        let (people, items, videos): (i64, i64, i64) =
            counts.query_row(params![me.0, channel.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        out.push(News {
            channel,
            name,
            new_posts: posts as u64,
            new_comments: comments as u64,
            from,
            people: people as u64,
            new_photos: (items - videos) as u64,
            new_videos: videos as u64,
        });
    }
    Ok(out)
}

/// Saves a policy: a channel's, or the global one (`None`).
///
/// # Errors
/// [`StoreError`].
pub fn save_policy(tx: &Transaction<'_>, ch: Option<&ChannelId>, policy: &super::Policy) -> Result<(), StoreError> {
    let key: &[u8] = ch.map_or(&[], |c| c.0.as_slice());
    let json = serde_json::to_string(policy).map_err(|_| StoreError::Corrupt("policy"))?;
    exec(
        tx,
        "INSERT INTO sync_policies (channel, policy) VALUES (?1, ?2)
         ON CONFLICT (channel) DO UPDATE SET policy = excluded.policy",
        params![key, json],
    )?;
    Ok(())
}

/// Replaces the rendezvous relays the user named.
///
/// # Errors
/// [`StoreError`].
pub fn save_relays(tx: &Transaction<'_>, relays: &[std::net::SocketAddr]) -> Result<(), StoreError> {
    exec(tx, "DELETE FROM rendezvous_relays", [])?;
    for r in relays {
        exec(tx, "INSERT OR IGNORE INTO rendezvous_relays (addr) VALUES (?1)", [r.to_string()])?;
    }
    Ok(())
}

/// The rendezvous relays the user named (one this build cannot read is skipped).
///
/// # Errors
/// [`StoreError`].
pub fn relays(conn: &Connection) -> Result<Vec<std::net::SocketAddr>, StoreError> {
    let mut stmt = conn.prepare("SELECT addr FROM rendezvous_relays ORDER BY rowid")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows.iter().filter_map(|a| a.parse().ok()).collect())
}

/// The saved policies: the global one (if set) and each channel's.
///
/// # Errors
/// [`StoreError`].
#[allow(clippy::type_complexity)]
pub fn policies(conn: &Connection) -> Result<(Option<super::Policy>, Vec<(ChannelId, super::Policy)>), StoreError> {
    let mut stmt = conn.prepare("SELECT channel, policy FROM sync_policies")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut global = None;
    let mut channels = Vec::new();
    for (key, json) in rows {
        // A policy this build cannot read falls back to the default.
        let Ok(p) = serde_json::from_str::<super::Policy>(&json) else { continue };
        if key.is_empty() {
            global = Some(p);
        } else {
            channels.push((ChannelId(blob32(key)?), p));
        }
    }
    Ok((global, channels))
}

/// Bytes moved on metered networks on `day`.
///
/// # Errors
/// [`StoreError`].
pub fn metered_bytes(conn: &Connection, day: i64) -> Result<u64, StoreError> {
    let b: Option<i64> =
        conn.query_row("SELECT bytes FROM metered_usage WHERE day = ?1", [day], |r| r.get(0)).optional()?;
    Ok(b.unwrap_or(0) as u64)
}

/// Records the bytes moved on metered networks on `day` (older days are dropped).
///
/// # Errors
/// [`StoreError`].
pub fn set_metered_bytes(tx: &Transaction<'_>, day: i64, bytes: u64) -> Result<(), StoreError> {
    exec(
        tx,
        "INSERT INTO metered_usage (day, bytes) VALUES (?1, ?2) ON CONFLICT (day) DO UPDATE SET bytes = excluded.bytes",
        params![day, bytes as i64],
    )?;
    exec(tx, "DELETE FROM metered_usage WHERE day < ?1", [day - 1])?;
    Ok(())
}

/// Visible posts whose originals are all on this device — written here, or fetched in
/// full — newest first: what the node seeds.
///
/// # Errors
/// [`StoreError`].
pub fn held_posts(conn: &Connection, me: &DeviceId) -> Result<Vec<(ChannelId, EventId)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.channel, p.event FROM posts p
         WHERE p.visible = 1 AND length(p.info) > 0
           AND (p.author = ?1 OR EXISTS (SELECT 1 FROM originals_done d WHERE d.post = p.event))
         ORDER BY p.time_ms DESC, p.event DESC",
    )?;
    let rows = stmt
        .query_map([me.0], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(|(c, e)| Ok((ChannelId(blob32(c)?), EventId(blob32(e)?)))).collect()
}

/// Forgets which of `ch`'s posts are here and its own sync policy (leaving the channel).
///
/// # Errors
/// [`StoreError`].
pub fn forget_channel(tx: &Transaction<'_>, ch: &ChannelId) -> Result<(), StoreError> {
    exec(tx, "DELETE FROM originals_done WHERE channel = ?1", [ch.0])?;
    exec(tx, "DELETE FROM sync_policies WHERE channel = ?1", [ch.0])?;
    Ok(())
}

/// Records files to remove once the current transaction commits.
///
/// # Errors
/// [`StoreError`].
pub fn trash(tx: &Transaction<'_>, paths: &[std::path::PathBuf]) -> Result<(), StoreError> {
    for p in paths {
        exec(tx, "INSERT OR IGNORE INTO trash (path) VALUES (?1)", [p.to_string_lossy()])?;
    }
    Ok(())
}

/// The files recorded for removal.
///
/// # Errors
/// [`StoreError`].
pub fn trashed(conn: &Connection) -> Result<Vec<std::path::PathBuf>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT path FROM trash ORDER BY path")?;
    let paths = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(paths.into_iter().map(std::path::PathBuf::from).collect())
}

/// Forgets files that are gone.
///
/// # Errors
/// [`StoreError`].
pub fn untrash(tx: &Transaction<'_>, paths: &[std::path::PathBuf]) -> Result<(), StoreError> {
    for p in paths {
        exec(tx, "DELETE FROM trash WHERE path = ?1", [p.to_string_lossy()])?;
    }
    Ok(())
}
