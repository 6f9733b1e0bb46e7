//! SQL for the `media` table.

use super::Imported;
use crate::media::{Kind, Metadata};
use crate::store::{blob32, exec, row, StoreError};
use crate::types::{ContentHash, Timestamp};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// The shared copy's hash of bytes imported before.
///
/// # Errors
/// [`StoreError`].
pub fn shared_hash_of(conn: &Connection, original: &ContentHash) -> Result<Option<ContentHash>, StoreError> {
    let h: Option<Vec<u8>> =
        row(conn, "SELECT shared_hash FROM media WHERE original_hash = ?1", [original.0], |r| r.get(0)).optional()?;
    h.map(|h| blob32(h).map(ContentHash)).transpose()
}

const COLUMNS: &str = "original_hash, shared_hash, path, size, mime, width, height, capture_ms, utc_offset_min, make,
     model, had_location, location_shared, patches, duration_ms, thumbnail, has_preview";

/// The record of bytes imported before, as the import made it.
///
/// # Errors
/// [`StoreError`]; [`StoreError::Corrupt`] for a record this build cannot read.
pub fn load(conn: &Connection, original: &ContentHash) -> Result<Option<Imported>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM media WHERE original_hash = ?1");
    let Some(r) = row(conn, &sql, [original.0], |r| {
        Ok((
            (r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?),
            (r.get::<_, String>(4)?, r.get::<_, u32>(5)?, r.get::<_, u32>(6)?),
            (r.get::<_, Option<i64>>(7)?, r.get::<_, Option<i32>>(8)?),
            (r.get::<_, Option<String>>(9)?, r.get::<_, Option<String>>(10)?),
            (r.get::<_, bool>(12)?, r.get::<_, Vec<u8>>(13)?),
            (r.get::<_, Option<i64>>(14)?, r.get::<_, Vec<u8>>(15)?, r.get::<_, bool>(16)?),
        ))
    })
    .optional()?
    else {
        return Ok(None);
    };
    let (
        (original, shared, path, size),
        (mime, width, height),
        (capture_ms, utc_offset_min),
        (make, model),
        rest,
        more,
    ) = r;
    let (location_shared, patches) = rest;
    let (duration_ms, thumbnail, has_preview) = more;
    let kind = Kind::from_mime(&mime).ok_or(StoreError::Corrupt("media kind"))?;
    let capture_time = capture_ms.map(Timestamp);
    Ok(Some(Imported {
        original_hash: ContentHash(blob32(original)?),
        shared_hash: ContentHash(blob32(shared)?),
        path: path.into(),
        size: u64::try_from(size).map_err(|_| StoreError::Corrupt("media size"))?,
        kind,
        width,
        height,
        meta: Metadata {
            capture_time,
            utc_offset_min,
            make,
            model,
            duration_ms: duration_ms.and_then(|d| u64::try_from(d).ok()),
            ..Metadata::default()
        },
        capture_time,
        location_shared,
        patches: postcard::from_bytes(&patches).map_err(|_| StoreError::Corrupt("patches"))?,
        thumbnail,
        has_preview,
    }))
}

/// The imported bytes are now at `path` (their first file is gone).
///
/// # Errors
/// [`StoreError`].
pub fn move_to(tx: &Transaction<'_>, original: &ContentHash, path: &std::path::Path) -> Result<(), StoreError> {
    exec(tx, "UPDATE media SET path = ?2 WHERE original_hash = ?1", params![original.0, path.to_string_lossy()])?;
    Ok(())
}

/// Records an import; `false` if the same bytes were recorded meanwhile.
///
/// # Errors
/// [`StoreError`].
pub fn insert(tx: &Transaction<'_>, m: &Imported, asset_id: Option<&str>) -> Result<bool, StoreError> {
    if let Some(asset) = asset_id {
        // The platform's asset now has other bytes (the user edited it): the id follows
        // the new bytes.
        exec(
            tx,
            "UPDATE media SET asset_id = NULL WHERE asset_id = ?1 AND original_hash != ?2",
            params![asset, m.original_hash.0],
        )?;
    }
    let patches = postcard::to_allocvec(&m.patches).map_err(|_| StoreError::Corrupt("patches"))?;
    let n = exec(
        tx,
        "INSERT OR IGNORE INTO media (original_hash, shared_hash, path, size, mime, width, height, capture_ms,
            utc_offset_min, make, model, had_location, location_shared, patches, duration_ms, thumbnail,
            has_preview, asset_id, imported_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
        params![
            m.original_hash.0,
            m.shared_hash.0,
            m.path.to_string_lossy(),
            m.size as i64,
            m.kind.mime(),
            m.width,
            m.height,
            m.capture_time.map(|t| t.0),
            m.meta.utc_offset_min,
            m.meta.make,
            m.meta.model,
            m.meta.location.is_some(),
            m.location_shared,
            patches,
            m.meta.duration_ms.map(|d| d as i64),
            m.thumbnail,
            m.has_preview,
            asset_id,
            Timestamp::now().0,
        ],
    )?;
    Ok(n == 1)
}

/// Whether a file at `path` or platform asset `asset_id` was imported.
///
/// # Errors
/// [`StoreError`].
pub fn imported_path_or_asset(conn: &Connection, path: &str, asset_id: Option<&str>) -> Result<bool, StoreError> {
    Ok(row(
        conn,
        "SELECT 1 FROM media WHERE path = ?1 OR (?2 IS NOT NULL AND asset_id = ?2)",
        params![path, asset_id],
        |_| Ok(()),
    )
    .optional()?
    .is_some())
}

/// The patches that turn the imported file whose shared copy is `shared` into that copy
/// (`None`: not imported here).
///
/// # Errors
/// [`StoreError`].
pub fn patches_of(
    conn: &Connection,
    shared: &ContentHash,
) -> Result<Option<Vec<crate::media::strip::Patch>>, StoreError> {
    let blob: Option<Vec<u8>> =
        row(conn, "SELECT patches FROM media WHERE shared_hash = ?1", [shared.0], |r| r.get(0)).optional()?;
    blob.map(|b| postcard::from_bytes(&b).map_err(|_| StoreError::Corrupt("patches"))).transpose()
}

/// Forgets the imports whose shared copy only `ch` shows (leaving the channel); returns
/// their files and shared hashes, for the caller to remove the copies this node made.
///
/// # Errors
/// [`StoreError`].
pub fn forget_only_in(
    tx: &Transaction<'_>,
    ch: &crate::types::ChannelId,
) -> Result<Vec<(std::path::PathBuf, ContentHash)>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "DELETE FROM media
         WHERE shared_hash IN (SELECT content_hash FROM items WHERE channel = ?1)
           AND shared_hash NOT IN (SELECT content_hash FROM items WHERE channel != ?1)
         RETURNING path, shared_hash",
    )?;
    let rows = stmt.query_map([ch.0], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
    let mut out = Vec::new();
    for r in rows {
        let (path, hash) = r?;
        out.push((std::path::PathBuf::from(path), ContentHash(blob32(hash)?)));
    }
    Ok(out)
}
