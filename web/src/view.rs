//! What a guest sees: gallery pages, a post with its comments, thumbnails and originals.
//!
//! A drop-box link ([`LinkRole::DropBox`]) sees only the items its guest's uploads became
//! and only the comments that guest wrote, and may open nothing else: the same routes,
//! with the guest's own set ([`Venue::guest_items`]) as the filter.

use super::access::{Access, Visit};
use super::extract::{blocking, ApiPath, ApiQuery};
use super::{range, ApiError, Shared};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use swarmroll_core::catalog::{credit_line, Cursor, PostItem};
use swarmroll_core::channel::Role;
use swarmroll_core::comment::{Comment, ReactionCount};
use swarmroll_core::media::Kind;
use swarmroll_core::node::Node;
use swarmroll_core::types::{ChannelId, ContentHash, EventId};
use swarmroll_core::venue::{LinkRole, Venue};

type St = State<Arc<Shared>>;

#[derive(Deserialize)]
pub(super) struct ItemsQuery {
    cursor: Option<String>,
    limit: Option<u32>,
}

pub(super) fn parse_cursor(c: &str) -> Result<Cursor, ApiError> {
    let bad = ApiError::BadRequest("cursor");
    let (ms, hash) = c.split_once('.').ok_or(bad.clone())?;
    let hash = ContentHash::from_hex(hash).ok_or(bad.clone())?;
    Ok(Cursor { sort_ms: ms.parse().map_err(|_| bad)?, content_hash: hash })
}

pub(super) fn parse_id(hex: &str) -> Result<EventId, ApiError> {
    EventId::from_hex(hex).ok_or(ApiError::NotFound)
}

fn kind_of(mime: &str) -> &'static str {
    if mime.starts_with("video/") {
        "video"
    } else {
        "image"
    }
}

/// One item as the pages show it. `by` credits everyone who shared its bytes.
fn item_json(post: &EventId, it: &PostItem, time_ms: i64, comments: i64) -> Value {
    let (hex, idx, m) = (post.to_hex(), it.index, &it.media);
    json!({
        "post": hex, "index": idx, "mime": m.mime, "kind": kind_of(&m.mime),
        "width": m.width, "height": m.height, "duration_ms": m.duration_ms,
        "time_ms": m.capture_time.map_or(time_ms, |t| t.0),
        "thumb": format!("thumb/{hex}/{idx}"), "original": format!("original/{hex}/{idx}"),
        "by": credit_line(&it.credits), "guest": null, "comments": comments,
        "name": m.name, "size": m.size,
    })
}

/// A gallery page, newest first; for a drop box, the guest's own items.
pub(super) async fn items(
    State(s): St,
    Visit { access, guest }: Visit,
    ApiQuery(q): ApiQuery<ItemsQuery>,
) -> Result<Json<Value>, ApiError> {
    let cursor = q.cursor.as_deref().map(parse_cursor).transpose()?;
    let limit = q.limit.unwrap_or(40).clamp(1, 100);
    let node = s.node.clone();
    blocking(move || {
        let venue = node.venue();
        if access.own_only() {
            let mine = venue.guest_items(guest.id)?;
            let mut out = Vec::with_capacity(mine.len());
            for (post, idx) in mine {
                let Some(t) = node.thread(&post)? else { continue };
                let Some(it) = t.post.items.iter().find(|i| i.index == idx) else { continue };
                out.push(item_json(&post, it, t.post.time.0, own_comments(&venue, guest.id, &t.comments)?));
            }
            return Ok(Json(json!({ "items": out, "next": null })));
        }
        let page = node.gallery(&access.channel, cursor, limit)?;
        let mut out = Vec::with_capacity(page.items.len());
        for it in page.items {
            let Some(meta) = venue.post_meta(&it.post)? else { continue };
            let (post, idx) = (it.post.to_hex(), it.index);
            out.push(json!({
                "post": post, "index": idx, "mime": it.mime, "kind": kind_of(&it.mime),
                "width": it.width, "height": it.height, "duration_ms": it.duration_ms,
                "time_ms": it.sort_time.0,
                "thumb": format!("thumb/{post}/{idx}"), "original": format!("original/{post}/{idx}"),
                "by": credit_line(&it.credits), "guest": null, "comments": meta.comments,
            }));
        }
        let next = page.next.map(|c| format!("{}.{}", c.sort_ms, c.content_hash.to_hex()));
        Ok(Json(json!({ "items": out, "next": next })))
    })
    .await
}

/// How many of `comments` the guest wrote.
fn own_comments(venue: &Venue, guest: i64, comments: &[Comment]) -> Result<i64, ApiError> {
    let mut n = 0;
    for c in comments {
        n += i64::from(venue.wrote(guest, &c.id)?);
    }
    Ok(n)
}

fn reactions_json(list: &[ReactionCount], mine: &[String]) -> Value {
    Value::Array(
        list.iter().map(|r| json!({ "emoji": r.emoji, "count": r.count, "mine": mine.contains(&r.emoji) })).collect(),
    )
}

/// This device's role in the channel.
pub(super) fn my_role(node: &Node, channel: &ChannelId) -> Result<Role, ApiError> {
    node.channels()?.into_iter().find(|c| c.id == *channel).map(|c| c.my_role).ok_or(ApiError::NotFound)
}

/// Whether the guest of a drop box may see `post` (one of their uploads is in it); for
/// other links, whether the post is in the link's channel.
pub(super) fn may_see(venue: &Venue, access: &Access, guest: i64, post: &EventId) -> Result<bool, ApiError> {
    Ok(venue.may_see(&access.channel, guest, access.own_only(), post)?)
}

