//! SQL of the web gallery: links, guests, uploads, guests' reactions, and the few views
//! of posts that its pages need.

use super::LinkRole;
use crate::store::{blob32, exec, row, StoreError};
use crate::types::{ChannelId, ContentHash, DeviceId, EventId, Timestamp};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

fn secret_hash(secret: &str) -> [u8; 32] {
    *blake3::hash(secret.as_bytes()).as_bytes()
}

pub fn insert_link(
    tx: &Transaction<'_>,
    channel: &ChannelId,
    token: &str,
    role: LinkRole,
    expires: Option<Timestamp>,
) -> Result<i64, StoreError> {
    exec(
        tx,
        "INSERT INTO web_links (channel, secret_hash, role, created_ms, expires_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![channel.0, secret_hash(token), role.as_str(), Timestamp::now().0, expires.map(|t| t.0)],
    )?;
    Ok(tx.last_insert_rowid())
}

pub fn revoke_link(tx: &Transaction<'_>, link: i64) -> Result<(), StoreError> {
    exec(
        tx,
        "UPDATE web_links SET revoked_ms = ?2 WHERE id = ?1 AND revoked_ms IS NULL",
        params![link, Timestamp::now().0],
    )?;
    Ok(())
}

/// A link as a request presents it.
pub struct LinkRow {
    pub id: i64,
    pub channel: ChannelId,
    pub role: LinkRole,
    pub expires: Option<Timestamp>,
    pub revoked: bool,
}

pub fn link_by_token(conn: &Connection, token: &str) -> Result<Option<LinkRow>, StoreError> {
    let found = row(
        conn,
        "SELECT id, channel, role, expires_ms, revoked_ms IS NOT NULL FROM web_links WHERE secret_hash = ?1",
        [secret_hash(token)],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, bool>(4)?,
            ))
        },
    )
    .optional()?;
    let Some((id, channel, role, expires, revoked)) = found else { return Ok(None) };
    Ok(Some(LinkRow {
        id,
        channel: ChannelId(blob32(channel)?),
        role: LinkRole::parse(&role).ok_or(StoreError::Corrupt("web link role"))?,
        expires: expires.map(Timestamp),
        revoked,
    }))
}

/// A guest as a request presents it.
pub struct GuestRow {
    pub id: i64,
    pub link: i64,
    pub name: Option<String>,
    pub blocked: bool,
}

pub fn guest_by_secret(conn: &Connection, secret: &str) -> Result<Option<GuestRow>, StoreError> {
    Ok(row(
        conn,
        "SELECT id, link, name, blocked_ms IS NOT NULL FROM web_guests WHERE secret_hash = ?1",
        [secret_hash(secret)],
        |r| Ok(GuestRow { id: r.get(0)?, link: r.get(1)?, name: r.get(2)?, blocked: r.get(3)? }),
    )
    .optional()?)
}

