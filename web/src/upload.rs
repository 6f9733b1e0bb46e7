//! Guests' uploads: announced with their BLAKE3, sent in chunks that resume from the
//! server's offset after a dropped connection, checked (hash, then content type) when the
//! last byte arrives, then imported and posted for the guest.
//!
//! The bytes so far are the partial file's length, so a restart of the node loses at most
//! the chunk in flight. Bytes the channel already has are refused before they are sent
//! (`duplicate`), so a retried upload adds nothing.

use super::access::{Guest, Visit};
use super::extract::{blocking, ApiPath, JsonBody};
use super::{lock, ApiError, Shared};
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;
use swarmroll_core::import::{ImportError, Request};
use swarmroll_core::media::{Kind, MediaError};
use swarmroll_core::share::{self, FileResult};
use swarmroll_core::types::{ChannelId, ContentHash, EventId};
use swarmroll_core::venue::{Announced, Announcement, LinkRole, Upload};
use tokio::io::AsyncWriteExt;

type St = State<Arc<Shared>>;

/// Unfinished uploads idle for longer than this do not count against a guest's limit.
const IDLE_MS: i64 = 10 * 60 * 1000;
/// Largest video poster a page may send.
const MAX_POSTER_BYTES: usize = 1 << 20;
/// Longest a chunk's body may pause before the request is let go.
const BODY_STALL: std::time::Duration = std::time::Duration::from_secs(30);
/// Most uploads in one commit.
const MAX_COMMIT: usize = 60;
/// File types a guest may upload (checked again by content when the upload completes).
const EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp", "heic", "heif", "mp4", "mov", "m4v"];

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/g/{token}/api/uploads", post(create))
        .route("/g/{token}/api/uploads/commit", post(commit))
        .route("/g/{token}/api/uploads/{id}", get(status).patch(append))
        .route("/g/{token}/api/uploads/{id}/poster", put(poster))
}

/// A file name safe to store and show: the last path component, no control characters,
/// not hidden, at most 120 bytes, ending in an allowed extension (taken from the declared
/// type when the name has none). `None` if the file is not a photo or video by name and
/// type.
pub fn clean_name(raw: &str, mime: &str) -> Option<String> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let base: String = base.chars().filter(|c| !c.is_control()).collect();
    // Dots and spaces in any order: " . .x" must not become the hidden ".x".
    let base = base.trim_start_matches(|c: char| c == '.' || c.is_whitespace()).trim_end();
    let (stem, ext) = match base.rsplit_once('.') {
        Some((s, e)) if EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()) => (s, e.to_ascii_lowercase()),
        _ => {
            let ext = match mime {
                "image/jpeg" => "jpg",
                "image/png" => "png",
                "image/webp" => "webp",
                "image/heic" | "image/heif" => "heic",
                "video/mp4" => "mp4",
                "video/quicktime" => "mov",
                _ => return None,
            };
            (base, ext.to_owned())
        }
    };
    let mut stem: String = stem.trim().to_owned();
    while stem.len() > 120 - ext.len() - 1 {
        stem.pop();
    }
    if stem.is_empty() {
        stem = "photo".to_owned();
    }
    Some(format!("{stem}.{ext}"))
}

/// Counts a guest's upload requests in flight; the slot frees itself when dropped.
struct Slot {
    shared: Arc<Shared>,
    guest: i64,
}

impl Slot {
    fn take(shared: &Arc<Shared>, guest: i64) -> Result<Slot, ApiError> {
        let mut map = lock(&shared.in_flight);
        let n = map.entry(guest).or_insert(0);
        if *n >= shared.cfg.max_parallel {
            return Err(ApiError::TooMany);
        }
        *n += 1;
        Ok(Slot { shared: shared.clone(), guest })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = lock(&self.shared.in_flight);
        if let Some(n) = map.get_mut(&self.guest) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.guest);
            }
        }
    }
}

impl Shared {
    fn part_path(&self, id: i64) -> PathBuf {
        self.incoming.join(format!("{id}.part"))
    }

    fn poster_path(&self, id: i64) -> PathBuf {
        self.incoming.join(format!("{id}.poster"))
    }

    fn final_path(&self, up: &Upload) -> PathBuf {
        self.files.join(up.hash.to_hex()).join(&up.name)
    }

    fn upload_lock(&self, id: i64) -> Arc<tokio::sync::Mutex<()>> {
        lock(&self.upload_locks).entry(id).or_default().clone()
    }

