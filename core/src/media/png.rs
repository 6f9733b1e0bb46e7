//! PNG: location removal from the chunks that carry EXIF and XMP.
//!
//! - `eXIf` (a TIFF structure, sometimes after `Exif\0\0`): the GPS IFD is emptied ([`tiff`]);
//! - `iTXt` with keyword `XML:com.adobe.xmp`, uncompressed: `exif:GPS…` values are blanked
//!   ([`xmp`]);
//! - `tEXt` "Raw profile type exif" / "APP1" / "xmp" (ImageMagick's hex dump of the
//!   profile): the same, on the decoded bytes, written back as hex digits.
//!
//! Each patched chunk gets its CRC-32 rewritten (over its type and patched data), so the
//! shared copy is a valid PNG. Compressed chunks (`zTXt`, compressed `iTXt`) with XMP or a
//! raw profile are inflated ([`inflate`]) to see whether they hold a location: if they do,
//! it cannot be removed without recompressing them: [`Uncleanable::CompressedMetadata`].

use super::strip::{write_bytes, Patch, Uncleanable};
use super::{inflate, tiff, xmp};

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const XMP_KEYWORD: &[u8] = b"XML:com.adobe.xmp";
/// Most bytes inflated to look inside compressed metadata.
const MAX_INFLATED: usize = 8 << 20;
/// ImageMagick's text chunks holding EXIF or XMP as hex.
const RAW_PROFILES: [&[u8]; 3] = [b"Raw profile type exif", b"Raw profile type APP1", b"Raw profile type xmp"];

/// CRC-32 (ISO 3309, as PNG uses it) of `parts` in turn.
pub fn crc32(parts: &[&[u8]]) -> u32 {
    let mut crc = u32::MAX;
    for &byte in parts.iter().flat_map(|p| p.iter()) {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// One chunk: its type and where its data is.
struct Chunk {
    kind: [u8; 4],
    data: usize,
    len: usize,
}

/// Whether a text chunk's keyword names metadata that may hold location.
fn is_metadata_keyword(keyword: &[u8]) -> bool {
    keyword == XMP_KEYWORD || RAW_PROFILES.iter().any(|p| keyword.eq_ignore_ascii_case(p))
}

/// Hex digit of a nibble (lowercase, as ImageMagick writes).
fn hex_digit(n: u8) -> u8 {
    match n {
        0..=9 => b'0'.saturating_add(n),
        _ => b'a'.saturating_add(n.saturating_sub(10)),
    }
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c.saturating_sub(b'0')),
        b'a'..=b'f' => Some(c.saturating_sub(b'a').saturating_add(10)),
        b'A'..=b'F' => Some(c.saturating_sub(b'A').saturating_add(10)),
        _ => None,
    }
}

/// Patches for an ImageMagick raw profile `text` (after the keyword) at offset `at`: a
/// blank line, the profile name, its length, then the bytes as hex digits with line breaks.
fn raw_profile(text: &[u8], at: u64, out: &mut Vec<Patch>) -> Option<()> {
    // Skip the three header lines.
    let mut start = 0usize;
    for _ in 0..3 {
        let nl = text.get(start..)?.iter().position(|&c| c == b'\n')?;
        start = start.checked_add(nl)?.checked_add(1)?;
    }
    // Decode, remembering where each byte's two digits are.
    let (mut bytes, mut places, mut high) = (Vec::new(), Vec::new(), None);
    for (i, &c) in text.iter().enumerate().skip(start) {
        let Some(n) = nibble(c) else {
            if c.is_ascii_whitespace() {
                continue;
            }
            return None;
        };
        match high.take() {
            None => high = Some((n, i)),
            Some((h, hi)) => {
                bytes.push((h << 4) | n);
                places.push((hi, i));
            }
        }
    }
    let mut decoded = Vec::new();
    let tiff_at = if bytes.starts_with(b"Exif\0\0") { 6 } else { 0 };
    if tiff::gps_patches(bytes.get(tiff_at..)?, tiff_at as u64, &mut decoded).is_none() {
        xmp::gps_patches(&bytes, 0, &mut decoded);
    }
    // Write the patched bytes back as hex digits, one patch per run of equal digits.
    let mut text_out = text.to_vec();
    for p in &decoded {
        let from = usize::try_from(p.offset).ok()?;
        let to = from.checked_add(usize::try_from(p.len).ok()?)?;
        for &(hi, lo) in places.get(from..to)? {
            *text_out.get_mut(hi)? = hex_digit(p.fill >> 4);
            *text_out.get_mut(lo)? = hex_digit(p.fill & 15);
        }
    }
    let changed = text.iter().zip(&text_out).enumerate().filter(|(_, (a, b))| a != b).map(|(i, _)| i);
    for i in changed {
        let offset = at.checked_add(u64::try_from(i).ok()?)?;
        write_bytes(offset, text_out.get(i..=i)?, out);
    }
    Some(())
}

