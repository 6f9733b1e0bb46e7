//! Kills during import: `swarmroll share --no-serve` of a folder of real photos is killed
//! once a random number of them are in, up to three times a folder, and started again
//! until it finishes. Every photo must end up in exactly one post.

use crate::common::{on as swarmroll, spawn_until, LOOPBACK};
use crate::harness::{
    after_kill, count, create_channel, kill_when, open, peek, temp_files, write_photos, Ended, Rng, Tally,
};
use std::path::Path;
use std::time::Duration;

/// Photos per folder shared.
const PER_FOLDER: usize = 12;

fn share(dir: &Path, channel: &str, folder: &Path) -> std::process::Command {
    let mut c = swarmroll(dir);
    c.args(["--json", "share", "--channel", channel, "--no-serve"])
        .arg(folder)
        .args(LOOPBACK)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    c
}

/// What must hold once a folder's share has finished: every photo shared so far is in
/// exactly one post, nothing imported is left out of a post, and no temporary file stays.
fn after_finish(dir: &Path, photos: usize) -> Vec<String> {
    let c = open(dir);
    let mut problems = Vec::new();
    let posted = count(&c, "SELECT count(DISTINCT content_hash) FROM items");
    let items = count(&c, "SELECT count(*) FROM items");
    if posted != photos as i64 {
        problems.push(format!("{posted} photos posted of {photos} shared"));
    }
    if items != posted {
        problems.push(format!("{} photos posted twice", items - posted));
    }
    let loose = count(&c, "SELECT count(*) FROM media WHERE shared_hash NOT IN (SELECT content_hash FROM items)");
    if loose > 0 {
        problems.push(format!("{loose} imported photos belong to no post"));
    }
    problems.extend(temp_files(dir).iter().map(|p| format!("temporary file left: {}", p.display())));
    problems
}

/// No temporary file outlives the next start of the node either.
fn after_next_start(dir: &Path) -> Vec<String> {
    let mut node = swarmroll(dir);
    node.args(["--json", "run"]).args(LOOPBACK).stderr(std::process::Stdio::null());
    let (node, _) = spawn_until(node, |v| v["event"] == "running");
    let _ = std::process::Command::new("kill").args(["-INT", &node.id().to_string()]).status();
    let _ = node.wait_with_output();
    temp_files(dir).iter().map(|p| format!("temporary file left: {}", p.display())).collect()
}

#[test]
fn import_survives_kills_at_random_moments() {
    let mut tally = Tally::new("import");
    let mut rng = Rng::new("import");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let channel = create_channel(&dir);
    let mut shared = 0;
    let mut folder_no = 0;
    while !tally.done() {
        let folder = tmp.path().join(format!("folder{folder_no}"));
        write_photos(&folder, shared, shared + PER_FOLDER);
        for attempt in 0.. {
            let before: i64 = peek(&dir, "SELECT count(*) FROM media").unwrap_or(0);
            let target = before + rng.below(PER_FOLDER as u64) as i64;
            let mut child = share(&dir, &channel, &folder).spawn().unwrap();
            tally.restarts += usize::from(attempt > 0);
            let last_try = attempt >= 3 || tally.done();
            let ended = if last_try {
                Ended::Exited(child.wait().unwrap().success())
            } else {
                let extra = rng.below(40);
                kill_when(&mut child, Duration::from_secs(120), extra, || {
                    peek::<i64>(&dir, "SELECT count(*) FROM media").unwrap_or(0) >= target
                })
            };
            match ended {
                Ended::Killed => {
                    let now: i64 = peek(&dir, "SELECT count(*) FROM media").unwrap_or(0);
                    tally.killed_in(if now == before { "before the first photo" } else { "importing" });
                    tally.check("killed while sharing", after_kill(&dir));
                }
                Ended::Exited(ok) => {
                    assert!(ok, "the share of folder {folder_no} failed");
                    break;
                }
            }
        }
        shared += PER_FOLDER;
        folder_no += 1;
        tally.check("a share finished", after_kill(&dir));
        tally.check("a share finished", after_finish(&dir, shared));
    }
    tally.check("the next start", after_next_start(&dir));
    tally.report(&format!("{shared} photos in {folder_no} folders, each posted once"));
}
