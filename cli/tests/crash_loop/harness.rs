//! What every scenario of the crash loop shares: how many kills, a seeded random source,
//! the tally of kills and losses, killing a process at a moment picked by its progress,
//! and the checks that hold after any kill.

use rusqlite::{Connection, OpenFlags};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

/// The database file in a data folder.
pub const DB: &str = "swarmroll.sqlite3";

/// Kills per scenario: `SWARMROLL_CRASH_KILLS`, else a short run of 5 (four scenarios,
/// 20 kills) for `.ci/run`; `scripts/crash-loop.sh` runs the long one.
pub fn kills_wanted() -> usize {
    std::env::var("SWARMROLL_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(5)
}

/// A small xorshift generator, seeded from `SWARMROLL_CRASH_SEED` or the clock; the seed
/// is printed so a failing run can be repeated.
pub struct Rng(u64);

impl Rng {
    pub fn new(scenario: &str) -> Rng {
        let seed = std::env::var("SWARMROLL_CRASH_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
        });
        eprintln!("crash loop {scenario}: seed {seed} (SWARMROLL_CRASH_SEED={seed} repeats it)");
        Rng(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Kills survived and what was lost on the way: every check that failed after a kill is
/// one line here, and the scenario fails at its end if there is any.
pub struct Tally {
    scenario: &'static str,
    pub kills: usize,
    pub restarts: usize,
    lost: Vec<String>,
    started: Instant,
    /// Where the kills landed, by phase.
    landed: BTreeMap<&'static str, usize>,
}

impl Tally {
    pub fn new(scenario: &'static str) -> Tally {
        Tally { scenario, kills: 0, restarts: 0, lost: Vec::new(), started: Instant::now(), landed: BTreeMap::new() }
    }

    /// Counts a kill that landed in `phase`.
    pub fn killed_in(&mut self, phase: &'static str) {
        self.kills += 1;
        *self.landed.entry(phase).or_insert(0) += 1;
    }

    pub fn done(&self) -> bool {
        self.kills >= kills_wanted()
    }

    /// Records the problems a check found (none is the expected case).
    pub fn check(&mut self, when: &str, problems: Vec<String>) {
        for p in problems {
            eprintln!("crash loop {}: LOST after kill {} ({when}): {p}", self.scenario, self.kills);
            self.lost.push(format!("{when}: {p}"));
        }
    }

    /// Prints the scenario's figures and fails if anything was lost.
    pub fn report(self, what: &str) {
        println!(
            "crash loop {}: {} kills survived ({:?}), {} restarts, {} lost, {:.1} s; {what}",
            self.scenario,
            self.kills,
            self.landed,
            self.restarts,
            self.lost.len(),
            self.started.elapsed().as_secs_f64()
        );
        assert!(self.lost.is_empty(), "{}: {:#?}", self.scenario, self.lost);
        assert!(self.kills >= kills_wanted(), "{}: only {} kills", self.scenario, self.kills);
    }
}

/// How a run watched for its kill moment ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    /// Killed with SIGKILL while it worked.
    Killed,
    /// It finished by itself first, with this success.
    Exited(bool),
}

/// Watches `child` until `reached` holds (polled every few milliseconds), waits
/// `extra_ms` more, and kills it with SIGKILL; if it exits first, says so. Fails after
/// `limit` without either.
pub fn kill_when(child: &mut Child, limit: Duration, extra_ms: u64, mut reached: impl FnMut() -> bool) -> Ended {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Ended::Exited(status.success());
        }
        if reached() {
            break;
        }
        assert!(Instant::now() < deadline, "the process neither reached its kill moment nor ended");
        std::thread::sleep(Duration::from_millis(3));
    }
    std::thread::sleep(Duration::from_millis(extra_ms));
    if let Some(status) = child.try_wait().unwrap() {
        return Ended::Exited(status.success());
    }
    child.kill().unwrap();
    child.wait().unwrap();
    Ended::Killed
}

