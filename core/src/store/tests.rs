use super::*;

/// The committed schema, `core/schema.sql`.
fn committed_schema_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.sql")
}

/// A line diff of `want` (the committed file) against `got` (the migrated database):
/// `-` lines only the file has, `+` lines only the database has, two lines of context.
fn line_diff(want: &str, got: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    // Longest common subsequence, from the ends, then walked from the start.
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let mut lines = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            lines.push((' ', a[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            lines.push(('-', a[i]));
            i += 1;
        } else {
            lines.push(('+', b[j]));
            j += 1;
        }
    }
    let near_change = |k: usize| lines[k.saturating_sub(2)..(k + 3).min(lines.len())].iter().any(|(t, _)| *t != ' ');
    let mut out = String::new();
    let mut skipped = false;
    for (k, (tag, line)) in lines.iter().enumerate() {
        if near_change(k) {
            out.push_str(&format!("{tag} {line}\n"));
            skipped = false;
        } else if !skipped {
            out.push_str("  ...\n");
            skipped = true;
        }
    }
    out
}

/// The schema a fully migrated database has is the one committed in `core/schema.sql`.
/// Comparing a migrated database with a fresh one cannot fail (both run the same
/// migrations); comparing with the committed text shows every schema change in review,
/// and fails when a migration changes the schema without the file.
///
/// After adding a migration (or to see what one does), regenerate the file with
/// `SWARMROLL_BLESS_SCHEMA=1 cargo test -p swarmroll-core --lib store::tests::schema`
/// and review its diff with the migration.
#[test]
fn schema_matches_committed() {
    let dir = tempfile::tempdir().unwrap();
    let got = Store::open_dir(dir.path()).unwrap().read(schema_dump).unwrap();
    let path = committed_schema_path();
    if std::env::var_os("SWARMROLL_BLESS_SCHEMA").is_some_and(|v| v == "1") {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default().replace("\r\n", "\n");
    assert!(
        want == got,
        "the migrated schema differs from {} (- the file, + the migrations):\n{}\n\
         If the change is meant, regenerate the file with\n  \
         SWARMROLL_BLESS_SCHEMA=1 cargo test -p swarmroll-core --lib store::tests::schema\n\
         and commit it with the migration.",
        path.display(),
        line_diff(&want, &got),
    );
    // The file is the schema, not only its text: run on an empty database, it makes the same.
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(&want).unwrap();
    assert_eq!(schema_dump(&conn).unwrap(), want);
}

#[test]
fn line_diff_shows_what_changed_with_context() {
    let want = "a\nb\nc\nd\ne\nf\ng\nh\n";
    let got = "a\nb\nc\nd\nE\nf\ng\nh\n";
    assert_eq!(line_diff(want, got), "  ...\n  c\n  d\n- e\n+ E\n  f\n  g\n  ...\n");
}

#[test]
fn an_upgraded_database_has_the_committed_schema_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    // A database created by the first release, with data in it…
    let old_path = dir.path().join("old.sqlite3");
    {
        let mut conn = Connection::open(&old_path).unwrap();
        migrate_to(&mut conn, 1).unwrap();
        conn.execute("INSERT INTO channels (id, name, my_role, joined_ms) VALUES (?1, 'x', 0, 1)", [vec![1u8; 32]])
            .unwrap();
    }
    // …upgraded by this build…
    let migrated = Store::open(&old_path).unwrap();
    // …has the schema of a new database, the committed one (checked above), and keeps
    // its data.
    let fresh = Store::open(&dir.path().join("fresh.sqlite3")).unwrap();
    let dump = |s: &Store| s.read(schema_dump).unwrap();
    assert_eq!(dump(&migrated), dump(&fresh));
    let n: i64 = migrated
        .read(|c| Ok::<_, StoreError>(c.query_row("SELECT count(*) FROM channels", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    assert!(matches!(Store::open(&path), Err(StoreError::NewerSchema { found: 99, .. })));
}

#[test]
fn a_failed_write_rolls_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_dir(dir.path()).unwrap();
    let r: Result<(), StoreError> = store.write(|tx| {
        tx.execute("INSERT INTO channels (id, name, my_role, joined_ms) VALUES (x'01', 'a', 0, 1)", [])?;
        Err(StoreError::Corrupt("test"))
    });
    assert!(r.is_err());
    let n: i64 =
        store.read(|c| Ok::<_, StoreError>(c.query_row("SELECT count(*) FROM channels", [], |r| r.get(0))?)).unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn async_access_runs_off_the_runtime() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(Store::open_dir(dir.path()).unwrap());
    store
        .write_async(|tx| {
            tx.execute("INSERT INTO channels (id, name, my_role, joined_ms) VALUES (x'02', 'b', 0, 1)", [])?;
            Ok::<_, StoreError>(())
        })
        .await
        .unwrap();
    let n: i64 = store
        .read_async(|c| Ok::<_, StoreError>(c.query_row("SELECT count(*) FROM channels", [], |r| r.get(0))?))
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn a_full_disk_is_told_apart_from_other_storage_failures() {
    let sqlite = |code| {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error { code, extended_code: 13 }, None))
    };
    assert!(sqlite(rusqlite::ErrorCode::DiskFull).is_disk_full());
    assert!(!sqlite(rusqlite::ErrorCode::DatabaseBusy).is_disk_full());
    assert!(StoreError::Io(std::io::Error::from(std::io::ErrorKind::StorageFull)).is_disk_full());
    assert!(!StoreError::Corrupt("a row").is_disk_full());
    assert_eq!(crate::import::saving(&sqlite(rusqlite::ErrorCode::DiskFull)), crate::import::ImportError::DiskFull);
    assert_eq!(crate::import::saving(&StoreError::Corrupt("a row")), crate::import::ImportError::Store);
}

#[cfg(unix)]
#[test]
fn a_new_data_folder_is_readable_by_its_user_only() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("share").join("swarmroll");
    Store::open_dir(&dir).unwrap();
    for d in [&dir, &tmp.path().join("share")] {
        assert_eq!(std::fs::metadata(d).unwrap().permissions().mode() & 0o777, 0o700, "{}", d.display());
    }
    // A folder the user made keeps its permissions.
    let own = tmp.path().join("chosen");
    std::fs::create_dir(&own).unwrap();
    std::fs::set_permissions(&own, std::fs::Permissions::from_mode(0o750)).unwrap();
    Store::open_dir(&own).unwrap();
    assert_eq!(std::fs::metadata(&own).unwrap().permissions().mode() & 0o777, 0o750);
}
