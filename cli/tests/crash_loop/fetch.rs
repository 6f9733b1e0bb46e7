//! Kills during a download from another node: Ana shares folders of real photos and keeps
//! seeding (never killed); Ben's `swarmroll export` of the channel is killed at random
//! moments — while it syncs, fetches or copies — and started again until it finishes.
//! No original may be presented as here before all its bytes are, and what Ben ends with
//! must be Ana's files byte for byte.

use crate::common::{free_port, net, ok_json, on as swarmroll, run, spawn_until, Killed};
use crate::harness::{after_kill, count, hashes_in, kill_when, open, temp_files, write_photos, Ended, Rng, Tally};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Photos per folder Ana shares.
const PER_FOLDER: usize = 10;

fn export(dir: &Path, channel: &str, folder: &Path) -> Command {
    let mut c = swarmroll(dir);
    c.args(["--json", "export", channel]).arg(folder).args(net(0)).stdout(Stdio::null()).stderr(Stdio::null());
    c
}

/// Every post Ben's database says is here has all its files, each hashing to what its
/// post says (a file cut off by the kill must not count as arrived).
fn presented_whole(dir: &Path, channel: &str) -> Vec<String> {
    let c = open(dir);
    let mut st = c
        .prepare(
            "SELECT lower(hex(d.post)), lower(hex(i.content_hash)) FROM originals_done d \
             JOIN items i ON i.post = d.post",
        )
        .unwrap();
    let rows: Vec<(String, String)> =
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    let mut by_post: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (post, hash) in rows {
        by_post.entry(post).or_default().push(hash);
    }
    let mut problems = Vec::new();
    for (post, wanted) in by_post {
        let mut here = BTreeMap::new();
        let mut stack = vec![dir.join("media").join(channel).join(&post)];
        while let Some(d) = stack.pop() {
            here.extend(hashes_in(&d));
            stack
                .extend(std::fs::read_dir(&d).into_iter().flatten().flatten().map(|e| e.path()).filter(|p| p.is_dir()));
        }
        for h in wanted.iter().filter(|h| !here.contains_key(*h)) {
            problems.push(format!("post {} marked here without its file {}", &post[..12], &h[..12]));
        }
    }
    problems
}

#[test]
fn downloads_survive_kills_at_random_moments() {
    let mut tally = Tally::new("fetch");
    let mut rng = Rng::new("fetch");
    let tmp = tempfile::tempdir().unwrap();
    let (ana, ben, out) = (tmp.path().join("ana"), tmp.path().join("ben"), tmp.path().join("export"));
    write_photos(&tmp.path().join("folder0"), 0, PER_FOLDER);
    let ana_net = net(free_port());
    let mut cmd = swarmroll(&ana);
    cmd.args(["--json", "share", "--new", "Crash loop", "--as-name", "Ana"])
        .arg(tmp.path().join("folder0"))
        .args(&ana_net)
        .stderr(Stdio::null());
    let (seeder, shared) = spawn_until(cmd, |v| v.get("invite").is_some());
    let _seeder = Killed(seeder);
    let link = shared["invite"]["link"].as_str().unwrap().to_owned();
    let channel = shared["invite"]["channel"].as_str().unwrap().to_owned();
    let mut join = vec!["--json", "join", &link, "--as-name", "Ben", "--wait", "60"];
    let ben_net = net(0);
    join.extend(ben_net.iter().map(String::as_str));
    let _ = ok_json(&run(&ben, &join));

    // The first export runs uncut: how long a folder takes sets the range of kill moments.
    let started = Instant::now();
    assert!(export(&ben, &channel, &out).status().unwrap().success());
    let span_ms = (started.elapsed().as_millis() as u64).max(500) * 6 / 5;
    let mut folder_no = 1;
    while !tally.done() {
        let folder = tmp.path().join(format!("folder{folder_no}"));
        write_photos(&folder, folder_no * PER_FOLDER, (folder_no + 1) * PER_FOLDER);
        let mut posting = swarmroll(&ana);
        posting.args(["--json", "share", "--no-serve", "--channel", &channel]).arg(&folder).args(&ana_net);
        let _ = ok_json(&posting.output().unwrap());
        let sources = shared_by(&ana);
        assert_eq!(sources.len(), (folder_no + 1) * PER_FOLDER, "Ana shared every photo");
        for attempt in 0.. {
            let mut child = export(&ben, &channel, &out).spawn().unwrap();
            tally.restarts += usize::from(attempt > 0);
            let ended = if attempt >= 3 || tally.done() {
                Ended::Exited(child.wait().unwrap().success())
            } else {
                let at = Instant::now() + Duration::from_millis(rng.below(span_ms));
                kill_when(&mut child, Duration::from_secs(120), 0, || Instant::now() >= at)
            };
            match ended {
                Ended::Killed => {
                    tally.killed_in(phase(&ben, &channel, sources.len()));
                    tally.check("killed while downloading", after_kill(&ben));
                    tally.check("killed while downloading", presented_whole(&ben, &channel));
                    tally.check("killed while downloading", copies_are_whole(&out, &sources));
                }
                Ended::Exited(ok) => {
                    assert!(ok, "the export of folder {folder_no} failed");
                    break;
                }
            }
        }
        folder_no += 1;
        let got = hashes_in(&out);
        let mut problems = Vec::new();
        if got != sources {
            let missing = sources.keys().filter(|h| !got.contains_key(*h)).count();
            let twice = got.values().filter(|n| **n > 1).count();
            problems.push(format!("{missing} originals missing, {twice} exported twice, {} exported", got.len()));
        }
        problems.extend(temp_files(&ben).iter().chain(&temp_files(&out)).map(|p| format!("left: {}", p.display())));
        tally.check("an export finished", problems);
        tally.check("an export finished", presented_whole(&ben, &channel));
    }
    let total = shared_by(&ana).len();
    tally.report(&format!("{total} originals exported byte for byte, none twice"));
}

/// Where a kill landed: before Ben knew of the new post, while its originals arrived,
/// or while they were copied out.
fn phase(ben: &Path, channel: &str, total: usize) -> &'static str {
    let c = open(ben);
    let known = count(&c, &format!("SELECT count(*) FROM items WHERE lower(hex(channel)) = '{channel}'")) as usize;
    let arrived = count(&c, "SELECT count(*) FROM items i JOIN originals_done d ON d.post = i.post") as usize;
    if known < total {
        "syncing"
    } else if arrived < total {
        "fetching"
    } else {
        "copying"
    }
}

/// What Ana shared: the BLAKE3 of each file as members receive it (her photos with the
/// location removed), with how often each is posted.
fn shared_by(ana: &Path) -> BTreeMap<String, usize> {
    let c =
        rusqlite::Connection::open_with_flags(ana.join(crate::harness::DB), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut st = c.prepare("SELECT lower(hex(content_hash)), count(*) FROM items GROUP BY 1").unwrap();
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize))).unwrap();
    rows.map(Result::unwrap).collect()
}

/// Every finished copy in the export folder is one of Ana's files, whole.
fn copies_are_whole(out: &Path, sources: &BTreeMap<String, usize>) -> Vec<String> {
    hashes_in(out)
        .into_keys()
        .filter(|h| !sources.contains_key(h))
        .map(|h| format!("the export folder holds a file that is none of the originals ({})", &h[..12]))
        .collect()
}
