//! The import's reading of a file, on arbitrary bytes: a guest's upload or a file in the
//! camera roll is whatever its sender made it. For every input that sniffs as a format
//! the import takes (`media::Kind::sniff`), written to a file as the import and the web
//! gallery's upload check read it:
//!
//! * `import::check` — the upload check, which runs the import's `inspect`: the JPEG
//!   header walk and truncation check, metadata through nom-exif (EXIF, HEIF items,
//!   MP4/MOV tracks), the HEIF `ispe`/`irot` and MP4 `tkhd` sizes, location removal's
//!   patch search for the format, and the decode of JPEG/PNG/WebP into thumbnails;
//! * `media::meta::read_file` — the event-window scan of a folder;
//! * `media::strip::location_patches` and `media::strip::apply` directly, whatever
//!   `check` refused first: the patches must lie inside the file and keep its length
//!   (the shared copy is seeded in place, byte for byte where it is not patched).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Write;
use swarmroll_core::import;
use swarmroll_core::media::{meta, strip, Kind};

thread_local! {
    static FILE: tempfile::NamedTempFile = {
        let shm = std::path::Path::new("/dev/shm");
        let dir = if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() };
        tempfile::Builder::new().prefix("swarmroll-fuzz-media").tempfile_in(dir).expect("temp file")
    };
}

fuzz_target!(|data: &[u8]| {
    let Some(kind) = Kind::sniff(data) else { return };
    FILE.with(|f| {
        let mut file = f.as_file();
        file.set_len(0).expect("truncate");
        std::io::Seek::rewind(&mut file).expect("rewind");
        file.write_all(data).expect("write");
        let _ = import::check(f.path());
        let _ = meta::read_file(f.path(), kind);
    });
    if let Ok(patches) = strip::location_patches(data, kind) {
        let len = data.len() as u64;
        for p in &patches {
            assert!(p.offset + u64::from(p.len) <= len, "patch {p:?} outside a file of {len} bytes");
        }
        assert_eq!(strip::apply(data, &patches).len(), data.len(), "patching changed the length");
    }
});
