//! Posters for HEIC photos and videos on a desktop or home server, where no platform
//! decoder is at hand: a still made by the tools the machine has — `heif-thumbnailer`
//! (Debian's libheif-examples) for HEIF, `ffmpeg` for video. The phones use their own
//! decoders through the FFI instead.
//!
//! The tools run as child processes, not linked libraries: a decoder fed a hostile file
//! (guests upload through the web gallery) can crash or hang without taking the node
//! with it, and the build stays free of libheif's and FFmpeg's C. Each run has a time
//! limit and its output a size limit. Without the tools, files still import; the gallery
//! shows a placeholder naming the file type.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use swarmroll_core::import::{PosterSource, Posters};
use swarmroll_core::media::Kind;

/// Longest a tool may take for one file.
const TIME_LIMIT: Duration = Duration::from_secs(30);
/// Largest poster taken (a 1280 px JPEG or PNG is far smaller).
const MAX_POSTER: u64 = 16 << 20;
/// Longest side of a poster asked for (the core scales it down for the thumbnail and
/// the screen-sized preview).
const SIDE: u32 = 1280;

/// The poster tools found on this machine.
#[derive(Debug, Default, Clone)]
pub struct ToolPosters {
    ffmpeg: Option<PathBuf>,
    heif: Option<PathBuf>,
}

impl ToolPosters {
    /// Looks for the tools on `PATH`.
    pub fn detect() -> Self {
        ToolPosters { ffmpeg: on_path("ffmpeg"), heif: on_path("heif-thumbnailer") }
    }

    /// The poster source for the node, if any tool was found.
    pub fn source(self) -> Option<PosterSource> {
        (self.ffmpeg.is_some() || self.heif.is_some()).then(|| PosterSource(std::sync::Arc::new(self)))
    }

    /// What to install for previews of these kinds, if something is missing.
    pub fn missing_for(&self, kinds: impl IntoIterator<Item = Kind>) -> Option<&'static str> {
        let (mut video, mut heif) = (false, false);
        for k in kinds {
            video |= k.is_video() && self.ffmpeg.is_none();
            heif |= k == Kind::Heif && self.heif.is_none();
        }
        match (video, heif) {
            (true, true) => Some("ffmpeg and libheif-examples"),
            (true, false) => Some("ffmpeg"),
            (false, true) => Some("libheif-examples (heif-thumbnailer)"),
            (false, false) => None,
        }
    }
}

impl Posters for ToolPosters {
    fn poster(&self, path: &Path, kind: Kind) -> Option<Vec<u8>> {
        let path = std::path::absolute(path).ok()?;
        match kind {
            Kind::Mp4 | Kind::Mov => {
                let scale = format!("scale='min({SIDE},iw)':-2");
                let mut cmd = Command::new(self.ffmpeg.as_ref()?);
                cmd.args(["-v", "error", "-nostdin", "-i"]).arg(&path);
                cmd.args(["-frames:v", "1", "-vf", &scale, "-f", "image2pipe", "-c:v", "mjpeg", "-q:v", "3", "-"]);
                run(cmd, None)
            }
            Kind::Heif => {
                let out = scratch_file("png");
                let mut cmd = Command::new(self.heif.as_ref()?);
                cmd.args(["-s", &SIDE.to_string()]).arg(&path).arg(&out);
                let poster = run(cmd, Some(&out));
                let _ = std::fs::remove_file(&out);
                poster
            }
            _ => None,
        }
    }
}

/// Runs `cmd` within [`TIME_LIMIT`]; the poster is its standard output, or the file
/// `out` it wrote.
fn run(mut cmd: Command, out: Option<&Path>) -> Option<Vec<u8>> {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().ok()?;
    let mut stdout = child.stdout.take()?;
    // Read on a thread, so a full pipe never blocks the tool while we wait for it.
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = (&mut stdout).take(MAX_POSTER).read_to_end(&mut bytes);
        bytes
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < TIME_LIMIT => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                tracing::warn!("a poster tool took too long and was stopped");
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    };
    let piped = reader.join().ok()?;
    if !status.success() {
        return None;
    }
    let bytes = match out {
        Some(file) => std::fs::read(file).ok()?,
        None => piped,
    };
    (!bytes.is_empty()).then_some(bytes)
}

/// A fresh file name in the system's temporary folder.
fn scratch_file(ext: &str) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("swarmroll-poster-{}-{n}.{ext}", std::process::id()))
}

/// The program `name` on `PATH`, if it is there.
fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}