    /// Bytes received so far.
    async fn received(&self, up: &Upload) -> u64 {
        if up.complete {
            return up.size;
        }
        tokio::fs::metadata(self.part_path(up.id)).await.map(|m| m.len()).unwrap_or(0)
    }
}

async fn upload_json(s: &Shared, up: &Upload) -> Json<Value> {
    let state = match (up.post, up.complete) {
        (Some(_), _) => "posted",
        (None, true) => "complete",
        (None, false) => "partial",
    };
    Json(json!({ "id": up.id.to_string(), "offset": s.received(up).await, "size": up.size, "state": state }))
}

/// The guest's upload `id`.
async fn owned(s: &Shared, guest: &Guest, id: &str) -> Result<Upload, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let venue = s.node.venue();
    let up = blocking(move || Ok(venue.upload(id)?)).await?;
    up.filter(|u| u.guest == guest.id).ok_or(ApiError::NotFound)
}

#[derive(Deserialize)]
struct CreateBody {
    name: String,
    size: u64,
    #[serde(rename = "type", default)]
    mime: String,
    hash: String,
}

/// Announces an upload: resumes this guest's unfinished one of the same bytes, answers
/// `duplicate` for bytes the channel has, or starts a new one.
async fn create(
    State(s): St,
    Visit { access, guest }: Visit,
    JsonBody(body): JsonBody<CreateBody>,
) -> Result<Json<Value>, ApiError> {
    access.require(LinkRole::Uploader)?;
    guest.named()?;
    if body.size == 0 {
        return Err(ApiError::BadRequest("size"));
    }
    if body.size > s.cfg.max_file_bytes {
        return Err(ApiError::TooLarge);
    }
    let hash = ContentHash::from_hex(&body.hash.to_ascii_lowercase()).ok_or(ApiError::BadRequest("hash"))?;
    let name = clean_name(&body.name, &body.mime).ok_or(ApiError::NotMedia)?;
    s.room_for(body.size)?;
    let (size, max) = (body.size, i64::try_from(s.cfg.max_parallel).unwrap_or(i64::MAX));
    let announced = Announcement { guest: guest.id, channel: access.channel, hash, size, name };
    let venue = s.node.venue();
    match blocking(move || Ok(venue.announce(&announced, max, IDLE_MS)?)).await? {
        Announced::Duplicate => Ok(Json(json!({ "id": null, "offset": size, "size": size, "state": "duplicate" }))),
        Announced::Resume(up) | Announced::New(up) => Ok(upload_json(&s, &up).await),
        Announced::TooMany => Err(ApiError::TooMany),
    }
}

async fn status(
    State(s): St,
    Visit { guest, .. }: Visit,
    ApiPath((_, id)): ApiPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let up = owned(&s, &guest, &id).await?;
    Ok(upload_json(&s, &up).await)
}

