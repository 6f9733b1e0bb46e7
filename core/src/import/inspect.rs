//! What a file's bytes make of it, before anything is stored: its metadata, upright size,
//! the patches that remove its location, and its thumbnails. The import and the venue web
//! gallery's upload check both run this, so a file the gallery accepts is a file the
//! import takes.

use super::{ImportError, Options};
use crate::media::{self, jpeg, strip::Patch, Kind, MediaError, Metadata, Thumbnails};
use std::path::Path;

/// A file's bytes, understood.
#[derive(Debug)]
pub struct Inspection {
    /// Its metadata.
    pub meta: Metadata,
    /// Upright width.
    pub width: u32,
    /// Upright height.
    pub height: u32,
    /// What turns it into the shared copy.
    pub patches: Vec<Patch>,
    /// Whether the shared copy keeps a location (the user asked).
    pub location_shared: bool,
    /// Thumbnails: decoded here, or from a poster; `None` when neither could be made.
    pub thumbs: Option<Thumbnails>,
}

/// Inspects `bytes` of format `kind`; `poster` is asked for a poster of formats the core
/// does not decode.
///
/// # Errors
/// [`ImportError::Media`]: damaged, truncated, too large, or carrying a location that
/// cannot be removed while `options` does not keep it.
pub fn inspect(
    bytes: &[u8],
    kind: Kind,
    options: Options,
    poster: impl FnOnce() -> Option<Vec<u8>>,
) -> Result<Inspection, ImportError> {
    let (meta, mut width, mut height) = if kind == Kind::Jpeg {
        let (segs, scan) = jpeg::segments(bytes)?;
        // A JPEG's metadata is all in the header segments before the image data.
        let meta = media::meta::read(&bytes[..scan], kind);
        let (width, height) = jpeg::dimensions(bytes, &segs)?;
        media::check_size(width, height)?;
        if !jpeg::complete(bytes, scan) {
            return Err(MediaError::Truncated.into());
        }
        (meta, width, height)
    } else {
        let mut meta = media::meta::read(bytes, kind);
        let (width, height) = container_size(bytes, kind, &mut meta)?;
        (meta, width, height)
    };
    if kind.decodable() && meta.orientation.swaps_axes() {
        std::mem::swap(&mut width, &mut height);
    }
    // Looked for even when kept, so what is kept is known (a GPS track nom-exif misses).
    let found = media::strip::location_patches(bytes, kind);
    let carries_location = meta.location.is_some() || !matches!(&found, Ok(p) if p.is_empty());
    let patches = if options.share_location {
        Vec::new()
    } else {
        found.map_err(|u| MediaError::LocationNotRemovable(u.what()))?
    };
    let thumbs = if kind.decodable() {
        Some(media::thumb::from_image(bytes, kind, meta.orientation)?)
    } else {
        poster().map(|p| media::thumb::from_poster(&p)).transpose()?
    };
    let location_shared = options.share_location && carries_location;
    Ok(Inspection { meta, width, height, patches, location_shared, thumbs })
}

/// The upright size of a format the core does not decode, from its container (the
/// primary image's `ispe` and `irot` in HEIF; the video track's `tkhd` and its matrix in
/// MP4/MOV, with the movie's length), falling back to what the metadata says. A HEIF or
/// video whose container gives no picture size is damaged (cut short, say).
fn container_size(bytes: &[u8], kind: Kind, meta: &mut Metadata) -> Result<(u32, u32), ImportError> {
    let from_container = match kind {
        Kind::Heif => media::heif::dimensions(bytes),
        Kind::Mp4 | Kind::Mov => media::mp4::video_info(bytes).map(|(w, h, duration)| {
            meta.duration_ms = meta.duration_ms.or(duration);
            (w, h)
        }),
        _ => None,
    };
    let (width, height) = match from_container {
        Some(size) => size,
        None if kind.decodable() => (meta.width, meta.height),
        None => return Err(MediaError::Corrupt.into()),
    };
    if !kind.decodable() {
        media::check_size(width, height)?;
    }
    Ok((width, height))
}

/// Checks that the file at `path` is a photo or video the import takes, as it is (no
/// location kept): what the venue web gallery runs when an upload's last byte arrives.
///
/// # Errors
/// [`ImportError`] saying why not.
pub fn check(path: &Path) -> Result<Kind, ImportError> {
    let bytes = std::fs::read(path).map_err(|e| ImportError::Unreadable(e.kind()))?;
    if bytes.is_empty() {
        return Err(MediaError::Empty.into());
    }
    let kind = Kind::sniff(&bytes).ok_or(MediaError::Unsupported)?;
    inspect(&bytes, kind, Options::default(), || None)?;
    Ok(kind)
}
