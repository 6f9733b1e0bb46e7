//! WebP: location removal from the RIFF chunks that carry EXIF and XMP.
//!
//! The `EXIF` chunk holds a TIFF structure (some writers put JPEG's `Exif\0\0` before it):
//! its GPS IFD is emptied ([`tiff`]). The `XMP ` chunk holds an XMP packet: its
//! `exif:GPS…` values are blanked ([`xmp`]). RIFF has no checksums, so nothing else changes.

use super::strip::{Patch, Uncleanable};
use super::{tiff, xmp};

/// The patches that remove location from a WebP file.
///
/// # Errors
/// [`Uncleanable::Malformed`] for a file that is not WebP, or an `EXIF` or `XMP ` chunk
/// cut off by the end of the file.
pub fn location_patches(bytes: &[u8]) -> Result<Vec<Patch>, Uncleanable> {
    let m = Uncleanable::Malformed;
    let head: [u8; 12] = bytes.get(..12).and_then(|h| h.try_into().ok()).ok_or(m)?;
    if &head[..4] != b"RIFF" || &head[8..] != b"WEBP" {
        return Err(m);
    }
    // The RIFF size counts from byte 8; a file cut short ends earlier.
    let riff_end = usize::try_from(u32::from_le_bytes([head[4], head[5], head[6], head[7]])).map_err(|_| m)?;
    let end = riff_end.saturating_add(8).min(bytes.len());
    let mut out = Vec::new();
    let mut at = 12usize;
    while let Some(h) = at.checked_add(8).filter(|&e| e <= end).and_then(|e| bytes.get(at..e)) {
        let h: [u8; 8] = h.try_into().map_err(|_| m)?;
        let kind = [h[0], h[1], h[2], h[3]];
        let len = usize::try_from(u32::from_le_bytes([h[4], h[5], h[6], h[7]])).map_err(|_| m)?;
        let data = at.saturating_add(8);
        let data_end = data.checked_add(len).ok_or(m)?;
        let payload = bytes.get(data..data_end.min(end)).unwrap_or_default();
        let metadata = matches!(&kind, b"EXIF" | b"XMP ");
        if metadata && data_end > end {
            return Err(m);
        }
        let offset = u64::try_from(data).map_err(|_| m)?;
        match &kind {
            b"EXIF" => {
                let skip = if payload.starts_with(b"Exif\0\0") { 6 } else { 0 };
                tiff::gps_patches(
                    payload.get(skip..).unwrap_or_default(),
                    offset.saturating_add(skip as u64),
                    &mut out,
                );
            }
            b"XMP " => xmp::gps_patches(payload, offset, &mut out),
            _ => {}
        }
        // Chunks are padded to an even length.
        at = data_end.checked_add(len & 1).ok_or(m)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::strip::apply;
    use super::*;

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = kind.to_vec();
        c.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
        c.extend_from_slice(data);
        if data.len() % 2 == 1 {
            c.push(0);
        }
        c
    }

    fn webp(chunks: &[Vec<u8>]) -> Vec<u8> {
        let body = [b"WEBP".to_vec(), chunk(b"VP8X", &[0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0]), chunks.concat()].concat();
        let mut f = b"RIFF".to_vec();
        f.extend_from_slice(&u32::try_from(body.len()).unwrap().to_le_bytes());
        f.extend(body);
        f
    }

    #[test]
    fn exif_with_and_without_prefix_and_xmp() {
        let tiff = super::super::tiff::tests::tiff_with_gps(false);
        let prefixed = [b"Exif\0\0".as_slice(), &tiff].concat();
        let xmp = b"<x exif:GPSLongitude=\"13,24E\"/>";
        for exif in [tiff.clone(), prefixed] {
            let f = webp(&[chunk(b"VP8 ", &[1, 2, 3]), chunk(b"EXIF", &exif), chunk(b"XMP ", xmp)]);
            let p = location_patches(&f).unwrap();
            assert_eq!(p.len(), 3);
            let s = apply(&f, &p);
            let at = f.windows(4).position(|w| w == b"EXIF").unwrap() + 8 + exif.len() - tiff.len();
            assert!(s[at + 38..at + 92].iter().all(|&b| b == 0));
            assert!(!String::from_utf8_lossy(&s).contains("13,24E"));
        }
    }

    #[test]
    fn hostile_webp_never_panics() {
        let f =
            webp(&[chunk(b"EXIF", &super::super::tiff::tests::tiff_with_gps(true)), chunk(b"XMP ", b"exif:GPSA='1'")]);
        for cut in 0..f.len() {
            if let Ok(p) = location_patches(&f[..cut]) {
                assert!(p.iter().all(|p| p.offset + u64::from(p.len) <= cut as u64));
            }
        }
        for i in 0..f.len() {
            let mut g = f.clone();
            g[i] ^= 0x5A;
            if let Ok(p) = location_patches(&g) {
                assert!(p.iter().all(|p| p.offset + u64::from(p.len) <= g.len() as u64));
            }
        }
        assert_eq!(location_patches(b"RIFF\0\0\0\0WEBX"), Err(Uncleanable::Malformed));
    }
}