/// Patches for the text of a metadata chunk: XMP, or an ImageMagick raw profile.
fn metadata_text(keyword: &[u8], text: &[u8], at: u64, out: &mut Vec<Patch>) {
    if keyword == XMP_KEYWORD {
        xmp::gps_patches(text, at, out);
    } else {
        raw_profile(text, at, out);
    }
}

/// Whether compressed metadata text holds a location (which cannot be removed in place).
///
/// # Errors
/// [`Uncleanable::Malformed`] when it does not inflate.
fn compressed_has_location(keyword: &[u8], zlib: &[u8]) -> Result<bool, Uncleanable> {
    let text = inflate::zlib(zlib, MAX_INFLATED).ok_or(Uncleanable::Malformed)?;
    let mut found = Vec::new();
    metadata_text(keyword, &text, 0, &mut found);
    Ok(!found.is_empty())
}

/// Patches for a text chunk (`tEXt`, `zTXt`, `iTXt`) with data `d` at offset `at`.
///
/// # Errors
/// [`Uncleanable::CompressedMetadata`] for compressed metadata holding a location.
fn text_chunk(kind: &[u8; 4], d: &[u8], at: u64, out: &mut Vec<Patch>) -> Result<(), Uncleanable> {
    let Some(nul) = d.iter().position(|&c| c == 0) else { return Ok(()) };
    let (keyword, rest) = (d.get(..nul).unwrap_or_default(), d.get(nul.saturating_add(1)..).unwrap_or_default());
    if !is_metadata_keyword(keyword) {
        return Ok(());
    }
    let rest_at = at.saturating_add(u64::try_from(nul).unwrap_or(u64::MAX)).saturating_add(1);
    let (compressed, text, text_at) = match kind {
        // zTXt: compression method, compressed text.
        b"zTXt" => (true, rest.get(1..).unwrap_or_default(), rest_at),
        b"tEXt" => (false, rest, rest_at),
        _ => {
            // iTXt: compression flag, method, language tag, translated keyword, text.
            let mut skip = 2usize;
            for _ in 0..2 {
                let Some(n) = rest.get(skip..).and_then(|r| r.iter().position(|&c| c == 0)) else { return Ok(()) };
                skip = skip.saturating_add(n).saturating_add(1);
            }
            let text_at = rest_at.saturating_add(u64::try_from(skip).unwrap_or(u64::MAX));
            (rest.first().is_some_and(|&flag| flag != 0), rest.get(skip..).unwrap_or_default(), text_at)
        }
    };
    if !compressed {
        metadata_text(keyword, text, text_at, out);
    } else if compressed_has_location(keyword, text)? {
        return Err(Uncleanable::CompressedMetadata);
    }
    Ok(())
}

