//! HEIF, HEIC and AVIF still images (ISO/IEC 23008-12): location removal from their
//! metadata items, and the upright size of the primary image.
//!
//! A HEIF file lists its items in the top-level `meta` box: `iinf` gives each item's type
//! (`Exif`, or `mime` with content type `application/rdf+xml` for XMP), `iloc` where its
//! bytes are (file offsets or offsets into `idat`, in one or more extents), `pitm` which
//! item is the primary image, and `iprp` its properties (`ispe` size, `irot` rotation,
//! `clap` crop). Location is removed in place: the GPS IFD of every `Exif` item is emptied
//! ([`tiff`]), the `exif:GPS…` values of every XMP item blanked ([`xmp`]); a compressed XMP
//! item is inflated ([`inflate`]) to see whether it holds a location. The core does not
//! decode HEIF, so [`dimensions`] is how it learns the size a viewer shows.

use super::isobmff::{BoxRef, Reader, Walker};
use super::strip::{Patch, Uncleanable};
use super::{inflate, tiff, xmp};
use std::borrow::Cow;
use std::ops::Range;

/// Most item extents read from an `iloc` (real files have one per item and tile).
const MAX_EXTENTS: usize = 100_000;
/// Most bytes copied to join metadata items stored in several extents.
const MAX_JOINED: usize = 16 << 20;
/// Most bytes inflated to look inside a compressed XMP item.
const MAX_INFLATED: usize = 8 << 20;

/// An item from `iinf`.
struct Item<'a> {
    id: u32,
    kind: [u8; 4],
    content_type: &'a [u8],
    encoding: &'a [u8],
}

/// An item's place from `iloc`.
struct Location {
    id: u32,
    method: u8,
    base: u64,
    /// (offset, length) pairs; length 0 runs to the end of the source.
    extents: Vec<(u64, u64)>,
}

/// What the `meta` box says.
#[derive(Default)]
struct Meta<'a> {
    primary: Option<u32>,
    items: Vec<Item<'a>>,
    locations: Vec<Location>,
    idat: Option<Range<usize>>,
    properties: Vec<BoxRef>,
    /// (item, property indexes from 1) from `ipma`.
    associations: Vec<(u32, Vec<u16>)>,
}

fn parse_infe<'a>(bytes: &'a [u8], b: &BoxRef) -> Option<Item<'a>> {
    let (version, _) = b.full_header(bytes)?;
    let mut r = Reader::payload(bytes, b, 4);
    if version < 2 {
        let id = u32::from(r.u16()?);
        r.skip(2)?;
        r.cstr()?;
        let content_type = r.cstr()?;
        return Some(Item { id, kind: *b"mime", content_type, encoding: r.cstr().unwrap_or_default() });
    }
    let id = if version == 2 { u32::from(r.u16()?) } else { r.u32()? };
    r.skip(2)?;
    let kind: [u8; 4] = r.take(4)?.try_into().ok()?;
    r.cstr()?;
    let (content_type, encoding) =
        if &kind == b"mime" { (r.cstr()?, r.cstr().unwrap_or_default()) } else { (&[][..], &[][..]) };
    Some(Item { id, kind, content_type, encoding })
}

fn parse_iloc(bytes: &[u8], b: &BoxRef) -> Option<Vec<Location>> {
    let (version, _) = b.full_header(bytes)?;
    if version > 2 {
        return None;
    }
    let mut r = Reader::payload(bytes, b, 4);
    let sizes = r.u8()?;
    let (offset_size, length_size) = (sizes >> 4, sizes & 15);
    let sizes = r.u8()?;
    let (base_size, index_size) = (sizes >> 4, if version == 0 { 0 } else { sizes & 15 });
    let count = if version < 2 { u32::from(r.u16()?) } else { r.u32()? };
    let mut out = Vec::new();
    let mut extents_left = MAX_EXTENTS;
    for _ in 0..count {
        let id = if version < 2 { u32::from(r.u16()?) } else { r.u32()? };
        let method = if version == 0 { 0 } else { (r.u16()? & 15) as u8 };
        r.skip(2)?; // data_reference_index: this file, whatever the `dref` says
        let base = r.uint(base_size)?;
        let n = usize::from(r.u16()?);
        extents_left = extents_left.checked_sub(n)?;
        let mut extents = Vec::with_capacity(n);
        for _ in 0..n {
            r.uint(index_size)?;
            extents.push((r.uint(offset_size)?, r.uint(length_size)?));
        }
        out.push(Location { id, method, base, extents });
    }
    Some(out)
}

