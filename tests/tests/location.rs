//! The strippers on real files (tests/fixtures/media, see its SOURCES.md): location found
//! before, gone after, everything else the same, the file the same length and still
//! decodable. External tools (exiftool, ffprobe/ffmpeg, heif-convert, which `.ci/run`
//! installs) check it too; where one is missing the check says so, and fails under CI.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "location/tools.rs"]
mod common;
#[path = "location/hostile.rs"]
mod hostile;

use common::*;
use swarmroll_core::media::strip::{apply, location_patches, Patch, Uncleanable};
use swarmroll_core::media::{heif, mp4, Kind};

/// Files that carry location, and their format.
const WITH_LOCATION: &[(&str, Kind)] = &[
    ("iphone11promax-gps.heic", Kind::Heif),
    ("nokia83-gps.heif", Kind::Heif),
    ("gps.avif", Kind::Heif),
    ("iphonex-iso6709.mov", Kind::Mov),
    ("android-xyz-rot90.mp4", Kind::Mp4),
    ("exif-gps-xmp.png", Kind::Png),
    ("raw-profile-exif-gps.png", Kind::Png),
    ("iphone11promax-gps.webp", Kind::Webp),
];

/// Whether every byte that differs lies inside a patch.
fn differs_only_in_patches(a: &[u8], b: &[u8], patches: &[Patch]) -> bool {
    let mut inside = vec![false; a.len()];
    for p in patches {
        inside[p.offset as usize..][..p.len as usize].fill(true);
    }
    a.iter().zip(b).zip(&inside).all(|((x, y), &ok)| x == y || ok)
}

fn check_decodes(name: &str, kind: Kind, original: &[u8], shared: &[u8]) {
    match kind {
        Kind::Png | Kind::Webp => {
            let format = if kind == Kind::Png { image::ImageFormat::Png } else { image::ImageFormat::WebP };
            match image::load_from_memory_with_format(original, format) {
                Ok(before) => {
                    let after = image::load_from_memory_with_format(shared, format).expect("shared copy decodes");
                    assert_eq!(before, after, "{name}: pixels changed");
                }
                // The original itself does not decode (nom-exif's hand-made PNG has bad CRCs).
                Err(e) => eprintln!("{name}: original does not decode with `image` ({e}); skipped"),
            }
        }
        Kind::Heif if have("heif-convert") => {
            let before =
                heif_convert_size(&temp_file(&format!("decode-orig-{name}"), original)).expect("original converts");
            let after = heif_convert_size(&temp_file(&format!("decode-{name}"), shared)).expect("shared copy converts");
            assert_eq!(before, after, "{name}");
        }
        Kind::Mp4 | Kind::Mov if have("ffmpeg") => {
            ffmpeg_decodes(&temp_file(&format!("decode-{name}"), shared))
                .unwrap_or_else(|e| panic!("{name}: ffmpeg: {e}"));
        }
        _ => eprintln!("{name}: no decoder installed; decode check skipped"),
    }
}

#[test]
fn location_is_removed_and_nothing_else_changes() {
    let exiftool = have("exiftool");
    let ffprobe = have("ffprobe");
    for &(name, kind) in WITH_LOCATION {
        let bytes = read(name);
        assert_eq!(Kind::sniff(&bytes), Some(kind), "{name}");
        let before = nom_exif(&bytes, kind);
        let original_path = temp_file(&format!("orig-{name}"), &bytes);
        if before.location.is_none() {
            // nom-exif 3.8 misses the Exif item of some HEIF layouts: exiftool must see it.
            eprintln!("{name}: nom-exif finds no location in the original; relying on exiftool");
            assert!(exiftool && !exiftool_location(&original_path).is_empty(), "{name}: no location seen");
        }

        let patches = location_patches(&bytes, kind).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(!patches.is_empty(), "{name}");
        let shared = apply(&bytes, &patches);
        assert_eq!(shared.len(), bytes.len(), "{name}");
        assert!(differs_only_in_patches(&bytes, &shared, &patches), "{name}");

        let after = nom_exif(&shared, kind);
        assert_eq!(after.location, None, "{name}");
        assert!(after.gps_entries.is_empty(), "{name}: {:?}", after.gps_entries);
        assert_eq!(after.other, before.other, "{name}: other metadata changed");
        assert!(before.location.is_none() || !before.other.is_empty(), "{name}: nothing else to compare");

        let shared_path = temp_file(&format!("shared-{name}"), &shared);
        if exiftool {
            assert!(!exiftool_location(&original_path).is_empty(), "{name}: exiftool sees no location before");
            assert_eq!(exiftool_location(&shared_path), Vec::<String>::new(), "{name}: exiftool");
            assert_eq!(exiftool_other(&shared_path), exiftool_other(&original_path), "{name}: exiftool");
        }
        if ffprobe && kind.is_video() {
            assert_eq!(ffprobe_location(&shared_path), Vec::<String>::new(), "{name}: ffprobe");
            assert!(!ffprobe_location(&original_path).is_empty(), "{name}: ffprobe sees no location before");
        }
        check_decodes(name, kind, &bytes, &shared);
        eprintln!("{name}: {} patches, {} bytes", patches.len(), patches.iter().map(|p| p.len).sum::<u32>());
    }
    if !exiftool || !ffprobe {
        eprintln!("exiftool or ffprobe not installed: their checks were skipped");
    }
}

