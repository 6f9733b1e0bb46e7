//! A full disk while originals arrive or previews are written: the node says so, keeps
//! what arrived intact, and once space is freed every post completes without a restart.
//! Bob's media folder (or the previews folder) is a small tmpfs the test mounts (root
//! only: CI runs as root; elsewhere it is skipped with a note, and under CI its absence
//! fails).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;
use std::time::Duration;
use swarmroll_core::channel::Role;
use swarmroll_core::import::{ImportError, Request};
use swarmroll_core::node::{Node, NodeEvent};
use swarmroll_core::share::{Cancel, Options};
use swarmroll_tests::net::{node_config, until};

fn can_mount() -> bool {
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    assert!(root || std::env::var_os("CI").is_none(), "the full-disk test needs root to mount a tmpfs");
    if !root {
        eprintln!("SKIPPED: not root, cannot mount a small filesystem for the full-disk test");
    }
    root
}

fn mount(dir: &Path, size: &str, remount: bool) {
    let opts = if remount { format!("remount,size={size}") } else { format!("size={size}") };
    let ok = Command::new("mount").args(["-t", "tmpfs", "-o", &opts, "tmpfs"]).arg(dir).status().unwrap().success();
    assert!(ok, "mount -o {opts}");
}

/// Unmounts when dropped, whatever happens in the test.
struct Mounted<'a>(&'a Path);

impl Drop for Mounted<'_> {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.0).status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_holds_originals_and_they_finish_once_space_is_freed() {
    if !can_mount() {
        return;
    }
    const POSTS: usize = 5;
    let dirs: Vec<_> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let ana = Node::open(node_config(dirs[0].path())).unwrap();
    ana.start().await.unwrap();
    let ch = ana.create_channel("Trip", "Ana", false).unwrap();
    let base = std::fs::read(swarmroll_tests::photos().join("phones/jolla.jpg")).unwrap();
    let mut posts = Vec::new();
    for i in 0..POSTS {
        let f = dirs[0].path().join(format!("IMG_{i}.jpg"));
        std::fs::write(&f, swarmroll_tests::bench::variant(&base, i)).unwrap();
        let out = ana.share(&ch, vec![Request::path(&f)], Options::default(), &Cancel::default()).await.unwrap();
        posts.push(out.posts[0]);
    }

    // Bob's originals go to a 2 MB disk: two of the five photos fit.
    let media = dirs[1].path().join("media");
    std::fs::create_dir_all(&media).unwrap();
    mount(&media, "2m", false);
    let _unmount = Mounted(&media);
    let mut cfg = node_config(dirs[1].path());
    cfg.disk_reserve = 200 << 10;
    let ben = Node::open(cfg).unwrap();
    let mut events = ben.subscribe();
    ben.start().await.unwrap();
    let (invite, _) = ana.invite(&ch, Role::Contributor, None).await.unwrap();
    ben.join(&invite, "Ben", Duration::from_secs(10)).await.unwrap();

    let mut finished = Vec::new();
    let full = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            match events.recv().await {
                Ok(NodeEvent::StorageFull { full: true }) => return true,
                Ok(NodeEvent::TransferFinished { post, .. }) => finished.push(post),
                Ok(_) => {}
                Err(_) => return false,
            }
        }
    })
    .await
    .unwrap_or(false);
    assert!(full, "the node said the disk is full");
    assert!(finished.len() < POSTS, "not everything fitted ({} finished)", finished.len());
    // What arrived is intact: every finished post's files are the bytes it names.
    let check = |post: &swarmroll_core::EventId| {
        let files = ben.originals(&ch, post).unwrap().expect("a finished post's originals");
        for o in files {
            let got = blake3::hash(&std::fs::read(&o.path).unwrap());
            assert_eq!(got.as_bytes(), &o.item.media.content_hash.0, "intact");
        }
    };
    finished.iter().for_each(check);

    // Space is freed: everything completes, with no restart.
    mount(&media, "40m", true);
    until(60, "every post at Ben's once there is room", || {
        posts.iter().all(|p| ben.originals(&ch, p).ok().flatten().is_some())
    })
    .await;
    posts.iter().for_each(check);
    let mut back = false;
    while let Ok(e) = events.try_recv() {
        back |= matches!(e, NodeEvent::StorageFull { full: false });
    }
    assert!(back, "the node said there is room again");
    ben.stop().await;
    ana.stop().await;
}

/// Fills the filesystem of `dir` to the last byte; the file goes when dropped.
struct Ballast(std::path::PathBuf);

impl Ballast {
    fn fill(dir: &Path) -> Ballast {
        use std::io::Write;
        let path = dir.join("ballast");
        let mut f = std::fs::File::create(&path).unwrap();
        let chunk = vec![0x5a_u8; 64 << 10];
        while f.write_all(&chunk).is_ok() {}
        for _ in 0..64 {
            let _ = f.write_all(&[0x5a]);
        }
        Ballast(path)
    }
}

