//! SQL for the gallery, posts, members and channel list, and for applying accepted
//! events to them.

use super::{ChannelSummary, Credit, Cursor, Item, MediaInfo, Member, Page, Post, PostItem, Settings};
use crate::channel::Role;
use crate::log::body::{Body, MediaItem, ModAction};
use crate::log::db::Accepted;
use crate::store::{blob32, exec, row, StoreError};
use crate::types::{ChannelId, ContentHash, DeviceId, EventId, Timestamp};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// SQL for whether a post or comment is visible: not retracted by its own author, and
/// not hidden by the latest moderation of it. `$target` and `$author` are SQL for its
/// event id and author (a parameter, or a column).
macro_rules! visible {
    ($target:literal, $author:literal) => {
        concat!(
            "(NOT EXISTS (SELECT 1 FROM retractions r WHERE r.target = ",
            $target,
            " AND r.author = ",
            $author,
            ") AND coalesce((SELECT m.action FROM moderation m WHERE m.target = ",
            $target,
            " ORDER BY m.time_ms DESC, m.event DESC LIMIT 1), 0) = 0)"
        )
    };
}
pub(crate) use visible;

/// Applies an accepted post, retraction or moderation to the views.
///
/// # Errors
/// [`StoreError`].
pub fn apply(tx: &Transaction<'_>, a: &Accepted) -> Result<(), StoreError> {
    let h = &a.event.header;
    match &a.body {
        Body::Post { caption, items, info_hash, info, on_behalf_of, media_key } => {
            // Visible unless a retraction or a moderation arrived first (both only wait
            // for their target in the log's order of arrival, so they can).
            let visible: bool = row(
                tx,
                concat!(
                    "INSERT INTO posts (event, channel, author, time_ms, caption, guest, info_hash, info, visible, seqno,
                                        media_key)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ",
                    visible!("?1", "?3"),
                    ", ?9, ?10) RETURNING visible"
                ),
                params![
                    a.id.0,
                    h.channel.0,
                    h.author.0,
                    h.time.0,
                    caption,
                    on_behalf_of,
                    info_hash,
                    info,
                    a.seqno,
                    media_key.as_ref().map(|k| k.0)
                ],
                |r| r.get(0),
            )?;
            // The thumbnails stay in the event: `thumbnails` reads them from there.
            for (idx, MediaItem { info: it, .. }) in items.iter().enumerate() {
                let sort_ms = it.capture_time.unwrap_or(h.time).0;
                exec(
                    tx,
                    "INSERT INTO items (post, idx, channel, content_hash, name, mime, size, width, height,
                                        capture_ms, duration_ms, sort_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                    params![
                        a.id.0,
                        idx as i64,
                        h.channel.0,
                        it.content_hash.0,
                        it.name,
                        it.mime,
                        it.size as i64,
                        it.width,
                        it.height,
                        it.capture_time.map(|t| t.0),
                        it.duration_ms.map(|d| d as i64),
                        sort_ms,
                    ],
                )?;
                if visible {
                    add_to_gallery(tx, &h.channel, &it.content_hash, (sort_ms, &a.id, idx))?;
                }
            }
        }
        Body::Retract { target } => {
            exec(
                tx,
                "INSERT INTO retractions (event, target, author) VALUES (?1, ?2, ?3)",
                params![a.id.0, target.0, h.author.0],
            )?;
            refresh_visibility(tx, target)?;
        }
        Body::Moderate { target, action } => {
            let hide = matches!(action, ModAction::Hide);
            exec(
                tx,
                "INSERT INTO moderation (event, target, action, time_ms) VALUES (?1, ?2, ?3, ?4)",
                params![a.id.0, target.0, hide, h.time.0],
            )?;
            refresh_visibility(tx, target)?;
        }
        _ => {}
    }
    Ok(())
}

