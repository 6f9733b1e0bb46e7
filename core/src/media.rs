//! Media files: recognising them, reading their metadata, making upright thumbnails and
//! previews, and removing location from the copy that is shared.
//!
//! Works on bytes in memory and knows nothing of channels or the database. JPEG has a
//! fast path ([`jpeg`]): it is decoded by libjpeg-turbo (through `mozjpeg`) already scaled
//! down in the DCT domain, so a 12 MP photo is never decoded at full size to make a 320 px
//! thumbnail, and the screen-sized preview comes from the same decode. HEIC and videos are
//! not decoded here: their poster comes from the platform.

mod inflate;
pub mod strip;
// Front ends name only the re-exports below and `strip::Patch`; the formats' readers and
// writers are opened to the component tests and benchmarks by the `testing` feature.
internal!(heif, isobmff, jpeg, kind, meta, mp4, png, thumb, tiff, webp, xmp);

pub use kind::Kind;
pub use meta::{Location, Metadata, Orientation};
pub use thumb::Thumbnails;

/// Largest image accepted, in pixels (a decompression-bomb guard; a 108 MP phone photo fits).
pub const MAX_PIXELS: u64 = 120_000_000;
/// Longest side accepted, in pixels.
pub const MAX_SIDE: u32 = 30_000;

/// Why a file cannot be used. Messages never name the file.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
#[non_exhaustive]
pub enum MediaError {
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// Not a photo or video format Swarmroll knows.
    #[error("not a photo or video")]
    Unsupported,
    /// The file ends early: it was cut off while copying or downloading.
    #[error("the file is incomplete (truncated)")]
    Truncated,
    /// The image data is damaged.
    #[error("the image data is damaged")]
    Corrupt,
    /// Larger than Swarmroll will decode.
    #[error("the image is too large ({width}×{height} pixels)")]
    TooLarge {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// HEIC and video need a poster image from the platform, and none was given.
    #[error("this format needs a preview image from the system")]
    NeedsPoster,
    /// The file carries where it was taken in a form that cannot be removed without
    /// rewriting the file (says which); it is shared only if the user keeps the location.
    #[error("its location cannot be removed ({0}); share it only with its location kept")]
    LocationNotRemovable(&'static str),
}

/// Checks a decoded size against [`MAX_PIXELS`] and [`MAX_SIDE`].
///
/// # Errors
/// [`MediaError::TooLarge`].
pub fn check_size(width: u32, height: u32) -> Result<(), MediaError> {
    if width == 0 || height == 0 {
        return Err(MediaError::Corrupt);
    }
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(MediaError::TooLarge { width, height });
    }
    Ok(())
}
