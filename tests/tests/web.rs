#![allow(clippy::expect_used, clippy::unwrap_used)] // tests: failing loudly is right
//! The venue web gallery over real HTTP on loopback, against Alice's real node: a guest's
//! chunked, resumable upload becomes a post (thumbnail included) on Bob's node that joined
//! by invite; comments and hides arrive live; bad input is refused with the documented
//! status and stores nothing; revoked, closed and blocked access ends at once.
//! The same scenario in a real browser is `web_browser.rs`.

use serde_json::json;
use std::time::Duration;
use swarmroll_core::channel::Role;
use swarmroll_core::node::Node;
use swarmroll_core::Timestamp;
use swarmroll_tests::http::{Client, Events};
use swarmroll_tests::net::{node_config, until};
use swarmroll_tests::venue::Venue;
use swarmroll_web::{self, LinkRole};

const WAIT: Duration = Duration::from_secs(10);

fn photo(name: &str) -> Vec<u8> {
    std::fs::read(swarmroll_tests::photos().join(name)).unwrap()
}

/// Files under `dir`, recursively.
fn count_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| if e.path().is_dir() { count_files(&e.path()) } else { 1 })
        .sum()
}

/// Starts an upload of `jpeg` as `name` and sends its first 1000 bytes only; its id.
async fn half_upload(guest: &mut Client, base: &str, name: &str, jpeg: &[u8]) -> String {
    let hash = blake3::hash(jpeg).to_hex().to_string();
    let r = guest
        .json(
            "POST",
            &format!("{base}api/uploads"),
            &json!({"name": name, "size": jpeg.len(), "type": "image/jpeg", "hash": hash}),
        )
        .await;
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let r = guest
        .send("PATCH", &format!("{base}api/uploads/{id}"), &[("Upload-Offset", "0")], &jpeg[..1000])
        .await
        .unwrap();
    assert_eq!(r.json()["offset"], 1000);
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_upload_becomes_a_post_on_a_member_node_and_comments_arrive_live() {
    let v = Venue::start(|_| {}).await;
    let (up, view) = (Venue::base(&v.uploader), Venue::base(&v.viewer));

    // Bob is a member with the app: he joins by invite.
    let bob_dir = tempfile::tempdir().unwrap();
    let bob = Node::open(node_config(bob_dir.path())).unwrap();
    bob.start().await.unwrap();
    let (invite, _) = v.node.invite(&v.channel, Role::Viewer, None).await.unwrap();
    bob.join(&invite, "Bob", WAIT).await.unwrap();

    // Jon watches the gallery (a viewer link); Maya uploads.
    let mut jon = v.guest(&v.viewer, Some("Jon")).await;
    let mut live = Events::open(&jon, &format!("{view}api/events")).await.unwrap();
    let mut maya = v.guest(&v.uploader, Some("Maya")).await;
    let bytes = photo("gps/DSCN0010.jpg");

    // A chunk at the wrong offset is refused with the server's offset, and the upload
    // goes on from there (what a page does after a dropped connection).
    let hash = blake3::hash(&bytes).to_hex().to_string();
    let announce = json!({"name": "IMG_0001.JPG", "size": bytes.len(), "type": "image/jpeg", "hash": hash});
    let r = maya.json("POST", &format!("{up}api/uploads"), &announce).await;
    assert_eq!((r.status, r.json()["state"].as_str()), (200, Some("partial")), "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let r = maya
        .send("PATCH", &format!("{up}api/uploads/{id}"), &[("Upload-Offset", "0")], &bytes[..10_000])
        .await
        .unwrap();
    assert_eq!(r.json()["offset"], 10_000);
    let r = maya
        .send("PATCH", &format!("{up}api/uploads/{id}"), &[("Upload-Offset", "0")], &bytes[..10_000])
        .await
        .unwrap();
    assert_eq!(
        (r.status, r.json()["error"].as_str(), r.json()["offset"].as_u64()),
        (409, Some("offset_mismatch"), Some(10_000))
    );
    // Announcing the same bytes again resumes the same upload.
    let r = maya.upload(&up, "IMG_0001.JPG", "image/jpeg", &bytes, 16 << 10).await;
    assert_eq!(
        (r.status, r.json()["state"].as_str(), r.json()["id"].as_str()),
        (200, Some("complete"), Some(id.as_str()))
    );
    let r = maya.json("POST", &format!("{up}api/uploads/commit"), &json!({"ids": [id], "caption": "the rings"})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let post = r.json()["post"].as_str().unwrap().to_owned();

    // It is live for Jon, and in his gallery, credited to the guest.
    let data = live.next_named("item", WAIT).await.expect("an item event");
    assert_eq!(data["post"].as_str(), Some(post.as_str()));
    let items = jon.get(&format!("{view}api/items")).await.json();
    let item = &items["items"][0];
    assert_eq!(
        (item["post"].as_str(), item["by"].as_str(), item["kind"].as_str()),
        (Some(post.as_str()), Some("Maya (guest)"), Some("image"))
    );
    let thumb = jon.get(&format!("{view}{}", item["thumb"].as_str().unwrap())).await;
    assert_eq!((thumb.status, thumb.header("content-type")), (200, Some("image/jpeg")));
    assert!(thumb.body.len() > 1000);

    // The original, whole and by range (a video player seeking): the channel's shared
    // copy, without the location the guest's file carried.
    let orig = format!("{view}{}", item["original"].as_str().unwrap());
    let whole = jon.get(&orig).await;
    assert_eq!((whole.status, whole.body.len()), (200, bytes.len()));
    assert_ne!(whole.body, bytes, "the location is removed");
    let shared = v.node.thread(&swarmroll_core::EventId::from_hex(&post).unwrap()).unwrap().unwrap().post.items[0]
        .media
        .content_hash;
    assert_eq!(blake3::hash(&whole.body).as_bytes(), &shared.0);
    let part = jon.send("GET", &orig, &[("Range", "bytes=100-1099")], &[]).await.unwrap();
    assert_eq!(part.status, 206);
    assert_eq!(part.body, whole.body[100..1100]);
    assert_eq!(part.header("content-range"), Some(format!("bytes 100-1099/{}", bytes.len()).as_str()));
    let past = jon.send("GET", &orig, &[("Range", "bytes=99999999-")], &[]).await.unwrap();
    assert_eq!(past.status, 416);

    // A retried upload adds nothing: no bytes are sent, no post is made.
    let r = maya.upload(&up, "copy.jpg", "image/jpeg", &bytes, 1 << 20).await;
    assert_eq!(r.json()["state"], "duplicate");
    assert_eq!(jon.get(&format!("{view}api/items")).await.json()["items"].as_array().unwrap().len(), 1);

    // Jon comments; the comment is live, and in the thread as the guest's.
    let r = jon.json("POST", &format!("{view}api/post/{post}/comments"), &json!({"text": "What a day!"})).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let data = live.next_named("comment", WAIT).await.expect("a comment event");
    assert_eq!(data["post"].as_str(), Some(post.as_str()));
    let thread = maya.get(&format!("{up}api/post/{post}")).await.json();
    assert_eq!(thread["comments"][0]["guest"], "Jon");
    assert_eq!(thread["comments"][0]["text"], "What a day!");
    assert_eq!(thread["post"]["items"][0]["name"], "IMG_0001.jpg");

    // Two guests react with the same emoji: the node reacts once, until both take it back.
    let heart = json!({"target": post, "emoji": "❤️", "on": true});
    assert_eq!(jon.json("POST", &format!("{view}api/react"), &heart).await.status, 200);
    assert_eq!(maya.json("POST", &format!("{up}api/react"), &heart).await.status, 200);
    let reactions = |c: serde_json::Value| c["post"]["reactions"].clone();
    let seen = reactions(jon.get(&format!("{view}api/post/{post}")).await.json());
    assert_eq!(seen, json!([{"emoji": "❤️", "count": 1, "mine": true}]));
    jon.json("POST", &format!("{view}api/react"), &json!({"target": post, "emoji": "❤️", "on": false})).await;
    let seen = reactions(jon.get(&format!("{view}api/post/{post}")).await.json());
    assert_eq!(seen, json!([{"emoji": "❤️", "count": 1, "mine": false}]), "Maya's reaction stays");

    // Bob's node has the post, by Ana's node for the guest, with its thumbnail, and the
    // guest's comment.
    let post_id = swarmroll_core::EventId::from_hex(&post).unwrap();
    until(20, "the post and comment on Bob's node", || {
        bob.thread(&post_id).ok().flatten().is_some_and(|t| !t.comments.is_empty())
    })
    .await;
    let t = bob.thread(&post_id).unwrap().unwrap();
    assert_eq!(t.post.guest.as_deref(), Some("Maya"));
    assert_eq!(t.post.author.device, v.node.device_id());
    assert_eq!((t.comments[0].guest.as_deref(), t.comments[0].text.as_str()), (Some("Jon"), "What a day!"));
    let page = bob.gallery(&v.channel, None, 10).unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(page.items[0].thumbnail.len() > 1000, "the thumbnail travels in the log");
    bob.stop().await;
    v.node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_with_a_clear_status_and_nothing_is_stored() {
    let v = Venue::start(|c| {
        c.max_file_bytes = 1 << 20;
        c.chunk_bytes = 64 << 10;
    })
    .await;
    let (up, view) = (Venue::base(&v.uploader), Venue::base(&v.viewer));
    let incoming = v.dir.path().join("web/incoming");
    let mut maya = v.guest(&v.uploader, None).await;
    let jpeg = photo("cameras/Reconyx_HC500_Hyperfire.jpg");
    let announce = |name: &str, size: usize, bytes: &[u8]| json!({"name": name, "size": size, "type": "", "hash": blake3::hash(bytes).to_hex().to_string()});
    let err = |r: &swarmroll_tests::http::Response| (r.status, r.json()["error"].as_str().map(str::to_owned));

    // No name yet: uploads and comments need one.
    let r = maya.json("POST", &format!("{up}api/uploads"), &announce("a.jpg", jpeg.len(), &jpeg)).await;
    assert_eq!(err(&r), (400, Some("name_required".into())));
    let r = maya.json("PUT", &format!("{up}api/me"), &json!({"name": "Maya"})).await;
    assert_eq!(r.json()["name"], "Maya");

    // Oversize, by announcement and by a chunk larger than allowed.
    let r = maya.json("POST", &format!("{up}api/uploads"), &announce("big.jpg", 2 << 20, &jpeg)).await;
    assert_eq!(err(&r), (413, Some("too_large".into())));
    let r = maya.json("POST", &format!("{up}api/uploads"), &announce("a.jpg", jpeg.len(), &jpeg)).await;
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let r = maya
        .send("PATCH", &format!("{up}api/uploads/{id}"), &[("Upload-Offset", "0")], &jpeg[..(64 << 10) + 1])
        .await
        .unwrap();
    assert_eq!(err(&r), (413, Some("too_large".into())));
    assert_eq!(
        maya.get(&format!("{up}api/uploads/{id}")).await.json()["offset"],
        0,
        "nothing of a refused chunk is kept"
    );

    // Not media: by name, and by content under a photo's name.
    let r = maya.json("POST", &format!("{up}api/uploads"), &announce("notes.txt", 5, b"hello")).await;
    assert_eq!(err(&r), (415, Some("not_media".into())));
    let text = b"this is not a photo at all, just text pretending".repeat(10);
    let r = maya.upload(&up, "fake.jpg", "image/jpeg", &text, 64 << 10).await;
    assert_eq!(err(&r), (415, Some("not_media".into())));

    // A JPEG header on a garbage body, and a real photo cut short: refused as not media
    // when the last byte arrives (not at commit), their bytes gone.
    let mut garbage = jpeg[..600].to_vec();
    garbage.extend(b"garbage that is not image data ".repeat(40));
    let r = maya.upload(&up, "garbage.jpg", "image/jpeg", &garbage, 64 << 10).await;
    assert_eq!(err(&r), (415, Some("not_media".into())), "{}", r.text());
    let cut = photo("phones/jolla.jpg")[..40_000].to_vec();
    let r = maya.upload(&up, "cut.jpg", "image/jpeg", &cut, 64 << 10).await;
    assert_eq!(err(&r), (415, Some("not_media".into())), "{}", r.text());

    // A video whose GPS track cannot be removed is refused, and says why.
    let gopro = std::fs::read(swarmroll_tests::own_fixtures().join("media/gopro-karma-gpmf.mp4")).unwrap();
    let r = maya.upload(&up, "GOPR0001.MP4", "video/mp4", &gopro, 64 << 10).await;
    assert_eq!(err(&r), (422, Some("location_kept".into())), "{}", r.text());

    // Bytes that do not match the announced hash: refused, started over.
    let r = maya.json("POST", &format!("{up}api/uploads"), &announce("b.jpg", jpeg.len(), b"other bytes")).await;
    let bad = r.json()["id"].as_str().unwrap().to_owned();
    let mut off = 0;
    let mut last = r;
    while off < jpeg.len() {
        let end = (off + (64 << 10)).min(jpeg.len());
        let o = off.to_string();
        last = maya
            .send("PATCH", &format!("{up}api/uploads/{bad}"), &[("Upload-Offset", &o)], &jpeg[off..end])
            .await
            .unwrap();
        off = end;
    }
    assert_eq!(err(&last), (422, Some("hash_mismatch".into())));
    assert_eq!(maya.get(&format!("{up}api/uploads/{bad}")).await.json()["offset"], 0);

    // A path in the name is dropped: the file lands under the upload folder as `evil.jpg`.
    let other = photo("cameras/fujifilm-dx10.jpg");
    let r = maya.upload(&up, "../../../../etc/evil.jpg", "image/jpeg", &other, 64 << 10).await;
    assert_eq!(r.json()["state"], "complete", "{}", r.text());
    let kept = v.dir.path().join("web/files").join(blake3::hash(&other).to_hex().as_str()).join("evil.jpg");
    assert!(kept.exists());

    // Too many unfinished uploads at once from one guest.
    let mut codes = Vec::new();
    for i in 0..5u8 {
        let fake = vec![i; 100];
        let r = maya.json("POST", &format!("{up}api/uploads"), &announce(&format!("{i}.jpg"), 100, &fake)).await;
        codes.push(r.status);
    }
    // Two unfinished uploads (`a.jpg`, and `b.jpg` starting over) were open: two more fit
    // under the limit of four, then 429.
    assert_eq!(codes, [200, 200, 429, 429, 429]);

    // Hostile requests: malformed JSON, an absurd id, a missing offset, a bad cursor.
    let r = maya
        .send("POST", &format!("{up}api/uploads"), &[("Content-Type", "application/json")], b"{nope")
        .await
        .unwrap();
    assert_eq!(err(&r), (400, Some("bad_request".into())));
    assert_eq!(maya.get(&format!("{up}api/uploads/999999")).await.status, 404);
    let r = maya.send("PATCH", &format!("{up}api/uploads/{id}"), &[], b"xx").await.unwrap();
    assert_eq!(err(&r), (400, Some("bad_request".into())));
    assert_eq!(maya.get(&format!("{up}api/items?cursor=zz")).await.status, 400);
    assert_eq!(maya.get(&format!("{up}api/post/{}", "00".repeat(32))).await.status, 404);
    // Errors in the URL are JSON too, never the input echoed back as text.
    let thumb = format!("{up}thumb/{}/99999999999999999999", "00".repeat(32));
    let block = format!("{up}api/guests/1x/block");
    for r in [maya.get(&thumb).await, maya.json("POST", &block, &json!({})).await] {
        assert_eq!(r.status, 400, "{}", r.text());
        assert_eq!(r.json()["error"], "bad_request", "{}", r.text());
        assert!(!r.text().contains("99999999999999999999") && !r.text().contains("1x"), "{}", r.text());
    }
    let r = maya.get(&format!("{up}api/no-such-route")).await;
    assert_eq!(err(&r), (404, Some("not_found".into())));
    let r = maya.get(&block).await;
    assert_eq!(err(&r), (405, Some("bad_method".into())));

    // A viewer link cannot upload; no cookie, no data; a wrong token finds nothing.
    let mut jon = v.guest(&v.viewer, Some("Jon")).await;
    let r = jon.json("POST", &format!("{view}api/uploads"), &announce("a.jpg", jpeg.len(), &jpeg)).await;
    assert_eq!(err(&r), (403, Some("forbidden".into())));
    let mut stranger = Client::new(v.addr());
    assert_eq!(err(&stranger.get(&format!("{view}api/items")).await), (401, Some("no_session".into())));
    let wrong = "/g/aaaaaaaaaaaaaaaaaaaaaaaaaa/";
    assert_eq!(stranger.get(wrong).await.status, 404);
    assert!(stranger.get(wrong).await.text().contains("<h1>"), "a page, for a browser");
    assert_eq!(stranger.get("/g/..%2F..%2Fetc/").await.status, 404);
    assert_eq!(stranger.get("/assets/../Cargo.toml").await.status, 404);

    // Nothing refused was kept: the one partial file in `incoming` is a.jpg's, empty
    // since its chunk was refused; nothing of the text, the garbage, the cut, the
    // damaged or the oversize file.
    let parts: Vec<_> = std::fs::read_dir(&incoming).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(parts.len(), 1, "{parts:?}");
    assert_eq!(std::fs::metadata(&parts[0]).unwrap().len(), 0);
    assert_eq!(count_files(&v.dir.path().join("web/files")), 1);
    assert!(v.node.posts(&v.channel).unwrap().is_empty());

    // And the node is unharmed.
    assert_eq!(maya.get(&format!("{up}api/items")).await.status, 200);
    v.node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_hides_uploads_and_blocks_guests_and_links_end_at_once() {
    let v = Venue::start(|_| {}).await;
    let (up, view, hostp) = (Venue::base(&v.uploader), Venue::base(&v.viewer), Venue::base(&v.host));
    let mut maya = v.guest(&v.uploader, Some("Maya")).await;
    let mut jon = v.guest(&v.viewer, Some("Jon")).await;
    let mut host = v.guest(&v.host, Some("Ana")).await;
    let r = maya.upload(&up, "a.jpg", "image/jpeg", &photo("cameras/Nikon_D70.jpg"), 1 << 20).await;
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let r = maya.json("POST", &format!("{up}api/uploads/commit"), &json!({"ids": [id]})).await;
    let post = r.json()["post"].as_str().unwrap().to_owned();
    let mut live = Events::open(&jon, &format!("{view}api/events")).await.unwrap();

    // Only the host's pages learn the guests' upload link (for the slideshow's QR code).
    let me = host.get(&format!("{hostp}api/me")).await.json();
    assert_eq!(me["guest_url"].as_str(), Some(format!("http://{}{up}", v.addr()).as_str()));
    assert_eq!(jon.get(&format!("{view}api/me")).await.json()["guest_url"], serde_json::Value::Null);

    // Guests cannot moderate.
    assert_eq!(jon.json("POST", &format!("{view}api/post/{post}/hide"), &json!({})).await.status, 403);
    assert_eq!(maya.get(&format!("{up}api/guests")).await.status, 403);

    // The host hides Maya's upload: gone live from every page.
    let r = host.json("POST", &format!("{hostp}api/post/{post}/hide"), &json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(live.next_named("changed", WAIT).await.is_some());
    assert!(jon.get(&format!("{view}api/items")).await.json()["items"].as_array().unwrap().is_empty());
    assert_eq!(jon.get(&format!("{view}api/post/{post}")).await.status, 404);

    // The host blocks Maya: she is refused everything; Jon is not affected.
    let guests = host.get(&format!("{hostp}api/guests")).await.json();
    let maya_id = guests.as_array().unwrap().iter().find(|g| g["name"] == "Maya").unwrap()["id"].as_i64().unwrap();
    assert_eq!(host.json("POST", &format!("{hostp}api/guests/{maya_id}/block"), &json!({})).await.status, 200);
    assert_eq!(maya.get(&format!("{up}api/items")).await.status, 403);
    assert_eq!(maya.session(&up, Some("Maya")).await.status, 403);
    assert_eq!(jon.get(&format!("{view}api/items")).await.status, 200);
    let guests = host.get(&format!("{hostp}api/guests")).await.json();
    assert!(guests
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["name"] == "Maya" && g["blocked"] == true && g["uploads"] == 1));

    // Revoking the viewer link ends Jon's pages, API and live stream.
    v.node.venue().revoke_link(v.viewer.id).unwrap();
    assert_eq!(jon.get(&view).await.status, 404);
    assert_eq!(jon.get(&format!("{view}api/items")).await.status, 404);
    assert!(live.next_named("closed", Duration::from_secs(8)).await.is_some());

    // A link whose window is over answers 410 Gone.
    let past = Some(Timestamp(Timestamp::now().0 - 1));
    let closed = v.node.venue().create_link(&v.channel, LinkRole::Uploader, past).unwrap();
    let mut late = Client::new(v.addr());
    assert_eq!(late.session(&Venue::base(&closed), Some("Late")).await.status, 410);
    assert_eq!(late.get(&Venue::base(&closed)).await.status, 410);
    v.node.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_whose_page_never_committed_it_is_posted_for_the_guest() {
    let v = Venue::start(|c| c.commit_after = Duration::from_secs(1)).await;
    let up = Venue::base(&v.uploader);
    let mut maya = v.guest(&v.uploader, Some("Maya")).await;
    let r = maya.upload(&up, "last.jpg", "image/jpeg", &photo("cameras/no_exif.jpg"), 64 << 10).await;
    assert_eq!(r.json()["state"], "complete");
    // The page is closed before it commits; after a while the node posts it anyway.
    until(15, "the orphaned upload to be posted", || v.node.posts(&v.channel).is_ok_and(|p| p.len() == 1)).await;
    let post = &v.node.posts(&v.channel).unwrap()[0];
    assert_eq!((post.guest.as_deref(), post.items[0].media.name.as_str()), (Some("Maya"), "last.jpg"));
    assert_eq!(
        maya.get(&format!("{up}api/uploads/{}", r.json()["id"].as_str().unwrap())).await.json()["state"],
        "posted"
    );
    v.node.stop().await;
}

/// The host leaving the channel ends its web gallery: the guests' links stop working, a
/// guest's unfinished upload is removed with its bytes, and the copies of finished
/// uploads the node kept (it seeded them) go too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaving_a_channel_ends_its_web_gallery_and_removes_what_guests_uploaded() {
    let v = Venue::start(|c| c.commit_after = Duration::from_secs(1)).await;
    let up = Venue::base(&v.uploader);
    let mut maya = v.guest(&v.uploader, Some("Maya")).await;
    let r = maya.upload(&up, "done.jpg", "image/jpeg", &photo("cameras/no_exif.jpg"), 64 << 10).await;
    assert_eq!(r.json()["state"], "complete");
    until(15, "the upload to be posted", || v.node.posts(&v.channel).is_ok_and(|p| p.len() == 1)).await;
    half_upload(&mut maya, &up, "half.jpg", &photo("cameras/Nikon_D70.jpg")).await;
    let (incoming, files) = (v.dir.path().join("web/incoming"), v.dir.path().join("web/files"));
    assert_eq!(count_files(&incoming), 1);
    assert_eq!(count_files(&files), 1);

    v.node.leave_channel(&v.channel).await.unwrap();
    assert_eq!(maya.get(&up).await.status, 404, "the guest link ends with the channel");
    assert_eq!(count_files(&files), 0, "the node's copy of the finished upload is gone");
    until(10, "the unfinished upload's bytes to go", || count_files(&incoming) == 0).await;
    v.node.stop().await;
}

/// A HEIC photo or a video for which no poster could be made (no platform decoder, no
/// tools, no frame from the page) still has its size, and its tile is a picture naming
/// the file type, never a broken image.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_without_a_poster_show_a_placeholder_naming_their_type() {
    let v = Venue::start(|_| {}).await;
    let up = Venue::base(&v.uploader);
    let mut maya = v.guest(&v.uploader, Some("Maya")).await;
    let heic = photo("heic/IMG_5195.HEIC");
    let clip = std::fs::read(swarmroll_tests::own_fixtures().join("clip.mp4")).unwrap();
    let mut ids = Vec::new();
    for (name, mime, bytes) in [("IMG_5195.HEIC", "image/heic", &heic), ("clip.mp4", "video/mp4", &clip)] {
        let r = maya.upload(&up, name, mime, bytes, 1 << 20).await;
        assert_eq!(r.json()["state"], "complete", "{}", r.text());
        ids.push(r.json()["id"].as_str().unwrap().to_owned());
    }
    let r = maya.json("POST", &format!("{up}api/uploads/commit"), &json!({"ids": ids})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let items = maya.get(&format!("{up}api/items")).await.json();
    let items = items["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    for it in items {
        assert!(it["width"].as_u64().unwrap() > 0 && it["height"].as_u64().unwrap() > 0, "{it}");
        let thumb = maya.get(&format!("{up}{}", it["thumb"].as_str().unwrap())).await;
        assert_eq!(thumb.status, 200);
        assert_eq!(thumb.header("content-type"), Some("image/svg+xml"));
        let label = if it["mime"] == "image/heic" { "HEIC" } else { "MP4" };
        assert!(thumb.text().starts_with("<svg") && thumb.text().contains(label), "{}", thumb.text());
    }
    v.node.stop().await;
}

/// Whether the server closed `s` within `wait` (a read returns end of file or an error).
async fn closed_within(s: &mut tokio::net::TcpStream, wait: Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut buf = [0u8; 256];
    matches!(tokio::time::timeout(wait, s.read(&mut buf)).await, Ok(Ok(0) | Err(_)))
}

/// One client holding hundreds of idle or half-sent connections cannot starve another
/// guest; idle connections are closed after the header timeout; a script cycling guest
/// sessions is stopped; unfinished uploads expire with their bytes; a full disk refuses
/// uploads with a clear error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_or_greedy_client_cannot_starve_the_other_guests() {
    use swarmroll_tests::http::connect;
    use tokio::io::AsyncWriteExt;
    let v = Venue::start(|c| {
        c.connections = swarmroll_web::ConnLimits { per_address: 8, total: 64, header_timeout: Duration::from_secs(2) };
        c.sessions_per_address = 5;
        c.partial_ttl = Duration::from_secs(1);
        c.commit_after = Duration::from_secs(2);
    })
    .await;
    let up = Venue::base(&v.uploader);
    let attacker: std::net::IpAddr = "127.0.0.1".parse().unwrap();

    // 300 connections from one address, each sending half a request and waiting.
    let mut held = Vec::new();
    for _ in 0..300 {
        if let Ok(mut s) = connect(v.addr(), Some(attacker)).await {
            let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await;
            held.push(s);
        }
    }
    let mut open = 0;
    for s in &mut held {
        if !closed_within(s, Duration::from_millis(20)).await {
            open += 1;
        }
    }
    assert!(open <= 8, "{open} of 300 connections from one address are being served");
    // Another phone on the Wi-Fi is served at once, page and API.
    let mut maya = Client::new(v.addr());
    maya.source = Some("127.0.0.2".parse().unwrap());
    let started = std::time::Instant::now();
    assert_eq!(maya.session(&up, Some("Maya")).await.status, 200);
    assert_eq!(maya.get(&up).await.status, 200);
    assert_eq!(maya.get(&format!("{up}api/items")).await.status, 200);
    assert!(started.elapsed() < Duration::from_secs(2), "served in {:?}", started.elapsed());
    // The half-sent requests are dropped once the header timeout passes.
    let mut still = 0;
    for s in &mut held {
        if !closed_within(s, Duration::from_millis(2500)).await {
            still += 1;
        }
    }
    assert_eq!(still, 0, "every slow connection was closed");

    // A kept-alive connection left idle is closed too.
    let mut idle = connect(v.addr(), Some("127.0.0.4".parse().unwrap())).await.unwrap();
    idle.write_all(format!("GET {up} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes()).await.unwrap();
    let mut first = [0u8; 12];
    tokio::io::AsyncReadExt::read_exact(&mut idle, &mut first).await.unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    let mut rest = Vec::new();
    let _ =
        tokio::time::timeout(Duration::from_secs(4), tokio::io::AsyncReadExt::read_to_end(&mut idle, &mut rest)).await;
    assert!(closed_within(&mut idle, Duration::from_millis(100)).await, "an idle keep-alive connection is closed");

    // Sessions from one address are limited: a script cycling cookies gets 429.
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let mut fresh = Client::new(v.addr());
        fresh.source = Some("127.0.0.3".parse().unwrap());
        statuses.push(fresh.session(&up, None).await.status);
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429, 429]);

    // An upload left half-way expires with its bytes.
    let jpeg = photo("cameras/Nikon_D70.jpg");
    let id = half_upload(&mut maya, &up, "a.jpg", &jpeg).await;
    let incoming = v.dir.path().join("web/incoming");
    assert_eq!(count_files(&incoming), 1);
    until(10, "the abandoned upload to expire", || count_files(&incoming) == 0).await;
    assert_eq!(maya.get(&format!("{up}api/uploads/{id}")).await.status, 404);
    v.node.stop().await;

    // A disk without room to spare refuses uploads, saying why.
    let full = Venue::start(|c| c.disk_reserve = u64::MAX / 4).await;
    let fup = Venue::base(&full.uploader);
    let mut jon = full.guest(&full.uploader, Some("Jon")).await;
    let r = jon.upload(&fup, "a.jpg", "image/jpeg", &jpeg, 1 << 20).await;
    assert_eq!((r.status, r.json()["error"].as_str()), (507, Some("disk_full")), "{}", r.text());
    full.node.stop().await;
}

/// A drop-box link: each guest uploads and sees only their own uploads and comments;
/// the host's link sees everything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drop_box_shows_each_guest_only_their_own() {
    let v = Venue::start(|_| {}).await;
    let closes = Some(Timestamp(Timestamp::now().0 + 3_600_000));
    let dropbox = v.node.venue().create_link(&v.channel, LinkRole::DropBox, closes).unwrap();
    let (drop, hostp, up) = (Venue::base(&dropbox), Venue::base(&v.host), Venue::base(&v.uploader));
    let mut maya = v.guest(&dropbox, Some("Maya")).await;
    let mut jon = v.guest(&dropbox, Some("Jon")).await;
    let mut ana = v.guest(&v.host, Some("Ana")).await;
    let mut kim = v.guest(&v.uploader, Some("Kim")).await;
    assert_eq!(maya.get(&format!("{drop}api/me")).await.json()["role"], "dropbox");
    let mut maya_live = Events::open(&maya, &format!("{drop}api/events")).await.unwrap();
    assert!(maya_live.next_named("ready", Duration::from_secs(5)).await.is_some());

    let post_of = |r: &swarmroll_tests::http::Response| r.json()["post"].as_str().unwrap().to_owned();
    let commit = |c: &mut Client, base: &str, id: String| {
        let (mut c, path) = (c.clone(), format!("{base}api/uploads/commit"));
        async move { c.json("POST", &path, &json!({"ids": [id]})).await }
    };
    // Jon's upload: Maya's page hears nothing of it.
    let r = jon.upload(&drop, "jon.jpg", "image/jpeg", &photo("cameras/Nikon_D70.jpg"), 1 << 20).await;
    let jon_post = post_of(&commit(&mut jon, &drop, r.json()["id"].as_str().unwrap().to_owned()).await);
    assert!(maya_live.next_named("item", Duration::from_millis(800)).await.is_none(), "Jon's post is not Maya's");
    // Maya's upload and comment.
    let r = maya.upload(&drop, "maya.jpg", "image/jpeg", &photo("cameras/Canon_40D.jpg"), 1 << 20).await;
    let maya_post = post_of(&commit(&mut maya, &drop, r.json()["id"].as_str().unwrap().to_owned()).await);
    assert!(maya_live.next_named("item", Duration::from_secs(5)).await.is_some());
    let r = maya.json("POST", &format!("{drop}api/post/{maya_post}/comments"), &json!({"text": "Ours!"})).await;
    assert_eq!(r.status, 201);
    // Another guest (an ordinary upload link) comments on Maya's photo: Maya does not see it.
    let r = kim.json("POST", &format!("{up}api/post/{maya_post}/comments"), &json!({"text": "Kim here"})).await;
    assert_eq!(r.status, 201);
    // The owner's own post is no one's in the drop box.
    let roll = vec![swarmroll_core::import::Request::path(swarmroll_tests::photos().join("cameras/fujifilm-dx10.jpg"))];
    let own = v.node.share(&v.channel, roll, Default::default(), &Default::default()).await.unwrap().posts[0].to_hex();

    let items = |r: swarmroll_tests::http::Response| -> Vec<String> {
        r.json()["items"].as_array().unwrap().iter().map(|i| i["post"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(items(maya.get(&format!("{drop}api/items")).await), std::slice::from_ref(&maya_post));
    assert_eq!(items(jon.get(&format!("{drop}api/items")).await), std::slice::from_ref(&jon_post));
    let mut all = items(ana.get(&format!("{hostp}api/items")).await);
    all.sort();
    let mut expected = vec![maya_post.clone(), jon_post.clone(), own.clone()];
    expected.sort();
    assert_eq!(all, expected, "the host sees everything");
    // Maya's thread has her comment only; other posts, thumbnails and originals are not hers.
    let t = maya.get(&format!("{drop}api/post/{maya_post}")).await.json();
    let texts: Vec<&str> = t["comments"].as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Ours!"]);
    for other in [&jon_post, &own] {
        assert_eq!(maya.get(&format!("{drop}api/post/{other}")).await.status, 404);
        assert_eq!(maya.get(&format!("{drop}thumb/{other}/0")).await.status, 404);
        assert_eq!(maya.get(&format!("{drop}original/{other}/0")).await.status, 404);
        let r = maya.json("POST", &format!("{drop}api/post/{other}/comments"), &json!({"text": "x"})).await;
        assert_eq!(r.status, 404);
    }
    assert_eq!(maya.get(&format!("{drop}thumb/{maya_post}/0")).await.status, 200);
    assert_eq!(maya.get(&format!("{drop}slideshow")).await.status, 403);
    assert_eq!(maya.get(&format!("{drop}api/guests")).await.status, 403);
    v.node.stop().await;
}