fn parse_ipma(bytes: &[u8], b: &BoxRef, out: &mut Vec<(u32, Vec<u16>)>) -> Option<()> {
    let (version, flags) = b.full_header(bytes)?;
    let mut r = Reader::payload(bytes, b, 4);
    for _ in 0..r.u32()? {
        let id = if version < 1 { u32::from(r.u16()?) } else { r.u32()? };
        let n = r.u8()?;
        let mut props = Vec::with_capacity(usize::from(n));
        for _ in 0..n {
            props.push(if flags & 1 == 1 { r.u16()? & 0x7FFF } else { u16::from(r.u8()? & 0x7F) });
        }
        out.push((id, props));
    }
    Some(())
}

fn parse_iinf<'a>(w: &mut Walker<'a>, b: &BoxRef, meta: &mut Meta<'a>) -> Result<(), Uncleanable> {
    let bytes = w.bytes();
    let (version, _) = b.full_header(bytes).ok_or(Uncleanable::Malformed)?;
    for infe in w.children(b, if version == 0 { 6 } else { 8 })? {
        if &infe.kind == b"infe" {
            meta.items.push(parse_infe(bytes, &infe).ok_or(Uncleanable::Malformed)?);
        }
    }
    Ok(())
}

fn parse_iprp(w: &mut Walker<'_>, b: &BoxRef, meta: &mut Meta<'_>) -> Result<(), Uncleanable> {
    for c in w.children(b, 0)? {
        match &c.kind {
            b"ipco" => meta.properties = w.children(&c, 0)?,
            b"ipma" => parse_ipma(w.bytes(), &c, &mut meta.associations).ok_or(Uncleanable::Malformed)?,
            _ => {}
        }
    }
    Ok(())
}

/// Reads the top-level `meta` box.
fn parse_meta<'a>(w: &mut Walker<'a>) -> Result<Meta<'a>, Uncleanable> {
    let m = Uncleanable::Malformed;
    let meta_box = w.top()?.into_iter().find(|b| &b.kind == b"meta").filter(|b| !b.cut).ok_or(m)?;
    let bytes = w.bytes();
    let mut meta = Meta::default();
    for c in w.children(&meta_box, 4)? {
        match &c.kind {
            b"pitm" => {
                let mut r = Reader::payload(bytes, &c, 4);
                let v = c.full_header(bytes).ok_or(m)?.0;
                meta.primary = if v == 0 { r.u16().map(u32::from) } else { r.u32() };
            }
            b"iinf" => parse_iinf(w, &c, &mut meta)?,
            b"iloc" => meta.locations = parse_iloc(bytes, &c).ok_or(m)?,
            b"idat" => meta.idat = Some(c.body_range()),
            b"iprp" => parse_iprp(w, &c, &mut meta)?,
            _ => {}
        }
    }
    Ok(meta)
}

/// The byte ranges of the file holding item `id`, in order; `None` when `iloc` does not
/// place it.
fn item_ranges(meta: &Meta<'_>, file_len: usize, id: u32) -> Result<Option<Vec<Range<usize>>>, Uncleanable> {
    let m = Uncleanable::Malformed;
    let Some(loc) = meta.locations.iter().find(|l| l.id == id) else { return Ok(None) };
    let source = match loc.method {
        0 => 0..file_len,
        1 => meta.idat.clone().ok_or(m)?,
        // Offsets into another item: not written by cameras or phones.
        _ => return Err(m),
    };
    let mut out = Vec::with_capacity(loc.extents.len());
    for &(offset, length) in &loc.extents {
        let offset = loc.base.checked_add(offset).and_then(|o| usize::try_from(o).ok()).ok_or(m)?;
        let start = source.start.checked_add(offset).filter(|&s| s <= source.end).ok_or(m)?;
        let end = match length {
            0 => source.end,
            n => usize::try_from(n).ok().and_then(|n| start.checked_add(n)).filter(|&e| e <= source.end).ok_or(m)?,
        };
        out.push(start..end);
    }
    Ok(Some(out))
}

