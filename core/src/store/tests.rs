use super::*;

#[test]
fn migrated_equals_fresh() {
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
    let fresh = Store::open(&dir.path().join("fresh.sqlite3")).unwrap();
    let dump = |s: &Store| s.read(schema_dump).unwrap();
    // …has exactly the schema of a fresh database, and keeps its data.
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
