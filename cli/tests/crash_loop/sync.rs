//! Kills during log sync with a busy peer: Ana's node (never killed) holds a channel of
//! hundreds of events and takes a stream of new comments; Ben's node — joining, catching
//! up, then in step while commenting itself — is killed at random moments and started
//! again. At the end both hold the same log: nothing lost, nothing twice, and every
//! comment either node acknowledged is in both.

use crate::common::{free_port, net, ok_json, on as swarmroll, spawn_until, Killed};
use crate::harness::{after_kill, kill_when, peek, Ended, Rng, Tally, DB};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Posts written into Ana's channel before Ben joins (each with a comment and a reaction).
const PREFILL_POSTS: u32 = 200;

/// Ana's channel, filled through the core as a long evening would have.
fn prefill(dir: &Path) -> (String, String) {
    use swarmroll_core::replica::Replica;
    use swarmroll_core::store::Store;
    let replica = Replica::open(Arc::new(Store::open_dir(dir).unwrap())).unwrap();
    let ch = replica.create_channel("Crash loop", None, "Ana").unwrap();
    let mut first = None;
    for i in 0..PREFILL_POSTS {
        let post = replica.post(&ch, "", vec![swarmroll_tests::numbered_photo(i, 12_000)]).unwrap();
        replica.comment(&ch, &post, "what a day", None).unwrap();
        replica.react(&ch, &post, "🔥", true).unwrap();
        first.get_or_insert(post);
    }
    (ch.to_hex(), first.unwrap().to_hex())
}

/// Every event id in a data folder's log.
fn log(dir: &Path) -> BTreeSet<Vec<u8>> {
    let c = rusqlite::Connection::open_with_flags(dir.join(DB), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut st = c.prepare("SELECT id FROM events").unwrap();
    let ids = st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    ids
}

/// Comments `dir`'s node (or, with none running, the command itself) acknowledged, until
/// `stop`: the ids it printed.
fn commenter(
    dir: PathBuf,
    channel: String,
    post: String,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<Vec<String>> {
    std::thread::spawn(move || {
        let mut acked = Vec::new();
        let mut n = 0;
        while !stop.load(Ordering::Relaxed) {
            n += 1;
            let out = swarmroll(&dir).args(["--json", "comment", &channel, &post, &format!("comment {n}")]).output();
            if let Ok(out) = out.ok().filter(|o| o.status.success()).ok_or(()) {
                if let Ok(v) = serde_json::from_slice::<Value>(&out.stdout) {
                    acked.extend(v["comment"].as_str().map(str::to_owned));
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        acked
    })
}

fn ben(dir: &Path, link: &str, joined: bool) -> Command {
    let mut c = swarmroll(dir);
    if joined {
        c.args(["--json", "run"]);
    } else {
        c.args(["--json", "join", link, "--as-name", "Ben", "--wait", "60"]);
    }
    c.args(net(0)).stdout(Stdio::null()).stderr(Stdio::null());
    c
}

#[test]
fn log_sync_with_a_busy_peer_survives_kills_at_random_moments() {
    let mut tally = Tally::new("sync");
    let mut rng = Rng::new("sync");
    let tmp = tempfile::tempdir().unwrap();
    let (ana, ben_dir) = (tmp.path().join("ana"), tmp.path().join("ben"));
    let (channel, post) = prefill(&ana);
    let port = free_port();
    let mut cmd = swarmroll(&ana);
    cmd.args(["--json", "run"]).args(net(port)).stderr(Stdio::null());
    let (node, _) = spawn_until(cmd, |v| v["event"] == "running");
    let _ana_node = Killed(node);
    let link = ok_json(&swarmroll(&ana).args(["--json", "invite", &channel]).output().unwrap())["link"]
        .as_str()
        .unwrap()
        .to_owned();
    let stop = Arc::new(AtomicBool::new(false));
    let busy = commenter(ana.clone(), channel.clone(), post.clone(), Arc::clone(&stop));
    let mut ben_acked = Vec::new();
    let mut joined = false;
    while !tally.done() {
        // Kill once Ben holds a random share of Ana's log, a random while later: early
        // rounds land in the catch-up, later ones in live sync and in Ben's own comments.
        let target = rng.below(peek::<i64>(&ana, "SELECT count(*) FROM events").unwrap_or(1) as u64 + 1) as i64;
        let not_before = Instant::now() + Duration::from_millis(rng.below(1500));
        let mut child = ben(&ben_dir, &link, joined).spawn().unwrap();
        // Ben comments too once he is in, through his node (started a moment after it so
        // the command finds it running); the comments stop before the next start.
        let own_stop = Arc::new(AtomicBool::new(false));
        let own = joined.then(|| {
            std::thread::sleep(Duration::from_millis(300));
            commenter(ben_dir.clone(), channel.clone(), post.clone(), Arc::clone(&own_stop))
        });
        let ended = kill_when(&mut child, Duration::from_secs(120), 0, || {
            Instant::now() >= not_before && peek::<i64>(&ben_dir, "SELECT count(*) FROM events").unwrap_or(0) >= target
        });
        own_stop.store(true, Ordering::Relaxed);
        if let Some(own) = own {
            ben_acked.extend(own.join().unwrap());
        }
        match ended {
            Ended::Killed => {
                let behind = log(&ben_dir).len() < log(&ana).len();
                tally.killed_in(match (joined, behind) {
                    (false, _) => "joining",
                    (true, true) => "catching up",
                    (true, false) => "in step",
                });
                tally.restarts += 1;
                tally.check("killed while syncing", after_kill(&ben_dir));
            }
            Ended::Exited(ok) => {
                assert!(ok && !joined, "Ben's node ended by itself");
                joined = true;
            }
        }
        joined |= peek::<i64>(&ben_dir, "SELECT count(*) FROM channels").unwrap_or(0) > 0;
    }
    stop.store(true, Ordering::Relaxed);
    let ana_acked = busy.join().unwrap();

    // The last start runs until both logs agree.
    let mut last = ben(&ben_dir, &link, true).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while log(&ana) != log(&ben_dir) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(250));
    }
    let _ = last.kill();
    let _ = last.wait();
    let (a, b) = (log(&ana), log(&ben_dir));
    let mut problems = after_kill(&ben_dir);
    if a != b {
        problems.push(format!(
            "{} events only Ana has, {} only Ben has",
            a.difference(&b).count(),
            b.difference(&a).count()
        ));
    }
    let missing = ana_acked.iter().filter(|id| !b.contains(&hex(id))).count();
    if missing > 0 {
        problems.push(format!("{missing} of Ana's acknowledged comments never reached Ben"));
    }
    let lost = ben_acked.iter().filter(|id| !a.contains(&hex(id)) || !b.contains(&hex(id))).count();
    if lost > 0 {
        problems.push(format!("{lost} of Ben's acknowledged comments are not in both logs"));
    }
    tally.check("in step at the end", problems);
    tally.report(&format!(
        "{} events in both logs; comments acknowledged: {} by Ana (busy), {} by Ben (killed)",
        a.len(),
        ana_acked.len(),
        ben_acked.len()
    ));
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}
