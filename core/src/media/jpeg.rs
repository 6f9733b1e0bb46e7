//! The JPEG fast path: structure checks, DCT-domain scaled decoding, and encoding, on
//! libjpeg-turbo (the `mozjpeg` build, with SIMD where NASM is available at build time).
//!
//! libjpeg reports fatal errors by unwinding (the `mozjpeg` crate's error manager), and
//! only *warns* about damaged entropy-coded data, filling the damage with grey. A photo
//! with grey bands is not one to share, so [`decode_scaled`] installs an error manager
//! that treats warnings as errors too, and every libjpeg call runs inside
//! `catch_unwind`.

use super::MediaError;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A segment marker of the JPEG file structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The marker byte (after 0xFF).
    pub marker: u8,
    /// Offset of the segment's payload (after the 2-byte length).
    pub start: usize,
    /// Payload length in bytes.
    pub len: usize,
}

/// The header segments up to the first start-of-scan, and the offset of that scan's data.
///
/// # Errors
/// [`MediaError::Truncated`] if the headers end early, [`MediaError::Corrupt`] if they are
/// not JPEG structure.
pub fn segments(bytes: &[u8]) -> Result<(Vec<Segment>, usize), MediaError> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err(MediaError::Corrupt);
    }
    let mut out = Vec::new();
    let mut i = 2;
    loop {
        // Skip fill bytes before a marker.
        while bytes.get(i) == Some(&0xFF) && bytes.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(i), bytes.get(i + 1)) else {
            return Err(if i + 1 >= bytes.len() { MediaError::Truncated } else { MediaError::Corrupt });
        };
        i += 2;
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            continue; // no payload
        }
        let (Some(&hi), Some(&lo)) = (bytes.get(i), bytes.get(i + 1)) else {
            return Err(MediaError::Truncated);
        };
        let len = (usize::from(hi) << 8 | usize::from(lo)).checked_sub(2).ok_or(MediaError::Corrupt)?;
        let start = i + 2;
        if start + len > bytes.len() {
            return Err(MediaError::Truncated);
        }
        out.push(Segment { marker, start, len });
        i = start + len;
        if marker == 0xDA {
            return Ok((out, i));
        }
        if marker == 0xD9 {
            return Err(MediaError::Corrupt);
        }
    }
}

/// The frame header's payload (precision, height, width, components, …), if present.
fn frame_header<'a>(bytes: &'a [u8], segs: &[Segment]) -> Option<&'a [u8]> {
    let sof = segs.iter().find(|s| matches!(s.marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF))?;
    bytes.get(sof.start..sof.start + sof.len).filter(|p| p.len() >= 6)
}

/// Width and height from the frame header (as stored, before EXIF orientation).
///
/// # Errors
/// As [`segments`]; [`MediaError::Corrupt`] without a frame header.
pub fn dimensions(bytes: &[u8], segs: &[Segment]) -> Result<(u32, u32), MediaError> {
    let p = frame_header(bytes, segs).ok_or(MediaError::Corrupt)?;
    let height = u32::from(p[1]) << 8 | u32::from(p[2]);
    let width = u32::from(p[3]) << 8 | u32::from(p[4]);
    Ok((width, height))
}

/// Number of colour components in the frame header (1 grey, 3 YCbCr, 4 CMYK/YCCK).
pub fn components(bytes: &[u8], segs: &[Segment]) -> Option<u8> {
    frame_header(bytes, segs).map(|p| p[5])
}

/// Whether the image data after the first scan ends with an end-of-image marker: files
/// cut off while copying do not.
pub fn complete(bytes: &[u8], scan_start: usize) -> bool {
    let tail = &bytes[scan_start.min(bytes.len())..];
    // Allow trailing bytes after EOI (some cameras append data), but not a missing EOI.
    memchr::memmem::rfind(tail, &[0xFF, 0xD9]).is_some()
}

