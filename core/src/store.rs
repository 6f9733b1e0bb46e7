//! SQLite storage: one writer connection, a pool of readers, WAL, numbered migrations.
//!
//! The store knows nothing of the domain: modules keep their SQL in `<module>/db.rs` and
//! run it through [`Store::write`] (one `IMMEDIATE` transaction on the single writer) or
//! [`Store::read`] (a pooled read-only connection that sees the last commit). Both are
//! blocking; async callers use [`Store::write_async`] / [`Store::read_async`], which move
//! the work to tokio's blocking pool so SQLite never runs on an async worker thread.
//!
//! Crash safety comes from SQLite's WAL: a killed process leaves the last committed
//! transaction in place, and every change of the domain is one transaction.

mod checkpoint;
mod migrate;

pub use migrate::{migrate_to, schema_dump, MIGRATIONS};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// The database file name inside a data folder.
pub const DB_FILE: &str = "swarmroll.sqlite3";
const MAX_IDLE_READERS: usize = 4;
/// The writer's page cache, in KiB (as SQLite's negative `cache_size`): SQLite's default
/// of 2 MB made a catch-up re-read index pages from the file for every event.
const WRITER_CACHE_KIB: i64 = -16_384;

/// A storage failure. Messages never include stored values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The data folder could not be created.
    #[error("cannot create the data folder")]
    Io(#[from] std::io::Error),
    /// The database was written by a newer version of Swarmroll.
    #[error("the database is from a newer version of Swarmroll (schema {found}, this build knows {known})")]
    NewerSchema {
        /// The file's schema version.
        found: u32,
        /// The newest this build knows.
        known: u32,
    },
    /// A migration failed; the database stays at the previous version.
    #[error("upgrading the database to schema {version} failed: {source}")]
    Migration {
        /// The migration that failed.
        version: u32,
        /// Why.
        source: rusqlite::Error,
    },
    /// A stored value is not what the schema promises (a bug or a damaged file).
    #[error("a stored value is damaged ({0})")]
    Corrupt(&'static str),
    /// The blocking task panicked or was cancelled.
    #[error("a storage task did not complete")]
    TaskFailed,
}

/// The database of one data folder. Cheap to share behind an [`Arc`].
pub struct Store {
    // Dropped in this order: the checkpointer and the readers close before the writer, so
    // the writer is the last connection and folds the WAL into the file as it closes
    // (else the next open reads the whole WAL back).
    checkpoints: Option<checkpoint::Checkpointer>,
    readers: Mutex<Vec<Connection>>,
    writer: Mutex<Connection>,
    path: PathBuf,
}

fn configure(conn: &Connection) -> Result<(), rusqlite::Error> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(128);
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

/// Creates `dir` (and any missing parent) readable by this user only: the data folder
/// holds captions, comments, thumbnails and keys in plain files. A folder that exists is
/// left as it is (the user may have chosen it and its permissions).
///
/// # Errors
/// The I/O error.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

impl StoreError {
    /// Whether the disk holding the database (or a file beside it) is full.
    pub fn is_disk_full(&self) -> bool {
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
            | StoreError::Migration { source: rusqlite::Error::SqliteFailure(e, _), .. } => {
                e.code == rusqlite::ErrorCode::DiskFull
            }
            StoreError::Io(e) => e.kind() == std::io::ErrorKind::StorageFull,
            _ => false,
        }
    }
}

impl Store {
    /// Opens (creating if needed) the database in `dir`, upgrading its schema.
    ///
    /// # Errors
    /// [`StoreError`] if the folder or file cannot be opened or upgraded.
    pub fn open_dir(dir: &Path) -> Result<Self, StoreError> {
        create_private_dir(dir)?;
        Self::open(&dir.join(DB_FILE))
    }

