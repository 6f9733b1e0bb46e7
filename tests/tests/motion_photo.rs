//! A Motion Photo — a JPEG with a short video appended after the image, described by
//! Google's `Container` directory in its XMP (Android's camera format; the Photo Picker
//! hands it over whole) — is shared intact: still and video travel together, byte for
//! byte, to another member, with the location removed from both the photo's EXIF and
//! the video's `©xyz`.
//!
//! The file is put together here from real files, as a camera does: the GPS-tagged
//! `gps/DSCN0010.jpg` of the shared photo fixtures, a `Container` XMP segment, and
//! `android-xyz-rot90.mp4` (an Android phone's recording with its location) after it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "location/tools.rs"]
mod common;

use common::{exiftool_location, ffmpeg_decodes, ffprobe_location, have, temp_file};
use std::time::Duration;
use swarmroll_core::channel::Role;
use swarmroll_core::import::Request;
use swarmroll_core::media::strip::{apply, location_patches};
use swarmroll_core::media::{jpeg, mp4, Kind};
use swarmroll_core::node::Node;
use swarmroll_tests::net::{node_config, until};
use tempfile::TempDir;

/// The Motion Photo, and where its video starts.
fn motion_photo() -> (Vec<u8>, usize) {
    let still = std::fs::read(swarmroll_tests::photos().join("gps/DSCN0010.jpg")).unwrap();
    let video = common::read("android-xyz-rot90.mp4");
    let xmp = format!(
        "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF \
         xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" \
         xmlns:GCamera=\"http://ns.google.com/photos/1.0/camera/\" \
         xmlns:Container=\"http://ns.google.com/photos/1.0/container/\" \
         xmlns:Item=\"http://ns.google.com/photos/1.0/container/item/\" GCamera:MotionPhoto=\"1\" \
         GCamera:MotionPhotoVersion=\"1\" GCamera:MotionPhotoPresentationTimestampUs=\"500000\">\
         <Container:Directory><rdf:Seq>\
         <rdf:li rdf:parseType=\"Resource\"><Container:Item Item:Mime=\"image/jpeg\" Item:Semantic=\"Primary\" \
         Item:Length=\"0\" Item:Padding=\"0\"/></rdf:li>\
         <rdf:li rdf:parseType=\"Resource\"><Container:Item Item:Mime=\"video/mp4\" Item:Semantic=\"MotionPhoto\" \
         Item:Length=\"{}\" Item:Padding=\"0\"/></rdf:li>\
         </rdf:Seq></Container:Directory></rdf:Description></rdf:RDF></x:xmpmeta>",
        video.len()
    );
    let seg_len = u16::try_from(xmp.len() + 2).unwrap();
    let mut out = Vec::with_capacity(still.len() + xmp.len() + video.len() + 4);
    out.extend_from_slice(&still[..2]);
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&seg_len.to_be_bytes());
    out.extend_from_slice(xmp.as_bytes());
    out.extend_from_slice(&still[2..]);
    let at = out.len();
    out.extend_from_slice(&video);
    (out, at)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn both_halves_lose_their_location_and_nothing_else() {
    let (original, video_at) = motion_photo();
    let (_, scan) = jpeg::segments(&original).unwrap();
    assert_eq!(jpeg::embedded_video(&original, scan), Some((video_at, original.len())), "the video is found");
    let patches = location_patches(&original, Kind::Jpeg).unwrap();
    assert!(patches.iter().any(|p| (p.offset as usize) < video_at), "the photo's GPS is patched");
    assert!(patches.iter().any(|p| (p.offset as usize) >= video_at), "the video's location is patched");
    let shared = apply(&original, &patches);
    assert_eq!(shared.len(), original.len());
    assert!(contains(&original, b"+27.2939+112.6932") && !contains(&shared, b"+27.2939+112.6932"));
    // The video is still the video: same size and length, decodable.
    let (before, after) = (&original[video_at..], &shared[video_at..]);
    assert_eq!(mp4::video_info(after), mp4::video_info(before));
    assert!(mp4::video_info(after).is_some());
    assert!(contains(&shared, b"GCamera:MotionPhoto=\"1\""), "the Motion Photo's XMP stays");
    if have("exiftool") {
        let path = temp_file("motion-photo.jpg", &shared);
        assert_eq!(exiftool_location(&path), Vec::<String>::new());
        assert!(!exiftool_location(&temp_file("motion-photo-orig.jpg", &original)).is_empty());
    }
    if have("ffmpeg") {
        let path = temp_file("motion-photo-video.mp4", after);
        ffmpeg_decodes(&path).unwrap();
        assert_eq!(ffprobe_location(&path), Vec::<String>::new());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_motion_photo_reaches_another_member_whole() {
    let (original, video_at) = motion_photo();
    let (da, db, files) = (TempDir::new().unwrap(), TempDir::new().unwrap(), TempDir::new().unwrap());
    let path = files.path().join("PXL_20261205_180000000.MP.jpg");
    std::fs::write(&path, &original).unwrap();
    let alice = Node::open(node_config(da.path())).unwrap();
    alice.start().await.unwrap();
    let ch = alice.create_channel("Garden party", "Alice", true).unwrap();
    let request = Request { path: path.clone(), poster: None, asset_id: None, platform_time: None };
    let options = swarmroll_core::share::Options::default();
    let out = alice.share(&ch, vec![request], options, &Default::default()).await.unwrap();
    assert_eq!(out.posted(), 1, "{:?}", out.files);
    let post = out.posts[0];
    let item = alice.thread(&post).unwrap().unwrap().post.items[0].clone();
    assert_eq!(item.media.mime, "image/jpeg", "it is a photo in the gallery");
    assert_eq!(item.media.size, original.len() as u64, "still and video together");

    let bob = Node::open(node_config(db.path())).unwrap();
    bob.start().await.unwrap();
    let (invite, _) = alice.invite(&ch, Role::Viewer, None).await.unwrap();
    bob.join(&invite, "Bob", Duration::from_secs(10)).await.unwrap();
    until(30, "the Motion Photo at bob", || bob.originals(&ch, &post).unwrap().is_some()).await;
    let got = std::fs::read(&bob.originals(&ch, &post).unwrap().unwrap()[0].path).unwrap();
    let expected = apply(&original, &location_patches(&original, Kind::Jpeg).unwrap());
    assert!(got == expected, "bob holds the shared copy byte for byte");
    assert_eq!(mp4::video_info(&got[video_at..]), mp4::video_info(&original[video_at..]), "the video came along");
    assert!(!contains(&got, b"+27.2939+112.6932"), "without the video's location");
    assert!(std::fs::read(&path).unwrap() == original, "alice's own file is untouched");
    alice.stop().await;
    bob.stop().await;
}