/// The byte range of a video carried after the image — a Motion Photo (Google's
/// `Container` directory or Samsung's `MotionPhoto_Data` trailer both append an MP4) —
/// as `(start, end)`: the run of well-formed top-level boxes from the first `ftyp` after
/// the end-of-image marker. `scan_start` is where the first scan's data begins (no
/// `FF D9` can occur in entropy-coded data, so the first one after it ends the image).
/// The search runs over the whole image data, so it is SIMD (`memmem`): a byte-pair
/// loop took 0.42 ms per MB here, 1.9 ms of the ~47 ms a 12 MP photo's import costs.
pub fn embedded_video(bytes: &[u8], scan_start: usize) -> Option<(usize, usize)> {
    let data = bytes.get(scan_start..)?;
    let eoi = scan_start + memchr::memmem::find(data, &[0xFF, 0xD9])? + 2;
    let trailer = bytes.get(eoi..)?;
    let at = trailer.windows(8).position(|w| {
        let size = u32::from_be_bytes([w[0], w[1], w[2], w[3]]);
        &w[4..8] == b"ftyp" && (16..=256).contains(&size)
    })?;
    let start = eoi + at;
    let mut end = start;
    // Top-level boxes while they are whole and named in ASCII; a trailer after them
    // (Samsung's `SEFT` index) is not part of the video.
    while let Some(head) = bytes.get(end..end + 8) {
        let kind = &head[4..8];
        if !kind.iter().all(|c| c.is_ascii_alphanumeric() || *c == b' ' || *c == 0xA9) {
            break;
        }
        let size = match u32::from_be_bytes([head[0], head[1], head[2], head[3]]) {
            // "To the end of the file": a streaming writer's last `mdat`, nothing else.
            0 if kind == b"mdat" => bytes.len() - end,
            0 => break,
            1 => {
                let large = bytes.get(end + 8..end + 16)?;
                usize::try_from(u64::from_be_bytes(large.try_into().ok()?)).ok()?
            }
            n => usize::try_from(n).ok()?,
        };
        let Some(next) = end.checked_add(size).filter(|n| size >= 8 && *n <= bytes.len()) else { break };
        end = next;
    }
    (end > start).then_some((start, end))
}

/// An RGB image, 3 bytes per pixel, rows top to bottom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rgb {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Pixels.
    pub data: Vec<u8>,
}

#[allow(unsafe_code)]
fn strict_error_mgr() -> mozjpeg_sys::jpeg_error_mgr {
    // SAFETY: `jpeg_error_mgr` is a plain C struct of integers and function pointers, for
    // which all-zero is a valid (empty) value, and `jpeg_std_error` only fills it in.
    let mut err: mozjpeg_sys::jpeg_error_mgr = unsafe { std::mem::zeroed() };
    unsafe { mozjpeg_sys::jpeg_std_error(&mut err) };
    err.error_exit = Some(fail);
    err.emit_message = Some(fail_on_warning);
    err
}

extern "C-unwind" fn fail(_cinfo: &mut mozjpeg_sys::jpeg_common_struct) {
    std::panic::resume_unwind(Box::new(MediaError::Corrupt));
}

extern "C-unwind" fn fail_on_warning(_cinfo: &mut mozjpeg_sys::jpeg_common_struct, level: std::os::raw::c_int) {
    // Level -1 is a warning about damaged data; other levels are trace messages.
    if level < 0 {
        std::panic::resume_unwind(Box::new(MediaError::Corrupt));
    }
}

/// Decodes `bytes` at the smallest DCT scale (n/8) whose longer side is still at least
/// `min_long_edge` (or at full size if the image is smaller), converted to RGB.
///
/// # Errors
/// [`MediaError::Corrupt`] on damaged data, [`MediaError::TooLarge`] past the limits.
pub fn decode_scaled(bytes: &[u8], min_long_edge: u32) -> Result<Rgb, MediaError> {
    let result = catch_unwind(AssertUnwindSafe(|| -> Result<Rgb, MediaError> {
        let mut d = mozjpeg::Decompress::with_err(strict_error_mgr())
            .with_markers(&[])
            .from_mem(bytes)
            .map_err(|_| MediaError::Corrupt)?;
        let (w, h) = (d.width() as u32, d.height() as u32);
        super::check_size(w, h)?;
        let long = w.max(h);
        let mut n = 8u32;
        while n > 1 && long * (n - 1) / 8 >= min_long_edge {
            n -= 1;
        }
        d.scale(n as u8);
        // Thumbnails are downscaled again afterwards: the fast integer IDCT and simple
        // chroma upsampling lose nothing visible there and save a fifth of the decode.
        d.dct_method(mozjpeg::DctMethod::IntegerFast);
        d.do_fancy_upsampling(false);
        let mut started = d.rgb().map_err(|_| MediaError::Corrupt)?;
        let (sw, sh) = (started.width() as u32, started.height() as u32);
        let data = started.read_scanlines::<u8>().map_err(|_| MediaError::Corrupt)?;
        started.finish().map_err(|_| MediaError::Corrupt)?;
        if data.len() != (sw * sh * 3) as usize {
            return Err(MediaError::Corrupt);
        }
        Ok(Rgb { width: sw, height: sh, data })
    }));
    match result {
        Ok(r) => r,
        Err(payload) => Err(payload.downcast::<MediaError>().map(|e| *e).unwrap_or(MediaError::Corrupt)),
    }
}

/// Encodes RGB pixels as a baseline JPEG of `quality` (1–100), tuned for speed.
///
/// # Errors
/// [`MediaError::Corrupt`] if libjpeg refuses the input (a bug).
pub fn encode(img: &Rgb, quality: f32) -> Result<Vec<u8>, MediaError> {
    let result = catch_unwind(AssertUnwindSafe(|| -> Result<Vec<u8>, MediaError> {
        let mut c = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
        c.set_fastest_defaults();
        c.set_size(img.width as usize, img.height as usize);
        c.set_quality(quality);
        let mut started = c.start_compress(Vec::new()).map_err(|_| MediaError::Corrupt)?;
        started.write_scanlines(&img.data).map_err(|_| MediaError::Corrupt)?;
        started.finish().map_err(|_| MediaError::Corrupt)
    }));
    result.unwrap_or(Err(MediaError::Corrupt))
}