/// The item's bytes: borrowed from the file for one extent, joined for several.
fn item_data<'a>(bytes: &'a [u8], ranges: &[Range<usize>], budget: &mut usize) -> Result<Cow<'a, [u8]>, Uncleanable> {
    let m = Uncleanable::Malformed;
    if let [one] = ranges {
        return bytes.get(one.clone()).map(Cow::Borrowed).ok_or(m);
    }
    let mut joined = Vec::new();
    for r in ranges {
        *budget = budget.checked_sub(r.len()).ok_or(m)?;
        joined.extend_from_slice(bytes.get(r.clone()).ok_or(m)?);
    }
    Ok(Cow::Owned(joined))
}

/// Moves patches made on an item's joined bytes to the file ranges those bytes came from,
/// splitting a patch that spans two extents.
fn map_to_file(ranges: &[Range<usize>], local: &[Patch], out: &mut Vec<Patch>) -> Option<()> {
    for p in local {
        let (start, end) = (p.offset, p.offset.checked_add(u64::from(p.len))?);
        let mut base = 0u64;
        for r in ranges {
            let len = u64::try_from(r.len()).ok()?;
            let (from, to) = (start.max(base), end.min(base.checked_add(len)?));
            if from < to {
                let offset = u64::try_from(r.start).ok()?.checked_add(from.checked_sub(base)?)?;
                out.push(Patch { offset, len: u32::try_from(to.checked_sub(from)?).ok()?, fill: p.fill });
            }
            base = base.checked_add(len)?;
        }
    }
    Some(())
}

/// Patches for one `Exif` item's bytes: a 4-byte big-endian offset to the TIFF header,
/// then (usually) `Exif\0\0` and the TIFF structure.
fn exif_item(data: &[u8], out: &mut Vec<Patch>) {
    let Some(skip) = data.get(..4).and_then(|b| b.try_into().ok()).map(u32::from_be_bytes) else { return };
    let Some(mut at) = usize::try_from(skip).ok().and_then(|s| s.checked_add(4)) else { return };
    if data.get(at..).is_some_and(|t| t.starts_with(b"Exif\0\0")) {
        at = at.saturating_add(6);
    }
    if let (Some(t), Ok(offset)) = (data.get(at..), u64::try_from(at)) {
        tiff::gps_patches(t, offset, out);
    }
}

/// Checks a compressed XMP item: one holding a location cannot be cleaned in place.
///
/// # Errors
/// [`Uncleanable::CompressedMetadata`] when it holds a location or is compressed otherwise
/// than with `deflate`; [`Uncleanable::Malformed`] when it does not inflate.
fn compressed_xmp(encoding: &[u8], data: &[u8]) -> Result<(), Uncleanable> {
    if !encoding.eq_ignore_ascii_case(b"deflate") {
        return Err(Uncleanable::CompressedMetadata);
    }
    let text = inflate::zlib(data, MAX_INFLATED).ok_or(Uncleanable::Malformed)?;
    let mut found = Vec::new();
    xmp::gps_patches(&text, 0, &mut found);
    if found.is_empty() {
        Ok(())
    } else {
        Err(Uncleanable::CompressedMetadata)
    }
}

/// The patches that remove location from a HEIF/HEIC/AVIF file.
///
/// # Errors
/// [`Uncleanable::CompressedMetadata`] for a compressed XMP item holding a location;
/// [`Uncleanable::Malformed`] when the `meta` box or an item's place cannot be read.
pub fn location_patches(bytes: &[u8]) -> Result<Vec<Patch>, Uncleanable> {
    let mut w = Walker::new(bytes);
    let top = w.top()?;
    if !top.iter().any(|b| &b.kind == b"meta") && top.iter().any(|b| &b.kind == b"moov") {
        // An image sequence (burst, animation) without items: only its `moov`, which
        // [`super::mp4`] cleans.
        return Ok(Vec::new());
    }
    let meta = parse_meta(&mut w)?;
    let mut out = Vec::new();
    let mut budget = MAX_JOINED;
    for item in &meta.items {
        let is_exif = &item.kind == b"Exif";
        let is_xmp = &item.kind == b"mime" && item.content_type.eq_ignore_ascii_case(b"application/rdf+xml");
        if !is_exif && !is_xmp {
            continue;
        }
        let Some(ranges) = item_ranges(&meta, bytes.len(), item.id)? else { continue };
        let data = item_data(bytes, &ranges, &mut budget)?;
        if is_xmp && !item.encoding.is_empty() {
            compressed_xmp(item.encoding, &data)?;
            continue;
        }
        let mut local = Vec::new();
        if is_exif {
            exif_item(&data, &mut local);
        } else {
            xmp::gps_patches(&data, 0, &mut local);
        }
        map_to_file(&ranges, &local, &mut out).ok_or(Uncleanable::Malformed)?;
    }
    Ok(out)
}