/// Appends one chunk at `Upload-Offset`, streaming it to the partial file.
async fn append(
    State(s): St,
    Visit { access, guest }: Visit,
    ApiPath((_, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    access.require(LinkRole::Uploader)?;
    let _slot = Slot::take(&s, guest.id)?;
    let up = owned(&s, &guest, &id).await?;
    let upload_lock = s.upload_lock(up.id);
    let _held = upload_lock.lock().await;
    if up.complete {
        return Ok(upload_json(&s, &up).await);
    }
    let have = s.received(&up).await;
    let claimed: u64 = headers
        .get("upload-offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .ok_or(ApiError::BadRequest("Upload-Offset"))?;
    if claimed != have {
        return Err(ApiError::OffsetMismatch(have));
    }
    let limit = (s.cfg.chunk_bytes as u64).min(up.size - have);
    s.room_for(limit)?;
    let part = s.part_path(up.id);
    let mut file =
        tokio::fs::OpenOptions::new().create(true).append(true).open(&part).await.map_err(|_| ApiError::Internal)?;
    let mut written = 0u64;
    let mut stream = body.into_data_stream();
    let mut failure = None;
    loop {
        // A client that stops sending mid-chunk (or trickles bytes to hold the request
        // open) is let go; what arrived stays, and the page resumes from there.
        let Ok(Some(Ok(chunk))) = tokio::time::timeout(BODY_STALL, stream.next()).await else { break };
        written += chunk.len() as u64;
        if written > limit {
            failure = Some(ApiError::TooLarge);
            break;
        }
        if let Err(e) = file.write_all(&chunk).await {
            failure =
                Some(if e.kind() == std::io::ErrorKind::StorageFull { ApiError::DiskFull } else { ApiError::Internal });
            break;
        }
    }
    if let Some(e) = failure {
        // Nothing of a refused chunk is kept.
        let _ = file.set_len(have).await;
        return Err(e);
    }
    file.flush().await.map_err(|_| ApiError::Internal)?;
    drop(file);
    let (venue, id) = (s.node.venue(), up.id);
    blocking(move || Ok(venue.touch_upload(id)?)).await?;
    if have + written < up.size {
        return Ok(upload_json(&s, &up).await);
    }
    finish(&s, up).await
}

/// The last byte arrived: check the hash and the content, then keep the file for import.
async fn finish(s: &Arc<Shared>, up: Upload) -> Result<Json<Value>, ApiError> {
    let part = s.part_path(up.id);
    let target = s.final_path(&up);
    let expected = up.hash;
    let (venue, id) = (s.node.venue(), up.id);
    let checked = blocking(move || {
        // One pass: the head for the content check, then the rest, into the hash.
        let mut f = std::fs::File::open(&part).map_err(|_| ApiError::Internal)?;
        let mut head = [0u8; 32];
        let n = std::io::Read::read(&mut f, &mut head).map_err(|_| ApiError::Internal)?;
        let mut hasher = blake3::Hasher::new();
        hasher.update(&head[..n]);
        hasher.update_reader(&mut f).map_err(|_| ApiError::Internal)?;
        if ContentHash(*hasher.finalize().as_bytes()) != expected {
            let _ = std::fs::remove_file(&part);
            return Err(ApiError::HashMismatch);
        }
        // What the import will make of it, checked now: a file the gallery takes is one
        // that can be posted (a JPEG header on a damaged body is refused here).
        if let Err(e) = swarmroll_core::import::check(&part) {
            let _ = std::fs::remove_file(&part);
            venue.drop_upload(id)?;
            return Err(match e {
                ImportError::Media(MediaError::LocationNotRemovable(_)) => ApiError::LocationKept,
                _ => ApiError::NotMedia,
            });
        }
        f.sync_all().map_err(|_| ApiError::Internal)?;
        let dir = target.parent().ok_or(ApiError::Internal)?;
        std::fs::create_dir_all(dir).map_err(|_| ApiError::Internal)?;
        std::fs::rename(&part, &target).map_err(|_| ApiError::Internal)?;
        venue.complete_upload(id)?;
        Ok(())
    })
    .await;
    lock(&s.upload_locks).remove(&up.id);
    checked?;
    Ok(upload_json(s, &Upload { complete: true, ..up }).await)
}

/// A video's first frame, drawn by the page (the core cannot decode video).
async fn poster(
    State(s): St,
    Visit { access, guest }: Visit,
    ApiPath((_, id)): ApiPath<(String, String)>,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    access.require(LinkRole::Uploader)?;
    let up = owned(&s, &guest, &id).await?;
    let bytes = axum::body::to_bytes(body, MAX_POSTER_BYTES).await.map_err(|_| ApiError::TooLarge)?;
    if !matches!(Kind::sniff(&bytes), Some(Kind::Jpeg | Kind::Png)) {
        return Err(ApiError::NotMedia);
    }
    tokio::fs::write(s.poster_path(up.id), &bytes).await.map_err(|_| ApiError::Internal)?;
    Ok(upload_json(&s, &up).await)
}

#[derive(Deserialize)]
struct CommitBody {
    ids: Vec<String>,
    #[serde(default)]
    caption: String,
}

/// Posts the guest's complete uploads, at most 12 to a post, through the app's import.
async fn commit(
    State(s): St,
    Visit { access, guest }: Visit,
    JsonBody(body): JsonBody<CommitBody>,
) -> Result<Json<Value>, ApiError> {
    access.require(LinkRole::Uploader)?;
    let name = guest.named()?.to_owned();
    if body.ids.is_empty() || body.ids.len() > MAX_COMMIT {
        return Err(ApiError::BadRequest("ids"));
    }
    if body.caption.len() > swarmroll_core::MAX_CAPTION_BYTES {
        return Err(ApiError::BadRequest("caption"));
    }
    let mut ready = Vec::new();
    for id in &body.ids {
        let up = owned(&s, &guest, id).await?;
        if !up.complete {
            return Err(ApiError::BadRequest("upload not complete"));
        }
        ready.push(up);
    }
    let posted = post_uploads(&s, &access.channel, &name, body.caption.trim(), ready).await?;
    Ok(Json(json!({
        "post": posted.posts.first().map(|p| p.to_hex()),
        "posts": posted.posts.iter().map(|p| p.to_hex()).collect::<Vec<_>>(),
        "duplicates": posted.duplicates,
        "skipped": posted.skipped,
    })))
}

/// What posting a guest's uploads made.
#[derive(Debug, Default)]
pub struct Posted {
    pub posts: Vec<EventId>,
    pub duplicates: usize,
    pub skipped: usize,
}

/// Imports and posts complete uploads for the guest `name`, at most 12 to a post, as
/// one share (finished at the node's next start if it is cut off). Bytes the channel has
/// by now count as duplicates; an upload that turns out unusable is dropped with its
/// bytes. One at a time per server, so a page's commit and the sweeper never post an
/// upload twice.
pub async fn post_uploads(
    s: &Arc<Shared>,
    channel: &ChannelId,
    name: &str,
    caption: &str,
    ready: Vec<Upload>,
) -> Result<Posted, ApiError> {
    let _one = s.posting.lock().await;
    let venue = s.node.venue();
    let mut open: Vec<Upload> = Vec::new();
    for up in ready {
        let (id, v) = (up.id, venue.clone());
        let still_open = blocking(move || Ok(v.upload(id)?.is_some_and(|u| u.post.is_none()))).await?;
        if still_open && !open.iter().any(|f| f.id == up.id) {
            open.push(up);
        }
    }
    let mut out = Posted::default();
    if open.is_empty() {
        return Ok(out);
    }
    let mut files = Vec::with_capacity(open.len());
    for up in &open {
        let poster = tokio::fs::read(s.poster_path(up.id)).await.ok();
        files.push(Request { poster, ..Request::path(s.final_path(up)) });
    }
    let options = share::Options { caption: caption.to_owned(), guest: Some(name.to_owned()), keep_location: false };
    let outcome = s.node.share(channel, files, options, &share::Cancel::default()).await?;
    out.posts.clone_from(&outcome.posts);
    let mut settled: Vec<(i64, Option<EventId>)> = Vec::new();
    for (up, result) in open.iter().zip(&outcome.files) {
        match result {
            FileResult::Posted(post) => settled.push((up.id, Some(*post))),
            FileResult::AlreadyThere(post) => {
                out.duplicates += 1;
                settled.push((up.id, Some(*post)));
            }
            FileResult::Failed(_) => {
                out.skipped += 1;
                settled.push((up.id, None));
                let _ = tokio::fs::remove_file(s.final_path(up)).await;
            }
            FileResult::NotShared => continue,
        }
        let _ = tokio::fs::remove_file(s.poster_path(up.id)).await;
    }
    let marked: Vec<(i64, EventId)> = settled.iter().filter_map(|(_, p)| p.map(|p| (open[0].guest, p))).collect();
    blocking(move || Ok(venue.settle_uploads(&settled)?)).await?;
    for m in marked {
        let _ = s.posted.send(m);
    }
    Ok(out)
}

/// Posts uploads that arrived whole but were never committed — the page was closed, or
/// the phone slept, at the last moment — once they have sat for `cfg.commit_after`: the
/// guest meant to share them. Runs until the server stops.
pub async fn sweep(s: Arc<Shared>) {
    let every =
        (s.cfg.commit_after / 2).clamp(std::time::Duration::from_millis(200), std::time::Duration::from_secs(60));
    let mut stopping = s.stopping.clone();
    loop {
        mark_posted(&s).await;
        expire_partials(&s).await;
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stopping.wait_for(|v| *v) => return,
        }
        let idle_ms = i64::try_from(s.cfg.commit_after.as_millis()).unwrap_or(i64::MAX);
        let venue = s.node.venue();
        let stale = match blocking(move || Ok(venue.stale_uploads(idle_ms)?)).await {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(error = %e, "web gallery: cannot look for uncommitted uploads");
                continue;
            }
        };
        for (channel, name, ups) in stale {
            if let Err(e) = post_uploads(&s, &channel, &name, "", ups).await {
                tracing::warn!(error = %e, "web gallery: an uncommitted upload could not be posted");
            }
        }
    }
}

/// Drops unfinished uploads nobody touched for `cfg.partial_ttl`, with their bytes, so
/// that guests who came and went (or a script cycling sessions) cannot fill the disk
/// over time.
async fn expire_partials(s: &Arc<Shared>) {
    let ttl_ms = i64::try_from(s.cfg.partial_ttl.as_millis()).unwrap_or(i64::MAX);
    let venue = s.node.venue();
    let gone = blocking(move || Ok(venue.expire_partial_uploads(ttl_ms)?)).await;
    match gone {
        Ok(ids) => {
            for id in ids {
                let _ = tokio::fs::remove_file(s.part_path(id)).await;
                let _ = tokio::fs::remove_file(s.poster_path(id)).await;
            }
        }
        Err(e) => tracing::warn!(error = %e, "web gallery: cannot drop old unfinished uploads"),
    }
    sweep_orphans(s).await;
}

/// Removes the bytes of uploads no longer on record (their channel was left, or they
/// expired while the server was down). A row is written before its first byte, so a
/// file without one is never an upload in progress.
async fn sweep_orphans(s: &Arc<Shared>) {
    let Ok(entries) = std::fs::read_dir(&s.incoming) else { return };
    let mut found: Vec<(i64, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let id = path.file_stem().and_then(|n| n.to_str()).and_then(|n| n.parse::<i64>().ok());
        if let Some(id) = id {
            found.push((id, path));
        }
    }
    if found.is_empty() {
        return;
    }
    let venue = s.node.venue();
    let ids: Vec<i64> = found.iter().map(|(id, _)| *id).collect();
    let Ok(known) = blocking(move || Ok(venue.known_uploads(ids)?)).await else { return };
    for (id, path) in found {
        if !known.contains(&id) {
            let _ = tokio::fs::remove_file(path).await;
        }
    }
}

/// Marks uploads posted whose bytes are in their channel by now: a commit cut off by the
/// node stopping is finished at its next start (the share journal), and the upload then
/// shows as posted, not as waiting to be posted again.
async fn mark_posted(s: &Arc<Shared>) {
    let venue = s.node.venue();
    let marked = blocking(move || Ok(venue.mark_posted()?)).await;
    if let Err(e) = marked {
        tracing::warn!(error = %e, "web gallery: cannot look for uploads posted meanwhile");
    }
}

#[cfg(test)]
mod tests {
    use super::clean_name;

    #[test]
    fn names_are_made_safe() {
        assert_eq!(clean_name("IMG_1.JPG", "image/jpeg").as_deref(), Some("IMG_1.jpg"));
        assert_eq!(clean_name("../../etc/passwd", "").as_deref(), None);
        assert_eq!(clean_name("../../x/evil.jpg", "").as_deref(), Some("evil.jpg"));
        assert_eq!(clean_name("C:\\Users\\a\\b.mp4", "").as_deref(), Some("b.mp4"));
        assert_eq!(clean_name(".hidden.png", "").as_deref(), Some("hidden.png"));
        assert_eq!(clean_name("..", "image/png").as_deref(), Some("photo.png"));
        assert_eq!(clean_name("clip", "video/mp4").as_deref(), Some("clip.mp4"));
        assert_eq!(clean_name("notes.txt", "text/plain"), None);
        assert_eq!(clean_name("a\u{0}b\nc.jpg", "").as_deref(), Some("abc.jpg"));
        let long = format!("{}.jpeg", "é".repeat(200));
        let cleaned = clean_name(&long, "").unwrap_or_default();
        assert!(cleaned.len() <= 120 && cleaned.ends_with(".jpeg"), "{cleaned}");
    }

    /// Found by the `web_request` fuzz target (crash-351ee54c…, the 6 bytes " . .j1"):
    /// leading dots were trimmed before spaces, so dots behind a space survived and the
    /// name came out hidden.
    #[test]
    fn fuzz_clean_name_space_dot_space_dot_is_not_hidden() {
        assert_eq!(clean_name(" . .j1", "image/jpeg").as_deref(), Some("j1.jpg"));
        assert_eq!(clean_name(". . .IMG_2.JPG", "").as_deref(), Some("IMG_2.jpg"));
        assert_eq!(clean_name(" . . ", "video/mp4").as_deref(), Some("photo.mp4"));
        for raw in [" . .j1", "\t.\t.a.png", " ..  . .heic", "x/ . .mov"] {
            let name = clean_name(raw, "image/jpeg").unwrap_or_default();
            assert!(!name.starts_with('.') && !name.starts_with(char::is_whitespace), "{raw:?} gave {name:?}");
        }
    }
}
