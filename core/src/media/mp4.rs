//! MP4, M4V, 3GP and QuickTime MOV videos: location removal from the container, detection
//! of location it cannot remove, and the upright size and length of the video.
//!
//! Where videos keep their location, and what becomes of it in the shared copy:
//! - `udta/©xyz` (Android, QuickTime; an ISO 6709 string) and `udta/loci` (3GPP) anywhere
//!   under `moov`: the box becomes a `free` box of the same size, its payload zeroed — every
//!   reader skips `free` boxes;
//! - `meta` boxes (`moov/meta`, `moov/udta/meta`, `trak/meta`; QuickTime's plain box or
//!   ISO's full box) whose `keys` name an item `com.apple.quicktime.location.*` (the iPhone's
//!   ISO 6709 position, accuracy, name…): the `ilst` item stays in place with its `data`
//!   atom header, its key index becomes 0 ("no key": FFmpeg skips it with a warning,
//!   exiftool ignores it) and its value is zeroed. A `free` item would be cleaner for
//!   FFmpeg and exiftool, but readers that pair `keys` with `ilst` items by position
//!   (nom-exif, which the core reads metadata with) stop at it and lose every later item
//!   (the iPhone's creation date comes after the location); a zeroed value alone is read
//!   by exiftool as "0 deg 0' 0.00\" N", a position at 0°, 0°. In an `ilst` without `keys`
//!   (iTunes style), a `©xyz` item becomes a `free` box;
//! - XMP in `udta/XMP_` or a `uuid` box (BE7ACFCB-97A9-42E8-9C71-999491E3AFAC), and in an
//!   ISO `meta/xml `: `exif:GPS…` values are blanked ([`xmp`]).
//!
//! Positions recorded frame by frame in a timed metadata track — GoPro GPMF (`gpmd`),
//! Google camera motion (`camm`), DJI (`djmd`), Apple timed metadata (`mebx`) whose keys
//! name a location — or in a Novatek dash camera's `gps ` box live in the media data and
//! cannot be removed without rewriting the file: they are reported as
//! [`Uncleanable::Telemetry`]; a compressed movie header (`cmov`) as
//! [`Uncleanable::CompressedMetadata`].

use super::isobmff::{BoxRef, Reader, Walker};
use super::strip::{write_bytes, Patch, Uncleanable};
use super::xmp;

/// The `uuid` of an XMP box (Adobe XMP specification, part 3).
pub const XMP_UUID: [u8; 16] =
    [0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC];
/// Keys of Apple's location items (`…location.ISO6709`, `…location.accuracy.horizontal`, …).
const LOCATION_KEY: &[u8] = b"com.apple.quicktime.location";
/// QuickTime's `©xyz` (an ISO 6709 position).
const XYZ: [u8; 4] = *b"\xA9xyz";
/// Sample entries of timed metadata that record positions.
const TELEMETRY: [&[u8; 4]; 3] = [b"gpmd", b"camm", b"djmd"];

/// The patches that remove location from an MP4/MOV file.
///
/// # Errors
/// [`Uncleanable::Telemetry`] for a GPS telemetry track; [`Uncleanable::Malformed`] when
/// the boxes that may hold location cannot be walked (a cut-off `moov`, bad sizes).
pub fn location_patches(bytes: &[u8]) -> Result<Vec<Patch>, Uncleanable> {
    let mut w = Walker::new(bytes);
    let mut out = Vec::new();
    for b in w.top()? {
        if b.cut && matches!(&b.kind, b"moov" | b"meta" | b"udta" | b"moof") {
            return Err(Uncleanable::Malformed);
        }
        visit(&mut w, &b, &mut out)?;
    }
    Ok(out)
}

/// Handles one box and, for containers, its children.
fn visit(w: &mut Walker<'_>, b: &BoxRef, out: &mut Vec<Patch>) -> Result<(), Uncleanable> {
    match &b.kind {
        b"moov" | b"trak" | b"mdia" | b"minf" | b"stbl" | b"edts" | b"moof" | b"traf" => {
            for c in w.children(b, 0)? {
                visit(w, &c, out)?;
            }
        }
        b"udta" => udta(w, b, out)?,
        b"meta" => meta(w, b, out)?,
        b"stsd" => sample_entries(w, b)?,
        b"gps " => return Err(Uncleanable::Telemetry),
        // A compressed movie header (old QuickTime) may hold any of the above.
        b"cmov" => return Err(Uncleanable::CompressedMetadata),
        b"uuid" if b.uuid == Some(XMP_UUID) => blank_xmp(w.bytes(), b, 0, out),
        _ => {}
    }
    Ok(())
}

