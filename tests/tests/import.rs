//! Camera-roll import on real photos: upright thumbnails for every EXIF orientation,
//! location stripped without touching pixels, typed per-file errors, dedupe, HEIC and
//! video metadata, event-window selection.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use swarmroll_core::channel::Window;
use swarmroll_core::import::{self, FileOutcome, ImportError, Importer, Options, Request};
use swarmroll_core::media::{self, jpeg, Kind, MediaError};
use swarmroll_core::store::Store;
use swarmroll_core::Timestamp;
use swarmroll_tests::{own_fixtures, photos};

fn importer() -> (tempfile::TempDir, Importer) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open_dir(dir.path()).unwrap());
    let imp = Importer::new(store, 2).unwrap();
    (dir, imp)
}

fn run(imp: &Importer, paths: &[PathBuf]) -> import::Summary {
    let reqs: Vec<Request> = paths.iter().map(Request::path).collect();
    imp.run(&reqs, Options::default(), &|_| {}, &AtomicBool::new(false))
}

fn decode(jpeg_bytes: &[u8]) -> image::RgbImage {
    image::load_from_memory(jpeg_bytes).unwrap().to_rgb8()
}

/// Mean absolute difference per channel between two same-sized images, compared at 32 px
/// wide so that resampling phase and the fixtures' corner labels do not dominate.
fn diff(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let (w, h) = (32, (32 * a.height() / a.width()).max(1));
    let small = |i: &image::RgbImage| image::imageops::resize(i, w, h, image::imageops::FilterType::Triangle);
    let (a, b) = (small(a), small(b));
    let sum: u64 = a.as_raw().iter().zip(b.as_raw()).map(|(x, y)| u64::from(x.abs_diff(*y))).sum();
    sum as f64 / a.as_raw().len() as f64
}

#[test]
fn every_exif_orientation_comes_out_upright() {
    for shape in ["landscape", "portrait"] {
        let thumbs: Vec<(u8, media::Thumbnails)> = (1..=8u8)
            .map(|o| {
                let bytes = std::fs::read(photos().join(format!("orientation/{shape}_{o}.jpg"))).unwrap();
                let meta = media::meta::read(&bytes, Kind::Jpeg);
                assert_eq!(meta.orientation.0, o, "{shape}_{o} carries orientation {o}");
                (o, media::thumb::from_image(&bytes, Kind::Jpeg, meta.orientation).unwrap())
            })
            .collect();
        let reference = decode(&thumbs[0].1.small);
        let reference_preview = decode(&thumbs[0].1.preview);
        assert_eq!(reference.width().max(reference.height()), 320);
        assert_eq!(reference.width() > reference.height(), shape == "landscape");
        for (o, t) in &thumbs {
            let small = decode(&t.small);
            assert_eq!(small.dimensions(), reference.dimensions(), "{shape}_{o}");
            // Upright means: closer to the upright reference than to any mirrored or
            // turned version of it (the fixtures differ slightly from each other, by
            // their corner labels and encoding, so an absolute threshold would not do).
            let d = diff(&small, &reference);
            let wrong = [
                image::imageops::flip_horizontal(&reference),
                image::imageops::flip_vertical(&reference),
                image::imageops::rotate180(&reference),
            ];
            let nearest_wrong = wrong.iter().map(|w| diff(&small, w)).fold(f64::MAX, f64::min);
            assert!(
                d < 0.6 * nearest_wrong,
                "{shape}_{o}: {d:.1} from upright, {nearest_wrong:.1} from a wrong way round"
            );
            let preview = decode(&t.preview);
            assert_eq!(preview.dimensions(), reference_preview.dimensions(), "{shape}_{o} preview");
            let flipped = image::imageops::flip_horizontal(&reference_preview);
            assert!(diff(&preview, &reference_preview) < 0.6 * diff(&preview, &flipped), "{shape}_{o} preview");
            assert!(t.small.len() <= media::thumb::SMALL_MAX_BYTES);
        }
    }
}

