//! Looking inside compressed metadata (a PNG `zTXt` or compressed `iTXt`, a deflated HEIF
//! XMP item): location there cannot be removed in place, but compressed metadata without
//! location must not stop a file from being shared. Output is capped, so a decompression
//! bomb costs at most the cap; damaged input gives `None`.

/// Inflates `data` (zlib-wrapped or raw DEFLATE) to at most `limit` bytes.
pub fn zlib(data: &[u8], limit: usize) -> Option<Vec<u8>> {
    use miniz_oxide::inflate::{decompress_to_vec_with_limit, decompress_to_vec_zlib_with_limit};
    decompress_to_vec_zlib_with_limit(data, limit).or_else(|_| decompress_to_vec_with_limit(data, limit)).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn inflates_zlib_and_raw_and_caps_bombs() {
        let text = b"<x:xmpmeta exif:GPSLatitude='1,2N'/>".repeat(50);
        let z = miniz_oxide::deflate::compress_to_vec_zlib(&text, 6);
        assert_eq!(super::zlib(&z, 1 << 20).as_deref(), Some(&text[..]));
        let raw = miniz_oxide::deflate::compress_to_vec(&text, 6);
        assert_eq!(super::zlib(&raw, 1 << 20).as_deref(), Some(&text[..]));
        let bomb = miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; 10 << 20], 9);
        assert_eq!(super::zlib(&bomb, 1 << 20), None);
        assert_eq!(super::zlib(b"not deflate at all", 1 << 20), None);
    }
}