/// A user data box: `©xyz` and `loci` become `free`, XMP is blanked.
fn udta(w: &mut Walker<'_>, b: &BoxRef, out: &mut Vec<Patch>) -> Result<(), Uncleanable> {
    for c in w.children(b, 0)? {
        match &c.kind {
            k if *k == XYZ || k == b"loci" => to_free(&c, out),
            b"XMP_" => blank_xmp(w.bytes(), &c, 0, out),
            _ => visit(w, &c, out)?,
        }
    }
    Ok(())
}

/// Rewrites `b` as a `free` box of the same size with a zeroed payload (a 64-bit size
/// stays as it is).
fn to_free(b: &BoxRef, out: &mut Vec<Patch>) {
    let (Ok(start), Ok(body), Ok(len)) =
        (u64::try_from(b.start), u64::try_from(b.body), u32::try_from(b.end.saturating_sub(b.body)))
    else {
        return;
    };
    write_bytes(start.saturating_add(4), b"free", out);
    if len > 0 {
        out.push(Patch { offset: body, len, fill: 0 });
    }
}

fn blank_xmp(bytes: &[u8], b: &BoxRef, skip: usize, out: &mut Vec<Patch>) {
    let Some(at) = b.body.checked_add(skip) else { return };
    if let (Some(packet), Ok(offset)) = (bytes.get(at..b.end), u64::try_from(at)) {
        xmp::gps_patches(packet, offset, out);
    }
}

/// The key names of a `keys` box, in order (item `n` of an `ilst` is key `n`, from 1).
fn key_names<'a>(bytes: &'a [u8], b: &BoxRef) -> Option<Vec<&'a [u8]>> {
    let mut r = Reader::payload(bytes, b, 4);
    let count = r.u32()?;
    let mut out = Vec::new();
    for _ in 0..count {
        let size = usize::try_from(r.u32()?).ok()?;
        r.skip(4)?; // namespace, "mdta"
        out.push(r.take(size.checked_sub(8)?)?);
    }
    Some(out)
}

/// A `meta` box: QuickTime's (no version and flags) or ISO's (a full box).
fn meta(w: &mut Walker<'_>, b: &BoxRef, out: &mut Vec<Patch>) -> Result<(), Uncleanable> {
    let bytes = w.bytes();
    // ISO's has version and flags before the `hdlr`; QuickTime's starts with the `hdlr`.
    let p = b.payload(bytes);
    let full = p.get(8..12) == Some(b"hdlr") || (p.get(4..8) != Some(b"hdlr") && p.get(..4) == Some(&[0; 4]));
    let children = w.children(b, if full { 4 } else { 0 })?;
    let keys = match children.iter().find(|c| &c.kind == b"keys") {
        Some(k) => key_names(bytes, k).ok_or(Uncleanable::Malformed)?,
        None => Vec::new(),
    };
    for c in &children {
        match &c.kind {
            b"ilst" => ilst(w, c, &keys, out)?,
            b"xml " => blank_xmp(bytes, c, 4, out),
            b"keys" | b"hdlr" => {}
            _ => visit(w, c, out)?,
        }
    }
    Ok(())
}