#[test]
fn phone_photo_gets_small_thumbnail_and_screen_preview() {
    let bytes = std::fs::read(photos().join("phones/iphone_hdr_NO.jpg")).unwrap();
    let t = media::thumb::from_image(&bytes, Kind::Jpeg, media::Orientation(1)).unwrap();
    let small = decode(&t.small);
    let preview = decode(&t.preview);
    assert_eq!(small.width().max(small.height()), 320);
    assert!(t.small.len() < 32_000, "{} bytes", t.small.len());
    assert_eq!(preview.width().max(preview.height()), 1280);
    // a tiny photo is never enlarged
    let tiny = std::fs::read(photos().join("invalid/image02206.jpg")).unwrap();
    let t = media::thumb::from_image(&tiny, Kind::Jpeg, media::Orientation(1)).unwrap();
    assert_eq!(decode(&t.preview).dimensions(), (65, 65));
}

#[test]
fn location_is_stripped_from_the_shared_copy_without_touching_pixels() {
    for name in ["DSCN0010.jpg", "DSCN0012.jpg", "DSCN0021.jpg"] {
        let bytes = std::fs::read(photos().join("gps").join(name)).unwrap();
        let meta = media::meta::read(&bytes, Kind::Jpeg);
        assert!(meta.location.is_some(), "{name} has GPS");
        let (segs, scan) = jpeg::segments(&bytes).unwrap();
        let patches = media::strip::jpeg_patches(&bytes, &segs);
        assert!(!patches.is_empty());
        let shared = media::strip::apply(&bytes, &patches);
        assert_eq!(shared.len(), bytes.len());
        assert_eq!(media::meta::read(&shared, Kind::Jpeg).location, None, "{name}: GPS left in the shared copy");
        // Every changed byte is inside the EXIF header; the image data is identical.
        assert_eq!(&shared[scan..], &bytes[scan..]);
        let app1: Vec<_> = segs.iter().filter(|s| s.marker == 0xE1).collect();
        for (i, (a, b)) in shared.iter().zip(&bytes).enumerate() {
            if a != b {
                assert!(app1.iter().any(|s| (s.start..s.start + s.len).contains(&i)));
            }
        }
        // Still a valid JPEG with the same pixels and the rest of its metadata.
        assert_eq!(decode(&shared), decode(&bytes));
        let after = media::meta::read(&shared, Kind::Jpeg);
        assert_eq!(after.capture_time, meta.capture_time);
        assert_eq!(after.model, meta.model);
        assert_eq!(import::hash_patched(&bytes, &patches).0, *blake3::hash(&shared).as_bytes());
    }
}

#[test]
fn import_strips_location_unless_shared_and_never_touches_the_original() {
    let (_d, imp) = importer();
    let path = photos().join("gps/DSCN0010.jpg");
    let before = std::fs::read(&path).unwrap();
    let s = run(&imp, std::slice::from_ref(&path));
    let item = &s.imported[0].1;
    assert!(!item.location_shared && !item.patches.is_empty());
    assert_ne!(item.shared_hash, item.original_hash);
    assert_eq!(std::fs::read(&path).unwrap(), before, "the original is never modified");
    assert!(imp.preview_path(&item.shared_hash).exists());
    let mi = item.media_item().info;
    assert_eq!(mi.content_hash, item.shared_hash);
    assert_eq!((mi.width, mi.height), (640, 480));
    assert_eq!(mi.capture_time, item.capture_time);

    let (_d2, imp2) = importer();
    let s = imp2.run(&[Request::path(&path)], Options { share_location: true }, &|_| {}, &AtomicBool::new(false));
    let item = &s.imported[0].1;
    assert!(item.location_shared && item.patches.is_empty());
    assert_eq!(item.shared_hash, item.original_hash);
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A JPEG header claiming `w`×`h` pixels (a decompression bomb needs no data).
fn bomb(w: u16, h: u16) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8];
    b.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8]);
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&[1, 1, 0x11, 0]);
    b.extend_from_slice(&[0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0]);
    b.extend_from_slice(&[0; 64]);
    b.extend_from_slice(&[0xFF, 0xD9]);
    b
}

