//! Shared by the fixture tests: where the real files are, what nom-exif reads in them,
//! and the external tools (exiftool, ffmpeg/ffprobe, heif-convert) when installed.
#![allow(dead_code)]

use nom_exif::{ExifTag, IfdKind, MediaParser, MediaSource, TrackInfoTag};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;
use swarmroll_core::media::Kind;

/// The real files: `tests/fixtures/media` (see its SOURCES.md).
pub fn fixtures() -> PathBuf {
    swarmroll_tests::own_fixtures().join("media")
}

pub fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// What nom-exif (the core's metadata reader) finds in a file.
#[derive(Debug, PartialEq, Default)]
pub struct Seen {
    /// A parsed position.
    pub location: Option<(f64, f64)>,
    /// Entries of the GPS IFD (images) or the ISO 6709 text (videos), as text.
    pub gps_entries: Vec<String>,
    /// Everything else that must survive: make, model, capture time, size, duration.
    pub other: Vec<(String, String)>,
}

pub fn nom_exif(bytes: &[u8], kind: Kind) -> Seen {
    let mut seen = Seen::default();
    let mut parser = MediaParser::new();
    let source = MediaSource::seekable(Cursor::new(bytes.to_vec())).expect("media source");
    if kind.is_video() {
        let Ok(track) = parser.parse_track(source) else { return seen };
        seen.location = track.gps_info().and_then(|g| Some((g.latitude_decimal()?, g.longitude_decimal()?)));
        if let Some(v) = track.get(TrackInfoTag::GpsIso6709) {
            let text = format!("{v}");
            if text.chars().any(|c| c.is_ascii_digit()) {
                seen.gps_entries.push(text);
            }
        }
        for tag in [
            TrackInfoTag::Make,
            TrackInfoTag::Model,
            TrackInfoTag::CreateDate,
            TrackInfoTag::DurationMs,
            TrackInfoTag::Width,
            TrackInfoTag::Height,
            TrackInfoTag::Author,
        ] {
            if let Some(v) = track.get(tag) {
                seen.other.push((format!("{tag:?}"), format!("{v}")));
            }
        }
        return seen;
    }
    let Ok(iter) = parser.parse_exif(source) else { return seen };
    let exif: nom_exif::Exif = iter.into();
    seen.location = exif.gps_info().and_then(|g| Some((g.latitude_decimal()?, g.longitude_decimal()?)));
    for e in exif.entries() {
        if e.ifd_kind() == IfdKind::Gps {
            seen.gps_entries.push(format!("{:?}={:?}", e.tag(), e.value()));
        }
    }
    for tag in [
        ExifTag::Make,
        ExifTag::Model,
        ExifTag::DateTimeOriginal,
        ExifTag::CreateDate,
        ExifTag::Orientation,
        ExifTag::ExifImageWidth,
        ExifTag::ExifImageHeight,
    ] {
        if let Some(v) = exif.get(tag) {
            seen.other.push((format!("{tag:?}"), format!("{v}")));
        }
    }
    seen
}

/// Whether a program runs here. Under CI (`CI` set) a missing one fails the test: the
/// checks it makes are never skipped where `.ci/run` installed it.
pub fn have(tool: &str) -> bool {
    let found = Command::new(tool).arg("-version").output().is_ok();
    assert!(found || std::env::var_os("CI").is_none(), "{tool} is missing: scripts/ci-setup.sh installs it");
    if !found {
        eprintln!("note: {tool} is not installed here; its checks are skipped (CI runs them)");
    }
    found
}

/// A scratch file holding `bytes`, named after `name`.
pub fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("swarmroll-location-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Location tags exiftool reads (values with a digit in them), GPS telemetry included.
pub fn exiftool_location(path: &Path) -> Vec<String> {
    let (_, out, _) = run(Command::new("exiftool")
        .args(["-a", "-G1", "-s", "-ee"])
        .args([
            "-gps:all",
            "-xmp-exif:gps*",
            "-GPSCoordinates",
            "-GPSPosition",
            "-GPSLatitude",
            "-GPSLongitude",
            "-LocationInformation",
            "-Location*",
        ])
        .arg(path));
    out.lines()
        .filter(|l| l.split_once(':').is_some_and(|(_, v)| v.chars().any(|c| c.is_ascii_digit())))
        .filter(|l| !l.contains("GPSVersionID"))
        .map(str::to_owned)
        .collect()
}

/// exiftool's view of the tags that must survive.
pub fn exiftool_other(path: &Path) -> String {
    let tags =
        ["-Make", "-Model", "-DateTimeOriginal", "-CreateDate", "-ImageSize", "-Rotation", "-Duration", "-Orientation"];
    run(Command::new("exiftool").args(["-a", "-G1", "-s", "-n"]).args(tags).arg(path)).1
}

/// ffprobe's location tags (format and streams).
pub fn ffprobe_location(path: &Path) -> Vec<String> {
    let (_, out, _) = run(Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "format_tags:stream_tags", "-of", "flat"])
        .arg(path));
    out.lines()
        .filter(|l| l.to_ascii_lowercase().contains("location") || l.contains("xyz"))
        .filter(|l| l.split_once('=').is_some_and(|(_, v)| v.chars().any(|c| c.is_ascii_digit())))
        .map(str::to_owned)
        .collect()
}

/// Whether ffmpeg decodes every stream without an error message.
pub fn ffmpeg_decodes(path: &Path) -> Result<(), String> {
    let (ok, _, err) = run(Command::new("ffmpeg").args(["-v", "error", "-i"]).arg(path).args(["-f", "null", "-"]));
    if ok && err.trim().is_empty() {
        Ok(())
    } else {
        Err(err)
    }
}

/// ffprobe's first video stream: upright width and height, and the container's duration
/// in milliseconds.
pub fn ffprobe_video(path: &Path) -> (u32, u32, u64) {
    let (_, out, _) = run(Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=width,height:stream_side_data=rotation:stream_tags=rotate:format=duration",
            "-of",
            "flat",
        ])
        .arg(path));
    let get = |key: &str| {
        out.lines().find_map(|l| {
            l.split_once('=').filter(|(k, _)| k.ends_with(key)).map(|(_, v)| v.trim_matches('"').to_owned())
        })
    };
    let (w, h): (u32, u32) = (get(".width").unwrap().parse().unwrap(), get(".height").unwrap().parse().unwrap());
    let rotation: i32 = get(".rotation").or_else(|| get(".rotate")).map(|r| r.parse().unwrap()).unwrap_or(0);
    let secs: f64 = get("format.duration").unwrap().parse().unwrap();
    let (w, h) = if rotation.rem_euclid(180) == 90 { (h, w) } else { (w, h) };
    (w, h, (secs * 1000.0).round() as u64)
}

/// heif-convert's output size for a HEIF/AVIF file (what a viewer shows).
pub fn heif_convert_size(path: &Path) -> Result<(u32, u32), String> {
    let out = path.with_extension("out.png");
    let (ok, _, err) = run(Command::new("heif-convert").arg(path).arg(&out));
    if !ok {
        return Err(err);
    }
    let size = image::image_dimensions(&out).map_err(|e| e.to_string());
    let _ = std::fs::remove_file(&out);
    size
}