/// An item list. A location item of a keyed list (QuickTime `keys`) keeps its place and
/// size: its key index becomes 0 (no key, which readers skip) and its values are zeroed.
/// In a list without keys (iTunes style), the item becomes a `free` box.
fn ilst(w: &mut Walker<'_>, b: &BoxRef, keys: &[&[u8]], out: &mut Vec<Patch>) -> Result<(), Uncleanable> {
    for item in w.children(b, 0)? {
        let index = usize::try_from(u32::from_be_bytes(item.kind)).ok().and_then(|i| i.checked_sub(1));
        let key = index.and_then(|i| keys.get(i));
        if item.kind != XYZ && !key.is_some_and(|k| k.starts_with(LOCATION_KEY)) {
            continue;
        }
        if keys.is_empty() {
            to_free(&item, out);
            continue;
        }
        let start = u64::try_from(item.start).map_err(|_| Uncleanable::Malformed)?;
        out.push(Patch { offset: start.saturating_add(4), len: 4, fill: 0 });
        for value in w.children(&item, 0)? {
            // A `data` atom: type (4 bytes), locale (4 bytes), then the value.
            let (Some(start), Ok(len)) =
                (value.body.checked_add(8), u32::try_from(value.end.saturating_sub(value.body)))
            else {
                continue;
            };
            if &value.kind == b"data" && len > 8 {
                let offset = u64::try_from(start).map_err(|_| Uncleanable::Malformed)?;
                out.push(Patch { offset, len: len.saturating_sub(8), fill: 0 });
            }
        }
    }
    Ok(())
}

/// The sample descriptions of a track: telemetry makes the file uncleanable.
fn sample_entries(w: &mut Walker<'_>, stsd: &BoxRef) -> Result<(), Uncleanable> {
    let bytes = w.bytes();
    for entry in w.children(stsd, 8)? {
        let timed_location = &entry.kind == b"mebx" && entry.payload(bytes).windows(8).any(|k| k == b"location");
        if TELEMETRY.contains(&&entry.kind) || timed_location {
            return Err(Uncleanable::Telemetry);
        }
    }
    Ok(())
}

/// Duration in milliseconds from an `mvhd` box (`None` when unknown).
fn movie_duration(bytes: &[u8], mvhd: &BoxRef) -> Option<u64> {
    let (version, _) = mvhd.full_header(bytes)?;
    let mut r = Reader::payload(bytes, mvhd, 4);
    let (scale, duration) = if version == 1 {
        r.skip(16)?;
        (r.u32()?, r.u64()?)
    } else {
        r.skip(8)?;
        (r.u32()?, r.u32().filter(|&d| d != u32::MAX).map(u64::from)?)
    };
    let ms = u128::from(duration).checked_mul(1000)?.checked_div(u128::from(scale))?;
    u64::try_from(ms).ok().filter(|&ms| ms > 0)
}

/// Upright display size from a `tkhd` box: its 16.16 width and height, swapped when the
/// matrix turns the picture a quarter.
fn track_size(bytes: &[u8], tkhd: &BoxRef) -> Option<(u32, u32)> {
    let (version, _) = tkhd.full_header(bytes)?;
    let mut r = Reader::payload(bytes, tkhd, 4);
    r.skip(if version == 1 { 32 } else { 20 })?;
    r.skip(16)?; // reserved, layer, alternate group, volume, reserved
    let (a, b) = (r.u32()? as i32, r.u32()? as i32);
    r.skip(28)?;
    let (width, height) = (r.u32()? >> 16, r.u32()? >> 16);
    let quarter_turn = b.unsigned_abs() > a.unsigned_abs();
    Some(if quarter_turn { (height, width) } else { (width, height) }).filter(|&(w, h)| w > 0 && h > 0)
}

/// The handler type of a track (`vide`, `soun`, `meta`…).
fn handler(w: &mut Walker<'_>, trak: &BoxRef) -> Option<[u8; 4]> {
    let mdia = w.child(trak, 0, b"mdia").ok()??;
    let hdlr = w.child(&mdia, 0, b"hdlr").ok()??;
    Reader::payload(w.bytes(), &hdlr, 8).take(4)?.try_into().ok()
}

