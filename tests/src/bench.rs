//! Shared by the benchmarks (`tests/benches/`): options, the reference tools they measure
//! against, generated photo-like 12 MP JPEGs, distinct copies of them, and this process's
//! peak memory.
#![allow(clippy::unwrap_used)] // benchmark support: failing loudly is right

use swarmroll_core::media::jpeg::{encode, Rgb};

/// The number after `name` on the command line, or `default`.
pub fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Stops the benchmark with a message naming the Debian package to install when `tool`,
/// the reference it measures against, is not installed (rather than a bare "No such file
/// or directory" from the first run of it).
pub fn require_tool(tool: &str, package: &str) {
    if let Err(why) = find_tool(tool, package) {
        eprintln!("{why}");
        std::process::exit(2);
    }
}

/// Where the executable `tool` is on `PATH`, or a message naming `package`, which has it.
///
/// # Errors
/// The message, when no directory of `PATH` has `tool`.
pub fn find_tool(tool: &str, package: &str) -> Result<std::path::PathBuf, String> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0))
        .ok_or_else(|| {
            format!(
                "{tool} is not installed, and this benchmark measures against it: install the Debian package \
                 {package} (apt-get install {package}; scripts/ci-setup.sh installs it)"
            )
        })
}

/// Median, lowest and highest of repeated measurements.
#[derive(Clone, Copy, Debug)]
pub struct Spread {
    /// The median.
    pub median: f64,
    /// The lowest.
    pub min: f64,
    /// The highest.
    pub max: f64,
}

impl Spread {
    /// Of `values` (at least one).
    pub fn of(values: &[f64]) -> Spread {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        Spread { median: v[v.len() / 2], min: v[0], max: v[v.len() - 1] }
    }

    /// `median (min–max)`, with `digits` decimals.
    pub fn show(&self, digits: usize) -> String {
        format!("{:.digits$} ({:.digits$}–{:.digits$})", self.median, self.min, self.max)
    }
}

/// Prints when and on what a benchmark ran: the UTC date, the cores, the memory and the
/// CPU model — the facts a figure in `docs/benchmarks.md` must carry.
pub fn print_machine() {
    let date = std::process::Command::new("date")
        .args(["-u", "+%F %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info.lines().find_map(|l| l.strip_prefix("model name")).map(|m| m.trim_start_matches([' ', '\t', ':']));
    let mem = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let gib = mem
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    println!("ran {date} on {cores} cores, {gib:.0} GiB, {}", model.unwrap_or("unknown CPU"));
}

/// Peak resident memory of this process (`VmHWM`), in MB.
pub fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<f64>().unwrap() / 1024.0
}

/// A photo-like 12 MP image: a sky-to-ground gradient, large soft shapes, fine texture and
/// per-pixel noise, so it compresses like a real photo rather than a flat colour.
fn synth(seed: u32) -> Rgb {
    let (w, h) = (4032u32, 3024u32);
    let mut data = Vec::with_capacity((w * h * 3) as usize);
    let mut s = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    for y in 0..h {
        for x in 0..w {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            let noise = (s & 31) as i32 - 16;
            let fx = x as f32 / w as f32;
            let fy = y as f32 / h as f32;
            let blob = ((fx * 7.0 + seed as f32).sin() * (fy * 5.0).cos() * 60.0) as i32;
            let texture = (((x / 3) ^ (y / 3)) & 15) as i32;
            let r = (90.0 + 120.0 * fy) as i32 + blob + texture + noise;
            let g = (140.0 - 40.0 * fy + 50.0 * fx) as i32 - blob / 2 + texture + noise;
            let b = (210.0 - 150.0 * fy) as i32 + blob / 3 + noise;
            data.extend([r.clamp(0, 255) as u8, g.clamp(0, 255) as u8, b.clamp(0, 255) as u8]);
        }
    }
    Rgb { width: w, height: h, data }
}

/// Copies of `base` that differ only in a JPEG comment, so each has its own hash.
pub fn variant(base: &[u8], i: usize) -> Vec<u8> {
    let comment = format!("swarmroll bench copy {i}");
    let mut out = base[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(comment.as_bytes());
    out.extend_from_slice(&base[2..]);
    out
}

/// [`synth`] encoded as a quality-90 JPEG (about 4–6 MB).
pub fn synth_jpeg(seed: u32) -> Vec<u8> {
    encode(&synth(seed), 90.0).unwrap()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_missing_reference_tool_is_named_with_its_package() {
        assert!(super::find_tool("sh", "dash").is_ok());
        let why = super::find_tool("swarmroll-no-such-tool", "libvips-tools").unwrap_err();
        assert!(
            why.contains("swarmroll-no-such-tool is not installed") && why.contains("apt-get install libvips-tools"),
            "{why}"
        );
    }
}
