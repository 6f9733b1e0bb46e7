//! The commands that need the node, beside a running `share` (the README's flow): the web
//! gallery, export, a post opened in a stock BitTorrent client (libtorrent), posts and
//! threads as people read them, and the owner's moderation. Also: a taken port is named,
//! and a killed mirror's partial copy does not stay in the folder.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

mod common;

use common::{http_status, ok_json, on as swarmroll, photos, run, spawn_until, text, Killed, LOOPBACK};

fn interrupt(child: &Child) {
    assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
}

#[test]
fn web_export_torrent_and_moderation_beside_a_running_share() {
    let tmp = tempfile::tempdir().unwrap();
    let (ana, ben) = (tmp.path().join("ana"), tmp.path().join("ben"));
    let gps = photos().join("gps/DSCN0010.jpg");
    let mut share = swarmroll(&ana);
    share.args(["--json", "share", "--new", "Garden party", "--as-name", "Ana", "--caption", "First light"]);
    share.arg(&gps).arg(photos().join("cameras/Canon_40D.jpg")).args(LOOPBACK);
    let (node, shared) = spawn_until(share, |v| v.get("shared").is_some());
    let mut node = Killed(node);
    let channel = shared["shared"]["channel"].as_str().unwrap().to_owned();
    let post = shared["shared"]["posts"][0].as_str().unwrap().to_owned();
    let invite = shared["invite"]["link"].as_str().unwrap().to_owned();
    // Whoever reads that line can use the node at once: its control socket is already
    // there (it was bound a moment later, and a `web` started at once found the folder
    // locked and exited).
    assert!(common::control_socket(&ana).exists(), "the control socket is bound before the share is reported");

    // The web gallery opens through the running node (it used to exit 4), and Ctrl-C
    // closes it and revokes its links.
    let mut web = swarmroll(&ana);
    web.args(["--json", "web", &channel, "--for", "1h", "--bind", "127.0.0.1:0"]);
    let (web, links) = spawn_until(web, |v| v["guest_url"].is_string());
    let guest = links["guest_url"].as_str().unwrap().to_owned();
    assert_eq!(http_status(&guest), 200);
    interrupt(&web);
    assert!(web.wait_with_output().unwrap().status.success());
    assert!([0, 404].contains(&http_status(&guest)), "the gallery is closed and its link revoked");

    // Export through the running node: the originals, as members receive them.
    let out_dir = tmp.path().join("export");
    let out = run(&ana, &["--json", "export", &channel, out_dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // One line per post copied, then the result.
    let last = text(&out.stdout).lines().last().unwrap().to_owned();
    let exported: Value = serde_json::from_str(&last).unwrap();
    assert_eq!(exported["copied"], 2);
    assert!(out_dir.join("DSCN0010.jpg").exists());

    // A stock BitTorrent client (libtorrent) opens the post from what `torrent` gives.
    let file = tmp.path().join("post.torrent");
    let t = ok_json(&run(&ana, &["--json", "torrent", &post, "--out", file.to_str().unwrap()]));
    let magnet = t["magnet"].as_str().unwrap().to_owned();
    assert!(magnet.contains("&x.pe=127.0.0.1:"), "{magnet}");
    assert!(std::fs::metadata(&file).unwrap().len() > 100);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/interop/libtorrent_fetch.py");
    let have_lt =
        Command::new("/usr/bin/python3").args(["-c", "import libtorrent"]).status().is_ok_and(|s| s.success());
    assert!(have_lt || std::env::var_os("CI").is_none(), "python3-libtorrent is missing: scripts/ci-setup.sh");
    if have_lt {
        for (mode, extra) in [("magnet", vec![]), ("torrent", vec!["--torrent", file.to_str().unwrap()])] {
            let dest = tmp.path().join(format!("libtorrent-{mode}"));
            let got =
                Command::new("/usr/bin/python3").arg(&script).arg(&magnet).arg(&dest).args(&extra).output().unwrap();
            assert!(got.status.success(), "{mode}: {}{}", text(&got.stdout), text(&got.stderr));
            let fetched = std::fs::read(dest.join("swarmroll-post/DSCN0010.jpg")).unwrap();
            let posts = ok_json(&run(&ana, &["--json", "posts", &channel]));
            let expect = posts[0]["files"].as_array().unwrap().iter().find(|f| f["name"] == "DSCN0010.jpg").unwrap();
            assert_eq!(blake3::hash(&fetched).to_hex().as_str(), expect["content_hash"], "{mode}: the shared copy");
            assert_ne!(fetched, std::fs::read(&gps).unwrap(), "{mode}: its location was removed");
        }
    } else {
        eprintln!("note: python3-libtorrent is not installed here; the stock-client fetch is skipped");
    }

    // Ben joins (Ana's node answers); posts read as people read them.
    let joined = ok_json(&run(
        &ben,
        &["--json", "join", &invite, "--as-name", "Ben", "--wait", "20"]
            .iter()
            .chain(&LOOPBACK)
            .copied()
            .collect::<Vec<_>>(),
    ));
    assert_eq!(joined["synced"], true);
    let human = text(&run(&ana, &["posts", &channel]).stdout);
    assert!(human.contains("Ana · 2 photos · ") && human.contains(" · here · \"First light\""), "{human}");
    let today = chrono_free_date(&human);
    assert!(today, "a date on every post: {human}");
    let unknown = run(&ana, &["posts", &"ab".repeat(32)]);
    assert_eq!(unknown.status.code(), Some(2), "an unknown channel is bad input");
    assert!(text(&unknown.stderr).contains("no such channel"));

    // The owner's tools: members by name, a co-host, hiding and showing, removing.
    let members = ok_json(&run(&ana, &["--json", "members", &channel]));
    let names: Vec<&str> = members.as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ana", "Ben"]);
    let ben_id = members[1]["member"].as_str().unwrap().to_owned();
    ok_json(&run(&ana, &["--json", "promote", &channel, &ben_id, "--role", "co-host"]));
    let members = ok_json(&run(&ana, &["--json", "members", &channel]));
    assert_eq!(members[1]["role"], "co-host");
    ok_json(&run(&ana, &["--json", "hide", &channel, &post]));
    assert_eq!(ok_json(&run(&ana, &["--json", "posts", &channel])), serde_json::json!([]));
    ok_json(&run(&ana, &["--json", "unhide", &channel, &post]));
    assert_eq!(ok_json(&run(&ana, &["--json", "posts", &channel])).as_array().unwrap().len(), 1);
    ok_json(&run(&ana, &["--json", "remove", &channel, &ben_id]));
    assert_eq!(ok_json(&run(&ana, &["--json", "members", &channel]))[1]["removed"], true);
    let status = ok_json(&run(&ana, &["--json", "status"]));
    assert_eq!(status["running"], true);

    // Leaving: Ben's node is not running (the database is changed directly), Ana's is
    // (the running node lets go of the channel it serves). Nothing of it stays listed,
    // the fetched originals go, and the files Ana shared from her folders stay.
    let left = run(&ben, &["leave", &channel]);
    assert!(left.status.success(), "{}", text(&left.stderr));
    assert!(text(&left.stdout).contains("Left the channel"), "{}", text(&left.stdout));
    assert_eq!(ok_json(&run(&ben, &["--json", "channels"])), serde_json::json!([]));
    assert!(!ben.join("media").join(&channel).exists(), "fetched originals removed");
    let again = run(&ben, &["leave", &channel]);
    assert_eq!(again.status.code(), Some(2), "a channel left is no longer there");
    let left = ok_json(&run(&ana, &["--json", "leave", &channel]));
    assert_eq!(left["posts"], 1);
    assert_eq!(ok_json(&run(&ana, &["--json", "channels"])), serde_json::json!([]));
    assert!(gps.exists(), "the shared original is the user's own file");
    assert_eq!(ok_json(&run(&ana, &["--json", "status"]))["running"], true);

    interrupt(&node.0);
    let started = Instant::now();
    while node.0.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < Duration::from_secs(20), "the node stops on Ctrl-C");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether the text has a `YYYY-MM-DD HH:MM` date.
fn chrono_free_date(s: &str) -> bool {
    s.as_bytes().windows(16).any(|w| {
        w.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 => *c == b':',
            _ => c.is_ascii_digit(),
        })
    })
}