pub fn insert_guest(tx: &Transaction<'_>, link: i64, secret: &str, name: Option<&str>) -> Result<i64, StoreError> {
    exec(
        tx,
        "INSERT INTO web_guests (link, secret_hash, name, created_ms) VALUES (?1, ?2, ?3, ?4)",
        params![link, secret_hash(secret), name, Timestamp::now().0],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Guests who opened a link.
pub fn guest_count(conn: &Connection, link: i64) -> Result<usize, StoreError> {
    let n: i64 = row(conn, "SELECT count(*) FROM web_guests WHERE link = ?1", [link], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

pub fn set_guest_name(tx: &Transaction<'_>, guest: i64, name: &str) -> Result<(), StoreError> {
    exec(tx, "UPDATE web_guests SET name = ?2 WHERE id = ?1", params![guest, name])?;
    Ok(())
}

/// One row of the host's guest list.
pub struct GuestSummary {
    pub id: i64,
    pub name: Option<String>,
    pub uploads: i64,
    pub blocked: bool,
}

pub fn guests(conn: &Connection, channel: &ChannelId) -> Result<Vec<GuestSummary>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT g.id, g.name, (SELECT count(*) FROM web_uploads u WHERE u.guest = g.id AND u.post IS NOT NULL),
                g.blocked_ms IS NOT NULL
         FROM web_guests g JOIN web_links l ON l.id = g.link
         WHERE l.channel = ?1 AND l.role != 'host' ORDER BY g.id",
    )?;
    let rows = stmt
        .query_map([channel.0], |r| {
            Ok(GuestSummary { id: r.get(0)?, name: r.get(1)?, uploads: r.get(2)?, blocked: r.get(3)? })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Blocks a guest of `channel`; `false` if there is no such guest there.
pub fn block_guest(tx: &Transaction<'_>, channel: &ChannelId, guest: i64) -> Result<bool, StoreError> {
    let n = exec(
        tx,
        "UPDATE web_guests SET blocked_ms = coalesce(blocked_ms, ?3)
         WHERE id = ?2 AND link IN (SELECT id FROM web_links WHERE channel = ?1 AND role != 'host')",
        params![channel.0, guest, Timestamp::now().0],
    )?;
    Ok(n == 1)
}

/// An upload as the server tracks it.
#[derive(Clone, Debug)]
pub struct UploadRow {
    pub id: i64,
    pub guest: i64,
    pub hash: ContentHash,
    pub size: u64,
    pub name: String,
    pub complete: bool,
    pub post: Option<EventId>,
}

const UPLOAD_COLUMNS: &str = "id, guest, hash, size, name, completed_ms IS NOT NULL, post";

/// An upload row as SQLite returns it, before its blobs are checked.
type RawUpload = (i64, i64, Vec<u8>, i64, String, bool, Option<Vec<u8>>);

fn upload_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawUpload> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

fn to_upload(raw: RawUpload) -> Result<UploadRow, StoreError> {
    let (id, guest, hash, size, name, complete, post) = raw;
    Ok(UploadRow {
        id,
        guest,
        hash: ContentHash(blob32(hash)?),
        size: u64::try_from(size).map_err(|_| StoreError::Corrupt("upload size"))?,
        name,
        complete,
        post: post.map(|p| blob32(p).map(EventId)).transpose()?,
    })
}

pub fn upload(conn: &Connection, id: i64) -> Result<Option<UploadRow>, StoreError> {
    let sql = format!("SELECT {UPLOAD_COLUMNS} FROM web_uploads WHERE id = ?1");
    row(conn, &sql, [id], upload_row).optional()?.map(to_upload).transpose()
}

/// This guest's unfinished upload of these bytes, to resume.
pub fn open_upload(conn: &Connection, guest: i64, hash: &ContentHash) -> Result<Option<UploadRow>, StoreError> {
    let sql = format!(
        "SELECT {UPLOAD_COLUMNS} FROM web_uploads
         WHERE guest = ?1 AND hash = ?2 AND post IS NULL ORDER BY id DESC LIMIT 1"
    );
    row(conn, &sql, params![guest, hash.0], upload_row).optional()?.map(to_upload).transpose()
}

/// Whether the channel already shows these bytes (`hash` is the BLAKE3 of a file as
/// uploaded): posted for a guest, imported here and posted, or posted by any member as
/// they are.
pub fn known_bytes(conn: &Connection, channel: &ChannelId, hash: &ContentHash) -> Result<bool, StoreError> {
    let posted = row(
        conn,
        "SELECT EXISTS (SELECT 1 FROM web_uploads WHERE channel = ?1 AND hash = ?2 AND post IS NOT NULL)",
        params![channel.0, hash.0],
        |r| r.get::<_, bool>(0),
    )?;
    Ok(posted || post_of_bytes(conn, channel, hash)?.is_some())
}

/// The visible post of `channel` that shows these bytes (`hash` of the file as uploaded,
/// whose shared copy may differ: location removed).
pub fn post_of_bytes(
    conn: &Connection,
    channel: &ChannelId,
    hash: &ContentHash,
) -> Result<Option<EventId>, StoreError> {
    if let Some(post) = crate::catalog::db::post_holding(conn, channel, hash)? {
        return Ok(Some(post));
    }
    match crate::import::db::shared_hash_of(conn, hash)? {
        Some(shared) => crate::catalog::db::post_holding(conn, channel, &shared),
        None => Ok(None),
    }
}

/// Complete uploads not marked posted whose bytes the channel shows by now (their share
/// was finished at the node's start, after the page's commit was cut off), with the post.
pub fn posted_meanwhile(conn: &Connection) -> Result<Vec<(i64, EventId)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, channel, hash FROM web_uploads WHERE completed_ms IS NOT NULL AND post IS NULL ORDER BY id",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, Vec<u8>>(2)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::new();
    for (id, channel, hash) in rows {
        let (channel, hash) = (ChannelId(blob32(channel)?), ContentHash(blob32(hash)?));
        if let Some(post) = post_of_bytes(conn, &channel, &hash)? {
            out.push((id, post));
        }
    }
    Ok(out)
}

/// Deletes unfinished uploads untouched for `ttl_ms`; returns their ids (their files
/// are the caller's to remove).
pub fn expire_partial_uploads(tx: &Transaction<'_>, ttl_ms: i64) -> Result<Vec<i64>, StoreError> {
    let before = Timestamp::now().0.saturating_sub(ttl_ms);
    let mut stmt =
        tx.prepare_cached("DELETE FROM web_uploads WHERE completed_ms IS NULL AND touched_ms < ?1 RETURNING id")?;
    let ids = stmt.query_map([before], |r| r.get(0))?.collect::<Result<Vec<i64>, _>>()?;
    Ok(ids)
}

/// Unfinished uploads the guest touched in the last `recent_ms`.
pub fn active_uploads(conn: &Connection, guest: i64, recent_ms: i64) -> Result<i64, StoreError> {
    Ok(row(
        conn,
        "SELECT count(*) FROM web_uploads WHERE guest = ?1 AND completed_ms IS NULL AND touched_ms > ?2",
        params![guest, Timestamp::now().0 - recent_ms],
        |r| r.get(0),
    )?)
}

pub fn insert_upload(
    tx: &Transaction<'_>,
    guest: i64,
    channel: &ChannelId,
    hash: &ContentHash,
    size: u64,
    name: &str,
) -> Result<i64, StoreError> {
    let now = Timestamp::now().0;
    exec(
        tx,
        "INSERT INTO web_uploads (guest, channel, hash, size, name, created_ms, touched_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![guest, channel.0, hash.0, size as i64, name, now],
    )?;
    Ok(tx.last_insert_rowid())
}

pub fn touch_upload(tx: &Transaction<'_>, id: i64) -> Result<(), StoreError> {
    exec(tx, "UPDATE web_uploads SET touched_ms = ?2 WHERE id = ?1", params![id, Timestamp::now().0])?;
    Ok(())
}

pub fn complete_upload(tx: &Transaction<'_>, id: i64) -> Result<(), StoreError> {
    exec(tx, "UPDATE web_uploads SET completed_ms = ?2 WHERE id = ?1", params![id, Timestamp::now().0])?;
    Ok(())
}

pub fn delete_upload(tx: &Transaction<'_>, id: i64) -> Result<(), StoreError> {
    exec(tx, "DELETE FROM web_uploads WHERE id = ?1", [id])?;
    Ok(())
}

pub fn set_upload_post(tx: &Transaction<'_>, id: i64, post: &EventId) -> Result<(), StoreError> {
    exec(tx, "UPDATE web_uploads SET post = ?2 WHERE id = ?1", params![id, post.0])?;
    Ok(())
}

/// Complete, unposted uploads idle for `idle_ms`, of guests who have a name and are not
/// blocked, grouped by channel and guest: `(channel, guest name, uploads)`.
pub fn stale_uploads(conn: &Connection, idle_ms: i64) -> Result<Vec<(ChannelId, String, Vec<UploadRow>)>, StoreError> {
    let sql = format!(
        "SELECT u.{}, u.channel, g.name FROM web_uploads u JOIN web_guests g ON g.id = u.guest
         WHERE u.completed_ms IS NOT NULL AND u.post IS NULL AND u.touched_ms < ?1
           AND g.name IS NOT NULL AND g.blocked_ms IS NULL
         ORDER BY u.channel, u.guest, u.id",
        UPLOAD_COLUMNS.replace(", ", ", u.")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map([Timestamp::now().0.saturating_sub(idle_ms)], |r| {
            Ok((upload_row(r)?, r.get::<_, Vec<u8>>(7)?, r.get::<_, String>(8)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut out: Vec<(ChannelId, String, Vec<UploadRow>)> = Vec::new();
    for (raw, channel, name) in rows {
        let (channel, up) = (ChannelId(blob32(channel)?), to_upload(raw)?);
        match out.last_mut() {
            Some((c, _, ups)) if *c == channel && ups.last().is_some_and(|u| u.guest == up.guest) => ups.push(up),
            _ => out.push((channel, name, vec![up])),
        }
    }
    Ok(out)
}

/// A visible post's channel, author and comment count.
pub struct PostMeta {
    pub channel: ChannelId,
    pub author: DeviceId,
    pub comments: i64,
}

pub fn post_meta(conn: &Connection, post: &EventId) -> Result<Option<PostMeta>, StoreError> {
    let found = row(
        conn,
        "SELECT p.channel, p.author, (SELECT count(*) FROM comments k WHERE k.post = p.event AND k.visible = 1)
         FROM posts p WHERE p.event = ?1 AND p.visible = 1",
        [post.0],
        |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, i64>(2)?)),
    )
    .optional()?;
    let Some((channel, author, comments)) = found else { return Ok(None) };
    Ok(Some(PostMeta { channel: ChannelId(blob32(channel)?), author: DeviceId(blob32(author)?), comments }))
}

/// The channel of a visible comment.
pub fn comment_channel(conn: &Connection, comment: &EventId) -> Result<Option<ChannelId>, StoreError> {
    let found = row(conn, "SELECT channel FROM comments WHERE event = ?1 AND visible = 1", [comment.0], |r| {
        r.get::<_, Vec<u8>>(0)
    })
    .optional()?;
    found.map(|c| blob32(c).map(ChannelId)).transpose()
}

/// A visible item's thumbnail.
pub fn thumbnail(
    conn: &Connection,
    channel: &ChannelId,
    post: &EventId,
    index: u32,
) -> Result<Option<(Vec<u8>, String)>, StoreError> {
    Ok(row(
        conn,
        "SELECT i.thumbnail, i.mime FROM items i JOIN posts p ON p.event = i.post
         WHERE i.post = ?1 AND i.idx = ?2 AND p.channel = ?3 AND p.visible = 1",
        params![post.0, index, channel.0],
        |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?)),
    )
    .optional()?)
}

/// Sets or clears one guest's reaction; returns how many guests now have it on.
pub fn set_guest_reaction(
    tx: &Transaction<'_>,
    guest: i64,
    target: &EventId,
    emoji: &str,
    on: bool,
) -> Result<i64, StoreError> {
    if on {
        exec(
            tx,
            "INSERT OR IGNORE INTO web_reactions (guest, target, emoji) VALUES (?1, ?2, ?3)",
            params![guest, target.0, emoji],
        )?;
    } else {
        exec(
            tx,
            "DELETE FROM web_reactions WHERE guest = ?1 AND target = ?2 AND emoji = ?3",
            params![guest, target.0, emoji],
        )?;
    }
    Ok(row(tx, "SELECT count(*) FROM web_reactions WHERE target = ?1 AND emoji = ?2", params![target.0, emoji], |r| {
        r.get(0)
    })?)
}

/// The emoji this guest has on `target`.
pub fn guest_reactions(conn: &Connection, guest: i64, target: &EventId) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT emoji FROM web_reactions WHERE guest = ?1 AND target = ?2")?;
    let rows = stmt.query_map(params![guest, target.0], |r| r.get(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The items a guest's uploads became: `(post, index)` of each, in the post that shows
/// them (their own, or an earlier one holding the same bytes), newest first. What a
/// drop-box guest sees, and all they may see.
pub fn guest_items(conn: &Connection, guest: i64) -> Result<Vec<(EventId, u32)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.post, i.idx FROM web_uploads u
         JOIN items i ON i.post = u.post
           AND (i.content_hash = u.hash
                OR i.content_hash = (SELECT m.shared_hash FROM media m WHERE m.original_hash = u.hash))
         JOIN posts p ON p.event = i.post AND p.visible = 1
         WHERE u.guest = ?1 AND u.post IS NOT NULL
         GROUP BY i.post, i.idx ORDER BY max(u.id) DESC",
    )?;
    let rows = stmt.query_map([guest], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, u32>(1)?)))?;
    rows.map(|r| {
        let (post, idx) = r?;
        Ok((EventId(blob32(post)?), idx))
    })
    .collect()
}

/// Records that `guest` wrote `comment`.
pub fn record_comment(tx: &Transaction<'_>, guest: i64, comment: &EventId) -> Result<(), StoreError> {
    exec(tx, "INSERT OR IGNORE INTO web_comments (comment, guest) VALUES (?1, ?2)", params![comment.0, guest])?;
    Ok(())
}

/// Whether `guest` wrote `comment`.
pub fn wrote(conn: &Connection, guest: i64, comment: &EventId) -> Result<bool, StoreError> {
    Ok(row(conn, "SELECT 1 FROM web_comments WHERE comment = ?1 AND guest = ?2", params![comment.0, guest], |_| Ok(()))
        .optional()?
        .is_some())
}