impl Drop for Ballast {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sharing_and_web_uploads_onto_a_full_disk_fail_saying_so_and_finish_once_there_is_room() {
    use swarmroll_core::share::FileResult;
    use swarmroll_tests::venue::Venue;
    if !can_mount() {
        return;
    }
    // The whole data folder (database, previews, web uploads) on a 24 MB disk.
    let data = tempfile::tempdir().unwrap();
    mount(data.path(), "24m", false);
    let at = data.path().to_path_buf();
    let _unmount = Mounted(&at);
    let v = Venue::start_in(data, |c| c.disk_reserve = 0).await;
    let roll = tempfile::tempdir().unwrap();
    let base = std::fs::read(swarmroll_tests::photos().join("phones/jolla.jpg")).unwrap();
    let files: Vec<std::path::PathBuf> = (0..4)
        .map(|i| {
            let f = roll.path().join(format!("IMG_{i}.jpg"));
            std::fs::write(&f, swarmroll_tests::bench::variant(&base, i)).unwrap();
            f
        })
        .collect();
    let share = |paths: &[std::path::PathBuf]| {
        let reqs: Vec<Request> = paths.iter().map(Request::path).collect();
        let (node, ch) = (v.node.clone(), v.channel);
        async move { node.share(&ch, reqs, Options::default(), &Cancel::default()).await }
    };
    let first = share(&files[..1]).await.unwrap();
    assert_eq!(first.posted(), 1);
    let up = Venue::base(&v.uploader);
    let mut maya = v.guest(&v.uploader, Some("Maya")).await;
    let jpeg = std::fs::read(swarmroll_tests::photos().join("cameras/Nikon_D70.jpg")).unwrap();
    let r = maya.upload(&up, "a.jpg", "image/jpeg", &jpeg, 1 << 20).await;
    assert_eq!(r.json()["state"], "complete", "{}", r.text());

    // The disk fills up (a video being recorded, another app).
    let ballast = Ballast::fill(&at);
    let said = match share(&files[1..3]).await {
        Ok(out) => {
            assert_eq!(out.posted(), 0, "nothing is posted on a full disk: {out:?}");
            assert!(out.files.iter().all(|f| matches!(f, FileResult::Failed(ImportError::DiskFull))), "{out:?}");
            out.files.iter().map(|f| format!("{f:?}")).collect::<Vec<_>>().join(", ")
        }
        Err(e) => e.to_string(),
    };
    assert!(said.contains("DiskFull") || said.contains("disk is full"), "the error names the cause: {said}");
    let other = std::fs::read(swarmroll_tests::photos().join("cameras/Reconyx_HC500_Hyperfire.jpg")).unwrap();
    let r = maya.upload(&up, "b.jpg", "image/jpeg", &other, 1 << 20).await;
    assert_eq!((r.status, r.json()["error"].as_str()), (507, Some("disk_full")), "{}", r.text());

    // Nothing stored is damaged: the database checks out and the first post is whole.
    let db = rusqlite::Connection::open(at.join(swarmroll_core::store::DB_FILE)).unwrap();
    let check: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    let items = v.node.originals(&v.channel, &first.posts[0]).unwrap().expect("the first post");
    assert_eq!(blake3::hash(&std::fs::read(&items[0].path).unwrap()).as_bytes(), &items[0].item.media.content_hash.0);

    // Room again: the same share and upload finish, and nothing is there twice.
    drop(ballast);
    let again = share(&files[1..3]).await.unwrap();
    assert_eq!(again.posted(), 2, "{again:?}");
    let r = maya.upload(&up, "b.jpg", "image/jpeg", &other, 1 << 20).await;
    assert_eq!(r.json()["state"], "complete", "{}", r.text());
    let twice = share(&files[..3]).await.unwrap();
    assert_eq!((twice.posted(), twice.already_there()), (0, 3), "{twice:?}");
    v.node.stop().await;
}

/// A preview that finds no room: the photo fails saying so, nothing half-written stays
/// behind (each write has its own temporary name, so leftovers would pile up), and the
/// same photo imports once there is room.
#[test]
fn a_preview_that_finds_no_room_fails_saying_so_and_leaves_nothing_behind() {
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;
    use swarmroll_core::import::{Importer, Options as ImportOptions, PREVIEWS_DIR};
    use swarmroll_core::store::Store;
    if !can_mount() {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let previews = data.path().join(PREVIEWS_DIR);
    std::fs::create_dir_all(&previews).unwrap();
    mount(&previews, "1m", false);
    let _unmount = Mounted(&previews);
    let imp = Importer::new(Arc::new(Store::open_dir(data.path()).unwrap()), 2).unwrap();
    let photo = [Request::path(swarmroll_tests::photos().join("cameras/Canon_40D.jpg"))];
    let run = || imp.run(&photo, ImportOptions::default(), &|_| {}, &AtomicBool::new(false));
    let ballast = Ballast::fill(&previews);
    let s = run();
    assert_eq!(s.failed, vec![(0, ImportError::DiskFull)]);
    let names = || -> Vec<String> {
        let entries = std::fs::read_dir(&previews).unwrap();
        entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
    };
    assert_eq!(names(), vec!["ballast".to_owned()], "only the ballast is there");
    drop(ballast);
    let s = run();
    assert_eq!(s.imported.len(), 1, "{:?}", s.failed);
    assert!(imp.preview_path(&s.imported[0].1.shared_hash).exists());
}
