//! The request parts the handlers take — path, query and JSON body — refused with the
//! API's own JSON errors, never axum's plain-text rejections (which echo the input), and
//! blocking work moved off the async workers. Shared by the routes and the uploads.

use super::ApiError;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// A JSON body of at most 64 KiB.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        // A body trickled in to hold the request open is let go.
        let read = axum::body::to_bytes(req.into_body(), 64 << 10);
        let bytes = tokio::time::timeout(std::time::Duration::from_secs(30), read)
            .await
            .map_err(|_| ApiError::BadRequest("body too slow"))?
            .map_err(|_| ApiError::TooLarge)?;
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|_| ApiError::BadRequest("json"))
    }
}

/// The URL's path parameters (a malformed or out-of-range one is a 400).
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(t)| ApiPath(t))
            .map_err(|_| ApiError::BadRequest("path"))
    }
}

/// The URL's query string.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(t)| ApiQuery(t))
            .map_err(|_| ApiError::BadRequest("query"))
    }
}

/// Runs blocking work (SQLite, signing, hashing) off the async workers.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|_| ApiError::Internal)?
}