#[cfg(test)]
mod tests {
    use super::{decode_scaled, embedded_video, encode, Rgb};

    /// A 4:2:0 JPEG whose luma is flat and whose chroma changes smoothly from left to
    /// right, decoded at 3/8. With the vendored patch the chroma is decoded at the luma's
    /// scale and doubled by the upsampler, so every pair of pixels shares one chroma sample
    /// and, the luma being flat, one colour; upstream's 6x6 chroma IDCT gives every pixel
    /// its own. The colours must still be the photo's.
    #[test]
    fn a_scaled_decode_upsamples_the_chroma_instead_of_a_scalar_idct() {
        let (w, h) = (256u32, 64u32);
        let mut data = Vec::with_capacity((w * h * 3) as usize);
        for _ in 0..h {
            for x in 0..w {
                // Red to blue at about the same luma.
                let t = x as f32 / (w - 1) as f32;
                let (r, b) = (200.0 * (1.0 - t) + 40.0 * t, 40.0 * (1.0 - t) + 200.0 * t);
                let g = ((128.0 - 0.299 * r - 0.114 * b) / 0.587).clamp(0.0, 255.0);
                data.extend([r as u8, g as u8, b as u8]);
            }
        }
        let jpeg = encode(&Rgb { width: w, height: h, data: data.clone() }, 95.0).unwrap();
        let got = decode_scaled(&jpeg, 96).unwrap();
        assert_eq!((got.width, got.height), (96, 24), "decoded at 3/8");
        let px = |x: u32, y: u32| {
            let i = ((y * got.width + x) * 3) as usize;
            [got.data[i], got.data[i + 1], got.data[i + 2]]
        };
        let rows = 2..got.height - 2;
        let pairs_alike = rows.clone().flat_map(|y| (0..got.width / 2).map(move |k| (y, k))).filter(|&(y, k)| {
            let (a, b) = (px(2 * k, y), px(2 * k + 1, y));
            a.iter().zip(b).all(|(p, q)| p.abs_diff(q) <= 1)
        });
        let total = (rows.len() as u32 * got.width / 2) as usize;
        assert!(pairs_alike.count() * 10 >= total * 9, "pairs of pixels share their chroma sample");
        // Still the photo: each column's colour is close to the source's at that place.
        for x in (0..got.width).step_by(8) {
            let (sx, y) = ((x * 8 + 4) / 3, got.height / 2);
            let s = ((y * 8 / 3 * w + sx) * 3) as usize;
            let want = [data[s], data[s + 1], data[s + 2]];
            let diff = px(x, y).iter().zip(want).map(|(p, q)| p.abs_diff(q)).max().unwrap();
            assert!(diff <= 16, "column {x}: {:?} against {want:?}", px(x, y));
        }
    }

    /// A minimal JPEG: SOI, SOS (its payload), scan data, EOI; the scan data starts at 8.
    fn jpeg() -> Vec<u8> {
        vec![0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0xD9]
    }

    fn mp4_box(kind: &[u8; 4], payload: usize) -> Vec<u8> {
        let mut b = u32::try_from(payload + 8).unwrap_or(u32::MAX).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend(std::iter::repeat_n(0u8, payload));
        b
    }

    #[test]
    fn the_video_after_the_image_is_found_and_a_trailer_after_it_is_not_part_of_it() {
        let mut file = jpeg();
        assert_eq!(embedded_video(&file, 6), None, "no trailer");
        file.extend_from_slice(b"MotionPhoto_Data");
        let start = file.len();
        file.extend(mp4_box(b"ftyp", 16));
        file.extend(mp4_box(b"moov", 40));
        file.extend(mp4_box(b"mdat", 100));
        let end = file.len();
        // Samsung's index after the video: not boxes.
        file.extend_from_slice(b"\x00\x00\x00\x00SEFH\x01\x02\x03SEFT");
        assert_eq!(embedded_video(&file, 6), Some((start, end)));
    }

    #[test]
    fn junk_after_the_image_is_no_video() {
        let mut file = jpeg();
        file.extend_from_slice(b"\x00\x00\x00\x10ftypjunk");
        // A box that claims more than the file holds ends the video before it.
        assert_eq!(embedded_video(&file, 6), None);
        let mut file = jpeg();
        file.extend(mp4_box(b"ftyp", 24));
        assert_eq!(embedded_video(&file, 6), Some((10, file.len())));
        file.truncate(file.len() - 1);
        assert_eq!(embedded_video(&file, 6), None, "a cut-off ftyp is no video");
        assert_eq!(embedded_video(&[0xFF, 0xD8], 6), None);
    }
}
