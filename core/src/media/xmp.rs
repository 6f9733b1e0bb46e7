//! Blanking the `exif:GPS…` values of an XMP packet in place, for every container that
//! carries one: a JPEG's APP1 segment, a HEIF `mime` item, a PNG `iTXt` chunk, a WebP
//! `XMP ` chunk, an MP4 `XMP_` or XMP `uuid` box.
//!
//! Each value (the text of an attribute `exif:GPSLatitude="…"` or of an element
//! `<exif:GPSLatitude>…</exif:GPSLatitude>`) is overwritten with spaces, so the packet keeps
//! its length and stays well-formed XML, and a reader finds an empty (unparseable) position.

use super::strip::Patch;

const NEEDLE: &[u8] = b"exif:GPS";

/// Where the value of the property whose name ends just before `j` lies in `packet`:
/// `(start, len)`.
fn value_at(packet: &[u8], j: usize) -> Option<(usize, usize)> {
    let after = j.checked_add(1)?;
    match packet.get(j)? {
        b'=' => {
            let quote = *packet.get(after)?;
            let start = after.checked_add(1)?;
            let len = packet.get(start..)?.iter().position(|&c| c == quote)?;
            Some((start, len))
        }
        b'>' => Some((after, packet.get(after..)?.iter().position(|&c| c == b'<')?)),
        _ => None,
    }
}

/// Appends to `out` the patches that blank every `exif:GPS…` value of `packet`, an XMP
/// packet (or any text holding one) at byte offset `at` of the file.
pub fn gps_patches(packet: &[u8], at: u64, out: &mut Vec<Patch>) {
    let mut i = 0;
    while let Some(found) = packet.get(i..).and_then(|rest| rest.windows(NEEDLE.len()).position(|w| w == NEEDLE)) {
        let Some(mut j) = i.checked_add(found).and_then(|f| f.checked_add(NEEDLE.len())) else { return };
        while packet.get(j).is_some_and(u8::is_ascii_alphanumeric) {
            j = j.saturating_add(1);
        }
        if let Some((start, len)) = value_at(packet, j) {
            let patch = u64::try_from(start).ok().and_then(|s| at.checked_add(s)).zip(u32::try_from(len).ok());
            if let Some((offset, len)) = patch.filter(|&(_, len)| len > 0) {
                out.push(Patch { offset, len, fill: b' ' });
            }
        }
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blanked(packet: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        gps_patches(packet, 0, &mut out);
        let mut p = packet.to_vec();
        for patch in out {
            let start = patch.offset as usize;
            p[start..start + patch.len as usize].fill(patch.fill);
        }
        p
    }

    #[test]
    fn blanks_attributes_and_elements() {
        let x = br#"<rdf:Description exif:GPSLatitude="52,31.5N" exif:GPSLongitude='13,24E' tiff:Make="Cam"><exif:GPSAltitude>34/1</exif:GPSAltitude></rdf:Description>"#;
        let b = blanked(x);
        assert_eq!(b.len(), x.len());
        let s = String::from_utf8(b).unwrap();
        assert!(s.contains(r#"exif:GPSLatitude="        ""#), "{s}");
        assert!(s.contains("exif:GPSLongitude='      '"), "{s}");
        assert!(s.contains("<exif:GPSAltitude>    </exif:GPSAltitude>"), "{s}");
        assert!(s.contains(r#"tiff:Make="Cam""#));
    }

    #[test]
    fn survives_cut_packets() {
        let x = br#"<x exif:GPSLatitude="52,31.5N" exif:GPSLongitude>1</exif:GPSLongitude>"#;
        for cut in 0..x.len() {
            let mut out = Vec::new();
            gps_patches(&x[..cut], 3, &mut out);
            assert!(out.iter().all(|p| p.offset >= 3 && p.offset + u64::from(p.len) <= 3 + cut as u64));
        }
    }
}