/// Applies a `clap` (clean aperture) property to `size`: the crop's size, rounded as
/// libheif does; ignored when it is empty or larger than the image.
fn clap(bytes: &[u8], b: &BoxRef, size: (u32, u32)) -> Option<(u32, u32)> {
    let mut r = Reader::payload(bytes, b, 0);
    let mut side = || {
        let (n, d) = (r.u32()?, r.u32()?);
        let v = u64::from(n).checked_add(u64::from(d / 2))?.checked_div(u64::from(d))?;
        u32::try_from(v).ok().filter(|&v| v > 0)
    };
    let (w, h) = (side()?, side()?);
    (w <= size.0 && h <= size.1).then_some((w, h))
}

/// The primary image's size as shown: `ispe` after its `clap` crop and `irot` rotation
/// (a grid image has its own `ispe`, the size of the whole picture). `None` when the file
/// does not say.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut w = Walker::new(bytes);
    let meta = parse_meta(&mut w).ok()?;
    let primary = meta.primary?;
    let props: Vec<&BoxRef> = meta
        .associations
        .iter()
        .filter(|(id, _)| *id == primary)
        .flat_map(|(_, p)| p.iter())
        .filter_map(|&i| meta.properties.get(usize::from(i).checked_sub(1)?))
        .collect();
    let ispe = props.iter().find(|b| &b.kind == b"ispe")?;
    let mut r = Reader::payload(bytes, ispe, 4);
    let mut size = (r.u32()?, r.u32()?);
    for b in props {
        match &b.kind {
            b"clap" => size = clap(bytes, b, size).unwrap_or(size),
            b"irot" if b.payload(bytes).first().is_some_and(|a| a & 1 == 1) => size = (size.1, size.0),
            _ => {}
        }
    }
    (size.0 > 0 && size.1 > 0).then_some(size)
}

#[cfg(test)]
mod tests {
    use super::super::isobmff::tests::{bx, full};
    use super::super::strip::apply;
    use super::*;

    /// A HEIF with an hvc1 primary item 1 (ispe 40×30, irot 90°), an Exif item 2 in two
    /// extents in the file, and an XMP item 3 in `idat`.
    fn sample(iloc_version: u8, encoding: &str) -> (Vec<u8>, Vec<u8>) {
        let mut exif = vec![0, 0, 0, 6];
        exif.extend_from_slice(b"Exif\0\0");
        exif.extend_from_slice(&super::super::tiff::tests::tiff_with_gps(false));
        let xmp = b"<x exif:GPSLongitude=\"13,24E\"/>".to_vec();
        let mut infe = Vec::new();
        infe.extend(full(b"infe", 2, 0, b"\0\x01\0\0hvc1\0"));
        infe.extend(full(b"infe", 2, 0, b"\0\x02\0\0Exif\0"));
        infe.extend(full(b"infe", 2, 0, format!("\0\x03\0\0mime\0application/rdf+xml\0{encoding}").as_bytes()));
        let mut iinf = 3u16.to_be_bytes().to_vec();
        iinf.extend(infe);
        let ipco = [bx(b"irot", &[1]), full(b"ispe", 0, 0, &[0, 0, 0, 40, 0, 0, 0, 30])].concat();
        let iprp = [bx(b"ipco", &ipco), full(b"ipma", 0, 0, &[0, 0, 0, 1, 0, 1, 2, 0x82, 1])].concat();
        let mdat_at = 12 + 1000; // ftyp, then meta padded to 1000 bytes
        let half = exif.len() / 2;
        let mut iloc = vec![0x44, 0x00];
        let entry = |id: u16, method: u16, exts: &[(u32, u32)]| {
            let mut e = id.to_be_bytes().to_vec();
            if iloc_version == 1 {
                e.extend_from_slice(&method.to_be_bytes());
            }
            e.extend_from_slice(&[0, 0]);
            e.extend_from_slice(&u16::try_from(exts.len()).unwrap().to_be_bytes());
            for (o, l) in exts {
                e.extend_from_slice(&o.to_be_bytes());
                e.extend_from_slice(&l.to_be_bytes());
            }
            e
        };
        let (h, rest) = (half as u32, (exif.len() - half) as u32);
        let exif_at = mdat_at as u32 + 8;
        let mut items = entry(2, 0, &[(exif_at, h), (exif_at + h + 5, rest)]);
        if iloc_version == 1 {
            items.extend(entry(3, 1, &[(0, xmp.len() as u32)]));
        }
        iloc.extend_from_slice(&(if iloc_version == 1 { 2u16 } else { 1 }).to_be_bytes());
        iloc.extend(items);
        let mut meta = [
            full(b"hdlr", 0, 0, b"\0\0\0\0pict\0\0\0\0\0\0\0\0\0\0\0\0\0"),
            full(b"pitm", 0, 0, &[0, 1]),
            full(b"iinf", 0, 0, &iinf),
            full(b"iloc", iloc_version, 0, &iloc),
            bx(b"iprp", &iprp),
            bx(b"idat", &xmp),
        ]
        .concat();
        meta.resize(1000 - 12, 0);
        let mut f = bx(b"ftyp", b"heic");
        f.extend(full(b"meta", 0, 0, &meta));
        assert_eq!(f.len(), mdat_at);
        let mut mdat = exif[..half].to_vec();
        mdat.extend_from_slice(&[0xAA; 5]);
        mdat.extend_from_slice(&exif[half..]);
        f.extend(bx(b"mdat", &mdat));
        (f, exif)
    }

