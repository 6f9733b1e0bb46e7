//! Seeding in place: a librqbit storage that serves a post's shared copies straight from
//! the camera-roll originals, patches spliced in, and can never write to them.
//!
//! librqbit's filesystem storage would resize and write files it believes incomplete;
//! pointed at a camera roll that could truncate a user's photo. This storage refuses every
//! write, never deletes, and reports an original whose length changed, so a post whose
//! originals were edited or deleted stops seeding instead of corrupting anything.
//!
//! Phones allow few open files, and librqbit's own storage keeps every file of every
//! torrent open. Here originals are opened on demand and at most [`OPEN_FILES_PER_POST`]
//! stay open per post (least recently used closed first).

use super::read::read_patched;
use super::torrent::SourceFile;
use librqbit::storage::{StorageFactory, StorageFactoryExt, TorrentStorage};
use librqbit::{ManagedTorrentShared, TorrentMetadata};
use std::fs::File;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Most originals one seeded post keeps open at once.
pub const OPEN_FILES_PER_POST: usize = 8;

/// Makes [`SeedStorage`] for one post.
#[derive(Clone)]
pub struct SeedFactory {
    files: Arc<Vec<SourceFile>>,
}

impl SeedFactory {
    /// A factory serving `files` (in torrent order).
    pub fn new(files: Vec<SourceFile>) -> Self {
        SeedFactory { files: Arc::new(files) }
    }
}

impl StorageFactory for SeedFactory {
    type Storage = SeedStorage;

    fn create(&self, _shared: &ManagedTorrentShared, metadata: &TorrentMetadata) -> anyhow::Result<SeedStorage> {
        let lengths: Vec<u64> = metadata.file_infos.iter().map(|f| f.len).collect();
        let ours: Vec<u64> = self.files.iter().map(|f| f.len).collect();
        anyhow::ensure!(lengths == ours, "the torrent does not describe these files");
        Ok(SeedStorage { files: Arc::clone(&self.files), open: Arc::default() })
    }

    fn clone_box(&self) -> librqbit::storage::BoxStorageFactory {
        self.clone().boxed()
    }
}

/// Recently used open originals, most recent last.
type OpenFiles = Mutex<Vec<(usize, Arc<File>)>>;

/// Read-only storage over originals (see the module docs).
pub struct SeedStorage {
    files: Arc<Vec<SourceFile>>,
    open: Arc<OpenFiles>,
}

impl SeedStorage {
    /// Another handle on the same files (what `take` returns).
    pub fn from_parts(other: &SeedStorage) -> Self {
        SeedStorage { files: Arc::clone(&other.files), open: Arc::clone(&other.open) }
    }

    fn file(&self, file_id: usize) -> anyhow::Result<Arc<File>> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(i) = open.iter().position(|(id, _)| *id == file_id) {
            let entry = open.remove(i);
            let f = Arc::clone(&entry.1);
            open.push(entry);
            return Ok(f);
        }
        let src = self.files.get(file_id).ok_or_else(|| anyhow::anyhow!("no such file in this post"))?;
        let f =
            Arc::new(File::open(&src.path).map_err(|e| anyhow::anyhow!("cannot open an original ({:?})", e.kind()))?);
        anyhow::ensure!(f.metadata()?.len() == src.len, "an original changed length since it was posted");
        if open.len() >= OPEN_FILES_PER_POST {
            open.remove(0);
        }
        open.push((file_id, Arc::clone(&f)));
        Ok(f)
    }

    /// How many originals are open now (for tests and diagnostics).
    pub fn open_files(&self) -> usize {
        self.open.lock().unwrap_or_else(|p| p.into_inner()).len()
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
        let file = self.file(file_id)?;
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