/// A post with its comments; for a drop box, only the guest's items and comments.
pub(super) async fn thread(
    State(s): St,
    Visit { access, guest }: Visit,
    ApiPath((_, post)): ApiPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let post = parse_id(&post)?;
    let node = s.node.clone();
    blocking(move || {
        let venue = node.venue();
        let meta = venue.post_meta(&post)?.filter(|m| m.channel == access.channel);
        let (Some(meta), Some(t)) = (meta, node.thread(&post)?) else { return Err(ApiError::NotFound) };
        let own = access.own_only();
        let mine_only: Vec<u32> = if own {
            venue.guest_items(guest.id)?.into_iter().filter(|(p, _)| *p == post).map(|(_, i)| i).collect()
        } else {
            Vec::new()
        };
        if own && mine_only.is_empty() {
            return Err(ApiError::NotFound);
        }
        let hidable = access.role == LinkRole::Host && (meta.ours || my_role(&node, &access.channel)? >= Role::Admin);
        let shown = t.post.items.iter().filter(|it| !own || mine_only.contains(&it.index));
        let items: Vec<Value> = shown.map(|it| item_json(&post, it, t.post.time.0, meta.comments)).collect();
        let mut comments = Vec::with_capacity(t.comments.len());
        for c in &t.comments {
            if own && !venue.wrote(guest.id, &c.id)? {
                continue;
            }
            let mine = venue.guest_reactions(guest.id, &c.id)?;
            comments.push(json!({
                "id": c.id.to_hex(), "by": c.author.name, "guest": c.guest, "time_ms": c.time.0,
                "text": c.text, "reply_to": c.reply_to.map(|r| r.to_hex()),
                "reactions": reactions_json(&c.reactions, &mine),
            }));
        }
        let mine = venue.guest_reactions(guest.id, &post)?;
        let by = t.post.author.display();
        Ok(Json(json!({
            "post": {
                "id": post.to_hex(), "by": by, "guest": null, "time_ms": t.post.time.0,
                "caption": t.post.caption, "items": items,
                "reactions": reactions_json(&t.reactions, &mine), "hidable": hidable,
            },
            "comments": comments,
        })))
    })
    .await
}

/// Refuses an item a drop-box guest did not upload.
async fn own_item(s: &Shared, access: &Access, guest: i64, post: EventId, index: u32) -> Result<(), ApiError> {
    if !access.own_only() {
        return Ok(());
    }
    let venue = s.node.venue();
    let mine = blocking(move || Ok(venue.guest_items(guest)?)).await?;
    if mine.contains(&(post, index)) {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// A thumbnail.
pub(super) async fn thumb(
    State(s): St,
    Visit { access, guest }: Visit,
    ApiPath((_, post, index)): ApiPath<(String, String, u32)>,
) -> Result<Response, ApiError> {
    let post = parse_id(&post)?;
    own_item(&s, &access, guest.id, post, index).await?;
    let channel = access.channel;
    let venue = s.node.venue();
    let (bytes, mime) =
        blocking(move || Ok(venue.thumbnail(&channel, &post, index)?)).await?.ok_or(ApiError::NotFound)?;
    let cache = (header::CACHE_CONTROL, "private, max-age=86400");
    if bytes.is_empty() {
        // No poster could be made for it (a HEIC or a video where no decoder was at
        // hand): a picture that says what it is, never a broken image.
        return Ok(([(header::CONTENT_TYPE, "image/svg+xml"), cache], placeholder(&mime)).into_response());
    }
    let mime = Kind::sniff(&bytes).map_or("application/octet-stream", Kind::mime);
    Ok(([(header::CONTENT_TYPE, mime), cache], bytes).into_response())
}

/// A square tile naming the file type, with a play sign for videos.
fn placeholder(mime: &str) -> String {
    let video = mime.starts_with("video/");
    let label = match mime {
        "image/heic" => "HEIC",
        "video/quicktime" => "MOV",
        "video/mp4" => "MP4",
        m => m.rsplit('/').next().unwrap_or("FILE"),
    }
    .to_ascii_uppercase();
    let sign = if video {
        r##"<circle cx="160" cy="138" r="46" fill="none" stroke="#9aa4b2" stroke-width="8"/><path d="M147 114v48l38-24z" fill="#9aa4b2"/>"##
    } else {
        r##"<path d="M96 176l40-52 30 38 20-24 38 38z" fill="#9aa4b2"/><circle cx="200" cy="108" r="14" fill="#9aa4b2"/>"##
    };
    format!(
        r###"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 320" role="img" aria-label="{label}"><rect width="320" height="320" fill="#2a2f37"/>{sign}<text x="160" y="236" fill="#d5dbe3" font-family="system-ui,sans-serif" font-size="34" font-weight="600" text-anchor="middle" letter-spacing="2">{label}</text></svg>"###
    )
}

/// An original, whole or a range of it: the shared copy (location removed).
pub(super) async fn original(
    State(s): St,
    Visit { access, guest }: Visit,
    ApiPath((_, post, index)): ApiPath<(String, String, u32)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let post = parse_id(&post)?;
    own_item(&s, &access, guest.id, post, index).await?;
    let node = s.node.clone();
    let (original, patches) = blocking(move || {
        let found = node.originals(&access.channel, &post)?;
        let original =
            found.and_then(|list| list.into_iter().find(|o| o.item.index == index)).ok_or(ApiError::NotHere)?;
        // The author's own file may still hold the location the shared copy does not.
        let hash = original.item.media.content_hash;
        let patches = node.location_patches(&hash)?.unwrap_or_default();
        Ok((original, patches))
    })
    .await?;
    Ok(range::serve(&original.path, &original.item.media.mime, patches, &headers).await)
}
