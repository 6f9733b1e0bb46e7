//! Two real `swarmroll` processes with their own data folders on loopback: one shares a
//! folder of real photos, the other joins by invite and mirrors the channel into a
//! folder; every file arrives (identical but for the location removed from shared
//! copies), a comment goes each way through the running nodes, and after both stop — one
//! cleanly, one killed — and start again everything is still there and still flows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{free_port, net};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn cmd(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_swarmroll"));
    c.arg("--data-dir").arg(dir).args(args).env_remove("SWARMROLL_DATA_DIR");
    c
}

fn run(dir: &Path, args: &[&str]) -> Value {
    let out: Output = cmd(dir, args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    // Long commands print JSON event lines first; the result is the last line.
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|_| panic!("{args:?}: {text}"))
}

/// A long-running `swarmroll`, its JSON lines collected.
struct Node {
    child: Child,
    lines: Arc<Mutex<Vec<Value>>>,
}

impl Node {
    fn spawn(dir: &Path, args: &[&str]) -> Node {
        let mut child = cmd(dir, args).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let out = child.stdout.take().unwrap();
        let sink = Arc::clone(&lines);
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines().map_while(Result::ok) {
                if let Ok(v) = serde_json::from_str(&l) {
                    sink.lock().unwrap().push(v);
                }
            }
        });
        Node { child, lines }
    }

    fn wait_line(&self, what: &str, f: impl Fn(&Value) -> bool) -> Value {
        until(60, what, || self.lines.lock().unwrap().iter().find(|v| f(v)).cloned())
    }

    fn terminate(mut self) -> std::process::ExitStatus {
        Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        self.child.wait().unwrap()
    }

    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn until<T>(secs: u64, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn with<'a>(args: &[&'a str], net: &'a [String]) -> Vec<&'a str> {
    args.iter().copied().chain(net.iter().map(String::as_str)).collect()
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
    v.sort();
    v
}

