//! The web gallery's errors: one code and one sentence per case, as JSON for the API and
//! as a small page for browsers. Neither ever carries what a guest typed or uploaded.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use swarmroll_core::node::NodeError;

/// Why a request was refused (`docs/web-api.md`, "Errors").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The request is malformed; says which part.
    #[error("the request is not valid ({0})")]
    BadRequest(&'static str),
    /// The address exists, not for this method.
    #[error("the request is not valid (method)")]
    BadMethod,
    /// Comments and uploads need the guest's name.
    #[error("please tell us your name first")]
    NameRequired,
    /// No guest cookie: the page must open a session.
    #[error("please reload the page")]
    NoSession,
    /// The link does not allow it.
    #[error("this link does not allow that")]
    Forbidden,
    /// A private channel's link used without its key (the part after `#`), or with
    /// another: what was sent does not open.
    #[error("this link is missing its key: open the whole link again, as it was sent")]
    Sealed,
    /// The host blocked this guest.
    #[error("the host has blocked this browser")]
    Blocked,
    /// Unknown, revoked or malformed link, or no such post.
    #[error("there is nothing here: the link may be wrong or withdrawn")]
    NotFound,
    /// The original is not on this device yet.
    #[error("the original is not on this device yet")]
    NotHere,
    /// An upload chunk at the wrong offset.
    #[error("the upload continues from another point")]
    OffsetMismatch(u64),
    /// The window is over.
    #[error("this gallery is closed")]
    Closed,
    /// Over the size limit.
    #[error("the file is too large")]
    TooLarge,
    /// Not a photo or video.
    #[error("only photos and videos can be added")]
    NotMedia,
    /// The file records where it was taken in a way that cannot be removed.
    #[error("this file records where it was taken in a way that cannot be removed, so it was not added")]
    LocationKept,
    /// The bytes received are not the bytes announced.
    #[error("the file arrived damaged; it is being sent again")]
    HashMismatch,
    /// Too many uploads at once from one guest.
    #[error("too many uploads at once; the others will follow")]
    TooMany,
    /// The host's device has no room for it.
    #[error("the host's device is out of space; the upload will continue when there is room")]
    DiskFull,
    /// The node is not running its network (uploads cannot be shared yet).
    #[error("the gallery is busy; try again in a moment")]
    Busy,
    /// A bug or a storage failure (logged without details of the request).
    #[error("something went wrong on the host's device")]
    Internal,
}

impl ApiError {
    /// The stable code in the JSON.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::BadMethod => "bad_method",
            ApiError::NameRequired => "name_required",
            ApiError::NoSession => "no_session",
            ApiError::Forbidden => "forbidden",
            ApiError::Sealed => "sealed",
            ApiError::Blocked => "blocked",
            ApiError::NotFound => "not_found",
            ApiError::NotHere => "not_here",
            ApiError::OffsetMismatch(_) => "offset_mismatch",
            ApiError::Closed => "closed",
            ApiError::TooLarge => "too_large",
            ApiError::NotMedia => "not_media",
            ApiError::HashMismatch => "hash_mismatch",
            ApiError::LocationKept => "location_kept",
            ApiError::TooMany => "too_many",
            ApiError::DiskFull => "disk_full",
            ApiError::Busy => "busy",
            ApiError::Internal => "internal",
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) | ApiError::NameRequired => StatusCode::BAD_REQUEST,
            ApiError::BadMethod => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::NoSession => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::Blocked | ApiError::Sealed => StatusCode::FORBIDDEN,
            ApiError::NotFound | ApiError::NotHere => StatusCode::NOT_FOUND,
            ApiError::OffsetMismatch(_) => StatusCode::CONFLICT,
            ApiError::Closed => StatusCode::GONE,
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::NotMedia => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::HashMismatch | ApiError::LocationKept => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooMany => StatusCode::TOO_MANY_REQUESTS,
            ApiError::DiskFull => StatusCode::INSUFFICIENT_STORAGE,
            ApiError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The error as a page, for routes a browser opens directly.
    pub fn page(&self) -> Response {
        let body = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
             <title>Swarmroll</title><link rel=\"stylesheet\" href=\"/assets/style.css\"></head>\
             <body class=\"error-page\"><main><h1>{}</h1><p>Ask the host for a new QR code.</p></main></body></html>",
            self
        );
        (self.status(), [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({ "error": self.code(), "message": self.to_string() });
        if let ApiError::OffsetMismatch(offset) = self {
            body["offset"] = offset.into();
        }
        (self.status(), axum::Json(body)).into_response()
    }
}

impl From<NodeError> for ApiError {
    fn from(e: NodeError) -> Self {
        match e {
            NodeError::NotStarted => ApiError::Busy,
            e => {
                tracing::warn!(error = %e, "web gallery: node call failed");
                ApiError::Internal
            }
        }
    }
}