/// The first video track's upright display width and height, and the movie's duration
/// in milliseconds. `None` without a readable video track.
pub fn video_info(bytes: &[u8]) -> Option<(u32, u32, Option<u64>)> {
    let mut w = Walker::new(bytes);
    let moov = w.top().ok()?.into_iter().find(|b| &b.kind == b"moov")?;
    let children = w.children(&moov, 0).ok()?;
    let mut duration = children.iter().find(|b| &b.kind == b"mvhd").and_then(|m| movie_duration(bytes, m));
    if duration.is_none() {
        // A fragmented file keeps its length in mvex/mehd.
        let mvex = children.iter().find(|b| &b.kind == b"mvex");
        let mehd = mvex.and_then(|m| w.child(m, 0, b"mehd").ok().flatten());
        duration = mehd.and_then(|m| fragment_duration(&mut w, &children, &m));
    }
    for trak in children.iter().filter(|t| &t.kind == b"trak") {
        if handler(&mut w, trak) != Some(*b"vide") {
            continue;
        }
        if let Some((width, height)) = w.child(trak, 0, b"tkhd").ok().flatten().and_then(|k| track_size(bytes, &k)) {
            return Some((width, height, duration));
        }
    }
    None
}

/// Duration in milliseconds from `mehd`, in the `mvhd`'s time scale.
fn fragment_duration(w: &mut Walker<'_>, moov: &[BoxRef], mehd: &BoxRef) -> Option<u64> {
    let bytes = w.bytes();
    let mvhd = moov.iter().find(|b| &b.kind == b"mvhd")?;
    let (version, _) = mvhd.full_header(bytes)?;
    let scale = Reader::payload(bytes, mvhd, if version == 1 { 20 } else { 12 }).u32()?;
    let (version, _) = mehd.full_header(bytes)?;
    let mut r = Reader::payload(bytes, mehd, 4);
    let duration = if version == 1 { r.u64()? } else { u64::from(r.u32()?) };
    let ms = u128::from(duration).checked_mul(1000)?.checked_div(u128::from(scale))?;
    u64::try_from(ms).ok().filter(|&ms| ms > 0)
}

#[cfg(test)]
mod tests {
    use super::super::isobmff::tests::{bx, full};
    use super::super::strip::apply;
    use super::*;

    fn keys(names: &[&str]) -> Vec<u8> {
        let mut p = u32::try_from(names.len()).unwrap().to_be_bytes().to_vec();
        for n in names {
            p.extend_from_slice(&u32::try_from(n.len() + 8).unwrap().to_be_bytes());
            p.extend_from_slice(b"mdta");
            p.extend_from_slice(n.as_bytes());
        }
        full(b"keys", 0, 0, &p)
    }

    fn item(kind: [u8; 4], text: &str) -> Vec<u8> {
        let mut data = vec![0, 0, 0, 1, 0, 0, 0, 0];
        data.extend_from_slice(text.as_bytes());
        bx(&kind, &bx(b"data", &data))
    }

    fn movie(udta: &[u8], meta: &[u8], stsd_entry: &[u8]) -> Vec<u8> {
        let mut mvhd = vec![0; 96];
        mvhd[8..12].copy_from_slice(&600u32.to_be_bytes());
        mvhd[12..16].copy_from_slice(&1234u32.to_be_bytes());
        let mut tkhd = vec![0; 80];
        tkhd[36..40].copy_from_slice(&0u32.to_be_bytes());
        tkhd[40..44].copy_from_slice(&0x0001_0000u32.to_be_bytes());
        tkhd[48..52].copy_from_slice(&0xFFFF_0000u32.to_be_bytes());
        tkhd[72..76].copy_from_slice(&(1920u32 << 16).to_be_bytes());
        tkhd[76..80].copy_from_slice(&(1080u32 << 16).to_be_bytes());
        let hdlr = full(b"hdlr", 0, 0, b"\0\0\0\0vide\0\0\0\0\0\0\0\0\0\0\0\0\0");
        let mut stsd = 1u32.to_be_bytes().to_vec();
        stsd.extend_from_slice(stsd_entry);
        let stbl = bx(b"stbl", &full(b"stsd", 0, 0, &stsd));
        let mdia = bx(b"mdia", &[hdlr, bx(b"minf", &stbl)].concat());
        let trak = bx(b"trak", &[full(b"tkhd", 0, 7, &tkhd), mdia].concat());
        let moov = bx(b"moov", &[full(b"mvhd", 0, 0, &mvhd), trak, bx(b"udta", udta), meta.to_vec()].concat());
        [bx(b"ftyp", b"qt  \0\0\0\0"), bx(b"mdat", &[0x55; 64]), moov].concat()
    }