/// Removes an event that a rotation invalidated from these views.
///
/// # Errors
/// [`StoreError`].
pub fn remove(tx: &Transaction<'_>, id: &EventId) -> Result<(), StoreError> {
    let hashes = post_hashes(tx, id)?;
    let channel: Option<Vec<u8>> =
        row(tx, "SELECT channel FROM posts WHERE event = ?1", [id.0], |r| r.get(0)).optional()?;
    exec(tx, "DELETE FROM posts WHERE event = ?1", [id.0])?;
    if let Some(ch) = channel {
        let ch = ChannelId(blob32(ch)?);
        for h in hashes {
            refresh_gallery(tx, &ch, &h)?;
        }
    }
    for table in ["retractions", "moderation"] {
        let target: Option<Vec<u8>> =
            row(tx, &format!("SELECT target FROM {table} WHERE event = ?1"), [id.0], |r| r.get(0)).optional()?;
        exec(tx, &format!("DELETE FROM {table} WHERE event = ?1"), [id.0])?;
        if let Some(t) = target {
            refresh_visibility(tx, &EventId(blob32(t)?))?;
        }
    }
    Ok(())
}

fn post_hashes(tx: &Connection, post: &EventId) -> Result<Vec<ContentHash>, StoreError> {
    let mut stmt = tx.prepare_cached("SELECT content_hash FROM items WHERE post = ?1")?;
    let rows = stmt.query_map([post.0], |r| r.get::<_, Vec<u8>>(0))?.collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(|h| Ok(ContentHash(blob32(h)?))).collect()
}

/// Recomputes whether `target` (a post or comment) is visible, and the gallery entries of
/// a post's items.
///
/// # Errors
/// [`StoreError`].
pub fn refresh_visibility(tx: &Transaction<'_>, target: &EventId) -> Result<(), StoreError> {
    // A target is a post or a comment: the comment's update only if no post matched.
    let post_in: Option<Vec<u8>> = row(
        tx,
        concat!(
            "UPDATE posts AS t SET visible = ",
            visible!("?1", "t.author"),
            " WHERE t.event = ?1 RETURNING channel"
        ),
        [target.0],
        |r| r.get(0),
    )
    .optional()?;
    let Some(ch) = post_in else {
        exec(
            tx,
            concat!("UPDATE comments AS t SET visible = ", visible!("?1", "t.author"), " WHERE t.event = ?1"),
            [target.0],
        )?;
        return Ok(());
    };
    let ch = ChannelId(blob32(ch)?);
    for h in post_hashes(tx, target)? {
        refresh_gallery(tx, &ch, &h)?;
    }
    Ok(())
}

/// Adds a new visible post's item at `idx`, just inserted, to the gallery. The gallery
/// holds a row for a hash exactly when some visible item holds it, so a hash without a
/// row had none until now: this item is its entry, credited to one poster. A hash with a
/// row — shared before, or earlier in this post — is recomputed in full. (Most items of
/// a catch-up are new, and this is one insert where the full recomputation is three
/// queries.)
fn add_to_gallery(
    tx: &Transaction<'_>,
    ch: &ChannelId,
    hash: &ContentHash,
    (sort_ms, post, idx): (i64, &EventId, usize),
) -> Result<(), StoreError> {
    let added = exec(
        tx,
        "INSERT INTO gallery (channel, content_hash, sort_ms, post, idx, credits) VALUES (?1, ?2, ?3, ?4, ?5, 1)
         ON CONFLICT (channel, content_hash) DO NOTHING",
        params![ch.0, hash.0, sort_ms, post.0, idx as i64],
    )?;
    if added == 0 {
        refresh_gallery(tx, ch, hash)?;
    }
    Ok(())
}

