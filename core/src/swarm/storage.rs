//! Seeding in place: a librqbit storage that serves a post's shared copies straight from
//! the camera-roll originals, patches spliced in, and can never write to them.
//!
//! librqbit's filesystem storage would resize and write files it believes incomplete;
//! pointed at a camera roll that could truncate a user's photo. This storage refuses every
//! write, never deletes, and reports an original whose length changed, so a post whose
//! originals were edited or deleted stops seeding instead of corrupting anything.
//!
//! Phones allow few open files, and librqbit's own storage keeps every file of every
//! torrent open. Here originals are opened on demand through one node-wide [`FileCache`]
//! that keeps at most [`OPEN_ORIGINALS`] open (least recently used closed first),
//! however many posts are seeded.

use super::read::read_patched;
use super::torrent::SourceFile;
use crate::store::lock;
use librqbit::storage::{StorageFactory, StorageFactoryExt, TorrentStorage};
use librqbit::{ManagedTorrentShared, TorrentMetadata};
use std::fs::File;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Most originals a node keeps open at once, across every seeded post.
pub const OPEN_ORIGINALS: usize = 64;

/// Recently used open originals, node-wide, most recent last.
#[derive(Default)]
pub struct FileCache {
    open: Mutex<Vec<(std::path::PathBuf, Arc<File>)>>,
}

impl FileCache {
    /// The open file for `src`, opening it (and closing the least recently used one) if
    /// needed.
    fn get(&self, src: &SourceFile) -> anyhow::Result<Arc<File>> {
        let mut open = lock(&self.open);
        if let Some(i) = open.iter().position(|(p, _)| *p == src.path) {
            let entry = open.remove(i);
            let f = Arc::clone(&entry.1);
            open.push(entry);
            return Ok(f);
        }
        let f =
            Arc::new(File::open(&src.path).map_err(|e| anyhow::anyhow!("cannot open an original ({:?})", e.kind()))?);
        anyhow::ensure!(f.metadata()?.len() == src.len, "an original changed length since it was posted");
        if open.len() >= OPEN_ORIGINALS {
            open.remove(0);
        }
        open.push((src.path.clone(), Arc::clone(&f)));
        Ok(f)
    }

    /// How many originals are open now.
    pub fn open_files(&self) -> usize {
        lock(&self.open).len()
    }
}

/// Makes [`SeedStorage`] for one post.
#[derive(Clone)]
pub struct SeedFactory {
    files: Arc<Vec<SourceFile>>,
    cache: Arc<FileCache>,
}

impl SeedFactory {
    /// A factory serving `files` (in torrent order) with a cache of its own.
    pub fn new(files: Vec<SourceFile>) -> Self {
        Self::with_cache(files, Arc::default())
    }

    /// A factory serving `files` through a node-wide cache of open originals.
    pub fn with_cache(files: Vec<SourceFile>, cache: Arc<FileCache>) -> Self {
        SeedFactory { files: Arc::new(files), cache }
    }
}

impl StorageFactory for SeedFactory {
    type Storage = SeedStorage;

    fn create(&self, _shared: &ManagedTorrentShared, metadata: &TorrentMetadata) -> anyhow::Result<SeedStorage> {
        let lengths: Vec<u64> = metadata.file_infos.iter().map(|f| f.len).collect();
        let ours: Vec<u64> = self.files.iter().map(|f| f.len).collect();
        anyhow::ensure!(lengths == ours, "the torrent does not describe these files");
        Ok(SeedStorage { files: Arc::clone(&self.files), cache: Arc::clone(&self.cache) })
    }

    fn is_type_id(&self, type_id: std::any::TypeId) -> bool {
        // librqbit's resume store accepts only filesystem-backed torrents. The entry it
        // writes is never used to restore a seed ([`super::Swarm::start`] discards it),
        // and a seed's resume bitfield is dropped before every add, so each start
        // re-checks the originals in full.
        librqbit::storage::filesystem::FilesystemStorageFactory::default().is_type_id(type_id)
            || std::any::TypeId::of::<Self>() == type_id
    }

    fn clone_box(&self) -> librqbit::storage::BoxStorageFactory {
        self.clone().boxed()
    }
}

/// Read-only storage over originals (see the module docs).
pub struct SeedStorage {
    files: Arc<Vec<SourceFile>>,
    cache: Arc<FileCache>,
}

impl SeedStorage {
    /// Another handle on the same files (what `take` returns).
    pub fn from_parts(other: &SeedStorage) -> Self {
        SeedStorage { files: Arc::clone(&other.files), cache: Arc::clone(&other.cache) }
    }
}

impl TorrentStorage for SeedStorage {
    fn init(&mut self, _shared: &ManagedTorrentShared, _metadata: &TorrentMetadata) -> anyhow::Result<()> {
        for f in self.files.iter() {
            let len = std::fs::metadata(&f.path)?.len();
            anyhow::ensure!(len == f.len, "an original changed length since it was posted");
        }
        Ok(())
    }

    fn pread_exact(&self, file_id: usize, offset: u64, buf: &mut [u8]) -> anyhow::Result<()> {
        let f = self.files.get(file_id).ok_or_else(|| anyhow::anyhow!("no such file in this post"))?;
        let file = self.cache.get(f)?;
        read_patched(&file, offset, buf, &f.patches)?;
        if let Some(key) = &f.key {
            super::crypt::apply(key, offset, buf);
        }
        Ok(())
    }

    fn pwrite_all(&self, _file_id: usize, _offset: u64, _buf: &[u8]) -> anyhow::Result<()> {
        anyhow::bail!("originals are seeded read-only")
    }

    fn remove_file(&self, _file_id: usize, _filename: &Path) -> anyhow::Result<()> {
        // Never delete a user's photo, whatever librqbit asks.
        Ok(())
    }

    fn remove_directory_if_empty(&self, _path: &Path) -> anyhow::Result<()> {
        Ok(())
    }

    fn ensure_file_length(&self, file_id: usize, length: u64) -> anyhow::Result<()> {
        let f = self.files.get(file_id).ok_or_else(|| anyhow::anyhow!("no such file in this post"))?;
        anyhow::ensure!(std::fs::metadata(&f.path)?.len() == length, "an original changed length since it was posted");
        Ok(())
    }

    fn take(&self) -> anyhow::Result<Box<dyn TorrentStorage>> {
        Ok(Box::new(SeedStorage::from_parts(self)))
    }
}
