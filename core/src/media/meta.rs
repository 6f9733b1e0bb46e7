//! Photo and video metadata: capture time, orientation, camera, location, size, length.
//!
//! Read with `nom-exif` (EXIF in JPEG/HEIF/PNG/WebP, and MP4/QuickTime track
//! metadata). Metadata is best effort: a broken EXIF block yields empty fields, never a
//! failed import — the pixels are what matters.

use super::Kind;
use crate::types::Timestamp;
use nom_exif::{ExifTag, MediaParser, MediaSource, TrackInfoTag};
use std::io::Cursor;

/// EXIF orientation (1–8): how to turn the stored pixels to show them upright.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Orientation(pub u8);

impl Orientation {
    /// Whether showing the image upright swaps width and height (orientations 5–8).
    pub fn swaps_axes(self) -> bool {
        (5..=8).contains(&self.0)
    }
}

/// A position on Earth, decimal degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Location {
    /// Latitude, north positive.
    pub latitude: f64,
    /// Longitude, east positive.
    pub longitude: f64,
}

/// What a file says about itself.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metadata {
    /// When it was taken (UTC), if recorded.
    pub capture_time: Option<Timestamp>,
    /// The camera's UTC offset at capture, in minutes, if recorded. When absent the
    /// capture time is the camera's wall clock read as UTC.
    pub utc_offset_min: Option<i32>,
    /// EXIF orientation (1 when absent).
    pub orientation: Orientation,
    /// Camera maker.
    pub make: Option<String>,
    /// Camera model.
    pub model: Option<String>,
    /// Where it was taken.
    pub location: Option<Location>,
    /// Stored width (before orientation), if known.
    pub width: u32,
    /// Stored height (before orientation), if known.
    pub height: u32,
    /// Length of a video.
    pub duration_ms: Option<u64>,
}

fn text(v: Option<&nom_exif::EntryValue>) -> Option<String> {
    let s = v?.as_str()?.trim().trim_end_matches('\0').trim();
    (!s.is_empty()).then(|| s.chars().take(64).collect())
}

fn time(v: Option<&nom_exif::EntryValue>) -> (Option<Timestamp>, Option<i32>) {
    match v.and_then(|v| v.as_datetime()) {
        Some(nom_exif::ExifDateTime::Aware(dt)) => {
            (Some(Timestamp(dt.timestamp_millis())), Some(dt.offset().local_minus_utc() / 60))
        }
        Some(nom_exif::ExifDateTime::Naive(n)) => (Some(Timestamp(n.and_utc().timestamp_millis())), None),
        _ => (None, None),
    }
}

fn location(gps: Option<&nom_exif::GPSInfo>) -> Option<Location> {
    let g = gps?;
    let (latitude, longitude) = (g.latitude_decimal()?, g.longitude_decimal()?);
    (latitude.is_finite() && longitude.is_finite() && (latitude != 0.0 || longitude != 0.0))
        .then_some(Location { latitude, longitude })
}

/// Reads what metadata `bytes` (of format `kind`) carry. Never fails: unknown fields stay
/// empty.
pub fn read(bytes: &[u8], kind: Kind) -> Metadata {
    match MediaSource::seekable(Cursor::new(bytes)) {
        Ok(source) => read_source(source, kind),
        Err(_) => Metadata { orientation: Orientation(1), ..Metadata::default() },
    }
}

/// [`read`] from a file, reading only the parts that hold metadata.
pub fn read_file(path: &std::path::Path, kind: Kind) -> Metadata {
    match std::fs::File::open(path).ok().and_then(|f| MediaSource::seekable(f).ok()) {
        Some(source) => read_source(source, kind),
        None => Metadata { orientation: Orientation(1), ..Metadata::default() },
    }
}

fn read_source<R: std::io::Read + std::io::Seek>(source: MediaSource<R>, kind: Kind) -> Metadata {
    let mut m = Metadata { orientation: Orientation(1), ..Metadata::default() };
    let mut parser = MediaParser::new();
    if kind.is_video() {
        if let Ok(track) = parser.parse_track(source) {
            (m.capture_time, m.utc_offset_min) = time(track.get(TrackInfoTag::CreateDate));
            m.make = text(track.get(TrackInfoTag::Make));
            m.model = text(track.get(TrackInfoTag::Model));
            m.duration_ms = track.get(TrackInfoTag::DurationMs).and_then(|v| v.as_u64());
            m.width = track.get(TrackInfoTag::Width).and_then(|v| v.as_u32()).unwrap_or(0);
            m.height = track.get(TrackInfoTag::Height).and_then(|v| v.as_u32()).unwrap_or(0);
            m.location = location(track.gps_info());
        }
        return m;
    }
    if let Ok(iter) = parser.parse_exif(source) {
        let exif: nom_exif::Exif = iter.into();
        (m.capture_time, m.utc_offset_min) = time(exif.get(ExifTag::DateTimeOriginal));
        if m.capture_time.is_none() {
            (m.capture_time, m.utc_offset_min) = time(exif.get(ExifTag::CreateDate));
        }
        let o = exif.get(ExifTag::Orientation).and_then(|v| v.try_as_integer()).unwrap_or(1);
        m.orientation = Orientation(if (1..=8).contains(&o) { o as u8 } else { 1 });
        m.make = text(exif.get(ExifTag::Make));
        m.model = text(exif.get(ExifTag::Model));
        m.location = location(exif.gps_info());
        let dim = |t| exif.get(t).and_then(|v| v.try_as_integer()).and_then(|v| u32::try_from(v).ok()).unwrap_or(0);
        m.width = dim(ExifTag::ExifImageWidth);
        m.height = dim(ExifTag::ExifImageHeight);
    }
    m
}
