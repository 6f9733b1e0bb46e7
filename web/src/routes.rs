//! The routes: pages and assets, the guest session, the gallery, threads, comments,
//! reactions, moderation, thumbnails and originals. Uploads are in `upload.rs`.

use super::access::{self, Access, Visit};
use super::extract::{blocking, ApiPath, JsonBody};
use super::view::{self, may_see, my_role, parse_id};
use super::{assets, live, sealing, upload, ApiError, Shared};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use swarmroll_core::channel::{valid_name, Role};
use swarmroll_core::venue::{new_secret, LinkRole};
use swarmroll_core::{MAX_COMMENT_BYTES, MAX_EMOJI_BYTES};

type St = State<Arc<Shared>>;

/// Every route of the server.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(|| async { ApiError::NotFound.page() }))
        .route("/join", get(|| async { asset_response("join.html") }))
        .route("/assets/{*file}", get(|Path(file): Path<String>| async move { asset_response(&file) }))
        .route(
            "/g/{token}",
            get(|Path(token): Path<String>| async move { Redirect::permanent(&format!("/g/{token}/")) }),
        )
        .route("/g/{token}/", get(|s: St, p: Path<String>| page(s, p, "gallery.html")))
        .route("/g/{token}/slideshow", get(slideshow))
        .route("/g/{token}/api/session", post(session))
        .route("/g/{token}/api/me", get(me).put(rename))
        .route("/g/{token}/api/items", get(view::items))
        .route("/g/{token}/api/post/{post}", get(view::thread))
        .route("/g/{token}/api/post/{post}/comments", post(comment))
        .route("/g/{token}/api/post/{post}/hide", post(hide))
        .route("/g/{token}/api/react", post(react))
        .route("/g/{token}/api/guests", get(guests))
        .route("/g/{token}/api/guests/{id}/block", post(block))
        .route("/g/{token}/api/events", get(events))
        .route("/g/{token}/thumb/{post}/{index}", get(view::thumb))
        .route("/g/{token}/original/{post}/{index}", get(view::original))
        .merge(upload::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(|| async { ApiError::BadMethod })
        .layer(axum::middleware::from_fn_with_state(Arc::clone(&shared), sealing::layer))
        .layer(axum::middleware::map_response(secure_headers))
        .with_state(shared)
}

/// An unknown address: JSON under an API path, a page elsewhere.
async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().contains("/api/") {
        ApiError::NotFound.into_response()
    } else {
        ApiError::NotFound.page()
    }
}

/// No referrer (the token is in the URL), no sniffing, nothing from elsewhere.
async fn secure_headers(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; \
             connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
    );
    resp
}

fn asset_response(name: &str) -> Response {
    match assets::get(name) {
        Some(a) => ([(header::CONTENT_TYPE, a.mime), (header::CACHE_CONTROL, "no-cache")], a.body).into_response(),
        None => ApiError::NotFound.into_response(),
    }
}

async fn page(State(s): St, Path(token): Path<String>, file: &'static str) -> Response {
    match access::link(&s, &token).await {
        Ok(_) => asset_response(file),
        Err(e) => e.page(),
    }
}

/// The slideshow shows the channel's gallery: not for a drop box.
async fn slideshow(State(s): St, Path(token): Path<String>) -> Response {
    match access::link(&s, &token).await {
        Ok(a) if a.own_only() => ApiError::Forbidden.page(),
        Ok(_) => asset_response("slideshow.html"),
        Err(e) => e.page(),
    }
}

fn guest_name(raw: &str) -> Result<String, ApiError> {
    let name = raw.trim();
    if valid_name(name) {
        Ok(name.to_owned())
    } else {
        Err(ApiError::BadRequest("name"))
    }
}

async fn session_json(s: &Shared, access: &Access, guest: i64, name: Option<String>) -> Result<Value, ApiError> {
    let node = s.node.clone();
    let channel = access.channel;
    let title = blocking(move || {
        Ok(node.channels()?.into_iter().find(|c| c.id == channel).map(|c| c.name).unwrap_or_default())
    })
    .await?;
    // The guests' link for the host's slideshow QR code, with its key on a private
    // channel (this answer is itself sealed there).
    let guest_url = match (&s.cfg.guest_token, access.role) {
        (Some(t), LinkRole::Host) => {
            let (venue, token) = (s.node.venue(), t.clone());
            let key = blocking(move || Ok(venue.seal_key(&channel, &token)?)).await?;
            Some(swarmroll_core::venue::page_url(s.addr, t, key.as_ref(), ""))
        }
        _ => None,
    };
    Ok(json!({
        "guest": guest,
        "guest_url": guest_url,
        "name": name,
        "role": access.role.as_str(),
        "channel": title,
        "closes_ms": access.closes.map(|t| t.0),
        "limits": {
            "max_file_bytes": s.cfg.max_file_bytes,
            "chunk_bytes": s.cfg.chunk_bytes,
            "max_parallel": s.cfg.max_parallel,
        },
    }))
}

