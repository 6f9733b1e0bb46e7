//! QR codes for invites: SVG, PNG and terminal renderings of the same code.
//!
//! Links are encoded with the `qrcode` crate, which picks the most compact mix of
//! segments (the base32 payload is QR-alphanumeric). Error correction is medium: a printed
//! code on a table at a venue survives a smudge.

use image::{ImageEncoder, Luma};
use qrcode::{EcLevel, QrCode};

/// Why a QR code could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QrError {
    /// The text does not fit in a QR code.
    #[error("the text is too long for a QR code")]
    TooLong,
    /// PNG encoding failed.
    #[error("could not encode the PNG image")]
    Png,
}

fn code(text: &str) -> Result<QrCode, QrError> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|_| QrError::TooLong)
}

/// An SVG document of the code.
///
/// # Errors
/// [`QrError::TooLong`].
pub fn svg(text: &str) -> Result<String, QrError> {
    Ok(code(text)?.render::<qrcode::render::svg::Color<'_>>().min_dimensions(256, 256).build())
}

/// A PNG of the code, `module_px` pixels per module, with the standard 4-module quiet zone.
///
/// # Errors
/// [`QrError`].
pub fn png(text: &str, module_px: u32) -> Result<Vec<u8>, QrError> {
    // Drawn from the module matrix directly: `qrcode`'s own image renderer would pull a
    // second feature set of `image` into the build.
    let code = code(text)?;
    let quiet = 4u32;
    let modules = code.width() as u32;
    let colors = code.to_colors();
    let side = (modules + 2 * quiet) * module_px.max(1);
    let img = image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / module_px.max(1), y / module_px.max(1));
        let dark = mx >= quiet
            && my >= quiet
            && mx < modules + quiet
            && my < modules + quiet
            && colors[((my - quiet) * modules + (mx - quiet)) as usize] == qrcode::Color::Dark;
        Luma([if dark { 0 } else { 255 }])
    });
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), img.width(), img.height(), image::ExtendedColorType::L8)
        .map_err(|_| QrError::Png)?;
    Ok(out)
}

/// The code drawn with Unicode half blocks, two modules per character row, for terminals.
///
/// # Errors
/// [`QrError::TooLong`].
pub fn terminal(text: &str) -> Result<String, QrError> {
    Ok(code(text)?
        .render::<qrcode::render::unicode::Dense1x2>()
        .dark_color(qrcode::render::unicode::Dense1x2::Light)
        .light_color(qrcode::render::unicode::Dense1x2::Dark)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_all_three_forms() {
        let link = "swarmroll://join/ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let s = svg(link).unwrap();
        assert!(s.starts_with("<?xml") && s.contains("<svg"));
        let p = png(link, 4).unwrap();
        let img = image::load_from_memory(&p).unwrap().to_luma8();
        // quiet zone is light, and the finder pattern's corner (module 4,4) is dark
        assert_eq!(img.get_pixel(1, 1)[0], 255);
        assert_eq!(img.get_pixel(4 * 4 + 1, 4 * 4 + 1)[0], 0);
        assert!(terminal(link).unwrap().lines().count() > 10);
        assert!(matches!(svg(&"X".repeat(8000)), Err(QrError::TooLong)));
    }
}
