//! Numbered, immutable schema migrations, applied in order under `PRAGMA user_version`,
//! each in its own transaction.

use super::StoreError;
use rusqlite::Connection;

/// Every migration, in order; `MIGRATIONS[i]` takes the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_read_markers.sql"),
    include_str!("../../migrations/0003_media.sql"),
    include_str!("../../migrations/0004_post_media_key.sql"),
    include_str!("../../migrations/0005_channel_privacy.sql"),
    include_str!("../../migrations/0006_peer_addresses.sql"),
    include_str!("../../migrations/0007_originals.sql"),
    include_str!("../../migrations/0008_sync_policies.sql"),
    include_str!("../../migrations/0009_key_vault.sql"),
    include_str!("../../migrations/0010_web_gallery.sql"),
    include_str!("../../migrations/0011_shares.sql"),
    include_str!("../../migrations/0012_drop_box.sql"),
];

/// Upgrades `conn` to schema `target` (at most `MIGRATIONS.len()`).
///
/// # Errors
/// [`StoreError::NewerSchema`] if the file is ahead of this build,
/// [`StoreError::Migration`] if a step fails (that step is rolled back).
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<(), StoreError> {
    let known = MIGRATIONS.len() as u32;
    let found: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > known {
        return Err(StoreError::NewerSchema { found, known });
    }
    for version in found..target.min(known) {
        let step = |conn: &mut Connection| -> Result<(), rusqlite::Error> {
            let tx = conn.transaction()?;
            tx.execute_batch(MIGRATIONS[version as usize])?;
            tx.pragma_update(None, "user_version", version + 1)?;
            tx.commit()
        };
        step(conn).map_err(|source| StoreError::Migration { version: version + 1, source })?;
    }
    Ok(())
}

/// The schema as text (every table, index and trigger, sorted by name), for comparing
/// a migrated database with a fresh one.
///
/// # Errors
/// SQLite errors.
pub fn schema_dump(conn: &Connection) -> Result<String, StoreError> {
    let mut stmt = conn.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name")?;
    let rows = stmt.query_map([], |r| {
        Ok(format!(
            "{}|{}|{}|{}",
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?.unwrap_or_default()
        ))
    })?;
    let mut out = rows.collect::<Result<Vec<_>, _>>()?.join("\n");
    let version: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    out.push_str(&format!("\nuser_version={version}"));
    Ok(out)
}
