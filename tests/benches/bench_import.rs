//! Benchmark: Swarmroll's full import (hash + EXIF + small thumbnail + preview + location
//! patches + database row) against `vipsthumbnail` making one 320 px thumbnail, on the
//! same photos, in one run; then peak memory while importing 200 12 MP photos.
//!
//! `cargo bench -p swarmroll-tests --bench bench_import [-- --generated 24 --rss-photos 200]`
//!
//! Photos: the real phone and camera fixtures plus generated 12 MP (4032×3024) JPEGs of
//! photo-like content (smooth gradients, texture and sensor noise, quality 90). Each side
//! runs in a child process, so CPU time (user + system, all threads) and peak RSS are its
//! own.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: failing loudly is right

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;
use swarmroll_core::import::{Importer, Options, Request};
use swarmroll_core::store::Store;
use swarmroll_tests::bench::{arg, peak_rss_mb, synth_jpeg, variant, Spread};

/// CPU seconds (user + system) of this process and of its waited-for children.
fn cpu_times() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<f64> = after.split(' ').map(|x| x.parse().unwrap_or(0.0)).collect();
    // fields 14-17 of stat(5): utime stime cutime cstime, here offset by the two skipped
    let tick = 100.0;
    ((f[11] + f[12]) / tick, (f[13] + f[14]) / tick)
}

fn child_import(dir: &Path, data: &Path) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    let store = Arc::new(Store::open_dir(data).unwrap());
    let importer = Importer::new(store, 0).unwrap();
    let reqs: Vec<Request> = files.iter().map(Request::path).collect();
    let (cpu0, _) = cpu_times();
    let t = Instant::now();
    let s = importer.run(&reqs, Options::default(), &|_| {}, &AtomicBool::new(false));
    let wall = t.elapsed().as_secs_f64();
    let (cpu1, _) = cpu_times();
    assert!(s.failed.is_empty(), "{:?}", s.failed);
    println!("{} {} {} {}", s.imported.len(), wall, cpu1 - cpu0, peak_rss_mb());
}

/// Runs `cmd`, returning (wall seconds, child CPU seconds, stdout).
fn timed(mut cmd: Command) -> (f64, f64, String) {
    let (_, c0) = cpu_times();
    let t = Instant::now();
    let out = cmd.output().unwrap();
    let wall = t.elapsed().as_secs_f64();
    let (_, c1) = cpu_times();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (wall, c1 - c0, String::from_utf8_lossy(&out.stdout).into_owned())
}

fn swarmroll_import(dir: &Path) -> (usize, f64, f64, f64) {
    let data = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.arg("--child-import").arg(dir).arg(data.path());
    let (_, _, out) = timed(cmd);
    let v: Vec<f64> = out.split_whitespace().map(|x| x.parse().unwrap()).collect();
    (v[0] as usize, v[1], v[2], v[3])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child-import") {
        child_import(Path::new(&args[2]), Path::new(&args[3]));
        return;
    }
    swarmroll_tests::bench::require_tool("vipsthumbnail", "libvips-tools");
    swarmroll_tests::bench::print_machine();
    let generated = arg("--generated", 24);
    let rss_photos = arg("--rss-photos", 200);
    let fixtures = swarmroll_tests::photos();
    let set = tempfile::tempdir().unwrap();

    println!("preparing photos…");
    let mut n = 0;
    for sub in ["phones", "cameras"] {
        for e in std::fs::read_dir(fixtures.join(sub)).unwrap().flatten() {
            std::fs::copy(e.path(), set.path().join(e.file_name())).unwrap();
            n += 1;
        }
    }
    let bases: Vec<Vec<u8>> = (0..4).map(synth_jpeg).collect();
    for i in 0..generated {
        std::fs::write(set.path().join(format!("gen_{i:03}.jpg")), variant(&bases[i % bases.len()], i)).unwrap();
    }
    let total = n + generated;
    let mb: u64 = std::fs::read_dir(set.path()).unwrap().flatten().map(|e| e.metadata().unwrap().len()).sum();
    println!("{total} photos ({n} real fixtures, {generated} generated 12 MP), {:.0} MB", mb as f64 / 1e6);

    let out = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(set.path()).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    // Alternate the two, several rounds, and take each one's median: a shared machine's
    // noise then falls on both alike.
    let runs = arg("--runs", 5).max(1);
    let (mut vw, mut vc, mut sw, mut sc) = (vec![], vec![], vec![], vec![]);
    for _ in 0..runs {
        let mut vips = Command::new("vipsthumbnail");
        vips.arg("-s").arg("320").arg("-o").arg(format!("{}/%s.jpg", out.path().display())).args(&files);
        let (w, c, _) = timed(vips);
        vw.push(w);
        vc.push(c);
        let (count, w, c, _) = swarmroll_import(set.path());
        assert_eq!(count, total);
        sw.push(w);
        sc.push(c);
    }
    let t = total as f64;
    let per = |v: &[f64]| v.iter().map(|x| x / t).collect::<Vec<f64>>();
    let rate = |v: &[f64]| v.iter().map(|x| t / x).collect::<Vec<f64>>();
    let ratio = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x / y).collect::<Vec<f64>>();
    println!("median (lowest–highest) of {runs} alternating rounds");
    println!();
    println!("{:<44} {:>22} {:>26}", "", "photos/s", "CPU s/photo");
    println!(
        "{:<44} {:>22} {:>26}",
        "vipsthumbnail -s 320 (one thumbnail)",
        Spread::of(&rate(&vw)).show(1),
        Spread::of(&per(&vc)).show(4)
    );
    println!(
        "{:<44} {:>22} {:>26}",
        "swarmroll import (hash+EXIF+thumb+preview)",
        Spread::of(&rate(&sw)).show(1),
        Spread::of(&per(&sc)).show(4)
    );
    println!(
        "ratio swarmroll/vips per round: CPU {}   (goal <= 0.90); photos/s {}   (goal >= 2.00)",
        Spread::of(&ratio(&sc, &vc)).show(2),
        Spread::of(&ratio(&vw, &sw)).show(2)
    );

    if rss_photos > 0 {
        let big = tempfile::tempdir().unwrap();
        for i in 0..rss_photos {
            std::fs::write(big.path().join(format!("p{i:04}.jpg")), variant(&bases[i % bases.len()], 10_000 + i))
                .unwrap();
        }
        let (count, wall, cpu, rss) = swarmroll_import(big.path());
        assert_eq!(count, rss_photos);
        println!();
        println!(
            "{rss_photos} x 12 MP: {:.1} photos/s, {:.3} CPU s/photo, peak RSS {:.0} MB   (goal < 100 MB)",
            count as f64 / wall,
            cpu / count as f64,
            rss
        );
    }
}