    /// Opens (creating if needed) the database file at `path`, upgrading its schema.
    ///
    /// # Errors
    /// [`StoreError`] if the file cannot be opened or upgraded.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        configure(&conn)?;
        conn.pragma_update(None, "cache_size", WRITER_CACHE_KIB)?;
        migrate::migrate_to(&mut conn, MIGRATIONS.len() as u32)?;
        let checkpoints = checkpoint::Checkpointer::start(path);
        if checkpoints.is_some() {
            checkpoint::Checkpointer::watch(&conn);
        }
        Ok(Store { checkpoints, path: path.to_owned(), writer: Mutex::new(conn), readers: Mutex::new(Vec::new()) })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in one write transaction, committed if `f` returns `Ok`.
    ///
    /// # Errors
    /// `f`'s error, or a [`StoreError`] converted into `E`.
    pub fn write<T, E: From<StoreError>>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T, E>) -> Result<T, E> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
        let out = f(&tx)?;
        tx.commit().map_err(StoreError::from)?;
        if let Some(c) = &self.checkpoints {
            c.committed(&conn);
        }
        Ok(out)
    }

    /// Runs `f` on a read-only connection.
    ///
    /// # Errors
    /// `f`'s error, or a [`StoreError`] converted into `E`.
    pub fn read<T, E: From<StoreError>>(&self, f: impl FnOnce(&Connection) -> Result<T, E>) -> Result<T, E> {
        let pooled = lock(&self.readers).pop();
        let conn = match pooled {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    &self.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
                )
                .map_err(StoreError::from)?;
                configure(&c).map_err(StoreError::from)?;
                c
            }
        };
        let out = f(&conn);
        let mut pool = lock(&self.readers);
        if pool.len() < MAX_IDLE_READERS {
            pool.push(conn);
        }
        out
    }

    /// [`Store::write`] on tokio's blocking pool.
    ///
    /// # Cancel safety
    /// Dropping the future does not cancel the transaction: it completes or rolls back
    /// on its own thread.
    pub async fn write_async<T, E, F>(self: &Arc<Self>, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T, E> + Send + 'static,
    {
        let me = Arc::clone(self);
        tokio::task::spawn_blocking(move || me.write(f)).await.map_err(|_| E::from(StoreError::TaskFailed))?
    }

    /// [`Store::read`] on tokio's blocking pool.
    ///
    /// # Cancel safety
    /// Safe to drop: reads change nothing.
    pub async fn read_async<T, E, F>(self: &Arc<Self>, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        let me = Arc::clone(self);
        tokio::task::spawn_blocking(move || me.read(f)).await.map_err(|_| E::from(StoreError::TaskFailed))?
    }
}

/// Locks `m` even if a thread panicked while holding it. Every lock of the core guards
/// state that stays consistent across a panic (single inserts and removes, or SQLite,
/// which rolls back), so a poisoned lock is safe to reuse.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs one statement through the connection's prepared-statement cache: the ingest path
/// runs the same few dozen statements for every event, and parsing them each time cost
/// more than executing them.
///
/// # Errors
/// SQLite errors.
pub fn exec<P: rusqlite::Params>(conn: &Connection, sql: &str, params: P) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// [`exec`] for a query returning one row.
///
/// # Errors
/// SQLite errors, including `QueryReturnedNoRows` (use `.optional()`).
pub fn row<T, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(params, f)
}

/// Reads a 32-byte blob column into an id type.
pub fn blob32(v: Vec<u8>) -> Result<[u8; 32], StoreError> {
    v.try_into().map_err(|_| StoreError::Corrupt("32-byte key"))
}

#[cfg(test)]
mod tests;

/// Removes the files of `dir` whose names `leftover` picks (best effort, not recursive):
/// the temporaries a killed or stopped writer left, swept when the writer starts again.
pub fn sweep_leftovers(dir: &Path, leftover: impl Fn(&str) -> bool) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        if leftover(&e.file_name().to_string_lossy()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Bytes free for this user on the disk holding `path` (`None` where it cannot be told).
/// Work that writes much (uploads, fetched originals) checks it first, so that a full
/// disk is a clear refusal rather than a failed write halfway.
pub fn free_bytes(path: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        let s = nix::sys::statvfs::statvfs(path).ok()?;
        // The counts are u32 on Apple platforms, u64 here.
        #[allow(clippy::useless_conversion)]
        Some(u64::from(s.blocks_available()).saturating_mul(u64::from(s.fragment_size())))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}
