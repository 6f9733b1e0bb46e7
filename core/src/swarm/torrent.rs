//! Deterministic torrents for posts: the same files give the same info hash on every
//! device.
//!
//! We build the v1 info dictionary ourselves rather than with librqbit's
//! `create_torrent`, which walks folders in directory order, adds a spurious piece hash
//! when the size is a multiple of the piece length, and cannot hash a patched (location
//! stripped) copy that exists only virtually. The dictionary is always multi-file, the
//! files in post order under the post's folder name, the piece length a function of the
//! total size only.

use super::read::read_patched;
use super::SwarmError;
use crate::media::strip::Patch;
use librqbit::{ByteBufOwned, TorrentMetaV1File, TorrentMetaV1Info};
use std::path::PathBuf;

/// One file of a post as it is seeded: an original on disk plus the patches that make
/// the shared copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// Name inside the torrent (sanitised by [`build`]).
    pub name: String,
    /// The original file.
    pub path: PathBuf,
    /// Its length (the shared copy has the same length).
    pub len: u64,
    /// Byte ranges overwritten in the shared copy.
    pub patches: Vec<Patch>,
    /// For private channels: the file's key ([`super::crypt::file_key`]); the torrent then
    /// describes, and the swarm carries, the encrypted bytes.
    pub key: Option<[u8; 32]>,
}

/// A built torrent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Built {
    /// SHA-1 of the bencoded info dictionary.
    pub info_hash: [u8; 20],
    /// The bencoded info dictionary (carried in the signed `Post`).
    pub info: Vec<u8>,
}

impl Built {
    /// A `.torrent` file holding just the info dictionary.
    pub fn torrent_bytes(&self) -> Vec<u8> {
        torrent_bytes(&self.info)
    }
}

/// Wraps an info dictionary as a `.torrent` file (`d4:info<dict>e`).
pub fn torrent_bytes(info: &[u8]) -> Vec<u8> {
    let mut out = b"d4:info".to_vec();
    out.extend_from_slice(info);
    out.push(b'e');
    out
}

/// The piece length for a post of `total` bytes: a power of two from 16 KiB to 4 MiB,
/// aiming at about 1,000–2,000 pieces.
pub fn piece_length(total: u64) -> u32 {
    let mut len: u64 = 16 * 1024;
    while len < 4 * 1024 * 1024 && total / len > 2_000 {
        len *= 2;
    }
    len as u32
}

/// Names safe on every file system, unique within the torrent ("a.jpg", "a (2).jpg").
pub fn safe_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    names
        .into_iter()
        .map(|name| {
            let clean: String =
                name.chars().map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '_' } else { c }).collect();
            let clean = clean.trim().trim_start_matches('.').to_owned();
            let base = if clean.is_empty() { "file".to_owned() } else { clean };
            let mut name = base.clone();
            let mut n = 2;
            while !seen.insert(name.to_lowercase()) {
                name = match base.rsplit_once('.') {
                    Some((stem, ext)) => format!("{stem} ({n}).{ext}"),
                    None => format!("{base} ({n})"),
                };
                n += 1;
            }
            name
        })
        .collect()
}

/// Builds the torrent of `files` (their shared copies) under folder `name`.
///
/// # Errors
/// [`SwarmError::Io`] if a file cannot be read; [`SwarmError::Changed`] if a file is
/// shorter than recorded.
pub fn build(name: &str, files: &[SourceFile], private: bool) -> Result<Built, SwarmError> {
    let total: u64 = files.iter().map(|f| f.len).sum();
    let piece_len = piece_length(total);
    let mut pieces = Vec::with_capacity(((total / u64::from(piece_len)) as usize + 1) * 20);
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY);
    let mut in_piece = 0u64;
    let mut buf = vec![0u8; 1 << 20];
    for f in files {
        let file = std::fs::File::open(&f.path).map_err(|e| SwarmError::Io(e.kind()))?;
        let mut offset = 0u64;
        while offset < f.len {
            let want = (f.len - offset).min(buf.len() as u64).min(u64::from(piece_len) - in_piece) as usize;
            read_patched(&file, offset, &mut buf[..want], &f.patches)?;
            if let Some(key) = &f.key {
                super::crypt::apply(key, offset, &mut buf[..want]);
            }
            ctx.update(&buf[..want]);
            offset += want as u64;
            in_piece += want as u64;
            if in_piece == u64::from(piece_len) {
                pieces.extend_from_slice(ctx.finish().as_ref());
                ctx = ring::digest::Context::new(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY);
                in_piece = 0;
            }
        }
    }
    if in_piece > 0 {
        pieces.extend_from_slice(ctx.finish().as_ref());
    }
    let names = safe_names(files.iter().map(|f| f.name.as_str()));
    let info = TorrentMetaV1Info::<ByteBufOwned> {
        name: Some(ByteBufOwned::from(name.as_bytes().to_vec())),
        pieces: ByteBufOwned::from(pieces),
        piece_length: piece_len,
        length: None,
        attr: None,
        sha1: None,
        symlink_path: None,
        md5sum: None,
        files: Some(
            files
                .iter()
                .zip(names)
                .map(|(f, n)| TorrentMetaV1File {
                    length: f.len,
                    path: vec![ByteBufOwned::from(n.into_bytes())],
                    attr: None,
                    sha1: None,
                    symlink_path: None,
                })
                .collect(),
        ),
        private,
    };
    let mut bytes = Vec::new();
    librqbit_bencode::bencode_serialize_to_writer(&info, &mut bytes).map_err(|_| SwarmError::Encode)?;
    Ok(Built { info_hash: info_hash(&bytes), info: bytes })
}

/// The info hash of a bencoded info dictionary (SHA-1, as BitTorrent v1 defines it).
pub fn info_hash(info: &[u8]) -> [u8; 20] {
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, info);
    let mut hash = [0u8; 20];
    hash.copy_from_slice(digest.as_ref());
    hash
}

/// An info hash as librqbit names its files: lowercase hex.
pub fn hex(hash: &[u8; 20]) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}