#[test]
fn a_taken_port_is_named_and_a_killed_mirror_leaves_no_partial_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().to_string();
    for flag in ["--swarm-listen", "--listen"] {
        let mut args = vec!["run", "--no-lan", "--no-dht"];
        let other = if flag == "--listen" { "--swarm-listen" } else { "--listen" };
        args.extend([flag, port.as_str(), other, "127.0.0.1:0"]);
        let out = run(tmp.path(), &args);
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        assert!(err.contains(&port) && err.contains("in use") && err.contains(flag), "{err}");
    }

    // A partial copy a killed mirror left behind is swept when the mirror starts again.
    let created = ok_json(&run(tmp.path(), &["--json", "create", "Party"]));
    let channel = created["channel"].as_str().unwrap();
    let folder = tmp.path().join("mirror");
    std::fs::create_dir_all(&folder).unwrap();
    let left = folder.join(".swarmroll-0123456789abcdef.part");
    std::fs::write(&left, b"half a photo").unwrap();
    let mut mirror = swarmroll(tmp.path());
    mirror.args(["--json", "mirror", channel]).arg(&folder).args(LOOPBACK);
    let (mut child, _) = spawn_until(mirror, |v| v["event"] == "running");
    assert!(common::control_socket(tmp.path()).exists(), "the control socket is bound before \"running\"");
    let started = Instant::now();
    while left.exists() {
        assert!(started.elapsed() < Duration::from_secs(10), "the partial copy was swept");
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_rendezvous_relay_serves_until_ctrl_c_and_names_a_taken_port() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = swarmroll(tmp.path());
    cmd.args(["--json", "serve-relay", "--listen", "127.0.0.1:0"]);
    let (child, listening) = spawn_until(cmd, |v| v["event"] == "relay_listening");
    let at = listening["address"].as_str().unwrap().to_owned();
    // Something that is not a member opens it and says nothing useful: it is closed.
    let mut probe = std::net::TcpStream::connect(&at).unwrap();
    std::io::Write::write_all(&mut probe, b"GET / HTTP/1.1\r\n\r\n").unwrap();
    probe.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(std::io::Read::read(&mut probe, &mut buf).unwrap_or(0), 0, "the relay answered a stranger");
    // A second relay on the same port is refused, naming it.
    let out = run(tmp.path(), &["serve-relay", "--listen", &at]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains(&at) && err.contains("in use") && err.contains("--listen"), "{err}");
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    // (spawn_until read stdout up to the listening line; the rest went to its reader.)
    assert!(!tmp.path().join("swarmroll.db").exists(), "a relay needs no data folder");
}