fn comments(dir: &Path, post: &str) -> Vec<String> {
    run(dir, &["--json", "thread", post])["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn share_join_mirror_comment_and_restart() {
    let phones = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/photos/phones");
    let sources = files(&phones);
    assert!(sources.len() >= 2);
    let (a, b, mirror) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a_net, b_net) = (net(free_port()), net(free_port()));
    let phones_arg = phones.to_str().unwrap();

    // Alice shares the folder into a new channel and stays to seed.
    let alice =
        Node::spawn(a.path(), &with(&["--json", "share", "--new", "Party", "--as-name", "Alice", phones_arg], &a_net));
    let shared = alice.wait_line("Alice's share and invite", |v| v.get("invite").is_some());
    let link = shared["invite"]["link"].as_str().unwrap().to_owned();
    let channel = shared["invite"]["channel"].as_str().unwrap().to_owned();
    assert_eq!(shared["shared"]["shared"], sources.len());
    let post = shared["shared"]["posts"][0].as_str().unwrap().to_owned();
    alice.wait_line("Alice's node running", |v| v["event"] == "running");

    // Bob joins by the invite, then mirrors the channel into a folder.
    let joined = run(b.path(), &with(&["--json", "join", &link, "--as-name", "Bob", "--wait", "30"], &b_net));
    assert_eq!((joined["channel"].as_str(), joined["synced"].as_bool()), (Some(channel.as_str()), Some(true)));
    let bob = Node::spawn(b.path(), &with(&["--json", "mirror", &channel, mirror.path().to_str().unwrap()], &b_net));
    until(90, "every photo in Bob's folder", || (files(mirror.path()).len() == sources.len()).then_some(()));
    bob.wait_line("the mirror's report", |v| v["event"] == "mirrored");

    // Every file arrived: the shared copy, byte for byte but for the location removed.
    let listed = run(b.path(), &["--json", "posts", &channel]);
    let items = listed[0]["files"].as_array().unwrap().clone();
    assert_eq!(listed[0]["originals_here"], true);
    for src in &sources {
        let name = src.file_name().unwrap().to_str().unwrap();
        let got = std::fs::read(mirror.path().join(name)).unwrap();
        let want = std::fs::read(src).unwrap();
        assert_eq!(got.len(), want.len(), "{name}: length");
        let item = items.iter().find(|i| i["name"] == name).unwrap();
        assert_eq!(
            blake3::hash(&got).to_hex().as_str(),
            item["content_hash"].as_str().unwrap(),
            "{name}: not the shared copy"
        );
        let differing = got.iter().zip(&want).filter(|(x, y)| x != y).count();
        assert!(differing < 2048, "{name}: {differing} bytes differ, more than a removed location");
    }

    // A comment each way, typed while the nodes run: it goes through each running node.
    run(b.path(), &["--json", "comment", &channel, &post, "lovely, from Bob"]);
    run(a.path(), &["--json", "comment", &channel, &post, "thanks, from Alice"]);
    for dir in [a.path(), b.path()] {
        until(30, "both comments on both sides", || {
            let c = comments(dir, &post);
            (c.contains(&"lovely, from Bob".into()) && c.contains(&"thanks, from Alice".into())).then_some(())
        });
    }
    let status = run(a.path(), &["--json", "status"]);
    assert_eq!(status["running"], true);

    // Alice stops cleanly, Bob's process is killed; both start again, Alice now watching
    // a folder for new photos.
    assert!(alice.terminate().success());
    bob.kill();
    let drop = tempfile::tempdir().unwrap();
    let watch = format!("{}={channel}", drop.path().to_str().unwrap());
    let alice = Node::spawn(a.path(), &with(&["--json", "run", "--watch", &watch], &a_net));
    let bob = Node::spawn(b.path(), &with(&["--json", "mirror", &channel, mirror.path().to_str().unwrap()], &b_net));
    alice.wait_line("Alice running again", |v| v["event"] == "running");
    bob.wait_line("Bob running again", |v| v["event"] == "running");
    for dir in [a.path(), b.path()] {
        assert_eq!(run(dir, &["--json", "channels"])[0]["name"], "Party");
        assert_eq!(comments(dir, &post).len(), 2);
    }
    assert_eq!(run(b.path(), &["--json", "posts", &channel])[0]["originals_here"], true);
    assert_eq!(files(mirror.path()).len(), sources.len(), "nothing fetched or copied twice");
    // And it still flows: the nodes find each other again at their remembered addresses.
    run(b.path(), &["--json", "comment", &channel, &post, "after the restart"]);
    until(60, "the comment after the restart at Alice's", || {
        comments(a.path(), &post).contains(&"after the restart".into()).then_some(())
    });

    // A photo dropped into Alice's watched folder is posted and lands in Bob's mirror.
    let extra = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/photos/cameras/fujifilm-dx10.jpg");
    std::fs::copy(&extra, drop.path().join("fujifilm-dx10.jpg")).unwrap();
    alice.wait_line("the dropped photo posted", |v| v["event"] == "posted" && v["files"] == 1);
    until(60, "the dropped photo in Bob's folder", || {
        std::fs::metadata(mirror.path().join("fujifilm-dx10.jpg")).ok().filter(|m| m.len() > 0).map(|_| ())
    });
    assert_eq!(run(a.path(), &["--json", "posts", &channel]).as_array().unwrap().len(), 2);

    // A third member exports the whole channel into a folder and exits.
    assert!(bob.terminate().success());
    let (c, export) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let c_net = net(free_port());
    run(c.path(), &with(&["--json", "join", &link, "--as-name", "Carol", "--wait", "30"], &c_net));
    let exported = run(c.path(), &with(&["--json", "export", &channel, export.path().to_str().unwrap()], &c_net));
    assert_eq!(exported["copied"], sources.len() + 1);
    assert_eq!(files(export.path()).len(), sources.len() + 1);
    assert!(alice.terminate().success());
}
