//! Location removal for the shared copy of a photo or video, without re-encoding and
//! without changing its length.
//!
//! The shared version is the original plus a handful of [`Patch`]es: byte ranges
//! overwritten with one repeated byte. Offsets elsewhere in the file stay valid and the
//! image and video data are untouched, so the swarm can serve the shared copy from the
//! original file by splicing the patches in, with no second copy on disk. No metadata
//! crate offers length-preserving removal, which is why these small walkers exist.
//!
//! [`location_patches`] is the one entry point; per format:
//! - JPEG: the GPS IFD of the EXIF segment is emptied ([`tiff`]) and `exif:GPS…` values of
//!   the XMP segment are blanked ([`xmp`]); a Motion Photo's video after the image is
//!   treated as an MP4 ([`jpeg::embedded_video`]);
//! - PNG ([`png`]), WebP ([`webp`]), HEIF/HEIC/AVIF ([`heif`]): the same for the EXIF and
//!   XMP they carry in their chunks or items;
//! - MP4/MOV ([`mp4`]): location boxes become `free` boxes, location items of a `keys` list
//!   lose their key and value; an image sequence's `moov` in a HEIF file likewise.
//!
//! Location that cannot be removed in place (compressed metadata, GPS telemetry tracks)
//! is reported as [`Uncleanable`], never silently left in.

use super::jpeg::{self, Segment};
use super::{heif, mp4, png, tiff, webp, xmp, Kind};

/// A byte range of the original to overwrite with `fill` in the shared copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Patch {
    /// Offset in the file.
    pub offset: u64,
    /// Length in bytes.
    pub len: u32,
    /// The byte written over it.
    pub fill: u8,
}

/// Why the location in a file cannot be removed without rewriting it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Uncleanable {
    /// Compressed metadata holds the location (a PNG `zTXt` or compressed `iTXt`, a
    /// compressed HEIF XMP item, a QuickTime compressed movie header): blanking it in place
    /// would need recompressing it.
    CompressedMetadata,
    /// A timed metadata track records the position frame by frame (GoPro GPMF, Google
    /// camera motion, DJI, Apple timed metadata), or a dash camera's GPS log.
    Telemetry,
    /// The container could not be read far enough to find every place a location hides.
    Malformed,
}

impl Uncleanable {
    /// A few words for people.
    pub fn what(self) -> &'static str {
        match self {
            Uncleanable::CompressedMetadata => "it is inside compressed metadata",
            Uncleanable::Telemetry => "a GPS track in the video records it",
            Uncleanable::Malformed => "the file's metadata is damaged",
        }
    }
}

impl std::fmt::Display for Uncleanable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.what())
    }
}

/// The patches that remove location from `bytes`, a file of format `kind`: empty when it
/// carries none.
///
/// # Errors
/// [`Uncleanable`] when the file carries location that cannot be removed in place, or its
/// structure cannot be followed far enough to be sure.
pub fn location_patches(bytes: &[u8], kind: Kind) -> Result<Vec<Patch>, Uncleanable> {
    let patches = match kind {
        Kind::Jpeg => {
            let (segs, scan) = jpeg::segments(bytes).map_err(|_| Uncleanable::Malformed)?;
            let mut p = jpeg_patches(bytes, &segs);
            // A Motion Photo's video, after the image: its location goes too.
            if let Some((start, end)) = jpeg::embedded_video(bytes, scan) {
                let at = u64::try_from(start).map_err(|_| Uncleanable::Malformed)?;
                for mut patch in mp4::location_patches(&bytes[start..end])? {
                    patch.offset = patch.offset.checked_add(at).ok_or(Uncleanable::Malformed)?;
                    p.push(patch);
                }
            }
            p
        }
        Kind::Png => png::location_patches(bytes)?,
        Kind::Webp => webp::location_patches(bytes)?,
        Kind::Heif => {
            // Items in `meta`; an image sequence's `moov` and XMP `uuid` boxes as in a video.
            let mut p = heif::location_patches(bytes)?;
            p.extend(mp4::location_patches(bytes)?);
            p
        }
        Kind::Mp4 | Kind::Mov => mp4::location_patches(bytes)?,
    };
    // Every patch is built inside the file; this only guards the guarantee.
    let len = u64::try_from(bytes.len()).map_err(|_| Uncleanable::Malformed)?;
    if patches.iter().any(|p| p.offset.checked_add(u64::from(p.len)).is_none_or(|end| end > len)) {
        return Err(Uncleanable::Malformed);
    }
    Ok(patches)
}

