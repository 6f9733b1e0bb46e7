//! SQL for comments and reactions.

use super::{Comment, ReactionCount, Thread};
use crate::catalog::Credit;
use crate::log::body::Body;
use crate::log::db::Accepted;
use crate::store::{blob32, exec, StoreError};
use crate::types::{DeviceId, EventId, Timestamp};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// Applies an accepted comment or reaction.
///
/// # Errors
/// [`StoreError`].
pub fn apply(tx: &Transaction<'_>, a: &Accepted) -> Result<(), StoreError> {
    let h = &a.event.header;
    match &a.body {
        Body::Comment { post, reply_to, text } | Body::GuestComment { post, reply_to, text, .. } => {
            let guest = match &a.body {
                Body::GuestComment { guest, .. } => Some(guest),
                _ => None,
            };
            // Visible unless a retraction or a moderation of it arrived first.
            exec(
                tx,
                concat!(
                    "INSERT INTO comments (event, channel, post, reply_to, author, time_ms, text, visible, seqno, guest)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ",
                    crate::catalog::db::visible!("?1", "?5"),
                    ", ?8, ?9)"
                ),
                params![a.id.0, h.channel.0, post.0, reply_to.map(|r| r.0), h.author.0, h.time.0, text, a.seqno, guest],
            )?;
        }
        Body::Reaction { target, emoji, on } => {
            exec(
                tx,
                "INSERT INTO reactions (event, target, author, seq, emoji, active) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![a.id.0, target.0, h.author.0, h.seq as i64, emoji, on],
            )?;
        }
        _ => {}
    }
    Ok(())
}

/// Removes an event that a rotation invalidated.
///
/// # Errors
/// [`StoreError`].
pub fn remove(tx: &Transaction<'_>, id: &EventId) -> Result<(), StoreError> {
    exec(tx, "DELETE FROM comments WHERE event = ?1", [id.0])?;
    exec(tx, "DELETE FROM reactions WHERE event = ?1", [id.0])?;
    Ok(())
}

/// Current reaction counts on `target`.
///
/// # Errors
/// [`StoreError`].
pub fn reactions(conn: &Connection, target: &EventId, me: &DeviceId) -> Result<Vec<ReactionCount>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.emoji, count(*), max(r.author = ?2) FROM reactions r
         WHERE r.target = ?1 AND r.active = 1 AND r.seq = (
             SELECT max(r2.seq) FROM reactions r2
             WHERE r2.target = r.target AND r2.author = r.author AND r2.emoji = r.emoji)
         GROUP BY r.emoji ORDER BY count(*) DESC, r.emoji",
    )?;
    let rows = stmt
        .query_map(params![target.0, me.0], |r| {
            Ok(ReactionCount { emoji: r.get(0)?, count: r.get::<_, i64>(1)? as u64, mine: r.get(2)? })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// A visible post with its visible comments (oldest first) and all reactions.
///
/// # Errors
/// [`StoreError`].
pub fn thread(conn: &Connection, post: &EventId, me: &DeviceId) -> Result<Option<Thread>, StoreError> {
    let Some(p) = crate::catalog::db::post(conn, post)? else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT k.event, k.author, coalesce(m.name, ''), k.time_ms, k.text, k.reply_to, k.guest FROM comments k
         LEFT JOIN members m ON m.channel = k.channel AND m.device = k.author
         WHERE k.post = ?1 AND k.visible = 1 ORDER BY k.time_ms, k.event",
    )?;
    let rows = stmt
        .query_map([post.0], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<Vec<u8>>>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut comments = Vec::with_capacity(rows.len());
    for (id, author, name, time, text, reply_to, guest) in rows {
        let id = EventId(blob32(id)?);
        comments.push(Comment {
            reactions: reactions(conn, &id, me)?,
            id,
            author: Credit { device: DeviceId(blob32(author)?), name, guest: guest.clone() },
            time: Timestamp(time),
            text,
            reply_to: reply_to.map(|r| blob32(r).map(EventId)).transpose()?,
            guest,
        });
    }
    Ok(Some(Thread { reactions: reactions(conn, post, me)?, post: p, comments }))
}

/// The number of visible comments on `post`.
///
/// # Errors
/// [`StoreError`].
pub fn count(conn: &Connection, post: &EventId) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM comments WHERE post = ?1 AND visible = 1")?
        .query_row([post.0], |r| r.get(0))?)
}

/// The channel of a visible comment.
///
/// # Errors
/// [`StoreError`].
pub fn channel_of(conn: &Connection, comment: &EventId) -> Result<Option<crate::types::ChannelId>, StoreError> {
    let found: Option<Vec<u8>> = conn
        .prepare_cached("SELECT channel FROM comments WHERE event = ?1 AND visible = 1")?
        .query_row([comment.0], |r| r.get(0))
        .optional()?;
    found.map(|c| blob32(c).map(crate::types::ChannelId)).transpose()
}

/// The channel and post of a comment, visible or not.
///
/// # Errors
/// [`StoreError`].
pub fn origin(conn: &Connection, comment: &EventId) -> Result<Option<(crate::types::ChannelId, EventId)>, StoreError> {
    let found: Option<(Vec<u8>, Vec<u8>)> = conn
        .prepare_cached("SELECT channel, post FROM comments WHERE event = ?1")?
        .query_row([comment.0], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    found.map(|(c, p)| Ok((crate::types::ChannelId(blob32(c)?), EventId(blob32(p)?)))).transpose()
}

/// Forgets the comments and reactions of `ch` (leaving the channel). Runs before the log
/// forgets the events reactions are selected by.
///
/// # Errors
/// [`StoreError`].
pub fn forget_channel(tx: &Transaction<'_>, ch: &crate::types::ChannelId) -> Result<(), StoreError> {
    exec(tx, "DELETE FROM reactions WHERE event IN (SELECT id FROM events WHERE channel = ?1)", [ch.0])?;
    exec(tx, "DELETE FROM comments WHERE channel = ?1", [ch.0])?;
    Ok(())
}
