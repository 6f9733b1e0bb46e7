//! A private channel's gallery on the wire: every request body opened and every response
//! body sealed with the link's key (`seal`), so that someone sniffing the venue Wi-Fi
//! sees neither photos nor thumbnails nor captions, comments or names — only sizes,
//! timing and the token in the path. The key is in the link's fragment, which the
//! browser keeps to itself; the page (`assets/lib/seal.js`, `assets/lib/api.js`) does
//! the other half. Pages, scripts and styles carry nothing of the channel and stay
//! plain; live updates are sealed event by event (`live`).
//!
//! A response is one sealed message (a 206 range too), streamed in 64 KiB chunks as the
//! handler produces it, marked `Swarmroll-Sealed: 1`, its `Content-Type` kept so the
//! page knows what the plaintext is. A request body that does not open is refused (403
//! `sealed`: the link was opened without its key), before any handler sees it.

use super::access;
use super::seal::{self, CHUNK};
use super::{ApiError, Shared};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::sync::Arc;

/// The header that marks a sealed body, both ways.
pub const SEALED: &str = "swarmroll-sealed";

/// The largest request body opened (an upload piece or a poster, sealed).
const MAX_BODY: usize = 17 << 20;

/// The token and what follows it, for a path under `/g/<token>/`.
fn split(path: &str) -> Option<(&str, &str)> {
    path.strip_prefix("/g/")?.split_once('/')
}

/// Routes that are not sealed here: the pages (plain HTML) and the live stream.
fn plain(rest: &str) -> bool {
    rest.is_empty() || rest == "slideshow" || rest == "api/events"
}

/// The middleware: seals what a private channel's link is answered with.
pub async fn layer(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let Some((token, rest)) = split(req.uri().path()) else { return next.run(req).await };
    if plain(rest) {
        return next.run(req).await;
    }
    // An invalid link is the handler's to answer (errors carry nothing of the channel).
    let Ok(access) = access::link(&shared, token).await else { return next.run(req).await };
    let key = access.seal;
    // The handlers' `Visit` takes the link from here rather than looking it up again.
    let mut req = req;
    req.extensions_mut().insert(access);
    let Some(key) = key else { return next.run(req).await };
    let head_only = req.method() == Method::HEAD;
    let req = match open_body(req, &key).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let resp = next.run(req).await;
    if head_only || resp.status() == StatusCode::NOT_MODIFIED || resp.status() == StatusCode::NO_CONTENT {
        return resp;
    }
    seal_response(resp, key)
}

async fn open_body(req: Request, key: &[u8; 32]) -> Result<Request, ApiError> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| ApiError::TooLarge)?;
    if bytes.is_empty() {
        return Ok(Request::from_parts(parts, Body::empty()));
    }
    let plain = seal::open(key, &bytes).map_err(|_| ApiError::Sealed)?;
    let mut parts = parts;
    parts.headers.remove(SEALED);
    parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(plain.len()));
    Ok(Request::from_parts(parts, Body::from(plain)))
}

/// State of a response body being sealed: what arrived and is not sealed yet.
struct Sealer {
    inner: axum::body::BodyDataStream,
    key: [u8; 32],
    prefix: [u8; 16],
    buf: Vec<u8>,
    index: u64,
    started: bool,
    ended: bool,
    done: bool,
}

impl Sealer {
    /// The next piece of the sealed body, or `None` once it is all out.
    async fn next(&mut self) -> Option<Result<Bytes, axum::Error>> {
        if self.done {
            return None;
        }
        if !self.started {
            self.started = true;
            let mut head = vec![seal::VERSION];
            head.extend_from_slice(&self.prefix);
            return Some(Ok(Bytes::from(head)));
        }
        loop {
            // A full chunk goes out once more follows it; the rest waits for the end.
            if self.buf.len() > CHUNK {
                let rest = self.buf.split_off(CHUNK);
                let chunk = std::mem::replace(&mut self.buf, rest);
                let out = seal::seal_chunk(&self.key, &self.prefix, self.index, false, &chunk);
                self.index += 1;
                return Some(Ok(Bytes::from(out)));
            }
            if self.ended {
                self.done = true;
                let out = seal::seal_chunk(&self.key, &self.prefix, self.index, true, &self.buf);
                return Some(Ok(Bytes::from(out)));
            }
            match self.inner.next().await {
                Some(Ok(b)) => self.buf.extend_from_slice(&b),
                Some(Err(e)) => {
                    self.done = true;
                    return Some(Err(e));
                }
                None => self.ended = true,
            }
        }
    }
}

fn seal_response(resp: Response, key: [u8; 32]) -> Response {
    let (mut parts, body) = resp.into_parts();
    let plain_len =
        parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let sealer = Sealer {
        inner: body.into_data_stream(),
        key,
        prefix: seal::random_prefix(),
        buf: Vec::new(),
        index: 0,
        started: false,
        ended: false,
        done: false,
    };
    let stream = futures_util::stream::unfold(sealer, |mut s| async move { s.next().await.map(|item| (item, s)) });
    parts.headers.remove(header::CONTENT_LENGTH);
    if let Some(n) = plain_len {
        parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(seal::sealed_len(n)));
    }
    // A sealed body is not the file the ETag and ranges speak of; nobody caches it.
    parts.headers.remove(header::ACCEPT_RANGES);
    parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    parts.headers.insert(SEALED, HeaderValue::from_static("1"));
    Response::from_parts(parts, Body::from_stream(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_the_live_stream_are_not_sealed_here() {
        assert_eq!(split("/g/abc/api/items"), Some(("abc", "api/items")));
        assert_eq!(split("/g/abc/"), Some(("abc", "")));
        assert_eq!(split("/assets/gallery.js"), None);
        assert!(plain("") && plain("slideshow") && plain("api/events"));
        assert!(!plain("api/items") && !plain("thumb/ab/0") && !plain("original/ab/0") && !plain("api/uploads/3"));
    }
}
