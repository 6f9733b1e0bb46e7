//! Serving an original file with HTTP range requests (RFC 9110 §14), so a browser's video
//! player can seek without downloading the whole file first.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::Path;
use swarmroll_core::media::strip::Patch;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

/// A satisfiable byte range, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub start: u64,
    pub end: u64,
}

/// What a `Range` header asks of a file of `len` bytes: `Ok(None)` for the whole file
/// (no header, a form we do not serve such as several ranges, or a unit other than
/// bytes — all allowed to be ignored), `Err(())` when unsatisfiable.
#[allow(clippy::result_unit_err)]
pub fn parse(value: Option<&str>, len: u64) -> Result<Option<ByteRange>, ()> {
    let Some(spec) = value.and_then(|v| v.trim().strip_prefix("bytes=")) else { return Ok(None) };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.split_once('-') else { return Ok(None) };
    let (a, b) = (a.trim(), b.trim());
    let range = if a.is_empty() {
        // The last `b` bytes.
        let n: u64 = b.parse().map_err(|_| ())?;
        if n == 0 || len == 0 {
            return Err(());
        }
        ByteRange { start: len.saturating_sub(n), end: len - 1 }
    } else {
        let start: u64 = a.parse().map_err(|_| ())?;
        let end = if b.is_empty() {
            len.saturating_sub(1)
        } else {
            b.parse::<u64>().map_err(|_| ())?.min(len.saturating_sub(1))
        };
        if start >= len || end < start {
            return Err(());
        }
        ByteRange { start, end }
    };
    Ok(Some(range))
}

/// Writes `patches` over `buf`, which holds the file's bytes from `pos`.
fn overlay(buf: &mut [u8], pos: u64, patches: &[Patch]) {
    let end = pos + buf.len() as u64;
    for p in patches {
        let (a, b) = (p.offset.max(pos), (p.offset + u64::from(p.len)).min(end));
        if a < b {
            buf[(a - pos) as usize..(b - pos) as usize].fill(p.fill);
        }
    }
}

/// The file at `path` (of type `mime`), whole or the requested range, streamed in 256 KiB
/// reads, with `patches` applied (the author's own file is served as the channel's
/// shared copy: location removed).
pub async fn serve(path: &Path, mime: &str, patches: Vec<Patch>, headers: &HeaderMap) -> Response {
    let Ok(mut file) = tokio::fs::File::open(path).await else {
        return super::ApiError::NotHere.into_response();
    };
    let Ok(len) = file.metadata().await.map(|m| m.len()) else {
        return super::ApiError::Internal.into_response();
    };
    let asked = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let range = match parse(asked, len) {
        Ok(r) => r,
        Err(()) => {
            return (StatusCode::RANGE_NOT_SATISFIABLE, [(header::CONTENT_RANGE, format!("bytes */{len}"))])
                .into_response()
        }
    };
    let (status, start, count) = match range {
        Some(r) => (StatusCode::PARTIAL_CONTENT, r.start, r.end - r.start + 1),
        None => (StatusCode::OK, 0, len),
    };
    if start > 0 && file.seek(std::io::SeekFrom::Start(start)).await.is_err() {
        return super::ApiError::Internal.into_response();
    }
    let state = (file.take(count), vec![0u8; 256 << 10], start, patches);
    let stream = futures_util::stream::unfold(state, |(mut f, mut buf, pos, patches)| async move {
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                overlay(&mut buf[..n], pos, &patches);
                let chunk = axum::body::Bytes::copy_from_slice(&buf[..n]);
                Some((Ok::<_, std::io::Error>(chunk), (f, buf, pos + n as u64, patches)))
            }
            Err(e) => Some((Err(e), (f, buf, pos, patches))),
        }
    });
    let mut resp = Response::new(Body::from_stream(stream));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(count));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=86400"));
    if let Ok(v) = HeaderValue::from_str(mime) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Some(r) = range {
        if let Ok(v) = HeaderValue::from_str(&format!("bytes {}-{}/{len}", r.start, r.end)) {
            h.insert(header::CONTENT_RANGE, v);
        }
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse(None, 100), Ok(None));
        assert_eq!(parse(Some("bytes=0-9"), 100), Ok(Some(ByteRange { start: 0, end: 9 })));
        assert_eq!(parse(Some("bytes=90-"), 100), Ok(Some(ByteRange { start: 90, end: 99 })));
        assert_eq!(parse(Some("bytes=-10"), 100), Ok(Some(ByteRange { start: 90, end: 99 })));
        assert_eq!(parse(Some("bytes=-1000"), 100), Ok(Some(ByteRange { start: 0, end: 99 })));
        assert_eq!(parse(Some("bytes=50-5000"), 100), Ok(Some(ByteRange { start: 50, end: 99 })));
        assert_eq!(parse(Some("bytes=100-"), 100), Err(()));
        assert_eq!(parse(Some("bytes=9-3"), 100), Err(()));
        assert_eq!(parse(Some("bytes=x-3"), 100), Err(()));
        assert_eq!(parse(Some("bytes=-0"), 100), Err(()));
        assert_eq!(parse(Some("bytes=0-1,5-6"), 100), Ok(None));
        assert_eq!(parse(Some("items=0-1"), 100), Ok(None));
    }

    #[test]
    fn patches_overlay_any_window() {
        let patches = [Patch { offset: 3, len: 4, fill: 0 }, Patch { offset: 9, len: 2, fill: 7 }];
        let whole: Vec<u8> = (1..=12).collect();
        let mut want = whole.clone();
        overlay(&mut want, 0, &patches);
        assert_eq!(want, [1, 2, 3, 0, 0, 0, 0, 8, 9, 7, 7, 12]);
        for start in 0..12 {
            for end in start..=12 {
                let mut part = whole[start..end].to_vec();
                overlay(&mut part, start as u64, &patches);
                assert_eq!(part, want[start..end]);
            }
        }
    }
}