/// Recomputes the gallery entry of one content hash from the visible items holding it.
fn refresh_gallery(tx: &Transaction<'_>, ch: &ChannelId, hash: &ContentHash) -> Result<(), StoreError> {
    let best: Option<(i64, Vec<u8>, i64, i64)> = row(
        tx,
        "SELECT min(i.sort_ms) OVER (), i.post, i.idx,
                    (SELECT count(DISTINCT p2.author) FROM items i2 JOIN posts p2 ON p2.event = i2.post
                     WHERE i2.channel = ?1 AND i2.content_hash = ?2 AND p2.visible = 1)
             FROM items i JOIN posts p ON p.event = i.post
             WHERE i.channel = ?1 AND i.content_hash = ?2 AND p.visible = 1
             ORDER BY p.time_ms, p.event, i.idx LIMIT 1",
        params![ch.0, hash.0],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
    .optional()?;
    match best {
        None => {
            exec(tx, "DELETE FROM gallery WHERE channel = ?1 AND content_hash = ?2", params![ch.0, hash.0])?;
        }
        Some((sort_ms, post, idx, credits)) => {
            exec(
                tx,
                "INSERT OR REPLACE INTO gallery (channel, content_hash, sort_ms, post, idx, credits)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![ch.0, hash.0, sort_ms, post, idx, credits],
            )?;
        }
    }
    Ok(())
}

/// Everyone who shared `hash` in `ch` in a visible post, first poster first; a guest
/// of the web gallery is credited by name, not the member who posted for them.
fn credits(conn: &Connection, ch: &ChannelId, hash: &ContentHash) -> Result<Vec<Credit>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.author, coalesce(m.name, ''), p.guest, min(p.time_ms) FROM items i JOIN posts p ON p.event = i.post
         LEFT JOIN members m ON m.channel = p.channel AND m.device = p.author
         WHERE i.channel = ?1 AND i.content_hash = ?2 AND p.visible = 1
         GROUP BY p.author, p.guest ORDER BY 4, p.author",
    )?;
    let rows = stmt
        .query_map(params![ch.0, hash.0], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(|(d, name, guest)| Ok(Credit { device: DeviceId(blob32(d)?), name, guest })).collect()
}