/// A read-only look at the database of `dir` while a process may be writing it; `None`
/// before the database exists.
pub fn peek<T: rusqlite::types::FromSql>(dir: &Path, sql: &str) -> Option<T> {
    let c = Connection::open_with_flags(dir.join(DB), OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    c.busy_timeout(Duration::from_millis(200)).ok()?;
    c.query_row(sql, [], |r| r.get(0)).ok()
}

/// Opens the database of `dir` as the next start would (no process runs on it).
pub fn open(dir: &Path) -> Connection {
    Connection::open(dir.join(DB)).unwrap()
}

pub fn count(c: &Connection, sql: &str) -> i64 {
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// What must hold of any data folder after any kill: the database passes SQLite's
/// integrity check, its log has no holes, every view row has its event, and every
/// preview recorded as made is a whole JPEG.
pub fn after_kill(dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    if !dir.join(DB).exists() {
        return problems;
    }
    let c = open(dir);
    let ok: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    if ok != "ok" {
        problems.push(format!("integrity_check: {ok}"));
    }
    let holes = count(
        &c,
        "SELECT count(*) FROM (SELECT max(seq) m, count(*) n FROM events GROUP BY channel, author) WHERE m != n",
    );
    if holes > 0 {
        problems.push(format!("{holes} feeds with holes in their log"));
    }
    let orphans = count(&c, "SELECT count(*) FROM posts WHERE event NOT IN (SELECT id FROM events)");
    if orphans > 0 {
        problems.push(format!("{orphans} posts without their event"));
    }
    let mut st = c.prepare("SELECT lower(hex(shared_hash)) FROM media WHERE has_preview = 1").unwrap();
    let hashes: Vec<String> = st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    for h in hashes {
        let path = dir.join("previews").join(format!("{h}.jpg"));
        match std::fs::read(&path) {
            Ok(bytes) if image::load_from_memory(&bytes).is_ok() => {}
            Ok(_) => problems.push(format!("preview {} is not a whole image", &h[..12])),
            Err(e) => problems.push(format!("preview {} missing ({})", &h[..12], e.kind())),
        }
    }
    problems
}

/// Files under `dir` that are a writer's temporary files: left once the work is done,
/// they would stay forever.
pub fn temp_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = e.file_name().to_string_lossy().into_owned();
            if [".tmp", ".part", ".partial"].iter().any(|s| name.ends_with(s)) || name.starts_with(".swarmroll-") {
                out.push(p);
            }
        }
    }
    out
}

/// BLAKE3 of every regular file in `dir` (not below), hex, with how often each occurs;
/// hidden files (a copy under way) are left out.
pub fn hashes_in(dir: &Path) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_file() && !e.file_name().to_string_lossy().starts_with('.') {
            *out.entry(blake3::hash(&std::fs::read(&p).unwrap()).to_hex().to_string()).or_insert(0) += 1;
        }
    }
    out
}

/// A new channel made by `swarmroll create` in `dir`, Ana's: its id.
pub fn create_channel(dir: &Path) -> String {
    let created =
        crate::common::ok_json(&crate::common::run(dir, &["--json", "create", "Crash loop", "--as-name", "Ana"]));
    created["channel"].as_str().unwrap().to_owned()
}

/// Real photos, each with its own bytes: copies of the shared phone and camera photos
/// told apart by a JPEG comment (`index` numbers them across the run).
pub fn photo(index: usize) -> Vec<u8> {
    const SOURCES: [&str; 4] =
        ["phones/jolla.jpg", "phones/iphone_hdr_NO.jpg", "cameras/fujifilm-dx10.jpg", "cameras/no_exif.jpg"];
    let base = std::fs::read(crate::common::photos().join(SOURCES[index % SOURCES.len()])).unwrap();
    swarmroll_tests::bench::variant(&base, index)
}

/// Writes photos `from..to` into `dir` (made if missing); returns their BLAKE3 hashes.
pub fn write_photos(dir: &Path, from: usize, to: usize) -> BTreeMap<String, usize> {
    std::fs::create_dir_all(dir).unwrap();
    let mut out = BTreeMap::new();
    for i in from..to {
        let bytes = photo(i);
        *out.entry(blake3::hash(&bytes).to_hex().to_string()).or_insert(0) += 1;
        std::fs::write(dir.join(format!("IMG_{i:05}.jpg")), bytes).unwrap();
    }
    out
}
