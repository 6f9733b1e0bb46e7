//! Emptying the GPS IFD of a TIFF structure (EXIF) in place, for every container that
//! carries one: a JPEG's APP1 segment, a HEIF/AVIF `Exif` item, a PNG `eXIf` chunk (or an
//! ImageMagick "Raw profile", decoded), a WebP `EXIF` chunk.
//!
//! The GPS IFD gets an entry count of 0, and its entries, its next-IFD link and the values
//! they point to are zeroed. Every other IFD, and every offset in them, stays as it was,
//! so the length of the container does not change and readers still find the camera,
//! capture time and orientation. The pointer to the GPS IFD in IFD0 stays too: it now
//! points to an empty IFD, which every reader accepts. No EXIF crate offers
//! length-preserving removal, which is why this small walker exists.

use super::strip::Patch;

/// Tag of the GPS IFD pointer in IFD0.
const GPS_IFD: u16 = 0x8825;

/// A TIFF structure: `data` starts at its header ("II*\0" or "MM\0*").
struct Tiff<'a> {
    data: &'a [u8],
    big_endian: bool,
}

impl Tiff<'_> {
    fn u16(&self, at: usize) -> Option<u16> {
        let b: [u8; 2] = self.data.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.big_endian { u16::from_be_bytes(b) } else { u16::from_le_bytes(b) })
    }

    fn u32(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.data.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.big_endian { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
    }

    /// Offset of IFD entry `i` of the IFD at `ifd`.
    fn entry(ifd: usize, i: usize) -> Option<usize> {
        ifd.checked_add(2)?.checked_add(i.checked_mul(12)?)
    }
}

/// Bytes per value of a TIFF field type (1 for unknown types).
fn type_size(t: u16) -> usize {
    match t {
        3 | 8 => 2,
        4 | 9 | 11 => 4,
        5 | 10 | 12 => 8,
        _ => 1,
    }
}

/// A patch of `len` zero bytes at `offset` within the TIFF, which starts at `at` in the file.
fn zeros(at: u64, offset: usize, len: usize) -> Option<Patch> {
    let offset = at.checked_add(u64::try_from(offset).ok()?)?;
    Some(Patch { offset, len: u32::try_from(len).ok()?, fill: 0 })
}

/// Appends to `out` the patches that empty the GPS IFD of the TIFF structure `tiff`, whose
/// header is at byte offset `at` of the file. Offsets inside the TIFF are bounded by
/// `tiff.len()`: nothing outside it is ever patched.
///
/// Returns `None` (and adds nothing) when there is no GPS IFD, or the structure is not TIFF
/// or is cut short before the end of the GPS IFD.
pub fn gps_patches(tiff: &[u8], at: u64, out: &mut Vec<Patch>) -> Option<()> {
    let t = Tiff { data: tiff, big_endian: tiff.get(..2)? == b"MM" };
    if t.u16(2)? != 42 {
        return None;
    }
    let ifd0 = usize::try_from(t.u32(4)?).ok()?;
    let n = usize::from(t.u16(ifd0)?);
    let gps = (0..n).find_map(|i| {
        let e = Tiff::entry(ifd0, i)?;
        (t.u16(e)? == GPS_IFD).then(|| t.u32(e.checked_add(8)?)).flatten()
    })?;
    let gps = usize::try_from(gps).ok()?;
    let m = usize::from(t.u16(gps)?);
    // Count, entries and the next-IFD link.
    let ifd_len = m.checked_mul(12)?.checked_add(6)?;
    t.data.get(gps..gps.checked_add(ifd_len)?)?;
    for i in 0..m {
        let e = Tiff::entry(gps, i)?;
        let count = usize::try_from(t.u32(e.checked_add(4)?)?).ok()?;
        let size = type_size(t.u16(e.checked_add(2)?)?).saturating_mul(count);
        if size > 4 {
            let value = usize::try_from(t.u32(e.checked_add(8)?)?).ok()?;
            if value.checked_add(size).is_some_and(|end| end <= t.data.len()) {
                out.extend(zeros(at, value, size));
            }
        }
    }
    out.push(zeros(at, gps, ifd_len)?);
    Some(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A little- or big-endian TIFF: IFD0 with Make and a GPS pointer, a GPS IFD with a
    /// latitude ref (inline) and a latitude (3 rationals, out of line).
    pub(crate) fn tiff_with_gps(big_endian: bool) -> Vec<u8> {
        let mut t = Vec::new();
        let u16b = |v: u16| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
        let u32b = |v: u32| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
        t.extend_from_slice(if big_endian { b"MM" } else { b"II" });
        t.extend_from_slice(&u16b(42));
        t.extend_from_slice(&u32b(8));
        // IFD0 at 8: 2 entries.
        t.extend_from_slice(&u16b(2));
        t.extend_from_slice(&u16b(0x010F)); // Make, ASCII, 4 bytes inline "Cam\0"
        t.extend_from_slice(&u16b(2));
        t.extend_from_slice(&u32b(4));
        t.extend_from_slice(b"Cam\0");
        t.extend_from_slice(&u16b(GPS_IFD));
        t.extend_from_slice(&u16b(4));
        t.extend_from_slice(&u32b(1));
        t.extend_from_slice(&u32b(38)); // GPS IFD offset
        t.extend_from_slice(&u32b(0)); // next IFD
        assert_eq!(t.len(), 38);
        t.extend_from_slice(&u16b(2));
        t.extend_from_slice(&u16b(1)); // GPSLatitudeRef "N\0"
        t.extend_from_slice(&u16b(2));
        t.extend_from_slice(&u32b(2));
        t.extend_from_slice(b"N\0\0\0");
        t.extend_from_slice(&u16b(2)); // GPSLatitude, 3 rationals at 68
        t.extend_from_slice(&u16b(5));
        t.extend_from_slice(&u32b(3));
        t.extend_from_slice(&u32b(68));
        t.extend_from_slice(&u32b(0));
        assert_eq!(t.len(), 68);
        for v in [52u32, 1, 31, 1, 0, 1] {
            t.extend_from_slice(&u32b(v));
        }
        t
    }

    #[test]
    fn empties_the_gps_ifd_in_both_byte_orders() {
        for be in [false, true] {
            let t = tiff_with_gps(be);
            let mut out = Vec::new();
            assert_eq!(gps_patches(&t, 100, &mut out), Some(()));
            assert_eq!(
                out,
                vec![Patch { offset: 168, len: 24, fill: 0 }, Patch { offset: 138, len: 30, fill: 0 }],
                "big endian: {be}"
            );
        }
    }

    #[test]
    fn ignores_what_is_not_tiff_or_has_no_gps() {
        let mut out = Vec::new();
        assert_eq!(gps_patches(b"", 0, &mut out), None);
        assert_eq!(gps_patches(b"II\x2b\0\x08\0\0\0", 0, &mut out), None);
        let mut t = tiff_with_gps(false);
        t[22] = 0x10; // the GPS pointer's tag becomes 0x1025
        assert_eq!(gps_patches(&t, 0, &mut out), None);
        // Cut inside the GPS IFD.
        let t = tiff_with_gps(true);
        assert_eq!(gps_patches(&t[..50], 0, &mut out), None);
        assert!(out.is_empty());
    }

    #[test]
    fn never_patches_outside_the_tiff() {
        let t = tiff_with_gps(false);
        for cut in 0..t.len() {
            let mut out = Vec::new();
            gps_patches(&t[..cut], 7, &mut out);
            for p in out {
                assert!(p.offset >= 7 && p.offset + u64::from(p.len) <= 7 + cut as u64);
            }
        }
    }
}
