//! Media encryption on the wire for private channels.
//!
//! Each file of a post has its own key, derived from the post's media key (which travels
//! inside the post's encrypted body, so only members learn it). On the wire and in the
//! piece hashes a file is its plaintext XOR a ChaCha20 keystream positioned at the byte
//! offset: seekable and length-preserving, so librqbit reads and writes any range
//! directly. Members keep plaintext on disk; a peer without the key — a relay, a stranger
//! who learned the info hash — can store and forward pieces, and check them against the
//! signed hashes, but never see a photo. Integrity comes from the piece hashes (bound by
//! the signed info hash), so no per-block MAC is needed.

use chacha20::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use chacha20::ChaCha20;
use librqbit::storage::filesystem::FilesystemStorageFactory;
use librqbit::storage::{StorageFactory, StorageFactoryExt, TorrentStorage};
use librqbit::{ManagedTorrentShared, TorrentMetadata};
use std::io::IoSlice;

use std::sync::Arc;

/// The key of file `index` of a post whose media key is `media_key`.
pub fn file_key(media_key: &[u8; 32], index: usize) -> [u8; 32] {
    let mut material = media_key.to_vec();
    material.extend_from_slice(&(index as u64).to_le_bytes());
    blake3::derive_key("swarmroll 2026 media file key v1", &material)
}

/// XORs `buf` with the keystream of `key` starting at byte `offset` (encrypts and
/// decrypts alike).
pub fn apply(key: &[u8; 32], offset: u64, buf: &mut [u8]) {
    // A fresh key per file makes a fixed nonce safe.
    let mut c = ChaCha20::new(key.into(), &[0u8; 12].into());
    c.seek(offset);
    c.apply_keystream(buf);
}

/// Makes [`CryptStorage`]: librqbit's filesystem storage with plaintext on disk and
/// ciphertext towards the swarm — or, with no keys, plaintext both ways (public posts).
///
/// Every fetch goes through it, encrypted or not, for its writes: librqbit's own
/// vectored write is a single `pwritev`, which takes a short write (a disk filling up)
/// as success and drops the rest of the block; here every write is a whole write or an
/// error, so a full disk fails the transfer cleanly.
#[derive(Clone)]
pub struct CryptFactory {
    keys: Option<Arc<Vec<[u8; 32]>>>,
}

impl CryptFactory {
    /// A factory for a post's files, `keys[i]` for file `i`.
    pub fn new(keys: Vec<[u8; 32]>) -> Self {
        CryptFactory { keys: Some(Arc::new(keys)) }
    }

    /// A factory for a public post's files: no encryption, whole writes.
    pub fn plain() -> Self {
        CryptFactory { keys: None }
    }
}

impl StorageFactory for CryptFactory {
    type Storage = CryptStorage;

    fn create(&self, shared: &ManagedTorrentShared, metadata: &TorrentMetadata) -> anyhow::Result<CryptStorage> {
        if let Some(keys) = &self.keys {
            anyhow::ensure!(metadata.file_infos.len() == keys.len(), "a key for every file");
        }
        let inner = FilesystemStorageFactory::default().create(shared, metadata)?;
        Ok(CryptStorage { inner: Box::new(inner), keys: self.keys.clone() })
    }

    fn is_type_id(&self, type_id: std::any::TypeId) -> bool {
        // librqbit's resume data accepts only the filesystem factory's files; ours are
        // exactly those files, plaintext.
        FilesystemStorageFactory::default().is_type_id(type_id) || std::any::TypeId::of::<Self>() == type_id
    }

    fn clone_box(&self) -> librqbit::storage::BoxStorageFactory {
        self.clone().boxed()
    }
}

/// See [`CryptFactory`].
pub struct CryptStorage {
    inner: Box<dyn TorrentStorage>,
    keys: Option<Arc<Vec<[u8; 32]>>>,
}

impl CryptStorage {
    /// XORs `buf` with file `file_id`'s keystream at `offset` (nothing for public posts).
    fn crypt(&self, file_id: usize, offset: u64, buf: &mut [u8]) -> anyhow::Result<()> {
        if let Some(keys) = &self.keys {
            let key = keys.get(file_id).ok_or_else(|| anyhow::anyhow!("no key for this file"))?;
            apply(key, offset, buf);
        }
        Ok(())
    }
}

impl TorrentStorage for CryptStorage {
    pass_through_storage!();

    fn pread_exact(&self, file_id: usize, offset: u64, buf: &mut [u8]) -> anyhow::Result<()> {
        self.inner.pread_exact(file_id, offset, buf)?;
        self.crypt(file_id, offset, buf)
    }

    fn pwrite_all(&self, file_id: usize, offset: u64, buf: &[u8]) -> anyhow::Result<()> {
        let mut plain = buf.to_vec();
        self.crypt(file_id, offset, &mut plain)?;
        self.inner.pwrite_all(file_id, offset, &plain)
    }

    fn pwrite_all_vectored(&self, file_id: usize, offset: u64, bufs: [IoSlice<'_>; 2]) -> anyhow::Result<usize> {
        let mut plain = Vec::with_capacity(bufs[0].len() + bufs[1].len());
        plain.extend_from_slice(&bufs[0]);
        plain.extend_from_slice(&bufs[1]);
        self.crypt(file_id, offset, &mut plain)?;
        // A whole write or an error (see `CryptFactory`).
        self.inner.pwrite_all(file_id, offset, &plain)?;
        Ok(plain.len())
    }

    fn take(&self) -> anyhow::Result<Box<dyn TorrentStorage>> {
        Ok(Box::new(CryptStorage { inner: self.inner.take()?, keys: self.keys.clone() }))
    }

    fn on_piece_completed(&self, piece: librqbit_core::lengths::ValidPieceIndex) -> anyhow::Result<()> {
        self.inner.on_piece_completed(piece)
    }
}
