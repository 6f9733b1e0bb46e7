//! Location removal for the shared copy of a JPEG, without re-encoding and without
//! changing its length.
//!
//! The GPS IFD of the EXIF block is emptied in place (entry count 0, its entries and the
//! values they point to zeroed), and `exif:GPS…` values in an XMP packet are blanked with
//! spaces. Offsets elsewhere in the file stay valid and the image data is untouched, so
//! the shared version is the original plus a handful of [`Patch`]es: the swarm can serve
//! it from the original file by splicing them in, with no second copy on disk. No EXIF
//! crate offers length-preserving removal, which is why this small walker exists.

use super::jpeg::Segment;

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

struct Tiff<'a> {
    data: &'a [u8],
    big_endian: bool,
}

impl Tiff<'_> {
    fn u16(&self, at: usize) -> Option<u16> {
        let b = self.data.get(at..at + 2)?;
        Some(if self.big_endian { u16::from_be_bytes([b[0], b[1]]) } else { u16::from_le_bytes([b[0], b[1]]) })
    }

    fn u32(&self, at: usize) -> Option<u32> {
        let b = self.data.get(at..at + 4)?;
        let a = [b[0], b[1], b[2], b[3]];
        Some(if self.big_endian { u32::from_be_bytes(a) } else { u32::from_le_bytes(a) })
    }
}

fn type_size(t: u16) -> usize {
    match t {
        3 | 8 => 2,
        4 | 9 | 11 => 4,
        5 | 10 | 12 => 8,
        _ => 1,
    }
}

/// Patches that empty the GPS IFD of one EXIF segment (`Exif\0\0` + TIFF).
fn exif_gps(bytes: &[u8], seg: &Segment, out: &mut Vec<Patch>) -> Option<()> {
    let payload = bytes.get(seg.start..seg.start + seg.len)?;
    let tiff_at = seg.start + 6;
    let t = Tiff { data: payload.strip_prefix(b"Exif\0\0")?, big_endian: payload.get(6..8)? == b"MM" };
    if t.u16(2)? != 42 {
        return None;
    }
    let ifd0 = t.u32(4)? as usize;
    let n = usize::from(t.u16(ifd0)?);
    let gps = (0..n).find_map(|i| {
        let e = ifd0 + 2 + i * 12;
        (t.u16(e)? == 0x8825).then(|| t.u32(e + 8)).flatten()
    })? as usize;
    let m = usize::from(t.u16(gps)?);
    let ifd_len = 2 + m * 12 + 4;
    t.data.get(gps..gps + ifd_len)?;
    for i in 0..m {
        let e = gps + 2 + i * 12;
        let size = type_size(t.u16(e + 2)?).saturating_mul(t.u32(e + 4)? as usize);
        if size > 4 {
            let at = t.u32(e + 8)? as usize;
            if at.checked_add(size).is_some_and(|end| end <= t.data.len()) {
                out.push(Patch { offset: (tiff_at + at) as u64, len: size as u32, fill: 0 });
            }
        }
    }
    out.push(Patch { offset: (tiff_at + gps) as u64, len: ifd_len as u32, fill: 0 });
    Some(())
}

/// Patches that blank `exif:GPS…` values in one XMP segment.
fn xmp_gps(bytes: &[u8], seg: &Segment, out: &mut Vec<Patch>) {
    let Some(payload) = bytes.get(seg.start..seg.start + seg.len) else { return };
    if !payload.starts_with(b"http://ns.adobe.com/xap/1.0/\0") {
        return;
    }
    let needle = b"exif:GPS";
    let mut i = 0;
    while let Some(found) = payload[i..].windows(needle.len()).position(|w| w == needle) {
        let mut j = i + found + needle.len();
        while payload.get(j).is_some_and(u8::is_ascii_alphanumeric) {
            j += 1;
        }
        let value = match payload.get(j) {
            Some(b'=') => payload.get(j + 1).and_then(|&q| {
                let start = j + 2;
                payload[start.min(payload.len())..].iter().position(|&c| c == q).map(|len| (start, len))
            }),
            Some(b'>') => payload[j + 1..].iter().position(|&c| c == b'<').map(|len| (j + 1, len)),
            _ => None,
        };
        if let Some((start, len)) = value {
            if len > 0 {
                out.push(Patch { offset: (seg.start + start) as u64, len: len as u32, fill: b' ' });
            }
        }
        i = j;
    }
}

/// Why the location in a file cannot be removed without rewriting it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Uncleanable {
    /// The container could not be read far enough to find every place a location hides.
    Malformed,
}

impl Uncleanable {
    /// A few words for people.
    pub fn what(self) -> &'static str {
        match self {
            Uncleanable::Malformed => "the file's metadata is damaged",
        }
    }
}

/// The patches that remove location from `bytes` of format `kind`.
///
/// # Errors
/// [`Uncleanable`] when the file carries a location that cannot be removed in place.
pub fn location_patches(bytes: &[u8], kind: super::Kind) -> Result<Vec<Patch>, Uncleanable> {
    match kind {
        super::Kind::Jpeg => {
            let (segs, _) = super::jpeg::segments(bytes).map_err(|_| Uncleanable::Malformed)?;
            Ok(jpeg_patches(bytes, &segs))
        }
        _ => Ok(Vec::new()),
    }
}

/// The patches that remove location from a JPEG whose header segments are `segs`.
pub fn jpeg_patches(bytes: &[u8], segs: &[Segment]) -> Vec<Patch> {
    let mut out = Vec::new();
    for seg in segs.iter().filter(|s| s.marker == 0xE1) {
        exif_gps(bytes, seg, &mut out);
        xmp_gps(bytes, seg, &mut out);
    }
    out
}

/// The shared copy: `bytes` with `patches` applied.
pub fn apply(bytes: &[u8], patches: &[Patch]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for p in patches {
        let start = p.offset as usize;
        if let Some(range) = out.get_mut(start..start + p.len as usize) {
            range.fill(p.fill);
        }
    }
    out
}