/// One page of the gallery, newest first, starting after `cursor`.
///
/// # Errors
/// [`StoreError`].
pub fn gallery_page(conn: &Connection, ch: &ChannelId, cursor: Option<Cursor>, limit: u32) -> Result<Page, StoreError> {
    let (after_ms, after_hash) = match cursor {
        Some(c) => (c.sort_ms, c.content_hash.0.to_vec()),
        None => (i64::MAX, vec![0xff; 33]),
    };
    let mut stmt = conn.prepare_cached(
        "SELECT g.content_hash, g.post, g.idx, g.sort_ms, i.mime, i.width, i.height, i.duration_ms
         FROM gallery g JOIN items i ON i.post = g.post AND i.idx = g.idx
         WHERE g.channel = ?1 AND (g.sort_ms, g.content_hash) < (?2, ?3)
         ORDER BY g.sort_ms DESC, g.content_hash DESC LIMIT ?4",
    )?;
    let rows = stmt
        .query_map(params![ch.0, after_ms, after_hash, limit + 1], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, u32>(6)?,
                r.get::<_, Option<i64>>(7)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let more = rows.len() > limit as usize;
    let mut items = Vec::with_capacity(rows.len().min(limit as usize));
    let mut thumbnails = Thumbnails::default();
    for (hash, post, index, sort_ms, mime, width, height, duration) in rows.into_iter().take(limit as usize) {
        let content_hash = ContentHash(blob32(hash)?);
        let post = EventId(blob32(post)?);
        let thumbnail = thumbnails.get(conn, &post, index)?;
        items.push(Item {
            credits: credits(conn, ch, &content_hash)?,
            content_hash,
            post,
            index,
            sort_time: Timestamp(sort_ms),
            mime,
            width,
            height,
            duration_ms: duration.map(|d| d as u64),
            thumbnail,
        });
    }
    let next =
        if more { items.last().map(|i| Cursor { sort_ms: i.sort_time.0, content_hash: i.content_hash }) } else { None };
    Ok(Page { items, next })
}

/// A visible post with its items.
///
/// # Errors
/// [`StoreError`].
pub fn post(conn: &Connection, id: &EventId) -> Result<Option<Post>, StoreError> {
    let row = row(
        conn,
        "SELECT p.author, coalesce(m.name, ''), p.time_ms, p.caption, p.guest, p.info_hash, p.channel FROM posts p
             LEFT JOIN members m ON m.channel = p.channel AND m.device = p.author
             WHERE p.event = ?1 AND p.visible = 1",
        [id.0],
        |r| {
            Ok((
                (r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?),
                (r.get::<_, i64>(2)?, r.get::<_, String>(3)?, r.get::<_, Option<String>>(4)?),
                (r.get::<_, Vec<u8>>(5)?, r.get::<_, Vec<u8>>(6)?),
            ))
        },
    )
    .optional()?;
    let Some(((author, name), (time, caption, guest), (info_hash, channel))) = row else {
        return Ok(None);
    };
    let author = Credit { device: DeviceId(blob32(author)?), name, guest: guest.clone() };
    let items = post_items(conn, &ChannelId(blob32(channel)?), id, &author)?;
    Ok(Some(Post {
        id: *id,
        author,
        time: Timestamp(time),
        caption,
        guest,
        info_hash: info_hash.try_into().map_err(|_| StoreError::Corrupt("info hash"))?,
        items,
    }))
}

/// A post's items, each crediting everyone who shared its bytes (`author` first).
fn post_items(conn: &Connection, ch: &ChannelId, post: &EventId, author: &Credit) -> Result<Vec<PostItem>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT idx, content_hash, name, mime, size, width, height, capture_ms, duration_ms
         FROM items WHERE post = ?1 ORDER BY idx",
    )?;
    let rows = stmt
        .query_map([post.0], |r| {
            Ok((
                (r.get::<_, u32>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?),
                (r.get::<_, i64>(4)?, r.get::<_, u32>(5)?, r.get::<_, u32>(6)?),
                (r.get::<_, Option<i64>>(7)?, r.get::<_, Option<i64>>(8)?),
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut items = Vec::with_capacity(rows.len());
    for ((index, hash, name, mime), (size, width, height), (capture, duration)) in rows {
        let content_hash = ContentHash(blob32(hash)?);
        let mut credits = credits(conn, ch, &content_hash)?;
        if let Some(at) = credits.iter().position(|c| c.device == author.device && c.guest == author.guest) {
            credits[..=at].rotate_right(1);
        }
        let media = MediaInfo {
            content_hash,
            name,
            mime,
            size: u64::try_from(size).unwrap_or(0),
            width,
            height,
            capture_time: capture.map(Timestamp),
            duration_ms: duration.and_then(|d| u64::try_from(d).ok()),
        };
        items.push(PostItem { index, media, credits });
    }
    Ok(items)
}

/// The channel's visible posts, newest first, each with only the items the gallery shows
/// from it: a photo two members shared appears once, in the first post, crediting both;
/// a post whose every item was shared earlier is left out.
///
/// # Errors
/// [`StoreError`].
pub fn channel_posts(conn: &Connection, ch: &ChannelId) -> Result<Vec<Post>, StoreError> {
    let mut out = Vec::new();
    for id in visible_posts(conn, ch)? {
        let Some(mut p) = post(conn, &id)? else { continue };
        let mut shown = conn.prepare_cached("SELECT idx FROM gallery WHERE channel = ?1 AND post = ?2")?;
        let idx: Vec<u32> = shown.query_map(params![ch.0, id.0], |r| r.get(0))?.collect::<Result<_, _>>()?;
        p.items.retain(|it| idx.contains(&it.index));
        if !p.items.is_empty() {
            out.push(p);
        }
    }
    Ok(out)
}

/// The channel's members, owner first, then by name.
///
/// # Errors
/// [`StoreError`].
pub fn members(conn: &Connection, ch: &ChannelId) -> Result<Vec<Member>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.member, coalesce(m.name, ''),
                (SELECT c2.role FROM certs c2 WHERE c2.channel = c.channel AND c2.member = c.member
                 ORDER BY c2.epoch DESC LIMIT 1),
                EXISTS (SELECT 1 FROM removals r WHERE r.channel = c.channel AND r.device = c.member)
         FROM (SELECT DISTINCT channel, member FROM certs WHERE channel = ?1) c
         LEFT JOIN members m ON m.channel = c.channel AND m.device = c.member",
    )?;
    let rows = stmt
        .query_map([ch.0], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, bool>(3)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = rows
        .into_iter()
        .map(|(d, name, role, removed)| {
            Ok(Member {
                device: DeviceId(blob32(d)?),
                name,
                role: Role::from_i64(role).ok_or(StoreError::Corrupt("role"))?,
                removed,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    out.sort_by(|a, b| b.role.cmp(&a.role).then_with(|| a.name.cmp(&b.name)).then_with(|| a.device.cmp(&b.device)));
    Ok(out)
}

/// What counts as unread, the one place the rule is written: a visible post or comment
/// by another member (`?1`: this device) that arrived after the user last opened its
/// channel ([`mark_read`]: its `seqno` is past the channel's read marker; everything, in a
/// channel never opened).
///
/// `select` runs with the rule as a common table expression,
/// `unread (channel, author, seqno, is_post, event)`: the channel list's counts here and the
/// notifications' (`node::db::news`) read it, so they always agree.
pub(crate) fn with_unread(select: &str) -> String {
    format!(
        "WITH unread (channel, author, seqno, is_post, event) AS (
            SELECT p.channel, p.author, p.seqno, 1, p.event FROM posts p LEFT JOIN read_markers rm ON rm.channel = p.channel
            WHERE p.visible = 1 AND p.author != ?1 AND p.seqno > coalesce(rm.last_seqno, 0)
            UNION ALL
            SELECT k.channel, k.author, k.seqno, 0, k.event FROM comments k LEFT JOIN read_markers rm ON rm.channel = k.channel
            WHERE k.visible = 1 AND k.author != ?1 AND k.seqno > coalesce(rm.last_seqno, 0))
         {select}"
    )
}

/// Every channel this device belongs to, with unread counts ([`with_unread`]), most
/// recently active first.
///
/// # Errors
/// [`StoreError`].
pub fn channels(conn: &Connection, me: &DeviceId) -> Result<Vec<ChannelSummary>, StoreError> {
    let mut stmt = conn.prepare_cached(&with_unread(
        "SELECT c.id, c.name, c.my_role, coalesce(u.n, 0),
            (SELECT count(*) FROM gallery g WHERE g.channel = c.id),
            (SELECT max(seqno) FROM events e WHERE e.channel = c.id),
            (SELECT count(*) FROM gallery g JOIN items i ON i.post = g.post AND i.idx = g.idx
              WHERE g.channel = c.id AND i.mime LIKE 'video/%')
         FROM channels c LEFT JOIN (SELECT channel, count(*) AS n FROM unread GROUP BY channel) u ON u.channel = c.id
         ORDER BY 6 DESC, c.name",
    ))?;
    let rows = stmt
        .query_map([me.0], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(6)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(id, name, role, unread, items, videos)| {
            Ok(ChannelSummary {
                id: ChannelId(blob32(id)?),
                name,
                my_role: Role::from_i64(role).ok_or(StoreError::Corrupt("role"))?,
                unread: unread as u64,
                items: items as u64,
                videos: videos as u64,
            })
        })
        .collect()
}

/// Marks everything in the channel as read now.
///
/// # Errors
/// [`StoreError`].
pub fn mark_read(tx: &Transaction<'_>, ch: &ChannelId) -> Result<(), StoreError> {
    exec(
        tx,
        "INSERT OR REPLACE INTO read_markers (channel, last_seqno, opened_ms)
         VALUES (?1, (SELECT coalesce(max(seqno), 0) FROM events), ?2)",
        params![ch.0, Timestamp::now().0],
    )?;
    Ok(())
}

/// A member's display name in a channel, if their profile has arrived.
///
/// # Errors
/// [`StoreError`].
pub fn member_name(conn: &Connection, ch: &ChannelId, device: &DeviceId) -> Result<Option<String>, StoreError> {
    Ok(row(conn, "SELECT name FROM members WHERE channel = ?1 AND device = ?2", params![ch.0, device.0], |r| r.get(0))
        .optional()?)
}

/// The channel's settings from its latest `Channel` event, once that has arrived.
///
/// # Errors
/// [`StoreError`].
pub fn settings(conn: &Connection, ch: &ChannelId) -> Result<Option<Settings>, StoreError> {
    let row = row(conn, "SELECT name, window_start, window_end FROM settings WHERE channel = ?1", [ch.0], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, Option<i64>>(2)?))
    })
    .optional()?;
    Ok(row.map(|(name, start, end)| Settings {
        name,
        window: match (start, end) {
            (Some(s), Some(e)) => Some(crate::channel::Window { start: Timestamp(s), end: Timestamp(e) }),
            _ => None,
        },
    }))
}

/// What fetching a post's originals needs.
#[derive(Clone)]
pub struct Transfer {
    /// The bencoded info dictionary.
    pub info: Vec<u8>,
    /// The media key of a private post.
    pub media_key: Option<crate::channel::Secret>,
    /// How many files the post holds.
    pub files: usize,
    /// Which of them (by index) are videos: fetched after every photo of the channel.
    pub videos: Vec<usize>,
}

/// The transfer details of a visible post.
///
/// # Errors
/// [`StoreError`].
pub fn post_transfer(conn: &Connection, post: &EventId) -> Result<Option<Transfer>, StoreError> {
    let row = row(
        conn,
        "SELECT p.info, p.media_key, (SELECT count(*) FROM items i WHERE i.post = p.event)
         FROM posts p WHERE p.event = ?1 AND p.visible = 1",
        [post.0],
        |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Option<Vec<u8>>>(1)?, r.get::<_, i64>(2)?)),
    )
    .optional()?;
    let Some((info, key, files)) = row else { return Ok(None) };
    let mut stmt = conn.prepare_cached("SELECT idx FROM items WHERE post = ?1 AND mime LIKE 'video/%' ORDER BY idx")?;
    let videos = stmt.query_map([post.0], |r| r.get::<_, i64>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Transfer {
        info,
        media_key: key.map(|k| blob32(k).map(crate::channel::Secret)).transpose()?,
        files: files as usize,
        videos: videos.into_iter().filter_map(|i| usize::try_from(i).ok()).collect(),
    }))
}