/// The chunks of a PNG. A chunk cut off by the end of the file ends the list, unless it
/// may hold location.
fn chunks(bytes: &[u8]) -> Result<Vec<Chunk>, Uncleanable> {
    if !bytes.starts_with(SIGNATURE) {
        return Err(Uncleanable::Malformed);
    }
    let mut out = Vec::new();
    let mut at = SIGNATURE.len();
    while let Some(head) = at.checked_add(8).and_then(|end| bytes.get(at..end)) {
        let head: [u8; 8] = head.try_into().map_err(|_| Uncleanable::Malformed)?;
        let len = usize::try_from(u32::from_be_bytes([head[0], head[1], head[2], head[3]])).unwrap_or(usize::MAX);
        let kind = [head[4], head[5], head[6], head[7]];
        let data = at.saturating_add(8);
        let end = data.checked_add(len).and_then(|e| e.checked_add(4)).filter(|&e| e <= bytes.len());
        let Some(end) = end else {
            return match &kind {
                b"eXIf" | b"iTXt" | b"tEXt" | b"zTXt" => Err(Uncleanable::Malformed),
                _ => Ok(out),
            };
        };
        out.push(Chunk { kind, data, len });
        if &kind == b"IEND" {
            break;
        }
        at = end;
    }
    Ok(out)
}