#[derive(Deserialize)]
struct NameBody {
    name: Option<String>,
}

/// Opens (or reopens) this browser's guest session.
async fn session(
    State(s): St,
    Path(token): Path<String>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<NameBody>,
) -> Result<Response, ApiError> {
    let access = access::link(&s, &token).await?;
    let name = body.name.as_deref().filter(|n| !n.trim().is_empty()).map(guest_name).transpose()?;
    let venue = s.node.venue();
    if let Some(g) = access::find_guest(&s, &access, &headers).await? {
        if g.blocked {
            return Err(ApiError::Blocked);
        }
        let name = match name {
            Some(n) => {
                let set = n.clone();
                blocking(move || Ok(venue.rename_guest(g.id, &set)?)).await?;
                Some(n)
            }
            None => g.name,
        };
        return Ok(Json(session_json(&s, &access, g.id, name).await?).into_response());
    }
    // A new browser: within the limits per address and per link, so that a script
    // cycling cookies cannot make guests without end.
    if !s.sessions.allow(peer.ip(), s.cfg.sessions_per_address, s.cfg.session_window) {
        return Err(ApiError::TooMany);
    }
    let secret = new_secret();
    let (link, stored, n, cap) = (access.link, secret.clone(), name.clone(), s.cfg.sessions_per_link);
    let id = blocking(move || venue.add_guest(link, &stored, n.as_deref(), cap)?.ok_or(ApiError::TooMany)).await?;
    let mut resp = Json(session_json(&s, &access, id, name).await?).into_response();
    if let Ok(v) = HeaderValue::from_str(&access::set_cookie(&token, &secret)) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(resp)
}

async fn me(State(s): St, Visit { access, guest }: Visit) -> Result<Json<Value>, ApiError> {
    Ok(Json(session_json(&s, &access, guest.id, guest.name).await?))
}

async fn rename(
    State(s): St,
    Visit { access, guest }: Visit,
    JsonBody(body): JsonBody<NameBody>,
) -> Result<Json<Value>, ApiError> {
    let name = guest_name(body.name.as_deref().unwrap_or(""))?;
    let set = name.clone();
    let venue = s.node.venue();
    blocking(move || Ok(venue.rename_guest(guest.id, &set)?)).await?;
    Ok(Json(session_json(&s, &access, guest.id, Some(name)).await?))
}

#[derive(Deserialize)]
struct CommentBody {
    text: String,
    reply_to: Option<String>,
}

/// A guest's comment, written by this node for them.
async fn comment(
    State(s): St,
    Visit { access, guest }: Visit,
    ApiPath((_, post)): ApiPath<(String, String)>,
    JsonBody(body): JsonBody<CommentBody>,
) -> Result<Response, ApiError> {
    let name = guest.named()?.to_owned();
    let post = parse_id(&post)?;
    let text = body.text.trim().to_owned();
    if text.is_empty() || text.len() > MAX_COMMENT_BYTES {
        return Err(ApiError::BadRequest("comment length"));
    }
    let reply_to = body.reply_to.as_deref().map(parse_id).transpose()?;
    let venue = s.node.venue();
    let id = blocking(move || {
        if !may_see(&venue, &access, guest.id, &post)? {
            return Err(ApiError::NotFound);
        }
        if let Some(r) = reply_to {
            venue.comment_channel(&r)?.filter(|c| *c == access.channel).ok_or(ApiError::NotFound)?;
            if access.own_only() && !venue.wrote(guest.id, &r)? {
                return Err(ApiError::NotFound);
            }
        }
        Ok(venue.comment(guest.id, &name, &access.channel, &post, &text, reply_to)?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id.to_hex() }))).into_response())
}

#[derive(Deserialize)]
struct ReactBody {
    target: String,
    emoji: String,
    on: bool,
}

