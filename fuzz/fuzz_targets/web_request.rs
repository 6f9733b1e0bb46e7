//! The venue web gallery's request handling on arbitrary bytes, as a phone on the
//! venue's Wi-Fi can send them:
//!
//! * every input is sent as raw bytes over a loopback TCP connection to a running
//!   gallery (`swarmroll_web::WebServer` over a real node with a channel, a shared
//!   photo, three links and a guest session): hyper's HTTP/1 parsing, then the routes —
//!   the guest token in the path, the `sr_guest` cookie, path and query parameters, the
//!   JSON bodies (session, name, comments, reactions, upload announcements and commits),
//!   the `Upload-Offset` header and chunk bodies of resumable uploads, posters, and the
//!   `Range` header of originals. So that inputs can name what exists, `@T`, `@V` and
//!   `@H` are replaced by the uploader, viewer and host tokens, `@C` by the guest's
//!   cookie, `@P` by the shared post's id and `@U` by an unfinished upload's id. The
//!   live event stream (`/api/events`) never ends, so inputs that name it are skipped;
//! * the same input, as text, goes to the parsers directly (`swarmroll_web::fuzzing`):
//!   `Range` against several file lengths (a range given back must lie inside the file),
//!   the guest cookie out of `Cookie` headers, and an upload's file name
//!   (`clean_name`: one path component, no control characters, at most 120 bytes).
#![no_main]

use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use std::net::SocketAddr;
use std::time::Duration;
use swarmroll_tests::venue::Venue;
use swarmroll_web::fuzzing;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct World {
    rt: tokio::runtime::Runtime,
    addr: SocketAddr,
    names: Vec<(&'static [u8], Vec<u8>)>,
    _venue: Venue,
}

fn world() -> World {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let (venue, names) = rt.block_on(async {
        let v = Venue::start(|cfg| {
            cfg.sessions_per_address = 1_000_000;
            cfg.sessions_per_link = 1_000_000;
            cfg.max_parallel = 1_000;
            cfg.connections.per_address = 10_000;
            cfg.connections.total = 10_000;
            cfg.connections.header_timeout = Duration::from_secs(2);
        })
        .await;
        let out = swarmroll_tests::net::share_fixtures(&v.node, &v.channel, &["cameras/Canon_40D.jpg"], "fuzz").await;
        let post = out.posts.first().map(|p| hex(&p.0)).unwrap_or_default();
        let base = Venue::base(&v.uploader);
        let mut guest = v.guest(&v.uploader, Some("Fuzz")).await;
        let announce = serde_json::json!({
            "name": "big.jpg", "size": 5_000_000, "type": "image/jpeg", "hash": hex(&[0xab; 32])
        });
        let r = guest.json("POST", &format!("{base}api/uploads"), &announce).await;
        let upload = r.json()["id"].as_str().unwrap_or_default().to_owned();
        let cookie = guest.cookie.clone().unwrap_or_default();
        let names: Vec<(&'static [u8], Vec<u8>)> = vec![
            (b"@T", v.uploader.token.clone().into_bytes()),
            (b"@V", v.viewer.token.clone().into_bytes()),
            (b"@H", v.host.token.clone().into_bytes()),
            (b"@C", cookie.into_bytes()),
            (b"@P", post.into_bytes()),
            (b"@U", upload.into_bytes()),
        ];
        (v, names)
    });
    World { addr: venue.addr(), rt, names, _venue: venue }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn substitute(data: &[u8], names: &[(&[u8], Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 64);
    let mut i = 0;
    'outer: while i < data.len() {
        for (name, value) in names {
            if data[i..].starts_with(name) {
                out.extend_from_slice(value);
                i += name.len();
                continue 'outer;
            }
        }
        out.push(data[i]);
        i += 1;
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

async fn exchange(addr: SocketAddr, request: &[u8]) {
    let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else { return };
    if s.write_all(request).await.is_err() {
        return;
    }
    let _ = s.shutdown().await;
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut response)).await;
    // A server that answered must answer with HTTP, and never with a 500 that bad input caused.
    if response.starts_with(b"HTTP/1.1 500") {
        panic!("internal error for a request: {}", String::from_utf8_lossy(&response[..response.len().min(400)]));
    }
}

fn parsers(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for len in [0u64, 1, 1_000, u64::MAX] {
        if let Ok(Some((start, end))) = fuzzing::range(Some(&text), len) {
            assert!(start <= end && end < len, "range {start}-{end} outside a file of {len} bytes");
        }
    }
    let mut headers = HeaderMap::new();
    for line in data.split(|b| *b == b'\n') {
        if let Ok(v) = HeaderValue::from_bytes(line) {
            headers.append(http::header::COOKIE, v);
        }
    }
    if let Some(c) = fuzzing::cookie(&headers) {
        assert_eq!(c.len(), 26, "a cookie value of the wrong length: {c:?}");
    }
    for mime in ["image/jpeg", "video/quicktime", "text/html"] {
        if let Some(name) = fuzzing::clean_name(&text, mime) {
            assert!(name.len() <= 120, "a name of {} bytes", name.len());
            assert!(!name.contains(['/', '\\']) && !name.chars().any(char::is_control), "unsafe name {name:?}");
            assert!(!name.starts_with('.'), "a hidden name {name:?}");
        }
    }
}

thread_local! {
    static WORLD: std::cell::OnceCell<World> = const { std::cell::OnceCell::new() };
}

fuzz_target!(|data: &[u8]| {
    parsers(data);
    if contains(data, b"events") {
        return;
    }
    WORLD.with(|cell| {
        let w = cell.get_or_init(world);
        let request = substitute(data, &w.names);
        w.rt.block_on(exchange(w.addr, &request));
    });
});