#[test]
fn bad_files_fail_alone_with_typed_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let phone = std::fs::read(photos().join("phones/jolla.jpg")).unwrap();
    let paths = vec![
        photos().join("cameras/Canon_40D.jpg"),
        photos().join("invalid/corrupted.jpg"),
        write(tmp.path(), "cut.jpg", &phone[..phone.len() / 2]),
        write(tmp.path(), "empty.jpg", b""),
        write(tmp.path(), "notes.jpg", b"this is not a photo at all"),
        write(tmp.path(), "bomb.jpg", &bomb(60_000, 60_000)),
        tmp.path().join("missing.jpg"),
        photos().join("invalid/image01137.jpg"),
        photos().join("invalid/image02206.jpg"),
        photos().join("cameras/no_exif.jpg"),
    ];
    let (_d, imp) = importer();
    let events = Mutex::new(Vec::new());
    let s = imp.run(
        &paths.iter().map(Request::path).collect::<Vec<_>>(),
        Options::default(),
        &|p| events.lock().unwrap().push(p),
        &AtomicBool::new(false),
    );
    let failed: Vec<(usize, ImportError)> = s.failed.clone();
    assert_eq!(
        failed,
        vec![
            (1, ImportError::Media(MediaError::Corrupt)),
            (2, ImportError::Media(MediaError::Truncated)),
            (3, ImportError::Media(MediaError::Empty)),
            (4, ImportError::Media(MediaError::Unsupported)),
            (5, ImportError::Media(MediaError::TooLarge { width: 60_000, height: 60_000 })),
            (6, ImportError::Unreadable(std::io::ErrorKind::NotFound)),
        ]
    );
    // The rest imported, broken EXIF blocks included: metadata is best effort.
    assert_eq!(s.imported.len(), 4);
    let events = events.into_inner().unwrap();
    assert_eq!(events.len(), paths.len(), "one progress event per file");
    assert_eq!(events.iter().map(|e| e.done).max(), Some(paths.len()));
    assert_eq!(events.iter().filter(|e| matches!(e.outcome, FileOutcome::Failed(_))).count(), 6);
    // Error messages never name the file.
    for (_, e) in &failed {
        assert!(!e.to_string().contains(".jpg"), "{e}");
    }
}

#[test]
fn the_same_bytes_import_once() {
    let tmp = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(photos().join("cameras/Nikon_D70.jpg")).unwrap();
    let first = write(tmp.path(), "first.jpg", &bytes);
    let copy = write(tmp.path(), "renamed copy.jpg", &bytes);
    let (_d, imp) = importer();
    let s = run(&imp, &[first.clone(), copy.clone(), first.clone()]);
    assert_eq!(s.imported.len(), 1);
    assert_eq!(s.known.len(), 2, "the other two reuse the first one's record");
    assert!(s.known.iter().all(|(_, k)| k.original_hash == s.imported[0].1.original_hash));
    let again = run(&imp, std::slice::from_ref(&copy));
    assert!(again.imported.is_empty());
    assert_eq!(again.known.len(), 1);
    assert_eq!(again.known[0].1.shared_hash, s.imported[0].1.shared_hash);
    // The file it was first imported from is gone: the record follows the bytes to the
    // copy, so a post made from it seeds from a file that exists.
    let was = again.known[0].1.path.clone();
    std::fs::remove_file(&was).unwrap();
    let moved = run(&imp, std::slice::from_ref(&copy));
    assert_eq!(moved.known[0].1.path, copy);
    assert_ne!(was, copy);
}

