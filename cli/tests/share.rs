//! `swarmroll share` as a new user runs it: folders with subfolders and junk, missing
//! paths, and Ctrl-C in the middle of a long import.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{photos, run, swarmroll, text, LOOPBACK};

/// `n` copies of a real phone photo, each with its own bytes (a JPEG comment after the
/// SOI marker).
fn copies(dir: &Path, n: usize) {
    let base = std::fs::read(photos().join("phones/jolla.jpg")).unwrap();
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        let comment = format!("copy {i}");
        let len = u16::try_from(comment.len() + 2).unwrap().to_be_bytes();
        let mut out = base[..2].to_vec();
        out.extend([0xFF, 0xFE, len[0], len[1]]);
        out.extend(comment.as_bytes());
        out.extend(&base[2..]);
        std::fs::write(dir.join(format!("IMG_{i:04}.jpg")), out).unwrap();
    }
}

fn posts(dir: &Path, channel: &str) -> Vec<serde_json::Value> {
    let out = run(dir, &["--json", "posts", channel]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap().as_array().unwrap().clone()
}

fn media_rows(data: &Path) -> i64 {
    let Ok(c) = rusqlite::Connection::open_with_flags(
        data.join("swarmroll.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    ) else {
        return 0;
    };
    c.query_row("SELECT count(*) FROM media", [], |r| r.get(0)).unwrap_or(0)
}

/// Ctrl-C (or SIGTERM, as a service manager stops it) in the middle of a share stops it
/// between files, posts what was imported, says so, and exits 130; sharing the same
/// folder again posts the rest, each photo once.
#[test]
fn ctrl_c_stops_a_share_cleanly_and_the_same_command_shares_the_rest() {
    for signal in ["-INT", "-TERM"] {
        stop_a_share_with(signal);
    }
}

fn stop_a_share_with(signal: &str) {
    const PHOTOS: usize = 60;
    let tmp = tempfile::tempdir().unwrap();
    let (data, roll) = (tmp.path().join("data"), tmp.path().join("roll"));
    copies(&roll, PHOTOS);
    let child = swarmroll()
        .arg("--data-dir")
        .arg(&data)
        .args(["share", "--new", "Party", "--no-serve"])
        .arg(&roll)
        .args(LOOPBACK)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while media_rows(&data) < 3 {
        assert!(started.elapsed() < Duration::from_secs(60), "the import never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = child.id().to_string();
    assert!(Command::new("kill").args([signal, &pid]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(130), "{signal}: {stdout}\n{stderr}");
    assert!(stderr.contains("Stopping after the files being read now"), "{stderr}");
    assert!(stdout.starts_with("Stopped: "), "{stdout}");
    assert!(stdout.contains("not shared. Share the same files again to add the rest."), "{stdout}");

    let channel = {
        let list = run(&data, &["--json", "channels"]);
        serde_json::from_slice::<serde_json::Value>(&list.stdout).unwrap()[0]["id"].as_str().unwrap().to_owned()
    };
    let first: usize = posts(&data, &channel).iter().map(|p| p["files"].as_array().unwrap().len()).sum();
    assert!((3..PHOTOS).contains(&first), "{first} photos posted before Ctrl-C took effect");
    assert!(stdout.contains(&format!("{first} files shared")), "{stdout}");
    // Every photo imported is in a post: none is left imported but unshared.
    assert_eq!(media_rows(&data), i64::try_from(first).unwrap());

    let again = swarmroll()
        .arg("--data-dir")
        .arg(&data)
        .args(["--json", "share", "--channel", &channel, "--no-serve"])
        .arg(&roll)
        .args(LOOPBACK)
        .output()
        .unwrap();
    assert!(again.status.success(), "{}", text(&again.stderr));
    let v: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(v["shared"]["shared"], PHOTOS - first);
    assert_eq!(v["shared"]["duplicates"], first);
    let mut hashes: Vec<String> = posts(&data, &channel)
        .iter()
        .flat_map(|p| p["files"].as_array().unwrap().iter().map(|f| f["content_hash"].as_str().unwrap().to_owned()))
        .collect();
    hashes.sort();
    hashes.dedup();
    assert_eq!(hashes.len(), PHOTOS, "every photo once");
}

/// Folders are looked into with their subfolders (hidden and system ones left out),
/// files that are not photos are counted, not listed; skipped files are named by path;
/// a missing path is named; nothing to share makes no channel.
#[test]
fn folders_subfolders_junk_and_missing_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let pics = tmp.path().join("Pictures");
    std::fs::create_dir_all(pics.join("2026/Summer")).unwrap();
    std::fs::create_dir_all(pics.join(".thumbnails")).unwrap();
    std::fs::create_dir_all(pics.join("@eaDir")).unwrap();
    std::fs::copy(photos().join("cameras/Canon_40D.jpg"), pics.join("top.jpg")).unwrap();
    std::fs::copy(photos().join("gps/DSCN0010.jpg"), pics.join("2026/Summer/beach.jpg")).unwrap();
    std::fs::copy(photos().join("cameras/Nikon_D70.jpg"), pics.join(".thumbnails/thumb.jpg")).unwrap();
    std::fs::copy(photos().join("cameras/Nikon_D70.jpg"), pics.join("@eaDir/nas.jpg")).unwrap();
    std::fs::copy(photos().join("invalid/corrupted.jpg"), pics.join("2026/broken.jpg")).unwrap();
    std::fs::write(pics.join("notes.txt"), "shopping list").unwrap();

    // A missing path is named, and no channel is made.
    let missing = tmp.path().join("no such folder");
    let out = swarmroll()
        .arg("--data-dir")
        .arg(&data)
        .args(["share", "--new", "Trip", "--no-serve"])
        .arg(&missing)
        .args(LOOPBACK)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(&format!("no such file or folder: {}", missing.display())),
        "{}",
        text(&out.stderr)
    );
    // An empty folder (or one with no photos) says so, and makes no channel either.
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(empty.join(".hidden")).unwrap();
    std::fs::write(empty.join("readme.txt"), "x").unwrap();
    let out = swarmroll()
        .arg("--data-dir")
        .arg(&data)
        .args(["share", "--new", "Trip", "--no-serve"])
        .arg(&empty)
        .args(LOOPBACK)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("no photos or videos in the paths given (1 file that is not one)"), "{err}");
    let list = run(&data, &["--json", "channels"]);
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&list.stdout).unwrap(), serde_json::json!([]));

    // The real folder: the subfolder's photo is in, hidden and system folders are not,
    // the broken photo is named with its reason, the text file counted.
    let out = swarmroll()
        .arg("--data-dir")
        .arg(&data)
        .args(["share", "--new", "Trip", "--no-serve"])
        .arg(&pics)
        .args(LOOPBACK)
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("Shared 2 photos and videos in 1 post."), "{stdout}");
    assert!(stdout.contains(&format!("Skipped {}: ", pics.join("2026/broken.jpg").display())), "{stdout}");
    assert!(stdout.contains("Left out 1 file that is not a photo or video."), "{stdout}");
    assert!(stdout.contains("Did not look into 2 hidden or system folders"), "{stdout}");
}