#[test]
fn files_without_location_get_no_patches() {
    for (name, kind) in [("iphone13promax-irot270-nogps.heic", Kind::Heif), ("nogps.mp4", Kind::Mp4)] {
        let bytes = read(name);
        assert_eq!(nom_exif(&bytes, kind).location, None, "{name}");
        assert_eq!(location_patches(&bytes, kind), Ok(vec![]), "{name}");
    }
}

#[test]
fn gps_telemetry_cannot_be_cleaned() {
    let name = "gopro-karma-gpmf.mp4";
    let bytes = read(name);
    assert_eq!(location_patches(&bytes, Kind::Mp4), Err(Uncleanable::Telemetry));
    if have("exiftool") {
        // The positions are in the media data, which only `-ee` reads.
        assert!(!exiftool_location(&temp_file(&format!("telemetry-{name}"), &bytes)).is_empty());
    }
}

#[test]
fn heif_dimensions_match_heif_convert() {
    let expected = [
        ("iphone11promax-gps.heic", (2566, 3313)),
        ("nokia83-gps.heif", (4608, 3456)),
        ("gps.avif", (192, 256)),
        ("iphone13promax-irot270-nogps.heic", (3024, 4032)),
    ];
    for (name, size) in expected {
        let bytes = read(name);
        assert_eq!(heif::dimensions(&bytes), Some(size), "{name}");
        if have("heif-convert") {
            assert_eq!(heif_convert_size(&temp_file(&format!("dims-{name}"), &bytes)), Ok(size), "{name}");
        }
    }
}

#[test]
fn video_info_matches_ffprobe_and_nom_exif() {
    let expected = [
        ("iphonex-iso6709.mov", (720, 1280)),
        ("android-xyz-rot90.mp4", (1080, 1920)),
        ("nogps.mp4", (886, 1920)),
        ("gopro-karma-gpmf.mp4", (854, 480)),
    ];
    for (name, size) in expected {
        let bytes = read(name);
        let (w, h, ms) = mp4::video_info(&bytes).unwrap_or_else(|| panic!("{name}"));
        assert_eq!((w, h), size, "{name}");
        let ms = ms.expect("a duration");
        let kind = Kind::sniff(&bytes).unwrap();
        let nom = nom_exif(&bytes, kind);
        let nom_ms = nom.other.iter().find(|(k, _)| k == "DurationMs").map(|(_, v)| v.clone());
        // nom-exif computes it in floating point and truncates (2006/1000 s gives 2005 ms).
        let nom_ms: u64 = nom_ms.expect("nom-exif's duration").parse().unwrap();
        assert!(nom_ms.abs_diff(ms) <= 1, "{name}: nom-exif {nom_ms} ms, mvhd {ms} ms");
        if have("ffprobe") {
            let (fw, fh, fms) = ffprobe_video(&temp_file(&format!("video-{name}"), &bytes));
            assert_eq!((fw, fh), (w, h), "{name}: ffprobe");
            assert!(fms.abs_diff(ms) <= 50, "{name}: ffprobe {fms} ms, mvhd {ms} ms");
        }
    }
}

/// Location that exiftool writes into every place it knows, in copies of files without any.
#[test]
fn exiftool_written_locations_are_removed() {
    if !have("exiftool") {
        eprintln!("exiftool not installed: skipped");
        return;
    }
    let xmp = ["-XMP-exif:GPSLatitude=48.8584", "-XMP-exif:GPSLongitude=2.2945"];
    let cases: [(&str, Kind, Vec<&str>); 2] = [
        (
            "nogps.mp4",
            Kind::Mp4,
            vec![
                "-Keys:GPSCoordinates=48.8584, 2.2945, 35",
                "-UserData:GPSCoordinates=48.8584, 2.2945",
                "-ItemList:GPSCoordinates=48.8584, 2.2945",
            ],
        ),
        (
            "iphone13promax-irot270-nogps.heic",
            Kind::Heif,
            vec!["-GPSLatitude=48.8584", "-GPSLatitudeRef=N", "-GPSLongitude=2.2945", "-GPSLongitudeRef=E"],
        ),
    ];
    for (name, kind, tags) in cases {
        let path = temp_file(&format!("written-{name}"), &read(name));
        let status = std::process::Command::new("exiftool")
            .args(["-q", "-overwrite_original"])
            .args(tags.iter().chain(&xmp))
            .arg(&path)
            .status()
            .unwrap();
        assert!(status.success(), "{name}");
        let bytes = std::fs::read(&path).unwrap();
        assert!(exiftool_location(&path).len() >= 3, "{name}: {:?}", exiftool_location(&path));
        let patches = location_patches(&bytes, kind).unwrap();
        let shared = apply(&bytes, &patches);
        assert!(differs_only_in_patches(&bytes, &shared, &patches));
        let shared_path = temp_file(&format!("written-shared-{name}"), &shared);
        assert_eq!(exiftool_location(&shared_path), Vec::<String>::new(), "{name}");
        assert_eq!(exiftool_other(&shared_path), exiftool_other(&path), "{name}");
        let after = nom_exif(&shared, kind);
        assert_eq!((after.location, after.gps_entries.len()), (None, 0), "{name}");
        assert_eq!(after.other, nom_exif(&bytes, kind).other, "{name}");
        check_decodes(&format!("written-{name}"), kind, &bytes, &shared);
    }
}