/// Two workers importing the same bytes at once write the same preview at the same time;
/// neither may fail for it (CI caught one of three copies reported as neither imported
/// nor known), and no temporary file is left behind.
#[test]
fn the_same_bytes_at_once_in_one_batch_never_fail() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open_dir(&tmp.path().join("data")).unwrap());
    let imp = Importer::new(store, 8).unwrap();
    for camera in ["Canon_40D", "Nikon_D70", "fujifilm-dx10", "Reconyx_HC500_Hyperfire", "PaintTool_sample", "no_exif"]
    {
        let bytes = std::fs::read(photos().join(format!("cameras/{camera}.jpg"))).unwrap();
        let paths: Vec<PathBuf> = (0..24).map(|i| write(tmp.path(), &format!("{camera}-{i}.jpg"), &bytes)).collect();
        let s = run(&imp, &paths);
        assert!(s.failed.is_empty(), "{camera}: {:?}", s.failed);
        assert_eq!((s.imported.len(), s.known.len()), (1, paths.len() - 1), "{camera}");
        assert!(imp.preview_path(&s.imported[0].1.shared_hash).exists());
    }
    let left: Vec<_> = std::fs::read_dir(imp.previews_dir()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.iter().all(|n| !n.to_string_lossy().ends_with(".tmp")), "{left:?}");
    assert_eq!(left.len(), 6, "one preview per photo: {left:?}");
}

/// A preview half-written when the process was killed is swept when the next one starts;
/// a temporary of this process (a write in flight) and the previews themselves stay.
#[test]
fn half_written_previews_of_a_killed_process_are_swept_at_start() {
    let tmp = tempfile::tempdir().unwrap();
    let previews = tmp.path().join(import::PREVIEWS_DIR);
    std::fs::create_dir_all(&previews).unwrap();
    let dead = write(&previews, "ab12.4000000-3.tmp", b"half a jpeg");
    let old_style = write(&previews, "cd34.tmp", b"half a jpeg");
    let in_flight = write(&previews, &format!("ef56.{}-0.tmp", std::process::id()), b"being written");
    let kept = write(&previews, "ab12.jpg", b"a preview");
    let _imp = Importer::new(Arc::new(Store::open_dir(tmp.path()).unwrap()), 1).unwrap();
    assert!(!dead.exists() && !old_style.exists());
    assert!(in_flight.exists() && kept.exists());
}

#[test]
fn cancel_stops_between_files() {
    let (_d, imp) = importer();
    let cancel = AtomicBool::new(true);
    let s = imp.run(&[Request::path(photos().join("cameras/Canon_40D.jpg"))], Options::default(), &|_| {}, &cancel);
    assert!(s.cancelled && s.imported.is_empty());
}

#[test]
fn heic_and_video_use_the_platform_poster_and_keep_the_original() {
    let (_d, imp) = importer();
    let heic = photos().join("heic/IMG_5195.HEIC");
    let clip = own_fixtures().join("clip.mp4");
    let poster = std::fs::read(photos().join("cameras/Canon_40D.jpg")).unwrap();
    let reqs =
        vec![Request { path: heic.clone(), poster: Some(poster.clone()), ..Request::default() }, Request::path(&clip)];
    let s = imp.run(&reqs, Options::default(), &|_| {}, &AtomicBool::new(false));
    assert!(s.failed.is_empty(), "{:?}", s.failed);
    let h = &s.imported[0].1;
    assert_eq!(h.kind, Kind::Heif);
    // Its GPS is removed from the shared copy in place, like a JPEG's; its size comes
    // from the container (it was 0×0 before).
    assert_ne!(h.shared_hash, h.original_hash, "the HEIC's location is removed");
    let shared = media::strip::apply(&std::fs::read(&heic).unwrap(), &h.patches);
    assert_eq!(media::meta::read(&shared, Kind::Heif).location, None);
    assert!(media::meta::read(&std::fs::read(&heic).unwrap(), Kind::Heif).location.is_some());
    assert_eq!((h.width, h.height), (2566, 3313));
    assert!(!h.thumbnail.is_empty() && h.thumbnail.len() < 32_000);
    assert!(h.meta.capture_time.is_some(), "capture time read from the HEIC's EXIF");
    assert_eq!(h.meta.make.as_deref(), Some("Apple"));
    let v = &s.imported[1].1;
    assert_eq!(v.kind, Kind::Mp4);
    assert_eq!(v.meta.duration_ms, Some(2000));
    assert_eq!((v.width, v.height), (160, 120));
    assert_eq!(v.capture_time, Some(Timestamp(1_781_980_200_000)), "2026-06-20T18:30:00Z from the container");
    assert!(v.thumbnail.is_empty() && !v.has_preview, "no poster was given for the video");
    assert_eq!(v.media_item().info.mime, "video/mp4");
}

