//! The routes: pages and assets, the guest session, the gallery, threads, comments,
//! reactions, moderation, thumbnails and originals. Uploads are in `upload.rs`.

use super::access::{self, Access, Visit};
use super::extract::{blocking, ApiPath, JsonBody};
use super::view::{self, may_see, my_role, parse_id};
use super::{assets, db, live, upload, ApiError, LinkRole, Shared};
use crate::channel::{valid_name, Role};
use crate::log::body::{ModAction, MAX_COMMENT_BYTES};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

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
        Ok(node.replica().settings(&channel).map_err(ApiError::from)?.map(|c| c.name).unwrap_or_default())
    })
    .await?;
    let guest_url = match (&s.cfg.guest_token, access.role) {
        (Some(t), LinkRole::Host) => Some(format!("http://{}/g/{t}/", s.addr)),
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
    let store = s.node.replica().store().clone();
    if let Some(g) = access::find_guest(&s, &access, &headers).await? {
        if g.blocked {
            return Err(ApiError::Blocked);
        }
        let name = match name {
            Some(n) => {
                let set = n.clone();
                store.write_async(move |tx| db::set_guest_name(tx, g.id, &set)).await?;
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
    let secret = super::random_secret();
    let (link, stored, n, cap) = (access.link, secret.clone(), name.clone(), s.cfg.sessions_per_link);
    let id = store
        .write_async(move |tx| {
            if db::guest_count(tx, link)? >= cap {
                return Err(ApiError::TooMany);
            }
            Ok(db::insert_guest(tx, link, &stored, n.as_deref())?)
        })
        .await?;
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
    s.node.replica().store().write_async(move |tx| db::set_guest_name(tx, guest.id, &set)).await?;
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
    let node = s.node.clone();
    let id = blocking(move || {
        let store = node.replica().store();
        if !may_see(&node, &access, guest.id, &post)? {
            return Err(ApiError::NotFound);
        }
        if let Some(r) = reply_to {
            store.read(|c| db::comment_channel(c, &r))?.filter(|c| *c == access.channel).ok_or(ApiError::NotFound)?;
            if access.own_only() && !store.read(|c| db::wrote(c, guest.id, &r))? {
                return Err(ApiError::NotFound);
            }
        }
        let id = node.replica().guest_comment(&access.channel, &post, &text, reply_to, &name)?;
        store.write(|tx| db::record_comment(tx, guest.id, &id))?;
        Ok(id)
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
        && e.len() <= crate::log::body::MAX_EMOJI_BYTES
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
    let node = s.node.clone();
    blocking(move || {
        let store = node.replica().store();
        let visible = if access.own_only() {
            may_see(&node, &access, guest.id, &target)? || store.read(|c| db::wrote(c, guest.id, &target))?
        } else {
            store.read(|c| {
                Ok::<_, ApiError>(
                    db::post_meta(c, &target)?.map(|m| m.channel) == Some(access.channel)
                        || db::comment_channel(c, &target)? == Some(access.channel),
                )
            })?
        };
        if !visible {
            return Err(ApiError::NotFound);
        }
        let (emoji, on) = (body.emoji, body.on);
        let count = store.write(|tx| db::set_guest_reaction(tx, guest.id, &target, &emoji, on))?;
        let me = node.replica().device_id();
        let node_has =
            store.read(|c| crate::comment::db::reactions(c, &target, &me))?.iter().any(|r| r.emoji == emoji && r.mine);
        if node_has != (count > 0) {
            node.replica().react(&access.channel, &target, &emoji, count > 0)?;
        }
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
        let meta = node
            .replica()
            .store()
            .read(|c| db::post_meta(c, &post))?
            .filter(|m| m.channel == access.channel)
            .ok_or(ApiError::NotFound)?;
        if meta.author == node.replica().device_id() {
            node.replica().retract(&access.channel, &post)?;
        } else if my_role(&node, &access.channel)? >= Role::Admin {
            node.replica().moderate(&access.channel, &post, ModAction::Hide)?;
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
    let list = s.node.replica().store().read_async(move |c| db::guests(c, &channel)).await?;
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
    let done = s.node.replica().store().write_async(move |tx| db::block_guest(tx, &channel, id)).await?;
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
            channel: crate::types::ChannelId([0; 32]),
            role: LinkRole::Viewer,
            closes: None,
            token: String::new(),
        };
        assert_eq!(a.require(LinkRole::Viewer), Ok(()));
        assert_eq!(a.require(LinkRole::Uploader), Err(ApiError::Forbidden));
        let _ = super::access::Guest { id: 1, name: None }.named().unwrap_err();
    }
}