    fn shared_text(f: &[u8]) -> String {
        let p = location_patches(f).unwrap();
        let s = apply(f, &p);
        assert_eq!(s.len(), f.len());
        String::from_utf8_lossy(&s).into_owned()
    }

    #[test]
    fn frees_xyz_and_loci() {
        let udta = [
            bx(&XYZ, b"\0\x12\x15\xc7+52.5200+013.4050/"),
            full(b"loci", 0, 0, b"\x15\xc7home\0"),
            bx(b"\xa9nam", b"x"),
        ];
        let f = movie(&udta.concat(), b"", &bx(b"avc1", &[0; 8]));
        let s = shared_text(&f);
        assert!(!s.contains("xyz") && !s.contains("loci") && !s.contains("52.52") && !s.contains("home"));
        assert_eq!(s.matches("free").count(), 2);
        assert!(s.contains("\u{FFFD}nam"));
        assert_eq!(video_info(&f), Some((1080, 1920, Some(2056))));
    }

    #[test]
    fn zeroes_location_items_only() {
        let names =
            ["com.apple.quicktime.make", "com.apple.quicktime.location.ISO6709", "com.apple.quicktime.location.name"];
        let ilst = [
            item(1u32.to_be_bytes(), "Apple"),
            item(2u32.to_be_bytes(), "+52.5200+013.4050/"),
            item(3u32.to_be_bytes(), "Berlin"),
            item(XYZ, "+1+2/"),
        ];
        let meta = bx(b"meta", &[full(b"hdlr", 0, 0, &[0; 20]), keys(&names), bx(b"ilst", &ilst.concat())].concat());
        let iso_meta =
            full(b"meta", 0, 0, &[full(b"hdlr", 0, 0, &[0; 20]), keys(&names), bx(b"ilst", &ilst.concat())].concat());
        for m in [meta, iso_meta] {
            let s = shared_text(&movie(b"", &m, &bx(b"avc1", &[0; 8])));
            assert!(s.contains("Apple") && s.contains("location.ISO6709"));
            assert!(!s.contains("52.52") && !s.contains("Berlin") && !s.contains("+1+2"));
            assert_eq!(s.matches("data").count(), 4);
        }
    }

    #[test]
    fn blanks_xmp_boxes() {
        let x = b"<x exif:GPSLatitude=\"52,31N\"/>";
        let mut u = bx(b"uuid", &[XMP_UUID.as_slice(), x].concat());
        u.truncate(u.len());
        let f = [movie(&bx(b"XMP_", x), b"", &bx(b"avc1", &[0; 8])), u].concat();
        let s = shared_text(&f);
        assert!(!s.contains("52,31N"));
    }

    #[test]
    fn telemetry_is_uncleanable() {
        for entry in [
            bx(b"gpmd", &[0; 8]),
            bx(b"camm", &[0; 8]),
            bx(b"mebx", b"\0\0\0\0\0\0\0\x01com.apple.quicktime.location.ISO6709"),
        ] {
            assert_eq!(location_patches(&movie(b"", b"", &entry)), Err(Uncleanable::Telemetry));
        }
        let face = bx(b"mebx", b"\0\0\0\0\0\0\0\x01com.apple.quicktime.detected-face");
        assert_eq!(location_patches(&movie(b"", b"", &face)), Ok(vec![]));
    }

    #[test]
    fn hostile_movies_never_panic() {
        let udta = bx(&XYZ, b"\0\x12\x15\xc7+52.5200+013.4050/");
        let f = movie(&udta, b"", &bx(b"avc1", &[0; 8]));
        for cut in 0..f.len() {
            let _ = video_info(&f[..cut]);
            if let Ok(p) = location_patches(&f[..cut]) {
                assert!(p.iter().all(|p| p.offset + u64::from(p.len) <= cut as u64));
            }
        }
        for i in 0..f.len() {
            for x in [0x01, 0x80, 0xFF] {
                let mut g = f.clone();
                g[i] ^= x;
                let _ = video_info(&g);
                if let Ok(p) = location_patches(&g) {
                    assert!(p.iter().all(|p| p.offset + u64::from(p.len) <= g.len() as u64));
                }
            }
        }
    }
}
