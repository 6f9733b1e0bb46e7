//! Upright thumbnails (about 320 px, under 32 KB, carried in the log) and screen-sized
//! previews (1280 px), both JPEG, both from one decode.
//!
//! Resizing runs on the stored (un-rotated) pixels, and only the small results are
//! turned upright, so orientation costs almost nothing.

use super::jpeg::{self, Rgb};
use super::{Kind, MediaError, Orientation};
use fast_image_resize::{images::Image, images::ImageRef, FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

/// Longer side of the small thumbnail.
pub const SMALL_EDGE: u32 = 320;
/// The small thumbnail stays under this many bytes.
pub const SMALL_MAX_BYTES: usize = 32_000;
/// Longer side of the preview.
pub const PREVIEW_EDGE: u32 = 1280;
/// A decode already within this much of [`PREVIEW_EDGE`] (up to 1600 px) is the preview
/// as it is, without another resize.
pub const PREVIEW_MAX_EDGE: u32 = 1600;

/// Both renditions of one photo, upright.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thumbnails {
    /// The small JPEG.
    pub small: Vec<u8>,
    /// The preview JPEG.
    pub preview: Vec<u8>,
}

fn fit(w: u32, h: u32, edge: u32) -> (u32, u32) {
    let long = w.max(h);
    if long <= edge {
        return (w, h);
    }
    let scale = |v: u32| ((u64::from(v) * u64::from(edge) + u64::from(long) / 2) / u64::from(long)).max(1) as u32;
    (scale(w), scale(h))
}

fn resize(src: &Rgb, edge: u32, resizer: &mut Resizer) -> Result<Rgb, MediaError> {
    let (w, h) = fit(src.width, src.height, edge);
    if (w, h) == (src.width, src.height) {
        return Ok(src.clone());
    }
    let from = ImageRef::new(src.width, src.height, &src.data, PixelType::U8x3).map_err(|_| MediaError::Corrupt)?;
    let mut to = Image::new(w, h, PixelType::U8x3);
    // Area averaging (box) for strong reductions, bilinear for mild ones: both alias-free
    // when shrinking, and the box filter needs half the taps.
    let filter = if src.width >= 2 * w { FilterType::Box } else { FilterType::Bilinear };
    let opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(filter));
    resizer.resize(&from, &mut to, &opts).map_err(|_| MediaError::Corrupt)?;
    Ok(Rgb { width: w, height: h, data: to.into_vec() })
}

/// Turns stored pixels upright according to EXIF orientation: one pass over the image as
/// whole pixels, in tiles, so that the turned cases (5–8, every portrait phone photo) read
/// within the cache (`imageops::rotate90` goes pixel by pixel through bounds-checked
/// `get_pixel`/`put_pixel`: 10–12 ms for a 1512×1134 preview here, this 8–10 ms with the
/// fresh 5 MB buffer's page faults included).
pub fn orient(img: Rgb, o: Orientation) -> Result<Rgb, MediaError> {
    // (swap axes, mirror the source's x, mirror the source's y) for orientations 2–8.
    let (swap, flip_x, flip_y) = match o.0 {
        2 => (false, true, false),
        3 => (false, true, true),
        4 => (false, false, true),
        5 => (true, false, false),
        6 => (true, false, true),
        7 => (true, true, true),
        8 => (true, true, false),
        _ => return Ok(img),
    };
    let (w, h) = (img.width as usize, img.height as usize);
    let (src, []) = img.data.as_chunks::<3>() else { return Err(MediaError::Corrupt) };
    if src.len() != w * h {
        return Err(MediaError::Corrupt);
    }
    let (dw, dh) = if swap { (h, w) } else { (w, h) };
    let mut out = vec![[0u8; 3]; src.len()];
    const TILE: usize = 64;
    for ty in (0..dh).step_by(TILE) {
        for tx in (0..dw).step_by(TILE) {
            for (y, row) in out.chunks_exact_mut(dw).enumerate().skip(ty).take(TILE) {
                for (x, px) in row.iter_mut().enumerate().skip(tx).take(TILE) {
                    let (sx, sy) = if swap { (y, x) } else { (x, y) };
                    let sx = if flip_x { w - 1 - sx } else { sx };
                    let sy = if flip_y { h - 1 - sy } else { sy };
                    *px = src[sy * w + sx];
                }
            }
        }
    }
    let data = out.into_flattened();
    Ok(Rgb { width: dw as u32, height: dh as u32, data })
}

