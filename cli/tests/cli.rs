//! The `swarmroll` command as a user runs it: real processes, real data folders.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{http_status, ok_json as json, open_web, run as swarmroll};

#[test]
fn create_invite_join_and_restart() {
    let host = tempfile::tempdir().unwrap();
    let guest = tempfile::tempdir().unwrap();

    let created = json(&swarmroll(host.path(), &["--json", "create", "Our party", "--as-name", "Ana"]));
    let link = created["link"].as_str().unwrap().to_owned();
    assert!(link.starts_with("swarmroll://join/"));
    assert!(created["https_link"].as_str().unwrap().starts_with("https://"));
    assert_eq!(created["role"], "contributor");

    // Human output carries the QR code.
    let human = swarmroll(host.path(), &["invite", created["channel"].as_str().unwrap(), "--role", "viewer"]);
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(text.contains("Our party") && text.contains('█'), "{text}");

    let inspected = json(&swarmroll(guest.path(), &["--json", "inspect", &link]));
    assert_eq!(inspected["name"], "Our party");
    assert_eq!(inspected["inviter_name"], "Ana");

    // Nobody runs a node for the channel: joining records it and says so (loopback only).
    let net = ["--listen", "127.0.0.1:0", "--swarm-listen", "127.0.0.1:0", "--no-lan", "--no-dht", "--wait", "1"];
    let mut args = vec!["--json", "join", &link, "--as-name", "Ben"];
    args.extend(net);
    let out = swarmroll(guest.path(), &args);
    assert_eq!(out.status.code(), Some(3), "nobody reachable: exit 3");
    assert!(String::from_utf8_lossy(&out.stderr).contains("nobody was reachable"));
    let joined: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(joined["channel"], created["channel"]);
    assert_eq!(joined["synced"], false);

    // A second process on the same folder finds everything still there.
    for (dir, role) in [(host.path(), "owner"), (guest.path(), "contributor")] {
        let list = json(&swarmroll(dir, &["--json", "channels"]));
        assert_eq!(list[0]["name"], "Our party");
        assert_eq!(list[0]["role"], role);
    }
}

#[test]
fn bad_input_gives_a_clear_error_and_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let out = swarmroll(dir.path(), &["inspect", "swarmroll://join/AEAQ"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("incomplete"));
    let out = swarmroll(dir.path(), &["invite", "not-a-channel"]);
    assert_eq!(out.status.code(), Some(2));
    let out = swarmroll(dir.path(), &["create", ""]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid channel name"));
    let out = swarmroll(dir.path(), &["comment", &"ab".repeat(32), "not-a-post", "hi"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a post or comment id"));
    let out =
        swarmroll(dir.path(), &["share", "--new", "x", "/nonexistent/folder", "--no-serve", "--no-lan", "--no-dht"]);
    assert_eq!(out.status.code(), Some(2));
    let out = swarmroll(dir.path(), &["run", "--mirror", "nonsense"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn web_opens_the_gallery_for_its_window_then_revokes_its_links() {
    let dir = tempfile::tempdir().unwrap();
    let created = json(&swarmroll(dir.path(), &["--json", "create", "Our party"]));
    let ch = created["channel"].as_str().unwrap();
    let bad = swarmroll(dir.path(), &["web", ch, "--for", "0h"]);
    assert_eq!(bad.status.code(), Some(2));

    let (mut first, links) = open_web(dir.path(), ch, "3s");
    let guest = links["guest_url"].as_str().unwrap().to_owned();
    assert!(guest.starts_with("http://127.0.0.1:") && guest.ends_with('/'), "{links}");
    assert_eq!(http_status(&guest), 200);
    assert_eq!(http_status(&format!("{}slideshow", links["viewer_url"].as_str().unwrap())), 200);
    // The window ends on its own, and the command with it.
    assert!(first.wait().unwrap().success());

    // Opened again, the old links no longer work (they were revoked), the new ones do.
    let (mut second, again) = open_web(dir.path(), ch, "2s");
    let new_addr = again["address"].as_str().unwrap();
    let old_token_path = guest.split_once("/g/").unwrap().1;
    assert_eq!(http_status(&format!("http://{new_addr}/g/{old_token_path}")), 404);
    assert_eq!(http_status(again["guest_url"].as_str().unwrap()), 200);
    assert!(second.wait().unwrap().success());
}
