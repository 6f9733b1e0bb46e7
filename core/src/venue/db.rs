//! SQL of the venue gallery's tables: links, guests, uploads, guests' reactions and the
//! comments guests wrote. Other modules' tables are read through their own `db`.

use super::{GuestInfo, GuestSummary, LinkInfo, LinkRole, Upload};
use crate::store::{blob32, exec, row, StoreError};
use crate::types::{ChannelId, ContentHash, EventId, Timestamp};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

fn secret_hash(secret: &str) -> [u8; 32] {
    *blake3::hash(secret.as_bytes()).as_bytes()
}

pub(super) fn insert_link(
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

pub(super) fn revoke_link(tx: &Transaction<'_>, link: i64) -> Result<(), StoreError> {
    exec(
        tx,
        "UPDATE web_links SET revoked_ms = ?2 WHERE id = ?1 AND revoked_ms IS NULL",
        params![link, Timestamp::now().0],
    )?;
    Ok(())
}

pub(super) fn link_by_token(conn: &Connection, token: &str) -> Result<Option<LinkInfo>, StoreError> {
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
    Ok(Some(LinkInfo {
        id,
        channel: ChannelId(blob32(channel)?),
        role: LinkRole::parse(&role).ok_or(StoreError::Corrupt("web link role"))?,
        expires: expires.map(Timestamp),
        revoked,
    }))
}

pub(super) fn guest_by_secret(conn: &Connection, secret: &str) -> Result<Option<GuestInfo>, StoreError> {
    Ok(row(
        conn,
        "SELECT id, link, name, blocked_ms IS NOT NULL FROM web_guests WHERE secret_hash = ?1",
        [secret_hash(secret)],
        |r| Ok(GuestInfo { id: r.get(0)?, link: r.get(1)?, name: r.get(2)?, blocked: r.get(3)? }),
    )
    .optional()?)
}

pub(super) fn insert_guest(
    tx: &Transaction<'_>,
    link: i64,
    secret: &str,
    name: Option<&str>,
) -> Result<i64, StoreError> {
    exec(
        tx,
        "INSERT INTO web_guests (link, secret_hash, name, created_ms) VALUES (?1, ?2, ?3, ?4)",
        params![link, secret_hash(secret), name, Timestamp::now().0],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Guests who opened a link.
pub(super) fn guest_count(conn: &Connection, link: i64) -> Result<usize, StoreError> {
    let n: i64 = row(conn, "SELECT count(*) FROM web_guests WHERE link = ?1", [link], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

pub(super) fn set_guest_name(tx: &Transaction<'_>, guest: i64, name: &str) -> Result<(), StoreError> {
    exec(tx, "UPDATE web_guests SET name = ?2 WHERE id = ?1", params![guest, name])?;
    Ok(())
}

pub(super) fn guests(conn: &Connection, channel: &ChannelId) -> Result<Vec<GuestSummary>, StoreError> {
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
pub(super) fn block_guest(tx: &Transaction<'_>, channel: &ChannelId, guest: i64) -> Result<bool, StoreError> {
    let n = exec(
        tx,
        "UPDATE web_guests SET blocked_ms = coalesce(blocked_ms, ?3)
         WHERE id = ?2 AND link IN (SELECT id FROM web_links WHERE channel = ?1 AND role != 'host')",
        params![channel.0, guest, Timestamp::now().0],
    )?;
    Ok(n == 1)
}

const UPLOAD_COLUMNS: &str = "id, guest, hash, size, name, completed_ms IS NOT NULL, post";

/// An upload row as SQLite returns it, before its blobs are checked.
type RawUpload = (i64, i64, Vec<u8>, i64, String, bool, Option<Vec<u8>>);

fn upload_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawUpload> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

fn to_upload(raw: RawUpload) -> Result<Upload, StoreError> {
    let (id, guest, hash, size, name, complete, post) = raw;
    Ok(Upload {
        id,
        guest,
        hash: ContentHash(blob32(hash)?),
        size: u64::try_from(size).map_err(|_| StoreError::Corrupt("upload size"))?,
        name,
        complete,
        post: post.map(|p| blob32(p).map(EventId)).transpose()?,
    })
}

pub(super) fn upload(conn: &Connection, id: i64) -> Result<Option<Upload>, StoreError> {
    let sql = format!("SELECT {UPLOAD_COLUMNS} FROM web_uploads WHERE id = ?1");
    row(conn, &sql, [id], upload_row).optional()?.map(to_upload).transpose()
}

/// This guest's unfinished upload of these bytes, to resume.
pub(super) fn open_upload(conn: &Connection, guest: i64, hash: &ContentHash) -> Result<Option<Upload>, StoreError> {
    let sql = format!(
        "SELECT {UPLOAD_COLUMNS} FROM web_uploads
         WHERE guest = ?1 AND hash = ?2 AND post IS NULL ORDER BY id DESC LIMIT 1"
    );
    row(conn, &sql, params![guest, hash.0], upload_row).optional()?.map(to_upload).transpose()
}

/// Whether the channel already shows these bytes (`hash` is the BLAKE3 of a file as
/// uploaded): posted for a guest, imported here and posted, or posted by any member as
/// they are.
pub(super) fn known_bytes(conn: &Connection, channel: &ChannelId, hash: &ContentHash) -> Result<bool, StoreError> {
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
pub(super) fn post_of_bytes(
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
pub(super) fn posted_meanwhile(conn: &Connection) -> Result<Vec<(i64, EventId)>, StoreError> {
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
pub(super) fn expire_partial_uploads(tx: &Transaction<'_>, ttl_ms: i64) -> Result<Vec<i64>, StoreError> {
    let before = Timestamp::now().0.saturating_sub(ttl_ms);
    let mut stmt =
        tx.prepare_cached("DELETE FROM web_uploads WHERE completed_ms IS NULL AND touched_ms < ?1 RETURNING id")?;
    let ids = stmt.query_map([before], |r| r.get(0))?.collect::<Result<Vec<i64>, _>>()?;
    Ok(ids)
}

/// Unfinished uploads the guest touched in the last `recent_ms`.
pub(super) fn known_uploads(conn: &Connection, ids: &[i64]) -> Result<std::collections::HashSet<i64>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM web_uploads WHERE id = ?1")?;
    let mut known = std::collections::HashSet::new();
    for id in ids {
        if stmt.exists([id])? {
            known.insert(*id);
        }
    }
    Ok(known)
}

pub(super) fn active_uploads(conn: &Connection, guest: i64, recent_ms: i64) -> Result<i64, StoreError> {
    Ok(row(
        conn,
        "SELECT count(*) FROM web_uploads WHERE guest = ?1 AND completed_ms IS NULL AND touched_ms > ?2",
        params![guest, Timestamp::now().0 - recent_ms],
        |r| r.get(0),
    )?)
}

pub(super) fn insert_upload(
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

pub(super) fn touch_upload(tx: &Transaction<'_>, id: i64) -> Result<(), StoreError> {
    exec(tx, "UPDATE web_uploads SET touched_ms = ?2 WHERE id = ?1", params![id, Timestamp::now().0])?;
    Ok(())
}

pub(super) fn complete_upload(tx: &Transaction<'_>, id: i64) -> Result<(), StoreError> {
    exec(tx, "UPDATE web_uploads SET completed_ms = ?2 WHERE id = ?1", params![id, Timestamp::now().0])?;
    Ok(())
}

pub(super) fn delete_upload(tx: &Transaction<'_>, id: i64) -> Result<(), StoreError> {
    exec(tx, "DELETE FROM web_uploads WHERE id = ?1", [id])?;
    Ok(())
}

pub(super) fn set_upload_post(tx: &Transaction<'_>, id: i64, post: &EventId) -> Result<(), StoreError> {
    exec(tx, "UPDATE web_uploads SET post = ?2 WHERE id = ?1", params![id, post.0])?;
    Ok(())
}

/// Complete, unposted uploads idle for `idle_ms`, of guests who have a name and are not
/// blocked, grouped by channel and guest: `(channel, guest name, uploads)`.
pub(super) fn stale_uploads(
    conn: &Connection,
    idle_ms: i64,
) -> Result<Vec<(ChannelId, String, Vec<Upload>)>, StoreError> {
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
    let mut out: Vec<(ChannelId, String, Vec<Upload>)> = Vec::new();
    for (raw, channel, name) in rows {
        let (channel, up) = (ChannelId(blob32(channel)?), to_upload(raw)?);
        match out.last_mut() {
            Some((c, _, ups)) if *c == channel && ups.last().is_some_and(|u| u.guest == up.guest) => ups.push(up),
            _ => out.push((channel, name, vec![up])),
        }
    }
    Ok(out)
}

/// Sets or clears one guest's reaction; returns how many guests now have it on.
pub(super) fn set_guest_reaction(
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
pub(super) fn guest_reactions(conn: &Connection, guest: i64, target: &EventId) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT emoji FROM web_reactions WHERE guest = ?1 AND target = ?2")?;
    let rows = stmt.query_map(params![guest, target.0], |r| r.get(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The items a guest's uploads became: `(post, index)` of each, in the post that shows
/// them (matched by the bytes as uploaded or by their shared copy, location removed),
/// newest upload first. What a drop-box guest sees, and all they may see.
pub(super) fn guest_items(conn: &Connection, guest: i64) -> Result<Vec<(EventId, u32)>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT post, hash FROM web_uploads WHERE guest = ?1 AND post IS NOT NULL ORDER BY id DESC")?;
    let rows = stmt
        .query_map([guest], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut out: Vec<(EventId, u32)> = Vec::new();
    for (post, hash) in rows {
        let (post, hash) = (EventId(blob32(post)?), ContentHash(blob32(hash)?));
        let mut hashes = vec![hash];
        hashes.extend(crate::import::db::shared_hash_of(conn, &hash)?);
        for idx in crate::catalog::db::items_holding(conn, &post, &hashes)? {
            if !out.contains(&(post, idx)) {
                out.push((post, idx));
            }
        }
    }
    Ok(out)
}

/// Records that `guest` wrote `comment`.
pub(super) fn record_comment(tx: &Transaction<'_>, guest: i64, comment: &EventId) -> Result<(), StoreError> {
    exec(tx, "INSERT OR IGNORE INTO web_comments (comment, guest) VALUES (?1, ?2)", params![comment.0, guest])?;
    Ok(())
}

/// Whether `guest` wrote `comment`.
pub(super) fn wrote(conn: &Connection, guest: i64, comment: &EventId) -> Result<bool, StoreError> {
    Ok(row(conn, "SELECT 1 FROM web_comments WHERE comment = ?1 AND guest = ?2", params![comment.0, guest], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Forgets the venue gallery's links of `ch` with their guests, guests' reactions and
/// comment credits, and uploads (the web gallery removes the bytes of any upload without
/// a row: [`super::Venue::known_uploads`]).
///
/// # Errors
/// [`StoreError`].
pub(crate) fn forget_channel(tx: &Transaction<'_>, ch: &ChannelId) -> Result<(), StoreError> {
    let guests = "SELECT g.id FROM web_guests g JOIN web_links l ON l.id = g.link WHERE l.channel = ?1";
    exec(tx, "DELETE FROM web_uploads WHERE channel = ?1", [ch.0])?;
    for table in ["web_comments", "web_reactions", "web_uploads"] {
        exec(tx, &format!("DELETE FROM {table} WHERE guest IN ({guests})"), [ch.0])?;
    }
    exec(tx, &format!("DELETE FROM web_guests WHERE id IN ({guests})"), [ch.0])?;
    exec(tx, "DELETE FROM web_links WHERE channel = ?1", [ch.0])?;
    Ok(())
}
