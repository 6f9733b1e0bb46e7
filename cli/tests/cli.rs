//! The `swarmroll` command as a user runs it: real processes, real data folders.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

fn swarmroll(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_swarmroll"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("SWARMROLL_DATA_DIR")
        .output()
        .unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

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
    let joined = json(&swarmroll(guest.path(), &args));
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
