//! Recognising a file's format from its first bytes (never from its name).

/// A media format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    Webp,
    /// HEIC / HEIF / AVIF still image (ISO base media, decoded by the platform).
    Heif,
    /// MP4 / M4V / 3GP video.
    Mp4,
    /// QuickTime video.
    Mov,
}

impl Kind {
    /// Recognises `head` (the first 32 bytes or more of a file).
    pub fn sniff(head: &[u8]) -> Option<Kind> {
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Some(Kind::Jpeg);
        }
        if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Some(Kind::Png);
        }
        if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            return Some(Kind::Webp);
        }
        if head.len() >= 12 && &head[4..8] == b"ftyp" {
            return Some(match &head[8..12] {
                b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"mif1" | b"msf1" | b"avif" => Kind::Heif,
                b"qt  " => Kind::Mov,
                _ => Kind::Mp4,
            });
        }
        None
    }

    /// The MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Webp => "image/webp",
            Kind::Heif => "image/heic",
            Kind::Mp4 => "video/mp4",
            Kind::Mov => "video/quicktime",
        }
    }

    /// The kind with this MIME type (as [`Kind::mime`] gives it).
    pub fn from_mime(mime: &str) -> Option<Kind> {
        [Kind::Jpeg, Kind::Png, Kind::Webp, Kind::Heif, Kind::Mp4, Kind::Mov].into_iter().find(|k| k.mime() == mime)
    }

    /// Whether the core can decode it to make thumbnails itself.
    pub fn decodable(self) -> bool {
        matches!(self, Kind::Jpeg | Kind::Png | Kind::Webp)
    }

    /// Whether it is a video.
    pub fn is_video(self) -> bool {
        matches!(self, Kind::Mp4 | Kind::Mov)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(Kind::sniff(&[0xFF, 0xD8, 0xFF, 0xE1]), Some(Kind::Jpeg));
        assert_eq!(Kind::sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), Some(Kind::Heif));
        assert_eq!(Kind::sniff(b"\0\0\0\x18ftypisom\0\0\0\0"), Some(Kind::Mp4));
        assert_eq!(Kind::sniff(b"\0\0\0\x14ftypqt  \0\0\0\0"), Some(Kind::Mov));
        assert_eq!(Kind::sniff(b"hello, world"), None);
        assert_eq!(Kind::sniff(b""), None);
    }
}