/// Makes both renditions from decoded (stored-orientation) pixels.
///
/// # Errors
/// [`MediaError::Corrupt`] if encoding fails.
pub fn from_pixels(img: Rgb, orientation: Orientation) -> Result<Thumbnails, MediaError> {
    let mut resizer = Resizer::new();
    let preview =
        if img.width.max(img.height) <= PREVIEW_MAX_EDGE { img } else { resize(&img, PREVIEW_EDGE, &mut resizer)? };
    let small = orient(resize(&preview, SMALL_EDGE, &mut resizer)?, orientation)?;
    let preview = orient(preview, orientation)?;
    let mut quality = 78.0;
    let small = loop {
        let bytes = jpeg::encode(&small, quality)?;
        if bytes.len() <= SMALL_MAX_BYTES || quality <= 30.0 {
            break bytes;
        }
        quality -= 12.0;
    };
    Ok(Thumbnails { small, preview: jpeg::encode(&preview, 82.0)? })
}

/// Makes both renditions from an image file this core can decode.
///
/// # Errors
/// [`MediaError`] for damaged, truncated or oversized images.
pub fn from_image(bytes: &[u8], kind: Kind, orientation: Orientation) -> Result<Thumbnails, MediaError> {
    let pixels = match kind {
        // libjpeg cannot turn CMYK into RGB; those rare files (print workflows) take the
        // general decoder.
        Kind::Jpeg if jpeg::segments(bytes).ok().and_then(|(s, _)| jpeg::components(bytes, &s)) == Some(4) => {
            decode_other(bytes, kind)?
        }
        Kind::Jpeg => jpeg::decode_scaled(bytes, PREVIEW_EDGE)?,
        Kind::Png | Kind::Webp => decode_other(bytes, kind)?,
        _ => return Err(MediaError::NeedsPoster),
    };
    from_pixels(pixels, orientation)
}

/// Makes both renditions from a poster image the platform supplied (already upright).
///
/// # Errors
/// [`MediaError`] if the poster is not a usable JPEG or PNG.
pub fn from_poster(bytes: &[u8]) -> Result<Thumbnails, MediaError> {
    match Kind::sniff(bytes) {
        Some(k @ (Kind::Jpeg | Kind::Png | Kind::Webp)) => from_image(bytes, k, Orientation(1)),
        _ => Err(MediaError::Unsupported),
    }
}

fn decode_other(bytes: &[u8], kind: Kind) -> Result<Rgb, MediaError> {
    let format = match kind {
        Kind::Png => image::ImageFormat::Png,
        Kind::Jpeg => image::ImageFormat::Jpeg,
        _ => image::ImageFormat::WebP,
    };
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(super::MAX_SIDE);
    limits.max_image_height = Some(super::MAX_SIDE);
    limits.max_alloc = Some(super::MAX_PIXELS * 4);
    reader.limits(limits);
    let (w, h) = reader.into_dimensions().map_err(|_| MediaError::Corrupt)?;
    super::check_size(w, h)?;
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(super::MAX_PIXELS * 4);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => MediaError::TooLarge { width: w, height: h },
        image::ImageError::IoError(_) => MediaError::Truncated,
        _ => MediaError::Corrupt,
    })?;
    let rgb = img.to_rgb8();
    Ok(Rgb { width: rgb.width(), height: rgb.height(), data: rgb.into_raw() })
}

#[cfg(test)]
mod tests {
    use super::{orient, Orientation, Rgb};
    use image::imageops;

    /// What each EXIF orientation means, as the `image` crate's operations spell it.
    fn reference(buf: &image::RgbImage, o: u8) -> image::RgbImage {
        match o {
            2 => imageops::flip_horizontal(buf),
            3 => imageops::rotate180(buf),
            4 => imageops::flip_vertical(buf),
            5 => imageops::flip_horizontal(&imageops::rotate90(buf)),
            6 => imageops::rotate90(buf),
            7 => imageops::flip_horizontal(&imageops::rotate270(buf)),
            8 => imageops::rotate270(buf),
            _ => buf.clone(),
        }
    }

    #[test]
    fn every_orientation_turns_the_pixels_as_exif_says() {
        // Not square, not a multiple of the tile, every pixel different.
        for (w, h) in [(70u32, 33u32), (1, 5), (33, 1), (64, 64)] {
            let data: Vec<u8> = (0..w * h * 3).map(|i| (i * 7 % 251) as u8).collect();
            let buf = image::RgbImage::from_raw(w, h, data.clone()).unwrap();
            for o in 0..=9u8 {
                let got = orient(Rgb { width: w, height: h, data: data.clone() }, Orientation(o)).unwrap();
                let want = reference(&buf, o);
                assert_eq!((got.width, got.height), want.dimensions(), "orientation {o}, {w}x{h}");
                assert_eq!(got.data, want.into_raw(), "orientation {o}, {w}x{h}");
            }
        }
    }
}
