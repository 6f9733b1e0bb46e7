//! Camera-roll import: what the apps and the CLI call when a user picks photos and videos
//! (or turns on "add everything I shoot during the event").
//!
//! For each file, on a CPU pool sized to the machine (never on an async worker):
//!
//! 1. read it and recognise its format by content;
//! 2. hash it (BLAKE3); if the same bytes were imported before, reuse that record;
//! 3. read its metadata (capture time, orientation, camera, location, size, length);
//! 4. check a JPEG's structure (truncated files are refused) and size (decompression
//!    bombs are refused before any pixel is decoded);
//! 5. make the upright small thumbnail and preview from one scaled decode — or from the
//!    poster the platform supplied for HEIC and video;
//! 6. unless the user shares location, compute the [`Patch`]es that remove it from the
//!    shared copy and hash that copy;
//! 7. store the preview file and one row in `media`.
//!
//! One bad file fails alone with a typed [`ImportError`]; the batch goes on. Progress is
//! reported after every file; a cancel flag stops the batch between files.

pub(crate) mod db;
mod inspect;
mod window;

pub use inspect::{check, Inspection};
pub use window::{scan_folder, select_for_window, Candidate};

use crate::log::{MediaInfo, MediaItem};
use crate::media::{strip::Patch, Kind, MediaError, Metadata};
use crate::store::lock;
use crate::store::{Store, StoreError};
use crate::types::{ContentHash, Timestamp};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// One file to import.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// The file (the platform exports or copies camera-roll assets to a path).
    pub path: PathBuf,
    /// A poster the platform made, for formats the core cannot decode (HEIC, video).
    pub poster: Option<Vec<u8>>,
    /// The platform's id for the asset, so it is not offered again.
    pub asset_id: Option<String>,
    /// The platform's creation time (absolute), used when the file has none with a zone.
    pub platform_time: Option<Timestamp>,
}

impl Request {
    /// A request for a file path alone.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        Request { path: path.into(), ..Request::default() }
    }
}

/// Makes posters — a still picture to make thumbnails from — for the formats the core
/// does not decode (HEIC, video): the platform's decoders on a phone, tools installed on
/// a desktop. Asked only for files whose content needs one.
pub trait Posters: Send + Sync {
    /// A JPEG or PNG poster of the file at `path`, of format `kind`; `None` if it cannot
    /// make one.
    fn poster(&self, path: &Path, kind: Kind) -> Option<Vec<u8>>;
}

/// A [`Posters`] implementation, as a node's configuration holds it.
#[derive(Clone)]
pub struct PosterSource(pub Arc<dyn Posters>);

impl std::fmt::Debug for PosterSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PosterSource")
    }
}

/// Import settings.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Keep GPS position in what peers receive (off by default).
    pub share_location: bool,
}

/// Why one file was not imported. Messages never name the file.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImportError {
    /// The file could not be read.
    #[error("the file could not be read ({0:?})")]
    Unreadable(std::io::ErrorKind),
    /// The file is not usable media.
    #[error(transparent)]
    Media(#[from] MediaError),
    /// Saving failed.
    #[error("saving the imported photo failed")]
    Store,
    /// The device has no room to save it (what is stored stays as it was; share again
    /// once there is room).
    #[error("the disk is full")]
    DiskFull,
}

/// A failed save, as an import error: a full disk says so.
pub(crate) fn saving(e: &StoreError) -> ImportError {
    if e.is_disk_full() {
        ImportError::DiskFull
    } else {
        ImportError::Store
    }
}

