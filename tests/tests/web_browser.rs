#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: failing loudly is right
//! The venue web gallery and the invite landing page in a real browser: Debian's headless
//! Chromium driven by playwright-core (`tests/web/browser/*.mjs`), against Alice's real
//! node on loopback, with Bob's node joined by invite to see what arrives.
//!
//! Needs `chromium` (scripts/ci-setup.sh) and `tests/web/node_modules`
//! (scripts/web-toolchain.sh). Without them the tests fail under CI and are skipped with a
//! note elsewhere. Screenshots land in `target/web-screenshots/`; with
//! `UPDATE_SCREENSHOTS=1` they are also copied to `docs/screenshots/`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;
use swarmroll_core::channel::Role;
use swarmroll_core::node::Node;
use swarmroll_core::EventId;
use swarmroll_tests::net::{node_config, until};
use swarmroll_tests::venue::Venue;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn chromium() -> PathBuf {
    std::env::var_os("SR_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// Whether the browser and playwright-core are here; under CI their absence is a failure.
fn browser_ready() -> bool {
    let ready = chromium().exists() && repo().join("tests/web/node_modules/playwright-core").exists();
    if !ready {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium or playwright-core is missing: run scripts/ci-setup.sh and scripts/web-toolchain.sh"
        );
        eprintln!("skipped: no chromium or tests/web/node_modules (run scripts/web-toolchain.sh)");
    }
    ready
}

fn screenshots() -> PathBuf {
    repo().join("target/web-screenshots")
}

/// Runs a browser script with `env`; returns its `RESULT` JSON.
async fn run_script(script: &str, env: &[(&str, String)]) -> Value {
    let mut cmd = tokio::process::Command::new("node");
    cmd.arg(repo().join("tests/web/browser").join(script))
        .env("SR_CHROMIUM", chromium())
        .env("SR_SCREENSHOTS", screenshots())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out =
        tokio::time::timeout(Duration::from_secs(240), cmd.output()).await.expect("browser script timed out").unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{script} failed:\n{stdout}\n{stderr}");
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .unwrap_or_else(|| panic!("no RESULT from {script}: {stdout}"));
    serde_json::from_str(line).unwrap()
}

/// With `UPDATE_SCREENSHOTS=1`, the screenshots become the documentation's.
fn publish_screenshots(names: &[&str]) {
    if std::env::var_os("UPDATE_SCREENSHOTS").is_none() {
        return;
    }
    let docs = repo().join("docs/screenshots");
    std::fs::create_dir_all(&docs).unwrap();
    for n in names {
        std::fs::copy(screenshots().join(n), docs.join(n)).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guests_in_a_browser_upload_and_comment_live_and_the_posts_reach_a_member_node() {
    if !browser_ready() {
        return;
    }
    let v = Venue::start(|_| {}).await;
    let bob_dir = tempfile::tempdir().unwrap();
    let bob = Node::open(node_config(bob_dir.path())).unwrap();
    bob.start().await.unwrap();
    let (invite, _) = v.node.invite(&v.channel, Role::Viewer, None).await.unwrap();
    bob.join(&invite, "Bob", Duration::from_secs(10)).await.unwrap();

    let url = |l| format!("http://{}{}", v.addr(), Venue::base(l));
    let photos = swarmroll_tests::photos();
    let photo_paths = [photos.join("gps/DSCN0010.jpg"), photos.join("cameras/fujifilm-dx10.jpg")];
    let env = [
        ("SR_GALLERY_URL", url(&v.uploader)),
        ("SR_VIEWER_URL", url(&v.viewer)),
        ("SR_HOST_URL", url(&v.host)),
        ("SR_PHOTOS", photo_paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(":")),
        ("SR_VIDEO", swarmroll_tests::own_fixtures().join("clip.mp4").display().to_string()),
    ];
    let result = run_script("gallery.mjs", &env).await;
    assert_eq!(result["guest"], "Maya");

    // What the guests did in the browser is in Bob's app: the upload as posts by Ana's
    // node for Maya, thumbnails included, the comment as Jon's, the hidden post gone.
    let posts: Vec<EventId> =
        result["posts"].as_array().unwrap().iter().map(|p| EventId::from_hex(p.as_str().unwrap()).unwrap()).collect();
    assert!(!posts.is_empty());
    until(30, "the guests' posts and comment on Bob's node", || {
        posts.iter().all(|p| bob.thread(p).ok().flatten().is_some())
            && posts.iter().any(|p| bob.thread(p).ok().flatten().is_some_and(|t| !t.comments.is_empty()))
    })
    .await;
    let mut photos_seen = 0;
    for p in &posts {
        let t = bob.thread(p).unwrap().unwrap();
        assert_eq!(t.post.guest.as_deref(), Some("Maya"));
        assert_eq!(t.post.author.device, v.node.device_id());
        photos_seen += t.post.items.iter().filter(|i| i.media.mime.starts_with("image/")).count();
        if let Some(c) = t.comments.first() {
            assert_eq!((c.guest.as_deref(), c.text.as_str()), (Some("Jon"), result["comment"].as_str().unwrap()));
        }
    }
    assert_eq!(photos_seen, 2, "both photos arrived");
    let page = bob.gallery(&v.channel, None, 50).unwrap();
    let photo_thumbs = page.items.iter().filter(|i| i.mime.starts_with("image/") && posts.contains(&i.post));
    assert!(photo_thumbs.clone().count() == 2 && photo_thumbs.clone().all(|i| i.thumbnail.len() > 1000));
    if let Some(hidden) = result["hidden"].as_str() {
        let hidden = EventId::from_hex(hidden).unwrap();
        until(20, "the hidden post to disappear on Bob's node", || bob.thread(&hidden).ok().flatten().is_none()).await;
    }
    let mut shots = vec!["gallery.png".to_owned(), "viewer.png".into(), "upload.png".into(), "slideshow.png".into()];
    for what in ["gallery", "viewer", "upload"] {
        for size in ["phone", "tablet", "laptop"] {
            shots.push(format!("{what}-{size}.png"));
        }
    }
    publish_screenshots(&shots.iter().map(String::as_str).collect::<Vec<_>>());
    bob.stop().await;
    v.node.stop().await;
}

/// A drop box in a real browser: Maya and Jon each upload and comment, and each sees only
/// their own; the host's link sees both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guests_of_a_drop_box_see_only_their_own_and_the_host_sees_all() {
    if !browser_ready() {
        return;
    }
    let v = Venue::start(|_| {}).await;
    let closes = Some(swarmroll_core::Timestamp(swarmroll_core::Timestamp::now().0 + 3_600_000));
    let dropbox = v.node.venue().create_link(&v.channel, swarmroll_web::LinkRole::DropBox, closes).unwrap();
    let url = |l| format!("http://{}{}", v.addr(), Venue::base(l));
    let photos = swarmroll_tests::photos();
    let photo_paths = [photos.join("gps/DSCN0012.jpg"), photos.join("cameras/Canon_40D.jpg")];
    let env = [
        ("SR_DROPBOX_URL", url(&dropbox)),
        ("SR_HOST_URL", url(&v.host)),
        ("SR_PHOTOS", photo_paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(":")),
    ];
    let result = run_script("dropbox.mjs", &env).await;
    // Both uploads are posts of the channel, for their guests.
    for (key, guest) in [("maya_posts", "Maya"), ("jon_posts", "Jon")] {
        let posts = result[key].as_array().unwrap();
        assert!(!posts.is_empty(), "{key}");
        for p in posts {
            let t = v.node.thread(&EventId::from_hex(p.as_str().unwrap()).unwrap()).unwrap().unwrap();
            assert_eq!(t.post.guest.as_deref(), Some(guest));
        }
    }
    publish_screenshots(&["dropbox-phone.png", "dropbox-laptop.png"]);
    v.node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_landing_page_decodes_every_published_invite_as_the_core_does() {
    if !browser_ready() {
        return;
    }
    let v = Venue::start(|_| {}).await;
    let env = [
        ("SR_BASE", format!("http://{}", v.addr())),
        ("SR_VECTORS", repo().join("tests/vectors/invites.json").display().to_string()),
    ];
    let result = run_script("landing.mjs", &env).await;
    let vectors: Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("tests/vectors/invites.json")).unwrap()).unwrap();
    assert_eq!(result["valid"].as_u64(), Some(vectors["valid"].as_array().unwrap().len() as u64));
    assert_eq!(result["invalid"].as_u64(), Some(vectors["invalid"].as_array().unwrap().len() as u64));
    publish_screenshots(&["landing.png", "landing-error.png"]);
    v.node.stop().await;
}

/// A private channel's gallery in a real browser: the link's key stays in the page, which
/// shows, comments and uploads as anywhere, while every body on the wire is sealed; the
/// same link without its key shows nothing and says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_gallery_works_in_the_browser_with_its_key_and_seals_everything_on_the_wire() {
    if !browser_ready() {
        return;
    }
    let v = Venue::start_private(|_| {}).await;
    let (caption, said) = ("Our vows, by the lake", "So moving");
    let roll = vec![swarmroll_core::import::Request::path(swarmroll_tests::photos().join("cameras/fujifilm-dx10.jpg"))];
    let opts = swarmroll_core::share::Options { caption: caption.into(), ..Default::default() };
    let post = v.node.share(&v.channel, roll, opts, &Default::default()).await.unwrap().posts[0];
    v.node.comment(&v.channel, &post, said, None).unwrap();
    let env = [
        ("SR_GALLERY_URL", v.uploader.url(v.addr())),
        ("SR_SLIDESHOW_URL", v.host.page_url(v.addr(), "slideshow")),
        ("SR_CAPTION", caption.to_owned()),
        ("SR_COMMENT", said.to_owned()),
        ("SR_PHOTO", swarmroll_tests::photos().join("phones/jolla.jpg").display().to_string()),
    ];
    let result = run_script("private.mjs", &env).await;
    let upload = EventId::from_hex(result["upload_post"].as_str().unwrap()).unwrap();
    let t = v.node.thread(&upload).unwrap().expect("the upload is a post on Ana's node");
    assert_eq!(t.post.guest.as_deref(), Some("Maya"));
    let first = v.node.thread(&post).unwrap().unwrap();
    assert!(first
        .comments
        .iter()
        .any(|c| c.text == result["comment"].as_str().unwrap() && c.guest.as_deref() == Some("Maya")));
    publish_screenshots(&["private-gallery.png", "private-viewer.png", "private-slideshow.png", "private-no-key.png"]);
    v.node.stop().await;
}