#[test]
fn event_window_picks_what_was_taken_during_the_event() {
    let (dir, imp) = importer();
    let all = import::scan_folder(&photos().join("gps"));
    assert_eq!(all.len(), 3);
    let times: Vec<i64> = all.iter().map(|c| c.capture_time.unwrap().0).collect();
    let (lo, hi) = (*times.iter().min().unwrap(), *times.iter().max().unwrap());
    assert!(lo < hi);
    // A window that holds all but the latest photo.
    let window = Window { start: Timestamp(lo), end: Timestamp(hi) };
    let store = Store::open_dir(dir.path()).unwrap();
    let picked = import::select_for_window(&store, all.clone(), window).unwrap();
    assert_eq!(picked.len(), 2);
    assert!(picked.iter().all(|c| window.contains(c.capture_time.unwrap())));
    // Once imported, a photo is not offered again.
    run(&imp, &[picked[0].path.clone()]);
    let again = import::select_for_window(&store, all, window).unwrap();
    assert_eq!(again.len(), 1);
    assert_ne!(again[0].path, picked[0].path);
}

#[test]
fn camera_metadata_is_read() {
    let bytes = std::fs::read(photos().join("cameras/Canon_40D.jpg")).unwrap();
    let m = media::meta::read(&bytes, Kind::Jpeg);
    assert_eq!(m.make.as_deref(), Some("Canon"));
    assert_eq!(m.model.as_deref(), Some("Canon EOS 40D"));
    // DateTimeOriginal 2008:05:30 15:56:01, no zone recorded: the wall clock read as UTC.
    assert_eq!(m.capture_time, Some(Timestamp(1_212_162_961_000)));
    assert_eq!(m.utc_offset_min, None);
    let gps = media::meta::read(&std::fs::read(photos().join("gps/DSCN0010.jpg")).unwrap(), Kind::Jpeg);
    let loc = gps.location.unwrap();
    assert!((loc.latitude - 43.467).abs() < 0.01 && (loc.longitude - 11.885).abs() < 0.01, "{loc:?}");
    assert_eq!(
        media::meta::read(&std::fs::read(photos().join("cameras/no_exif.jpg")).unwrap(), Kind::Jpeg).capture_time,
        None
    );
}

#[tokio::test(flavor = "current_thread")]
async fn async_import_reports_progress_and_leaves_the_runtime_free() {
    let (_d, imp) = importer();
    let imp = Arc::new(imp);
    let files: Vec<Request> = ["phones/jolla.jpg", "phones/iphone_hdr_NO.jpg", "cameras/Nikon_D70.jpg"]
        .iter()
        .map(|f| Request::path(photos().join(f)))
        .collect();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let job = tokio::spawn({
        let imp = Arc::clone(&imp);
        async move { imp.run_async(files, Options::default(), tx, Arc::new(AtomicBool::new(false))).await }
    });
    // The single runtime thread keeps running other tasks while the import works.
    let mut ticks = 0;
    let mut events = Vec::new();
    loop {
        tokio::select! {
            p = rx.recv() => match p { Some(p) => events.push(p), None => break },
            _ = tokio::time::sleep(std::time::Duration::from_millis(1)) => ticks += 1,
        }
    }
    let summary = job.await.unwrap();
    assert_eq!(summary.imported.len(), 3);
    assert_eq!(events.len(), 3);
    assert!(ticks > 0, "the runtime was starved");
}

