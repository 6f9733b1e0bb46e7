//! Fast resume that survives a kill: every verified piece is recorded at once.
//!
//! librqbit keeps which pieces a fetch holds in `swarm/resume/<info hash>.bitv` (its
//! fast-resume state) but writes that file only every 16 MB of progress. A process killed
//! in between restarts believing it lacks pieces that are on disk, and fetches them
//! again. This storage wrapper sets a piece's bit in the file as soon as librqbit reports
//! the piece verified, so a restart loses at most the pieces in flight.

use crate::store::lock;
use librqbit::storage::{BoxStorageFactory, StorageFactory, StorageFactoryExt, TorrentStorage};
use librqbit::{ManagedTorrentShared, TorrentMetadata};
use librqbit_core::lengths::ValidPieceIndex;
use std::fs::File;
use std::io::IoSlice;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// librqbit's resume file for the torrent `info_hash` in the resume folder `dir`.
pub fn bitv_path(dir: &std::path::Path, info_hash: &[u8; 20]) -> PathBuf {
    dir.join(format!("{}.bitv", super::torrent::hex(info_hash)))
}

/// The byte and the bit mask (most significant bit first, librqbit's order) of `piece`.
fn bit(piece: u32) -> (u64, u8) {
    (u64::from(piece / 8), 0x80 >> (piece % 8))
}

/// Wraps a fetch's storage so verified pieces are recorded in `bitv` at once.
pub struct ResumeFactory {
    inner: BoxStorageFactory,
    bitv: Arc<PathBuf>,
}

impl ResumeFactory {
    /// Records into `bitv` (librqbit's resume file for this torrent) what `inner` stores.
    pub fn new(inner: BoxStorageFactory, bitv: PathBuf) -> Self {
        ResumeFactory { inner, bitv: Arc::new(bitv) }
    }
}

impl Clone for ResumeFactory {
    fn clone(&self) -> Self {
        ResumeFactory { inner: self.inner.clone_box(), bitv: Arc::clone(&self.bitv) }
    }
}

impl StorageFactory for ResumeFactory {
    type Storage = ResumeStorage;

    fn create(&self, shared: &ManagedTorrentShared, metadata: &TorrentMetadata) -> anyhow::Result<ResumeStorage> {
        let inner = self.inner.create(shared, metadata)?;
        Ok(ResumeStorage { inner, bitv: Arc::clone(&self.bitv), file: Arc::default() })
    }

    fn is_type_id(&self, type_id: std::any::TypeId) -> bool {
        self.inner.is_type_id(type_id) || std::any::TypeId::of::<Self>() == type_id
    }

    fn clone_box(&self) -> BoxStorageFactory {
        self.clone().boxed()
    }
}

/// See [`ResumeFactory`].
pub struct ResumeStorage {
    inner: Box<dyn TorrentStorage>,
    bitv: Arc<PathBuf>,
    /// The resume file, opened on the first verified piece (librqbit creates it after
    /// its initial check). The lock also makes read-modify-write of a byte atomic.
    file: Arc<Mutex<Option<File>>>,
}

impl ResumeStorage {
    fn record(&self, piece: u32) -> std::io::Result<()> {
        let mut file = lock(&self.file);
        if file.is_none() {
            *file = Some(std::fs::OpenOptions::new().read(true).write(true).open(self.bitv.as_path())?);
        }
        let Some(f) = file.as_ref() else { return Ok(()) };
        let (at, mask) = bit(piece);
        let mut byte = [0u8; 1];
        f.read_exact_at(&mut byte, at)?;
        if byte[0] & mask == 0 {
            byte[0] |= mask;
            f.write_all_at(&byte, at)?;
        }
        Ok(())
    }
}

impl TorrentStorage for ResumeStorage {
    pass_through_storage!();

    fn pread_exact(&self, file_id: usize, offset: u64, buf: &mut [u8]) -> anyhow::Result<()> {
        self.inner.pread_exact(file_id, offset, buf)
    }

    fn pwrite_all(&self, file_id: usize, offset: u64, buf: &[u8]) -> anyhow::Result<()> {
        self.inner.pwrite_all(file_id, offset, buf)
    }

    fn pwrite_all_vectored(&self, file_id: usize, offset: u64, bufs: [IoSlice<'_>; 2]) -> anyhow::Result<usize> {
        self.inner.pwrite_all_vectored(file_id, offset, bufs)
    }

    fn take(&self) -> anyhow::Result<Box<dyn TorrentStorage>> {
        Ok(Box::new(ResumeStorage { inner: self.inner.take()?, bitv: Arc::clone(&self.bitv), file: Arc::default() }))
    }

    fn on_piece_completed(&self, piece: ValidPieceIndex) -> anyhow::Result<()> {
        // A failed record only costs a re-fetch of this piece after a crash.
        if let Err(e) = self.record(piece.get()) {
            tracing::debug!(kind = ?e.kind(), "could not record a verified piece for resume");
        }
        self.inner.on_piece_completed(piece)
    }
}

#[cfg(test)]
mod tests {
    use super::bit;

    #[test]
    fn bits_are_most_significant_first() {
        assert_eq!(bit(0), (0, 0x80));
        assert_eq!(bit(7), (0, 0x01));
        assert_eq!(bit(8), (1, 0x80));
        assert_eq!(bit(13), (1, 0x04));
    }
}