/// An imported photo or video.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// BLAKE3 of the original file (the dedupe key).
    pub original_hash: ContentHash,
    /// BLAKE3 of the shared copy (what peers receive and verify).
    pub shared_hash: ContentHash,
    /// The original file, seeded in place.
    pub path: PathBuf,
    /// Size in bytes (original and shared copy alike).
    pub size: u64,
    /// The format.
    pub kind: Kind,
    /// Upright width.
    pub width: u32,
    /// Upright height.
    pub height: u32,
    /// Metadata read from the file.
    pub meta: Metadata,
    /// Capture time used for sorting (the file's, or the platform's).
    pub capture_time: Option<Timestamp>,
    /// Whether the shared copy keeps the location (user opted in, or a format whose
    /// location cannot be removed without rewriting it).
    pub location_shared: bool,
    /// Byte ranges to overwrite in the shared copy.
    pub patches: Vec<Patch>,
    /// The small upright thumbnail (empty when the platform gave no poster).
    pub thumbnail: Vec<u8>,
    /// Whether a preview file was stored.
    pub has_preview: bool,
}

impl Imported {
    /// The file as the swarm seeds it in place (public channel: no encryption key).
    pub fn source_file(&self) -> crate::swarm::torrent::SourceFile {
        crate::swarm::torrent::SourceFile {
            name: self.file_name(),
            path: self.path.clone(),
            len: self.size,
            patches: self.patches.clone(),
            key: None,
        }
    }

    /// The name shown to members: the original's file name (at most 120 characters).
    pub fn file_name(&self) -> String {
        self.path.file_name().map(|n| n.to_string_lossy().chars().take(120).collect()).unwrap_or_else(|| "photo".into())
    }

    /// The descriptor that goes into a `Post`.
    pub fn media_item(&self) -> MediaItem {
        MediaItem {
            info: MediaInfo {
                content_hash: self.shared_hash,
                name: self.file_name(),
                mime: self.kind.mime().into(),
                size: self.size,
                width: self.width,
                height: self.height,
                capture_time: self.capture_time,
                duration_ms: self.meta.duration_ms,
            },
            thumbnail: self.thumbnail.clone(),
        }
    }
}

/// What happened to one file, for progress reporting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileOutcome {
    /// Imported.
    Imported,
    /// The same bytes were imported before (their record is reused).
    Known,
    /// Not imported, and why.
    Failed(ImportError),
}

/// Progress after each file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Index of the file in the request list.
    pub index: usize,
    /// Files finished so far.
    pub done: usize,
    /// Files in the batch.
    pub total: usize,
    /// What happened to this one.
    pub outcome: FileOutcome,
}

/// The result of a batch.
#[derive(Debug, Default)]
pub struct Summary {
    /// Files this batch imported, with their request index, in request order.
    pub imported: Vec<(usize, Imported)>,
    /// Files whose bytes were imported before (by an earlier batch, or earlier in this
    /// one), with the record made then. Whether they are shared already is a question
    /// for a channel, not for the import: a photo imported but never posted (the app
    /// was killed in between) or posted in another channel may be posted here.
    pub known: Vec<(usize, Imported)>,
    /// Request indexes that failed, and why.
    pub failed: Vec<(usize, ImportError)>,
    /// Whether the batch was cancelled before every file was done.
    pub cancelled: bool,
}

impl Summary {
    /// Every usable file (imported now or before), in request order.
    pub fn usable(&self) -> Vec<(usize, &Imported)> {
        let mut all: Vec<(usize, &Imported)> =
            self.imported.iter().chain(&self.known).map(|(i, item)| (*i, item)).collect();
        all.sort_by_key(|(i, _)| *i);
        all
    }

    /// Every usable record, in request order.
    pub fn into_records(self) -> Vec<Imported> {
        let mut all: Vec<(usize, Imported)> = self.imported.into_iter().chain(self.known).collect();
        all.sort_by_key(|(i, _)| *i);
        all.into_iter().map(|(_, item)| item).collect()
    }
}

/// One file's result: the record and whether this run made it, or why it failed.
type FileResult = Result<(Imported, bool), ImportError>;

/// Runs imports into one data folder.
pub struct Importer {
    store: Arc<Store>,
    previews: PathBuf,
    pool: rayon::ThreadPool,
    posters: Option<PosterSource>,
}

/// The folder inside a data folder where previews are kept.
pub const PREVIEWS_DIR: &str = "previews";

