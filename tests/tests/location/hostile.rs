//! Damaged and hostile input: every fixture cut at every length of its first and last few
//! KB, and with deterministic pseudo-random byte flips in the regions that hold metadata.
//! Nothing may panic, and no patch may reach outside the file.

use super::common::read;
use swarmroll_core::media::strip::location_patches;
use swarmroll_core::media::{heif, mp4, Kind};

const FIXTURES: &[(&str, Kind)] = &[
    ("iphone11promax-gps.heic", Kind::Heif),
    ("nokia83-gps.heif", Kind::Heif),
    ("gps.avif", Kind::Heif),
    ("iphone13promax-irot270-nogps.heic", Kind::Heif),
    ("iphonex-iso6709.mov", Kind::Mov),
    ("android-xyz-rot90.mp4", Kind::Mp4),
    ("nogps.mp4", Kind::Mp4),
    ("gopro-karma-gpmf.mp4", Kind::Mp4),
    ("exif-gps-xmp.png", Kind::Png),
    ("raw-profile-exif-gps.png", Kind::Png),
    ("iphone11promax-gps.webp", Kind::Webp),
];

/// Runs everything on `bytes` and checks the patches stay inside it.
fn exercise(bytes: &[u8], kind: Kind) {
    if let Ok(patches) = location_patches(bytes, kind) {
        for p in patches {
            assert!(p.offset + u64::from(p.len) <= bytes.len() as u64, "{p:?} outside {} bytes", bytes.len());
        }
    }
    match kind {
        Kind::Heif => drop(heif::dimensions(bytes)),
        Kind::Mp4 | Kind::Mov => drop(mp4::video_info(bytes)),
        _ => {}
    }
}

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn truncated_files_never_panic() {
    for &(name, kind) in FIXTURES {
        let bytes = read(name);
        let head = 0..bytes.len().min(4096);
        let tail = bytes.len().saturating_sub(8192)..bytes.len();
        for cut in head.chain(tail) {
            exercise(&bytes[..cut], kind);
        }
    }
}

#[test]
fn flipped_bytes_never_panic() {
    let mut rng = Rng(0x5EED_CAFE_F00D_D00D);
    for &(name, kind) in FIXTURES {
        let bytes = read(name);
        // Metadata lives near the start (HEIF meta, PNG and WebP chunks, a fast-start moov)
        // or at the end (most phones' moov).
        let head = bytes.len().min(64 << 10);
        let tail = bytes.len().min(16 << 10);
        let mut copy = bytes.clone();
        for round in 0..3000 {
            let r = rng.next();
            let at = if round % 2 == 0 { r as usize % head } else { bytes.len() - 1 - r as usize % tail };
            let flips = 1 + (r >> 40) as usize % 4;
            for k in 0..flips {
                let i = (at + k * 7) % bytes.len();
                copy[i] ^= (r >> (8 * (k + 1))) as u8 | 1;
            }
            exercise(&copy, kind);
            copy.copy_from_slice(&bytes);
        }
    }
}