#[test]
fn cmyk_and_png_images_get_thumbnails_too() {
    // A CMYK JPEG, as print workflows make them.
    let (w, h) = (400usize, 300usize);
    let mut c = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_CMYK);
    c.set_size(w, h);
    let mut started = c.start_compress(Vec::new()).unwrap();
    let px: Vec<u8> = (0..w * h).flat_map(|i| [(i % 256) as u8, 40, 200, 10]).collect();
    started.write_scanlines(&px).unwrap();
    let cmyk = started.finish().unwrap();
    let t = media::thumb::from_image(&cmyk, Kind::Jpeg, media::Orientation(1)).unwrap();
    assert_eq!(decode(&t.small).dimensions(), (320, 240));
    // A PNG screenshot.
    let mut png = Vec::new();
    image::RgbImage::from_pixel(1000, 2000, image::Rgb([10, 200, 30]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let t = media::thumb::from_image(&png, Kind::Png, media::Orientation(1)).unwrap();
    assert_eq!(decode(&t.small).dimensions(), (160, 320));
    assert_eq!(decode(&t.preview).dimensions(), (640, 1280));
}

/// Every container the app imports, from real phones and cameras: the shared copy carries
/// no location (the original is untouched), and a video whose GPS track cannot be removed
/// is refused unless the user keeps location, with a reason that says so.
#[test]
fn every_container_is_shared_without_location_or_refused() {
    let media_dir = own_fixtures().join("media");
    let with_location = [
        ("iphone11promax-gps.heic", Kind::Heif),
        ("nokia83-gps.heif", Kind::Heif),
        ("gps.avif", Kind::Heif),
        ("iphonex-iso6709.mov", Kind::Mov),
        ("android-xyz-rot90.mp4", Kind::Mp4),
        ("exif-gps-xmp.png", Kind::Png),
        ("iphone11promax-gps.webp", Kind::Webp),
    ];
    let (_d, imp) = importer();
    let reqs: Vec<Request> = with_location.iter().map(|(f, _)| Request::path(media_dir.join(f))).collect();
    let s = imp.run(&reqs, Options::default(), &|_| {}, &AtomicBool::new(false));
    assert!(s.failed.is_empty(), "{:?}", s.failed);
    for (i, item) in &s.imported {
        let (name, kind) = with_location[*i];
        let original = std::fs::read(media_dir.join(name)).unwrap();
        assert_eq!(item.kind, kind, "{name}");
        assert!(!item.patches.is_empty() && item.shared_hash != item.original_hash, "{name}: location removed");
        let shared = media::strip::apply(&original, &item.patches);
        assert_eq!(shared.len(), original.len(), "{name}");
        assert_eq!(media::meta::read(&shared, kind).location, None, "{name}");
        assert_eq!(std::fs::read(media_dir.join(name)).unwrap(), original, "{name}: the original is untouched");
        assert!(item.width > 0 && item.height > 0, "{name}: a size");
    }
    // Upright sizes from the containers: a 90° phone video is portrait.
    let rotated = s.imported.iter().find(|(i, _)| with_location[*i].0 == "android-xyz-rot90.mp4").unwrap();
    assert_eq!((rotated.1.width, rotated.1.height), (1080, 1920));

    // A GoPro's GPS track is in the video data: refused, unless the user keeps location.
    let gopro = vec![Request::path(media_dir.join("gopro-karma-gpmf.mp4"))];
    let refused = imp.run(&gopro, Options::default(), &|_| {}, &AtomicBool::new(false));
    assert_eq!(refused.failed.len(), 1);
    let (_, why) = &refused.failed[0];
    assert!(matches!(why, ImportError::Media(MediaError::LocationNotRemovable(_))), "{why:?}");
    assert!(why.to_string().contains("GPS track"), "{why}");
    let kept = imp.run(&gopro, Options { share_location: true }, &|_| {}, &AtomicBool::new(false));
    assert!(kept.failed.is_empty(), "{:?}", kept.failed);
    let (_, item) = &kept.imported[0];
    assert!(item.location_shared && item.patches.is_empty(), "kept as it is, and recorded as kept");
}