/// A channel's visible posts, newest first: the order a background fetch takes them in.
///
/// # Errors
/// [`StoreError`].
pub fn visible_posts(conn: &Connection, ch: &ChannelId) -> Result<Vec<EventId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT event FROM posts WHERE channel = ?1 AND visible = 1 ORDER BY time_ms DESC, event DESC",
    )?;
    let ids = stmt.query_map([ch.0], |r| r.get::<_, Vec<u8>>(0))?.collect::<Result<Vec<_>, _>>()?;
    ids.into_iter().map(|id| blob32(id).map(EventId)).collect()
}

/// The visible post the gallery shows these shared bytes from, if the channel has them.
///
/// # Errors
/// [`StoreError`].
pub fn post_holding(conn: &Connection, ch: &ChannelId, hash: &ContentHash) -> Result<Option<EventId>, StoreError> {
    let post: Option<Vec<u8>> =
        row(conn, "SELECT post FROM gallery WHERE channel = ?1 AND content_hash = ?2", params![ch.0, hash.0], |r| {
            r.get(0)
        })
        .optional()?;
    post.map(|p| blob32(p).map(EventId)).transpose()
}

/// A visible post's channel and author.
///
/// # Errors
/// [`StoreError`].
pub fn post_origin(conn: &Connection, post: &EventId) -> Result<Option<(ChannelId, DeviceId)>, StoreError> {
    let found = row(conn, "SELECT channel, author FROM posts WHERE event = ?1 AND visible = 1", [post.0], |r| {
        Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
    })
    .optional()?;
    let Some((channel, author)) = found else { return Ok(None) };
    Ok(Some((ChannelId(blob32(channel)?), DeviceId(blob32(author)?))))
}

