//! SQL for the `media` table.

use super::Imported;
use crate::store::{exec, row, StoreError};
use crate::types::{ContentHash, Timestamp};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// Whether these bytes (or this platform asset) were imported before.
///
/// # Errors
/// [`StoreError`].
pub fn known(conn: &Connection, original: &ContentHash, asset_id: Option<&str>) -> Result<bool, StoreError> {
    Ok(row(
        conn,
        "SELECT 1 FROM media WHERE original_hash = ?1 OR (?2 IS NOT NULL AND asset_id = ?2)",
        params![original.0, asset_id],
        |_| Ok(()),
    )
    .optional()?
    .is_some())
}

/// Records an import; `false` if the same bytes were recorded meanwhile.
///
/// # Errors
/// [`StoreError`].
pub fn insert(tx: &Transaction<'_>, m: &Imported, asset_id: Option<&str>) -> Result<bool, StoreError> {
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

/// How many files were imported.
///
/// # Errors
/// [`StoreError`].
pub fn count(conn: &Connection) -> Result<i64, StoreError> {
    Ok(row(conn, "SELECT count(*) FROM media", [], |r| r.get(0))?)
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

/// Forgets imports (their posting failed), so the same files can be imported again.
///
/// # Errors
/// [`StoreError`].
pub fn forget(tx: &Transaction<'_>, originals: &[ContentHash]) -> Result<(), StoreError> {
    for h in originals {
        exec(tx, "DELETE FROM media WHERE original_hash = ?1", [h.0])?;
    }
    Ok(())
}
