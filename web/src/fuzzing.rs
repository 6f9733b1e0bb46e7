//! The request parsers, opened to the fuzz targets in `fuzz/` (feature `fuzzing`, never
//! enabled by a front end): each wrapper only forwards to the parser the routes use, so
//! what is fuzzed is what a browser's request reaches.

use axum::http::HeaderMap;

/// [`crate::range::parse`]: what a `Range` header asks of a file of `len` bytes, as
/// `(start, end)` inclusive; `Err(())` when unsatisfiable.
#[allow(clippy::result_unit_err)]
pub fn range(value: Option<&str>, len: u64) -> Result<Option<(u64, u64)>, ()> {
    crate::range::parse(value, len).map(|r| r.map(|r| (r.start, r.end)))
}

/// [`crate::access::cookie`]: the guest cookie's value in `headers`, if well formed.
pub fn cookie(headers: &HeaderMap) -> Option<String> {
    crate::access::cookie(headers)
}

/// [`crate::upload::clean_name`]: the file name an upload is kept under.
pub fn clean_name(raw: &str, mime: &str) -> Option<String> {
    crate::upload::clean_name(raw, mime)
}