/// The patches that remove location from a JPEG whose header segments are `segs`.
pub fn jpeg_patches(bytes: &[u8], segs: &[Segment]) -> Vec<Patch> {
    let mut out = Vec::new();
    for seg in segs.iter().filter(|s| s.marker == 0xE1) {
        let Some(payload) = seg.start.checked_add(seg.len).and_then(|end| bytes.get(seg.start..end)) else {
            continue;
        };
        let Ok(at) = u64::try_from(seg.start) else { continue };
        if let Some(t) = payload.strip_prefix(b"Exif\0\0") {
            tiff::gps_patches(t, at.saturating_add(6), &mut out);
        }
        if payload.starts_with(b"http://ns.adobe.com/xap/1.0/\0") {
            xmp::gps_patches(payload, at, &mut out);
        }
    }
    out
}

/// Appends patches that write `data` at `offset`: one patch per run of equal bytes (a
/// [`Patch`] repeats a single byte, so arbitrary bytes take several).
pub fn write_bytes(offset: u64, data: &[u8], out: &mut Vec<Patch>) {
    let mut at = offset;
    for run in data.chunk_by(|a, b| a == b) {
        let (Some(&fill), Ok(len)) = (run.first(), u32::try_from(run.len())) else { return };
        out.push(Patch { offset: at, len, fill });
        let Some(next) = at.checked_add(u64::from(len)) else { return };
        at = next;
    }
}

/// The shared copy: `bytes` with `patches` applied.
pub fn apply(bytes: &[u8], patches: &[Patch]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for p in patches {
        let Ok(start) = usize::try_from(p.offset) else { continue };
        let Some(end) = usize::try_from(p.len).ok().and_then(|len| start.checked_add(len)) else { continue };
        if let Some(range) = out.get_mut(start..end) {
            range.fill(p.fill);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_bytes_makes_runs() {
        let mut out = Vec::new();
        write_bytes(10, b"free", &mut out);
        assert_eq!(
            out,
            [
                Patch { offset: 10, len: 1, fill: b'f' },
                Patch { offset: 11, len: 1, fill: b'r' },
                Patch { offset: 12, len: 2, fill: b'e' }
            ]
        );
        assert_eq!(apply(&[0; 16], &out)[10..14], *b"free");
    }

    #[test]
    fn heif_sequences_are_cleaned_like_videos() {
        use super::super::isobmff::tests::bx;
        let udta = bx(b"udta", &bx(b"\xa9xyz", b"\0\x12\x15\xc7+52.5200+013.4050/"));
        let f = [bx(b"ftyp", b"msf1\0\0\0\0"), bx(b"moov", &udta)].concat();
        assert_eq!(Kind::sniff(&f), Some(Kind::Heif));
        let shared = apply(&f, &location_patches(&f, Kind::Heif).unwrap());
        assert!(!String::from_utf8_lossy(&shared).contains("52.52"));
        assert_eq!(location_patches(&f[..16], Kind::Heif), Err(Uncleanable::Malformed));
    }

    #[test]
    fn apply_ignores_patches_outside() {
        let p = [Patch { offset: u64::MAX, len: 4, fill: 1 }, Patch { offset: 2, len: 9, fill: 1 }];
        assert_eq!(apply(&[0; 4], &p), [0; 4]);
    }

    #[test]
    fn jpeg_keeps_its_behaviour() {
        // SOI, APP1 Exif with GPS, APP1 XMP, SOS.
        let tiff = super::super::tiff::tests::tiff_with_gps(true);
        let mut exif = b"Exif\0\0".to_vec();
        exif.extend_from_slice(&tiff);
        let xmp = b"http://ns.adobe.com/xap/1.0/\0<x exif:GPSLatitude=\"1,2N\"/>";
        let mut f = vec![0xFF, 0xD8];
        for p in [&exif[..], &xmp[..]] {
            f.extend_from_slice(&[0xFF, 0xE1]);
            f.extend_from_slice(&u16::try_from(p.len() + 2).unwrap().to_be_bytes());
            f.extend_from_slice(p);
        }
        f.extend_from_slice(&[0xFF, 0xDA, 0, 2, 0xFF, 0xD9]);
        let p = location_patches(&f, Kind::Jpeg).unwrap();
        let value_at = f.windows(4).position(|w| w == b"1,2N").unwrap() as u64;
        assert_eq!(
            p,
            [
                Patch { offset: 6 + 6 + 68, len: 24, fill: 0 },
                Patch { offset: 6 + 6 + 38, len: 30, fill: 0 },
                Patch { offset: value_at, len: 4, fill: b' ' },
            ]
        );
        assert_eq!(location_patches(&f[..20], Kind::Jpeg), Err(Uncleanable::Malformed));
    }
}