/// `(mime, thumbnail bytes, width, height)` of every item in the data folder (the
/// thumbnail as imported: a post's own copy is inside its event).
fn items(data: &Path) -> Vec<(String, usize, u32, u32)> {
    let c = rusqlite::Connection::open_with_flags(
        data.join("swarmroll.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let mut stmt = c
        .prepare(
            "SELECT i.mime, length(m.thumbnail), i.width, i.height FROM items i
         JOIN media m ON m.shared_hash = i.content_hash ORDER BY i.mime",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap().map(Result::unwrap).collect()
}

/// The thumbnails, in the order of [`items`].
fn thumbnails(data: &Path) -> Vec<Vec<u8>> {
    let c = rusqlite::Connection::open_with_flags(
        data.join("swarmroll.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let mut stmt = c
        .prepare("SELECT m.thumbnail FROM items i JOIN media m ON m.shared_hash = i.content_hash ORDER BY i.mime")
        .unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

fn tool(name: &str) -> bool {
    let found = Command::new(name).arg("-h").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    assert!(found || std::env::var_os("CI").is_none(), "{name} is missing: scripts/ci-setup.sh installs it");
    found
}

/// HEIC photos and videos get real thumbnails on a desktop from the tools it has
/// (heif-thumbnailer, ffmpeg), upright and sized from their containers; without the
/// tools they are still shared, with a word on what to install.
#[test]
fn heic_and_video_get_thumbnails_from_the_tools_here() {
    if !tool("ffmpeg") || !tool("heif-thumbnailer") {
        eprintln!("note: ffmpeg or heif-thumbnailer missing; skipped here (CI runs it)");
        return;
    }
    let media = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/media");
    let files = [
        media.join("iphone13promax-irot270-nogps.heic"),
        media.join("android-xyz-rot90.mp4"),
        media.join("iphonex-iso6709.mov"),
    ];
    for with_tools in [true, false] {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let mut cmd = swarmroll();
        cmd.arg("--data-dir").arg(&data).args(["share", "--new", "Clips", "--no-serve"]).args(&files).args(LOOPBACK);
        if !with_tools {
            cmd.env("PATH", tmp.path());
        }
        let out = cmd.output().unwrap();
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
        assert!(stdout.contains("Shared 3 photos and videos in 1 post."), "{stdout}");
        let found = items(&data);
        assert_eq!(found.len(), 3);
        for (mime, thumb, w, h) in &found {
            assert!(*w > 0 && *h > 0, "{mime}: a size from the container");
            assert_eq!(*thumb > 1000, with_tools, "{mime}: {thumb} bytes of thumbnail");
        }
        // Upright: the 270°-rotated HEIC and the 90°-rotated phone video are portrait.
        assert_eq!((found[0].2, found[0].3), (3024, 4032), "{found:?}");
        assert_eq!((found[1].2, found[1].3), (1080, 1920), "{found:?}");
        if with_tools {
            for portrait in thumbnails(&data).iter().take(2) {
                let img = image::load_from_memory(portrait).unwrap();
                assert!(img.height() > img.width(), "the thumbnail is upright too");
            }
        }
        let hint = "show as placeholders: install ffmpeg and libheif-examples";
        assert_eq!(stdout.contains(hint), !with_tools, "{stdout}");
    }
}

/// Logs go to standard error: nothing at the default level on a good run, more with
/// `-v`, and never a file name, a caption or a comment, even at the most verbose level.
#[test]
fn logs_go_to_stderr_at_warn_by_default_and_never_name_user_content() {
    let tmp = tempfile::tempdir().unwrap();
    let roll = tmp.path().join("roll");
    std::fs::create_dir_all(&roll).unwrap();
    std::fs::copy(photos().join("gps/DSCN0010.jpg"), roll.join("secret-honeymoon-beach.jpg")).unwrap();
    let share = |data: &Path, verbose: &[&str]| {
        swarmroll()
            .arg("--data-dir")
            .arg(data)
            .args(verbose)
            .args(["share", "--new", "Secret party", "--caption", "private words here", "--no-serve"])
            .arg(&roll)
            .args(LOOPBACK)
            .output()
            .unwrap()
    };
    let quiet = share(&tmp.path().join("a"), &[]);
    assert!(quiet.status.success(), "{}", text(&quiet.stderr));
    assert!(
        !text(&quiet.stderr).contains(" INFO ") && !text(&quiet.stderr).contains(" DEBUG "),
        "{}",
        text(&quiet.stderr)
    );
    let loud = share(&tmp.path().join("b"), &["-vvv"]);
    let err = text(&loud.stderr);
    assert!(loud.status.success(), "{err}");
    assert!(err.contains("DEBUG") || err.contains("TRACE") || err.contains("INFO"), "-vvv logs more: {err}");
    for secret in ["secret-honeymoon-beach", "private words here", "Secret party"] {
        assert!(!err.contains(secret), "the log names user content ({secret}):\n{err}");
    }
}

/// What the terminal prints about a post: photos and videos counted apart in `channels`,
/// `posts` and `thread`, singular where there is one, and no stray separator for a post
/// without a caption.
#[test]
fn listings_count_photos_and_videos_apart_and_an_empty_caption_leaves_no_gap() {
    let media = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/media");
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = swarmroll()
        .arg("--data-dir")
        .arg(&data)
        .args(["share", "--new", "Clips", "--no-serve"])
        .arg(media.join("iphone13promax-irot270-nogps.heic"))
        .arg(media.join("android-xyz-rot90.mp4"))
        .arg(media.join("iphonex-iso6709.mov"))
        .args(LOOPBACK)
        .env("PATH", tmp.path()) // no poster tools: the wording does not depend on them
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list = text(&run(&data, &["channels"]).stdout);
    assert!(list.contains("Clips") && list.contains("1 photo, 2 videos"), "{list}");
    let channel = {
        let list = run(&data, &["--json", "channels"]);
        serde_json::from_slice::<serde_json::Value>(&list.stdout).unwrap()[0]["id"].as_str().unwrap().to_owned()
    };
    let listed = text(&run(&data, &["posts", &channel]).stdout);
    let line = listed.lines().find(|l| l.contains("Host")).unwrap_or_default().to_owned();
    assert!(line.contains("Host · 1 photo, 2 videos · "), "{listed}");
    assert!(!line.contains(" — ") && !line.contains("  ·") && !line.contains("\"\""), "{line}");
    let post = posts(&data, &channel)[0]["post"].as_str().unwrap().to_owned();
    let thread = text(&run(&data, &["thread", &post]).stdout);
    assert!(thread.lines().next().unwrap_or_default().ends_with(" · 1 photo, 2 videos"), "{thread}");
}

/// A video whose location cannot be removed (a GoPro GPS track) is not shared: it is
/// named, with why and how to share it anyway; `--keep-location` shares it.
#[test]
fn a_file_whose_location_cannot_be_removed_is_named_and_kept_back_unless_asked() {
    let media = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/media");
    let gopro = media.join("gopro-karma-gpmf.mp4");
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let share = |extra: &[&str], files: &[&Path]| {
        let out = swarmroll()
            .arg("--data-dir")
            .arg(&data)
            .args(["--json", "share", "--no-serve"])
            .args(extra)
            .args(files)
            .args(LOOPBACK)
            .env("PATH", tmp.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let human = swarmroll()
        .arg("--data-dir")
        .arg(&data)
        .args(["share", "--new", "Trip", "--no-serve"])
        .arg(&gopro)
        .arg(media.join("nogps.mp4"))
        .args(LOOPBACK)
        .env("PATH", tmp.path())
        .output()
        .unwrap();
    let said = text(&human.stdout);
    assert!(human.status.success(), "{said}\n{}", text(&human.stderr));
    assert!(said.contains(&format!("Skipped {}: its location cannot be removed", gopro.display())), "{said}");
    assert!(said.contains("add --keep-location"), "{said}");
    let channel = {
        let list = run(&data, &["--json", "channels"]);
        serde_json::from_slice::<serde_json::Value>(&list.stdout).unwrap()[0]["id"].as_str().unwrap().to_owned()
    };
    let names = |data: &Path| -> Vec<String> {
        posts(data, &channel)
            .iter()
            .flat_map(|p| p["files"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap().to_owned()))
            .collect()
    };
    assert_eq!(names(&data), ["nogps.mp4"]);
    let v = share(&["--channel", &channel, "--keep-location"], &[&gopro]);
    assert_eq!(v["shared"]["shared"], 1, "{v}");
    let mut got = names(&data);
    got.sort();
    assert_eq!(got, ["gopro-karma-gpmf.mp4", "nogps.mp4"]);
}
