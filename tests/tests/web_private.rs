//! A private channel's venue gallery on the wire: everything under its links is sealed
//! with the key the link carries in its fragment. A sniffer on the Wi-Fi — who sees the
//! token and even the guest's cookie — reads no photo, thumbnail, caption, comment or
//! name and cannot write; a browser with the key sees and does everything as on any
//! gallery. The same requests are made both ways and compared.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use std::time::Duration;
use swarmroll_core::import::Request;
use swarmroll_core::share::Options;
use swarmroll_tests::http::{Client, Events, Response};
use swarmroll_tests::venue::Venue;
use swarmroll_web::seal;

const CAPTION: &str = "Vows at sunset by the lake";
const COMMENT: &str = "What a beautiful ceremony";

/// A browser holding the link's key: seals what it sends, opens what it gets.
struct Keyed {
    client: Client,
    key: [u8; 32],
}

impl Keyed {
    async fn send(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (Response, Response) {
        let sealed = if body.is_empty() { Vec::new() } else { seal::seal(&self.key, &[7; 16], body) };
        let raw = self.client.send(method, path, headers, &sealed).await.unwrap();
        assert_eq!(raw.header("swarmroll-sealed"), Some("1"), "{method} {path} answered unsealed");
        let body = seal::open(&self.key, &raw.body).expect("the answer opens with the link's key");
        let opened = Response { status: raw.status, headers: raw.headers.clone(), body };
        (raw, opened)
    }

    async fn json(&mut self, method: &str, path: &str, v: &Value) -> (Response, Value) {
        let (raw, opened) =
            self.send(method, path, &[("Content-Type", "application/json")], v.to_string().as_bytes()).await;
        (raw, opened.json())
    }
}

/// Whether `haystack` holds `needle` anywhere.
fn holds(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn plain_text_in(raw: &Response) -> Vec<&'static str> {
    [CAPTION, COMMENT, "Ana", "Maya", "Ben's wedding", "fujifilm"]
        .into_iter()
        .filter(|t| holds(&raw.body, t.as_bytes()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_gallery_carries_nothing_readable_on_the_wire_without_the_links_key() {
    let v = Venue::start_private(|_| {}).await;
    let key = v.uploader.seal.expect("a private channel's link has a seal key");
    let url = v.uploader.url(v.addr());
    let fragment = url.split_once('#').expect("the key is in the fragment").1;
    assert_eq!(fragment.len(), "k=".len() + 43, "{url}");
    let photo_path = swarmroll_tests::photos().join("cameras/fujifilm-dx10.jpg");
    let roll = vec![Request::path(photo_path)];
    let opts = Options { caption: CAPTION.into(), ..Options::default() };
    let post = v.node.share(&v.channel, roll, opts, &Default::default()).await.unwrap().posts[0];
    v.node.comment(&v.channel, &post, COMMENT, None).unwrap();
    let base = Venue::base(&v.uploader);

    // Maya's browser, with the key.
    let mut maya = Keyed { client: Client::new(v.addr()), key };
    let (raw, session) = maya.json("POST", &format!("{base}api/session"), &json!({"name": "Maya"})).await;
    assert_eq!((raw.status, session["name"].as_str()), (200, Some("Maya")), "{session}");
    assert!(plain_text_in(&raw).is_empty());

    // The gallery, the thread, the thumbnail, the original: whole with the key, sealed
    // on the wire.
    let (raw, items) = maya.json("GET", &format!("{base}api/items"), &Value::Null).await;
    let item = items["items"][0].clone();
    assert_eq!((item["by"].as_str(), item["post"].as_str()), (Some("Ana"), Some(post.to_hex().as_str())), "{items}");
    assert_eq!(plain_text_in(&raw), Vec::<&str>::new());
    let (raw, thread) = maya.json("GET", &format!("{base}api/post/{}", post.to_hex()), &Value::Null).await;
    assert_eq!(thread["comments"][0]["text"], COMMENT, "{thread}");
    assert_eq!(thread["post"]["caption"], CAPTION, "{thread}");
    assert!(plain_text_in(&raw).is_empty(), "{:?}", plain_text_in(&raw));
    let (raw, thumb) = maya.send("GET", &format!("{base}thumb/{}/0", post.to_hex()), &[], &[]).await;
    assert_eq!((thumb.status, &thumb.body[..2]), (200, &[0xFF, 0xD8][..]), "a JPEG thumbnail inside");
    assert!(!holds(&raw.body, &thumb.body[..64]), "the thumbnail's bytes are on the wire");
    let (raw, original) = maya.send("GET", &format!("{base}original/{}/0", post.to_hex()), &[], &[]).await;
    let shared_copy = v.node.originals(&v.channel, &post).unwrap().unwrap()[0].path.clone();
    let expected = std::fs::read(&shared_copy).unwrap();
    assert_eq!(original.body.len(), expected.len());
    assert_eq!(blake3::hash(&original.body), blake3::hash(&expected), "the original, byte for byte");
    assert_eq!(raw.body.len() as u64, seal::sealed_len(expected.len() as u64));
    assert!(!holds(&raw.body, &expected[5000..5064]), "the photo's bytes are on the wire");

    // A sniffer replays the token and Maya's cookie without the key: every answer is
    // sealed, and nothing it sends gets in.
    let mut sniffer = Client::new(v.addr());
    sniffer.cookie = maya.client.cookie.clone();
    for path in ["api/items", "api/me", &format!("api/post/{}", post.to_hex())] {
        let r = sniffer.get(&format!("{base}{path}")).await;
        assert_eq!(r.header("swarmroll-sealed"), Some("1"), "{path}");
        assert!(seal::open(&[0; 32], &r.body).is_err());
        assert!(plain_text_in(&r).is_empty(), "{path}: {:?}", plain_text_in(&r));
    }
    let r = sniffer.json("POST", &format!("{base}api/post/{}/comments", post.to_hex()), &json!({"text": "spam"})).await;
    assert_eq!((r.status, r.header("swarmroll-sealed")), (403, None), "{}", r.text());
    assert_eq!(r.json()["error"], "sealed");

    // Maya comments and uploads a photo, sealed piece by piece; Ana's node gets both.
    let (raw, said) =
        maya.json("POST", &format!("{base}api/post/{}/comments", post.to_hex()), &json!({"text": "Cheers!"})).await;
    assert_eq!(raw.status, 201, "{said}");
    let bytes = std::fs::read(swarmroll_tests::photos().join("phones/jolla.jpg")).unwrap();
    let hash = blake3::hash(&bytes).to_hex().to_string();
    let announce = json!({"name": "IMG_0001.JPG", "size": bytes.len(), "type": "image/jpeg", "hash": hash});
    let (_, mut up) = maya.json("POST", &format!("{base}api/uploads"), &announce).await;
    let id = up["id"].as_str().unwrap().to_owned();
    while up["state"] == "partial" {
        let at = up["offset"].as_u64().unwrap() as usize;
        let end = (at + 300_000).min(bytes.len());
        let off = at.to_string();
        let (_, opened) =
            maya.send("PATCH", &format!("{base}api/uploads/{id}"), &[("Upload-Offset", &off)], &bytes[at..end]).await;
        up = opened.json();
    }
    assert_eq!(up["state"], "complete", "{up}");
    let (_, committed) = maya.json("POST", &format!("{base}api/uploads/commit"), &json!({"ids": [id]})).await;
    let new_post = committed["post"].as_str().expect("posted").to_owned();
    let posts = v.node.posts(&v.channel).unwrap();
    assert!(posts.iter().any(|p| p.id.to_hex() == new_post), "the upload became a post on Ana's node");
    let thread = v.node.thread(&post).unwrap().unwrap();
    assert!(thread.comments.iter().any(|c| c.text == "Cheers!"));

    // Live updates: sealed event by event.
    let mut live = Events::open(&maya.client, &format!("{base}api/events")).await.unwrap();
    let ready = live.next_named("ready", Duration::from_secs(5)).await.expect("ready");
    let hex = ready.as_str().expect("sealed data, not JSON");
    let sealed: Vec<u8> = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
    assert_eq!(seal::open(&key, &sealed).unwrap(), b"{}");
    v.node.comment(&v.channel, &post, "Live one", None).unwrap();
    let live_comment = live.next_named("comment", Duration::from_secs(10)).await.expect("a comment event");
    let hex = live_comment.as_str().unwrap();
    let sealed: Vec<u8> = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
    let opened: Value = serde_json::from_slice(&seal::open(&key, &sealed).unwrap()).unwrap();
    assert_eq!(opened["post"], post.to_hex());

    // The host's slideshow shows the guests' link as a QR code: with its key.
    let mut host = Keyed { client: Client::new(v.addr()), key: v.host.seal.unwrap() };
    let (_, s) = host.json("POST", &format!("{}api/session", Venue::base(&v.host)), &json!({"name": "Ana"})).await;
    assert_eq!(s["guest_url"].as_str(), Some(v.uploader.url(v.addr()).as_str()), "{s}");
    assert_ne!(v.host.seal, v.uploader.seal, "each link has its own key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_channels_links_carry_no_key_and_its_wire_is_as_before() {
    let v = Venue::start(|_| {}).await;
    assert!(v.uploader.seal.is_none() && !v.uploader.url(v.addr()).contains('#'));
    let mut jon = v.guest(&v.viewer, Some("Jon")).await;
    let r = jon.get(&format!("{}api/items", Venue::base(&v.viewer))).await;
    assert_eq!((r.status, r.header("swarmroll-sealed")), (200, None));
    assert!(r.json()["items"].is_array());
}