/// The patches that remove location from a PNG.
///
/// # Errors
/// [`Uncleanable::CompressedMetadata`] for compressed XMP or raw profiles;
/// [`Uncleanable::Malformed`] for a file that is not PNG or a metadata chunk cut off.
pub fn location_patches(bytes: &[u8]) -> Result<Vec<Patch>, Uncleanable> {
    let mut out = Vec::new();
    for c in chunks(bytes)? {
        let Some(d) = c.data.checked_add(c.len).and_then(|end| bytes.get(c.data..end)) else { continue };
        let at = u64::try_from(c.data).map_err(|_| Uncleanable::Malformed)?;
        let mut patches = Vec::new();
        match &c.kind {
            b"eXIf" => {
                let skip = if d.starts_with(b"Exif\0\0") { 6 } else { 0 };
                tiff::gps_patches(d.get(skip..).unwrap_or_default(), at.saturating_add(skip as u64), &mut patches);
            }
            b"tEXt" | b"zTXt" | b"iTXt" => text_chunk(&c.kind, d, at, &mut patches)?,
            _ => continue,
        }
        if patches.is_empty() {
            continue;
        }
        // The CRC over the chunk type and its patched data.
        let mut patched = d.to_vec();
        for p in &patches {
            let from = p.offset.checked_sub(at).and_then(|o| usize::try_from(o).ok());
            let range = from.and_then(|f| Some(f..f.checked_add(usize::try_from(p.len).ok()?)?));
            if let Some(r) = range.and_then(|r| patched.get_mut(r)) {
                r.fill(p.fill);
            }
        }
        let crc = crc32(&[&c.kind, &patched]).to_be_bytes();
        out.append(&mut patches);
        let crc_at = at.checked_add(u64::try_from(c.len).map_err(|_| Uncleanable::Malformed)?);
        write_bytes(crc_at.ok_or(Uncleanable::Malformed)?, &crc, &mut out);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::strip::apply;
    use super::*;

    pub(crate) fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        c.extend_from_slice(&crc32(&[kind, data]).to_be_bytes());
        c
    }

    fn png(chunks: &[Vec<u8>]) -> Vec<u8> {
        let ihdr = chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
        [SIGNATURE.to_vec(), ihdr, chunks.concat(), chunk(b"IEND", b"")].concat()
    }

    /// Checks every chunk's CRC.
    fn crcs_ok(f: &[u8]) -> bool {
        let mut at = 8;
        while at < f.len() {
            let len = u32::from_be_bytes(f[at..at + 4].try_into().unwrap()) as usize;
            let crc = u32::from_be_bytes(f[at + 8 + len..at + 12 + len].try_into().unwrap());
            if crc32(&[&f[at + 4..at + 8 + len]]) != crc {
                return false;
            }
            at += 12 + len;
        }
        true
    }

    #[test]
    fn crc_matches_the_standard() {
        assert_eq!(crc32(&[b"IEND"]), 0xAE42_6082);
        assert_eq!(crc32(&[b"123456789"]), 0xCBF4_3926);
    }

    #[test]
    fn exif_and_xmp_with_crcs() {
        let tiff = super::super::tiff::tests::tiff_with_gps(false);
        let xmp = b"XML:com.adobe.xmp\0\0\0\0\0<x exif:GPSLatitude=\"52,31N\"/>";
        let f = png(&[chunk(b"eXIf", &tiff), chunk(b"iTXt", xmp), chunk(b"tEXt", b"Comment\0hello")]);
        let p = location_patches(&f).unwrap();
        let s = apply(&f, &p);
        assert!(crcs_ok(&f) && crcs_ok(&s));
        assert!(!String::from_utf8_lossy(&s).contains("52,31N"));
        let mut again = Vec::new();
        assert_eq!(tiff::gps_patches(&s[41..41 + tiff.len()], 0, &mut again), Some(()));
        assert!(again.iter().all(|p| s[p.offset as usize + 41..][..p.len as usize].iter().all(|&b| b == 0)));
    }

    #[test]
    fn raw_profile_hex_is_cleaned() {
        let tiff = super::super::tiff::tests::tiff_with_gps(true);
        let hex: String = tiff.iter().map(|b| format!("{b:02x}")).collect();
        let lines: Vec<&str> = hex.as_bytes().chunks(72).map(|c| std::str::from_utf8(c).unwrap()).collect();
        let text = format!("Raw profile type exif\0\nexif\n{:8}\n{}\n", tiff.len(), lines.join("\n"));
        let f = png(&[chunk(b"tEXt", text.as_bytes())]);
        let s = apply(&f, &location_patches(&f).unwrap());
        assert!(crcs_ok(&s));
        let out = String::from_utf8(s[33 + 8 + 22..s.len() - 16].to_vec()).unwrap();
        let decoded: Vec<u8> = out
            .lines()
            .skip(3)
            .flat_map(|l| {
                l.as_bytes()
                    .chunks(2)
                    .map(|c| u8::from_str_radix(std::str::from_utf8(c).unwrap(), 16).unwrap())
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut expect = tiff.clone();
        expect[38..68].fill(0);
        expect[68..92].fill(0);
        assert_eq!(decoded, expect);
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
    }

    #[test]
    fn compressed_metadata_is_looked_into() {
        let tiff = super::super::tiff::tests::tiff_with_gps(false);
        let hex: String = tiff.iter().map(|b| format!("{b:02x}")).collect();
        let profile = format!("\nexif\n{:8}\n{hex}\n", tiff.len());
        let xmp_gps = b"<x exif:GPSLatitude=\"52,31N\"/>";
        let xmp_none = b"<x tiff:Make=\"Cam\"/>";
        let z = |kw: &[u8], text: &[u8]| png(&[chunk(b"zTXt", &[kw, b"\0\0", &zlib(text)].concat())]);
        let i = |kw: &[u8], text: &[u8]| png(&[chunk(b"iTXt", &[kw, b"\0\x01\0\0\0", &zlib(text)].concat())]);
        let cm = Err(Uncleanable::CompressedMetadata);
        assert_eq!(location_patches(&z(b"Raw profile type exif", profile.as_bytes())), cm);
        assert_eq!(location_patches(&i(b"Raw profile type APP1", profile.as_bytes())), cm);
        assert_eq!(location_patches(&i(XMP_KEYWORD, xmp_gps)), cm);
        assert_eq!(location_patches(&z(XMP_KEYWORD, xmp_gps)), cm);
        assert_eq!(location_patches(&i(XMP_KEYWORD, xmp_none)), Ok(vec![]));
        assert_eq!(location_patches(&z(b"Comment", xmp_gps)), Ok(vec![]));
        let broken = png(&[chunk(b"zTXt", b"Raw profile type exif\0\0x\x9c")]);
        assert_eq!(location_patches(&broken), Err(Uncleanable::Malformed));
    }

    #[test]
    fn hostile_png_never_panics() {
        let tiff = super::super::tiff::tests::tiff_with_gps(false);
        let f = png(&[chunk(b"eXIf", &tiff), chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<x exif:GPSA=\"1\"/>")]);
        for cut in 0..f.len() {
            if let Ok(p) = location_patches(&f[..cut]) {
                assert!(p.iter().all(|p| p.offset + u64::from(p.len) <= cut as u64));
            }
        }
        for i in 0..f.len() {
            let mut g = f.clone();
            g[i] ^= 0xA5;
            if let Ok(p) = location_patches(&g) {
                assert!(p.iter().all(|p| p.offset + u64::from(p.len) <= g.len() as u64));
            }
        }
    }
}