impl Importer {
    /// An importer for `store`, using `threads` CPU threads (0: one per core).
    ///
    /// # Errors
    /// [`StoreError::Io`] if the previews folder cannot be made.
    pub fn new(store: Arc<Store>, threads: usize) -> Result<Self, StoreError> {
        let dir = store.path().parent().map(Path::to_path_buf).unwrap_or_default();
        let previews = dir.join(PREVIEWS_DIR);
        std::fs::create_dir_all(&previews)?;
        // Previews a killed process left half-written: another process's temporaries (the
        // data folder is locked to one process at a time, so those are dead), never this
        // one's, which may be in the middle of a write.
        let mine = format!(".{}-", std::process::id());
        crate::store::sweep_leftovers(&previews, |name| name.ends_with(".tmp") && !name.contains(&mine));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("swarmroll-import-{i}"))
            .build()
            .map_err(|e| StoreError::Io(std::io::Error::other(e)))?;
        Ok(Importer { store, previews, pool, posters: None })
    }

    /// Asks `posters` for the posters of HEIC and video files that come without one.
    #[must_use]
    pub fn with_posters(mut self, posters: Option<PosterSource>) -> Self {
        self.posters = posters;
        self
    }

    /// Where previews are kept.
    pub fn previews_dir(&self) -> &Path {
        &self.previews
    }

    /// The stored preview of a shared copy, if any.
    pub fn preview_path(&self, shared_hash: &ContentHash) -> PathBuf {
        self.previews.join(format!("{}.jpg", shared_hash.to_hex()))
    }

    /// Imports `requests`, calling `progress` after each file (from worker threads) and
    /// stopping between files once `cancel` is set. Blocking: call it from a blocking
    /// thread (see [`Importer::run_async`]).
    pub fn run(
        &self,
        requests: &[Request],
        options: Options,
        progress: &(dyn Fn(Progress) + Sync),
        cancel: &AtomicBool,
    ) -> Summary {
        let total = requests.len();
        let done = AtomicUsize::new(0);
        let results: Mutex<Vec<(usize, FileResult)>> = Mutex::new(Vec::with_capacity(total));
        self.pool.scope(|scope| {
            for (index, req) in requests.iter().enumerate() {
                let (done, results) = (&done, &results);
                scope.spawn(move |_| {
                    if cancel.load(Ordering::Relaxed) {
                        return;
                    }
                    let result = self.import_one(req, options);
                    let outcome = match &result {
                        Ok((_, true)) => FileOutcome::Imported,
                        Ok((_, false)) => FileOutcome::Known,
                        Err(e) => FileOutcome::Failed(e.clone()),
                    };
                    let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                    progress(Progress { index, done, total, outcome });
                    lock(results).push((index, result));
                });
            }
        });
        let mut results = results.into_inner().unwrap_or_else(|p| p.into_inner());
        results.sort_by_key(|(i, _)| *i);
        let mut summary = Summary { cancelled: results.len() < total, ..Summary::default() };
        for (index, r) in results {
            match r {
                Ok((item, true)) => summary.imported.push((index, item)),
                Ok((item, false)) => summary.known.push((index, item)),
                Err(e) => summary.failed.push((index, e)),
            }
        }
        summary
    }

    /// [`Importer::run`] on tokio's blocking pool, with progress sent to a channel.
    ///
    /// # Cancel safety
    /// Dropping the future does not stop the batch; set `cancel` to stop it.
    pub async fn run_async(
        self: &Arc<Self>,
        requests: Vec<Request>,
        options: Options,
        progress: tokio::sync::mpsc::UnboundedSender<Progress>,
        cancel: Arc<AtomicBool>,
    ) -> Summary {
        let me = Arc::clone(self);
        tokio::task::spawn_blocking(move || me.run(&requests, options, &|p| drop(progress.send(p)), &cancel))
            .await
            .unwrap_or_else(|_| Summary { cancelled: true, ..Summary::default() })
    }

    fn import_one(&self, req: &Request, options: Options) -> FileResult {
        let bytes = std::fs::read(&req.path).map_err(|e| ImportError::Unreadable(e.kind()))?;
        if bytes.is_empty() {
            return Err(MediaError::Empty.into());
        }
        let kind = Kind::sniff(&bytes).ok_or(MediaError::Unsupported)?;
        let original_hash = ContentHash(*blake3::hash(&bytes).as_bytes());
        if let Some(known) = self.known(&original_hash, &req.path)? {
            return Ok((known, false));
        }
        let poster = || req.poster.clone().or_else(|| self.posters.as_ref().and_then(|p| p.0.poster(&req.path, kind)));
        let Inspection { meta, width, height, patches, location_shared, thumbs } =
            inspect::inspect(&bytes, kind, options, poster)?;
        let shared_hash = if patches.is_empty() { original_hash } else { hash_patched(&bytes, &patches) };
        let capture_time = match (meta.capture_time, meta.utc_offset_min, req.platform_time) {
            (Some(_), None, Some(p)) => Some(p),
            (Some(t), _, _) => Some(t),
            (None, _, p) => p,
        };
        let item = Imported {
            original_hash,
            shared_hash,
            path: req.path.clone(),
            size: bytes.len() as u64,
            kind,
            width,
            height,
            capture_time,
            location_shared,
            patches,
            thumbnail: thumbs.as_ref().map(|t| t.small.clone()).unwrap_or_default(),
            has_preview: thumbs.is_some(),
            meta,
        };
        if let Some(t) = &thumbs {
            write_atomic(&self.preview_path(&shared_hash), &t.preview).map_err(|e| saving(&StoreError::from(e)))?;
        }
        let fresh = self.store.write(|tx| db::insert(tx, &item, req.asset_id.as_deref())).map_err(|e| saving(&e))?;
        if !fresh {
            // The same bytes, imported by another file of this batch meanwhile.
            return self.known(&original_hash, &req.path)?.map(|k| (k, false)).ok_or(ImportError::Store);
        }
        Ok((item, true))
    }

    /// The record of bytes imported before, if any. When the file it was imported from
    /// is gone, the record moves to `path` (the same bytes), so the post seeds from a file
    /// that exists.
    fn known(&self, original: &ContentHash, path: &Path) -> Result<Option<Imported>, ImportError> {
        let Some(mut known) = self.store.read(|c| db::load(c, original)).map_err(|_| ImportError::Store)? else {
            return Ok(None);
        };
        if known.path != path && !known.path.exists() {
            let p = path.to_path_buf();
            self.store.write(|tx| db::move_to(tx, original, &p)).map_err(|e| saving(&e))?;
            known.path = p;
        }
        Ok(Some(known))
    }
}

/// BLAKE3 of `bytes` with `patches` applied, without copying the file.
pub fn hash_patched(bytes: &[u8], patches: &[Patch]) -> ContentHash {
    let mut sorted = patches.to_vec();
    sorted.sort_by_key(|p| p.offset);
    let mut h = blake3::Hasher::new();
    let mut at = 0usize;
    for p in sorted {
        let start = (p.offset as usize).clamp(at, bytes.len());
        let end = (start + p.len as usize).min(bytes.len());
        h.update(&bytes[at..start]);
        h.update(&vec![p.fill; end - start]);
        at = end;
    }
    h.update(&bytes[at..]);
    ContentHash(*h.finalize().as_bytes())
}

/// Writes `data` to `path` through a temporary file and a rename, so a reader never sees
/// half a preview. The temporary name is unique to this write: two files of one batch
/// with the same bytes write the same preview at the same time, and with one shared
/// name the second rename found nothing to move and failed the import.
fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let tmp = path.with_extension(format!("{}-{n}.tmp", std::process::id()));
    let written = std::fs::write(&tmp, data).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        // Best effort: a full disk must not also keep the half-written file.
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