    #[test]
    fn patches_exif_in_two_extents_and_xmp_in_idat() {
        let (f, exif) = sample(1, "");
        let patches = location_patches(&f).unwrap();
        let shared = apply(&f, &patches);
        assert_eq!(shared.len(), f.len());
        // The joined Exif item, read back, has an empty GPS IFD; the gap is untouched.
        let mdat = &shared[f.len() - exif.len() - 5..];
        let half = exif.len() / 2;
        let joined = [&mdat[..half], &mdat[half + 5..]].concat();
        assert_eq!(&mdat[half..half + 5], &[0xAA; 5]);
        assert_eq!(&joined[..10], &exif[..10]);
        assert_eq!(&joined[10 + 38..10 + 40], &[0, 0]);
        assert!(joined[10 + 68..10 + 92].iter().all(|&b| b == 0));
        assert!(String::from_utf8_lossy(&shared).contains("exif:GPSLongitude=\"      \""));
        assert_eq!(dimensions(&f), Some((30, 40)));
    }

    #[test]
    fn iloc_version_0_and_no_location() {
        let (f, _) = sample(0, "");
        // The GPS IFD spans the two extents: three patches.
        assert_eq!(location_patches(&f).unwrap().len(), 3);
        assert_eq!(location_patches(&bx(b"ftyp", b"heic")), Err(Uncleanable::Malformed));
    }

    #[test]
    fn compressed_xmp_is_looked_into() {
        // The sample's XMP item is not compressed: labelled deflate, it does not inflate.
        let (f, _) = sample(1, "deflate\0");
        assert_eq!(location_patches(&f), Err(Uncleanable::Malformed));
        let (f, _) = sample(1, "br\0");
        assert_eq!(location_patches(&f), Err(Uncleanable::CompressedMetadata));
        let z = |t: &[u8]| miniz_oxide::deflate::compress_to_vec_zlib(t, 6);
        assert_eq!(
            compressed_xmp(b"deflate", &z(b"<x exif:GPSLatitude='1,2N'/>")),
            Err(Uncleanable::CompressedMetadata)
        );
        assert_eq!(compressed_xmp(b"deflate", &z(b"<x tiff:Make='Cam'/>")), Ok(()));
    }

    #[test]
    fn hostile_heif_never_panics() {
        let (f, _) = sample(1, "");
        for cut in 0..f.len() {
            let _ = location_patches(&f[..cut]);
            let _ = dimensions(&f[..cut]);
        }
        for i in 0..1000 {
            let mut g = f.clone();
            g[i] ^= 0xFF;
            if let Ok(p) = location_patches(&g) {
                assert!(p.iter().all(|p| p.offset + u64::from(p.len) <= g.len() as u64));
            }
            let _ = dimensions(&g);
        }
    }
}