/// A visible item's thumbnail (empty if no poster could be made) and type.
///
/// # Errors
/// [`StoreError`].
pub fn thumbnail(
    conn: &Connection,
    channel: &ChannelId,
    post: &EventId,
    index: u32,
) -> Result<Option<(Vec<u8>, String)>, StoreError> {
    let mime = row(
        conn,
        "SELECT i.mime FROM items i JOIN posts p ON p.event = i.post
         WHERE i.post = ?1 AND i.idx = ?2 AND p.channel = ?3 AND p.visible = 1",
        params![post.0, index, channel.0],
        |r| r.get::<_, String>(0),
    )
    .optional()?;
    match mime {
        Some(mime) => Ok(Some((Thumbnails::default().get(conn, post, index)?, mime))),
        None => Ok(None),
    }
}

/// Thumbnails read from their posts' events, each post opened once.
///
/// A post's thumbnails are in its event and nowhere else (they were once copied into
/// `items` too, which made half of a channel's database).
#[derive(Default)]
struct Thumbnails {
    posts: std::collections::HashMap<EventId, Vec<Vec<u8>>>,
}

impl Thumbnails {
    /// Item `index`'s thumbnail (empty if the post has none there, or its event cannot be
    /// opened: the UI shows a placeholder).
    fn get(&mut self, conn: &Connection, post: &EventId, index: u32) -> Result<Vec<u8>, StoreError> {
        if !self.posts.contains_key(post) {
            let thumbs = match crate::log::db::body(conn, post)? {
                Some(Body::Post { items, .. }) => items.into_iter().map(|i| i.thumbnail).collect(),
                _ => {
                    tracing::debug!("a post's event could not be opened for its thumbnails");
                    Vec::new()
                }
            };
            self.posts.insert(*post, thumbs);
        }
        Ok(self.posts.get(post).and_then(|t| t.get(index as usize)).cloned().unwrap_or_default())
    }
}