fn valid_emoji(e: &str) -> bool {
    !e.is_empty()
        && e.len() <= MAX_EMOJI_BYTES
        && !e.chars().any(|c| c.is_ascii() || c.is_control() || c.is_whitespace())
}

/// A guest's reaction. The node reacts once for all its guests: on while any has it on.
async fn react(
    State(s): St,
    Visit { access, guest }: Visit,
    JsonBody(body): JsonBody<ReactBody>,
) -> Result<Json<Value>, ApiError> {
    let target = parse_id(&body.target)?;
    if !valid_emoji(&body.emoji) {
        return Err(ApiError::BadRequest("emoji"));
    }
    let venue = s.node.venue();
    blocking(move || {
        let visible = if access.own_only() {
            may_see(&venue, &access, guest.id, &target)? || venue.wrote(guest.id, &target)?
        } else {
            venue.post_meta(&target)?.map(|m| m.channel) == Some(access.channel)
                || venue.comment_channel(&target)? == Some(access.channel)
        };
        if !visible {
            return Err(ApiError::NotFound);
        }
        venue.react(guest.id, &access.channel, &target, &body.emoji, body.on)?;
        Ok(Json(json!({ "ok": true })))
    })
    .await
}

/// The host hides a post: a guest upload (this node's post) is withdrawn; another
/// member's post is hidden by moderation if this device may moderate.
async fn hide(
    State(s): St,
    Visit { access, .. }: Visit,
    ApiPath((_, post)): ApiPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    access.require(LinkRole::Host)?;
    let post = parse_id(&post)?;
    let node = s.node.clone();
    blocking(move || {
        let meta = node.venue().post_meta(&post)?.filter(|m| m.channel == access.channel).ok_or(ApiError::NotFound)?;
        if meta.ours {
            node.retract(&access.channel, &post)?;
        } else if my_role(&node, &access.channel)? >= Role::Admin {
            node.moderate(&access.channel, &post, true)?;
        } else {
            return Err(ApiError::Forbidden);
        }
        Ok(Json(json!({ "ok": true })))
    })
    .await
}

async fn guests(State(s): St, Visit { access, .. }: Visit) -> Result<Json<Value>, ApiError> {
    access.require(LinkRole::Host)?;
    let channel = access.channel;
    let venue = s.node.venue();
    let list = blocking(move || Ok(venue.guests(&channel)?)).await?;
    Ok(Json(Value::Array(
        list.into_iter()
            .map(|g| json!({ "id": g.id, "name": g.name, "uploads": g.uploads, "blocked": g.blocked }))
            .collect(),
    )))
}

async fn block(
    State(s): St,
    Visit { access, .. }: Visit,
    ApiPath((_, id)): ApiPath<(String, i64)>,
) -> Result<Json<Value>, ApiError> {
    access.require(LinkRole::Host)?;
    let channel = access.channel;
    let venue = s.node.venue();
    let done = blocking(move || Ok(venue.block_guest(&channel, id)?)).await?;
    if !done {
        return Err(ApiError::NotFound);
    }
    Ok(Json(json!({ "ok": true })))
}

async fn events(State(s): St, Visit { access, guest }: Visit) -> Result<Response, ApiError> {
    Ok(live::stream(s, access, guest.id).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_and_names() {
        assert!(valid_emoji("❤️"));
        assert!(valid_emoji("👍🏽"));
        assert!(!valid_emoji(""));
        assert!(!valid_emoji("<script>"));
        assert!(!valid_emoji(&"😀".repeat(20)));
        assert!(guest_name("  Maya ").is_ok_and(|n| n == "Maya"));
        assert!(guest_name("").is_err());
        assert!(guest_name("a\u{0}b").is_err());
        assert!(view::parse_cursor("12.zz").is_err());
        assert!(parse_id("nothex").is_err());
    }

    #[test]
    fn guests_reach_only_their_own_role() {
        let a = Access {
            link: 1,
            channel: swarmroll_core::types::ChannelId([0; 32]),
            role: LinkRole::Viewer,
            closes: None,
            token: String::new(),
            seal: None,
        };
        assert_eq!(a.require(LinkRole::Viewer), Ok(()));
        assert_eq!(a.require(LinkRole::Uploader), Err(ApiError::Forbidden));
        let _ = super::access::Guest { id: 1, name: None }.named().unwrap_err();
    }
}