/// The indexes of a visible post's items holding any of `hashes`.
///
/// # Errors
/// [`StoreError`].
pub fn items_holding(conn: &Connection, post: &EventId, hashes: &[ContentHash]) -> Result<Vec<u32>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.idx, i.content_hash FROM items i JOIN posts p ON p.event = i.post AND p.visible = 1
         WHERE i.post = ?1 ORDER BY i.idx",
    )?;
    let rows = stmt.query_map([post.0], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
    let mut out = Vec::new();
    for r in rows {
        let (idx, hash) = r?;
        if hashes.iter().any(|h| h.0[..] == hash[..]) {
            out.push(idx);
        }
    }
    Ok(out)
}

/// Whether any item of `ch` (hidden or not) holds these bytes.
///
/// # Errors
/// [`StoreError`].
pub fn has_content(conn: &Connection, ch: &ChannelId, hash: &ContentHash) -> Result<bool, StoreError> {
    Ok(row(conn, "SELECT 1 FROM items WHERE channel = ?1 AND content_hash = ?2", params![ch.0, hash.0], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Forgets the views of `ch`: posts, their items, the gallery, moderation, retractions
/// and the read mark (leaving the channel); returns the posts' info hashes. Runs before
/// the log forgets the events the moderation and retraction rows are selected by.
///
/// # Errors
/// [`StoreError`].
pub fn forget_channel(tx: &Transaction<'_>, ch: &ChannelId) -> Result<Vec<[u8; 20]>, StoreError> {
    let mut stmt = tx.prepare_cached("SELECT info_hash FROM posts WHERE channel = ?1")?;
    let hashes = stmt.query_map([ch.0], |r| r.get::<_, Vec<u8>>(0))?.collect::<Result<Vec<_>, _>>()?;
    let info_hashes = hashes.into_iter().filter_map(|h| <[u8; 20]>::try_from(h).ok()).collect();
    for table in ["moderation", "retractions"] {
        exec(tx, &format!("DELETE FROM {table} WHERE event IN (SELECT id FROM events WHERE channel = ?1)"), [ch.0])?;
    }
    for table in ["items", "posts", "gallery"] {
        exec(tx, &format!("DELETE FROM {table} WHERE channel = ?1"), [ch.0])?;
    }
    exec(tx, "DELETE FROM read_markers WHERE channel = ?1", [ch.0])?;
    Ok(info_hashes)
}
