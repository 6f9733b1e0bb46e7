//! The data plane: one librqbit session per node; each post is one torrent.
//!
//! This is the only module that knows about BitTorrent. A post's author seeds the
//! originals in place ([`storage`]); members fetch into the channel's media folder with
//! peers handed over from the control plane. Torrents are built deterministically
//! ([`torrent`]), so the info hash signed into the `Post` is the same on every device.
//!
//! Facts about librqbit 9.1 that shape this (see `../shared/notes/librqbit.md`): the
//! listener is off unless configured; peers can only be given when a torrent is added;
//! `overwrite` must be set to seed or resume existing files.

/// The `TorrentStorage` methods a wrapping storage passes straight to its `inner` one
/// (used by [`crypt`] and [`resume`], which only change reads, writes and completions).
macro_rules! pass_through_storage {
    () => {
        fn init(
            &mut self,
            shared: &librqbit::ManagedTorrentShared,
            metadata: &librqbit::TorrentMetadata,
        ) -> anyhow::Result<()> {
            self.inner.init(shared, metadata)
        }

        fn remove_file(&self, file_id: usize, filename: &std::path::Path) -> anyhow::Result<()> {
            self.inner.remove_file(file_id, filename)
        }

        fn remove_directory_if_empty(&self, path: &std::path::Path) -> anyhow::Result<()> {
            self.inner.remove_directory_if_empty(path)
        }

        fn ensure_file_length(&self, file_id: usize, length: u64) -> anyhow::Result<()> {
            self.inner.ensure_file_length(file_id, length)
        }
    };
}

pub mod crypt;
pub mod dht;
pub mod fetch;
pub mod read;
pub mod resume;
pub mod select;
pub mod storage;
pub mod torrent;

pub use fetch::{FetchOptions, Transfer, TransferEvent};
use librqbit::limits::LimitsConfig;
use librqbit::storage::StorageFactoryExt;
use librqbit::{
    AddTorrentOptions, ConnectionOptions, DhtSessionConfig, ListenerOptions, ManagedTorrent,
    PeerConnectionOptions, Session, SessionOptions, SessionPersistenceConfig,
};
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use torrent::{Built, SourceFile};

/// Why a transfer operation failed. Messages never name files or peers.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SwarmError {
    /// A file could not be read or written.
    #[error("file access failed ({0:?})")]
    Io(std::io::ErrorKind),
    /// An original changed (length or content) since it was posted.
    #[error("a photo changed or was removed since it was posted")]
    Changed,
    /// The torrent could not be encoded.
    #[error("could not encode the torrent")]
    Encode,
    /// The BitTorrent session reported an error.
    #[error("transfer engine error")]
    Engine,
    /// The transfer was stopped (forgotten, or the node stopped).
    #[error("the transfer was stopped")]
    Stopped,
    /// The address BitTorrent was told to listen on is taken (or not this machine's).
    #[error("the BitTorrent address {0} is already in use or not available")]
    AddressInUse(SocketAddr),
    /// The disk is full.
    #[error("the disk is full")]
    DiskFull,
}

/// A transfer's progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Verified bytes held.
    pub have_bytes: u64,
    /// Bytes in the post.
    pub total_bytes: u64,
    /// Verified bytes held, per file.
    pub per_file: Vec<u64>,
    /// Bytes sent to peers.
    pub uploaded_bytes: u64,
    /// Current download speed.
    pub download_bytes_per_s: u64,
    /// Current upload speed.
    pub upload_bytes_per_s: u64,
    /// Every piece is held and verified.
    pub finished: bool,
}

/// Session settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to accept peers (port 0: any free port).
    pub listen: SocketAddr,
    /// Join the mainline DHT.
    pub dht: bool,
    /// The DHT's first contacts (`None`: the mainline DHT's usual bootstrap nodes). A lab
    /// or a test names its own, so nothing leaves it.
    pub dht_bootstrap: Option<Vec<SocketAddr>>,
    /// Local service discovery (BEP 14).
    pub local_discovery: bool,
    /// Most connected peers per torrent.
    pub peer_limit: Option<usize>,
    /// Upload cap in bytes per second (changeable later with [`Swarm::set_rate_limits`]).
    pub upload_bps: Option<NonZeroU32>,
    /// Download cap in bytes per second.
    pub download_bps: Option<NonZeroU32>,
    /// Most 16 KiB block requests outstanding per peer. 16 (256 KiB) fills 25 MB/s per
    /// peer at a Wi-Fi round trip of 10 ms and 2.6 MB/s at an internet one of 100 ms,
    /// more than a phone uploads; every block asked for more is one a busy seeder sends
    /// after the asker may have found it elsewhere (librqbit's 128, 2 MB per peer, also
    /// pinned pieces to the seeder and delayed an on-demand file).
    pub request_window: usize,
    /// Keep which pieces each transfer holds in `swarm/resume/`, so a restarted fetch
    /// spot-checks a few pieces instead of hashing all it has. Costs one open file per
    /// live transfer (librqbit keeps each resume file open).
    pub fast_resume: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([0, 0, 0, 0], 0)),
            dht: false,
            dht_bootstrap: None,
            local_discovery: false,
            peer_limit: Some(64),
            upload_bps: None,
            download_bps: None,
            request_window: 16,
            fast_resume: true,
        }
    }
}

/// A node's BitTorrent engine.
pub struct Swarm {
    session: Arc<Session>,
    work_dir: PathBuf,
    originals: Arc<storage::FileCache>,
    fetches: Arc<fetch::Fetches>,
}

/// Where librqbit keeps resume state, under the node's `swarm/` folder.
const RESUME_DIR: &str = "resume";

/// Drops librqbit's list of torrents to restore. librqbit would restore them with its
/// filesystem storage, which must never touch a seeded original or write a private
/// post's ciphertext to disk; the node adds its transfers itself, with the right
/// storage. Only the per-torrent `.bitv` files (pieces held) are kept.
fn forget_restorable_torrents(resume: &Path) -> Result<(), SwarmError> {
    let entries = std::fs::read_dir(resume).map_err(|e| SwarmError::Io(e.kind()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "bitv") {
            continue;
        }
        if let Err(e) = std::fs::remove_file(&path) {
            return Err(SwarmError::Io(e.kind()));
        }
    }
    Ok(())
}

fn engine<E>(_: E) -> SwarmError {
    SwarmError::Engine
}

impl Swarm {
    /// Starts a session keeping its working files under `data_dir/swarm`.
    ///
    /// # Errors
    /// [`SwarmError::Engine`] if the session cannot start (e.g. the port is taken).
    pub async fn start(data_dir: &Path, config: Config) -> Result<Self, SwarmError> {
        let work_dir = data_dir.join("swarm");
        let resume = work_dir.join(RESUME_DIR);
        std::fs::create_dir_all(&resume).map_err(|e| SwarmError::Io(e.kind()))?;
        forget_restorable_torrents(&resume)?;
        let opts = SessionOptions {
            // `None` turns the DHT off; its default bootstrap nodes are on the internet.
            dht: config.dht.then(|| DhtSessionConfig {
                // The routing table is kept in the node's own folder, not the OS cache.
                persistence: Some(librqbit::dht::DhtPersistenceConfig {
                    config_filename: Some(work_dir.join("dht.json")),
                    ..Default::default()
                }),
                bootstrap_addrs: config.dht_bootstrap.as_ref().map(|a| a.iter().map(ToString::to_string).collect()),
                ..DhtSessionConfig::default()
            }),
            disable_trackers: true,
            disable_local_service_discovery: !config.local_discovery,
            listen: Some(ListenerOptions { listen_addr: config.listen, ..ListenerOptions::default() }),
            peer_limit: config.peer_limit,
            ratelimits: LimitsConfig { upload_bps: config.upload_bps, download_bps: config.download_bps },
            connect: Some(ConnectionOptions {
                peer_opts: Some(PeerConnectionOptions {
                    max_request_window: Some(config.request_window.max(1)),
                    ..PeerConnectionOptions::default()
                }),
                ..ConnectionOptions::default()
            }),
            // Fast resume: which pieces each fetch holds, in `swarm/resume/<hash>.bitv`,
            // so a restarted fetch spot-checks a few pieces instead of hashing its files.
            fastresume: config.fast_resume,
            persistence: config.fast_resume.then(|| SessionPersistenceConfig::Json { folder: Some(resume.clone()) }),
            ..SessionOptions::default()
        };
        // Checked first: the engine reports a taken port only as a generic error.
        if config.listen.port() != 0 {
            if let Err(e) = std::net::TcpListener::bind(config.listen) {
                tracing::warn!(kind = ?e.kind(), "the BitTorrent address cannot be bound");
                return Err(SwarmError::AddressInUse(config.listen));
            }
        }
        let session = Session::new_with_opts(work_dir.clone(), opts).await.map_err(engine)?;
        let lead = config.request_window as u64 * 16 * 1024;
        let fetches = fetch::Fetches::new(Arc::clone(&session), lead, config.fast_resume.then_some(resume));
        Ok(Swarm { session, work_dir, originals: Arc::default(), fetches })
    }

    /// The session's DHT, for the control plane's rendezvous (`None` when the DHT is off).
    pub fn rendezvous(&self) -> Option<dht::Rendezvous> {
        self.session.get_dht().map(|d| dht::Rendezvous::new(d.clone()))
    }

    /// Where peers can reach this node.
    pub fn listen_addr(&self) -> Option<SocketAddr> {
        self.session.listen_addr()
    }

    /// Seeds a post from its originals, in place. Returns once librqbit has checked every
    /// piece against the originals.
    ///
    /// # Errors
    /// [`SwarmError::Changed`] if an original no longer matches the post.
    pub async fn seed(&self, built: &Built, files: Vec<SourceFile>) -> Result<Arc<ManagedTorrent>, SwarmError> {
        // A seed is always checked in full against the originals (they may have been
        // edited while the node was stopped): no resume bitfield for it.
        let bitv = resume::bitv_path(&self.work_dir.join(RESUME_DIR), &built.info_hash);
        match std::fs::remove_file(bitv) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(SwarmError::Io(e.kind())),
            _ => {}
        }
        let opts = AddTorrentOptions {
            overwrite: true,
            output_folder: Some(self.work_dir.join("seeding").to_string_lossy().into_owned()),
            storage_factory: Some(storage::SeedFactory::with_cache(files, Arc::clone(&self.originals)).boxed()),
            ..AddTorrentOptions::default()
        };
        let handle = self.fetches.add_torrent(built.torrent_bytes(), built.info_hash, opts).await?;
        handle.wait_until_initialized().await.map_err(|_| SwarmError::Changed)?;
        if !handle.stats().finished {
            return Err(SwarmError::Changed);
        }
        self.fetches.settle(&handle).await;
        Ok(handle)
    }

    /// Starts fetching a post into `dest` (the files land directly in it). With file keys
    /// (a private channel's post) the swarm carries ciphertext and the files are decrypted
    /// on their way to disk. Pieces are asked for along the fetch's stripe ([`select`]);
    /// the other fetching members are handed over once the seeds gave a first piece
    /// ([`fetch`] says why).
    ///
    /// # Errors
    /// [`SwarmError::Engine`] if librqbit refuses the torrent.
    pub async fn fetch(&self, info: &[u8], dest: &Path, options: FetchOptions) -> Result<Transfer, SwarmError> {
        self.fetches.start(info, dest, options).await
    }

    /// Progress (per post, per file, speeds) and completion of every fetch, as events
    /// for the UI, from now on.
    pub fn events(&self) -> tokio::sync::broadcast::Receiver<TransferEvent> {
        self.fetches.events()
    }

    /// Fetches only `files` (by index) of a running fetch from now on; `None`: all.
    ///
    /// # Errors
    /// [`SwarmError::Stopped`] if `transfer` is not running on this node.
    pub async fn select_files(&self, transfer: &Transfer, files: Option<Vec<usize>>) -> Result<(), SwarmError> {
        self.fetches.select_files(transfer.info_hash(), files).await
    }

    /// Peers this node caught serving pieces that fail their hash. They are never handed
    /// to a fetch again (their own incoming connections are still accepted: librqbit has
    /// no per-peer accept filter; the control plane will refuse them by device).
    pub fn penalized(&self) -> Vec<SocketAddr> {
        self.fetches.penalized()
    }

    /// Puts one file of a running fetch ahead of everything else (the user opened it).
    /// Returns false if `transfer` is not running on this node.
    pub fn prioritize(&self, transfer: &Transfer, file: usize) -> bool {
        self.fetches.prioritize(transfer.info_hash(), file)
    }

    /// Hands newly learned peers to a running fetch. librqbit takes peers only when a
    /// torrent is added, so the fetch is added again with the larger peer list; it keeps
    /// every verified piece (they are re-checked on disk, not fetched again), and
    /// `transfer` follows it.
    ///
    /// # Errors
    /// [`SwarmError::Stopped`] if `transfer` is not running on this node.
    pub async fn add_peers(&self, transfer: &Transfer, peers: &[SocketAddr]) -> Result<(), SwarmError> {
        self.fetches.readd(transfer.info_hash(), peers).await
    }

    /// Stops a fetch, keeping its files.
    pub async fn forget(&self, transfer: &Transfer) {
        self.fetches.forget(transfer.info_hash()).await;
    }

    /// Stops the fetch of the torrent `info_hash`, if one runs or is being started.
    pub async fn forget_fetch(&self, info_hash: [u8; 20]) {
        self.fetches.forget(info_hash).await;
    }

    /// Holds every transfer — fetches and seeds, both directions — where it is, or lets
    /// them go on. What they hold stays; nothing is fetched again. Transfers added while
    /// held start held (a seed is checked against its originals first). The node holds
    /// originals when its policy says so (a metered network, a low battery).
    pub async fn hold(&self, on: bool) {
        self.fetches.hold(on).await;
    }

    /// Bytes fetched from and sent to peers since the session started (all transfers).
    pub fn traffic(&self) -> (u64, u64) {
        let c = self.session.stats_snapshot().counters;
        (c.fetched_bytes, c.uploaded_bytes)
    }

    /// Whether transfers are held.
    pub fn is_held(&self) -> bool {
        self.fetches.is_held()
    }

    /// How many camera-roll originals are open now (at most [`storage::OPEN_ORIGINALS`]).
    pub fn open_originals(&self) -> usize {
        self.originals.open_files()
    }

    /// Changes the session's rate limits now (e.g. when the phone leaves Wi-Fi).
    pub fn set_rate_limits(&self, upload_bps: Option<NonZeroU32>, download_bps: Option<NonZeroU32>) {
        self.session.ratelimits.set_upload_bps(upload_bps);
        self.session.ratelimits.set_download_bps(download_bps);
    }

    /// The session's current rate limits: `(upload, download)` bytes per second.
    pub fn rate_limits(&self) -> (Option<NonZeroU32>, Option<NonZeroU32>) {
        (self.session.ratelimits.get_upload_bps(), self.session.ratelimits.get_download_bps())
    }

    /// A seeded post's progress (uploads), for the UI.
    pub fn progress(handle: &ManagedTorrent) -> Progress {
        progress(handle)
    }

    /// Stops seeding a post.
    pub async fn unseed(&self, handle: &ManagedTorrent) {
        let _one = self.fetches.engine_lock().await;
        let _ = self.session.delete(librqbit::api::TorrentIdOrHash::Hash(handle.info_hash()), false).await;
    }

    /// Lets go of a post for good (its channel was left): stops fetching and seeding it
    /// and forgets which pieces were held. Its files stay where they are; the caller
    /// removes the ones the node made.
    pub async fn drop_post(&self, info_hash: [u8; 20]) {
        self.fetches.forget(info_hash).await;
        {
            let _one = self.fetches.engine_lock().await;
            let _ = self.session.delete(librqbit::api::TorrentIdOrHash::Hash(librqbit::dht::Id20::new(info_hash)), false).await;
        }
        let bitv = resume::bitv_path(&self.work_dir.join(RESUME_DIR), &info_hash);
        if let Err(e) = std::fs::remove_file(bitv) {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::debug!(kind = ?e.kind(), "a resume file could not be removed");
            }
        }
    }

    /// Stops the session and every transfer.
    pub async fn stop(&self) {
        self.fetches.clear();
        self.session.stop().await;
        // librqbit writes a torrent's first check as `<info hash>.bitv.tmp` and renames it;
        // a stop in between (a share that exits as soon as it posted) leaves the temporary
        // file, which nothing else would remove until the next start. The crash loop
        // found it. Best effort: the session is stopped.
        crate::store::sweep_leftovers(&self.work_dir.join(RESUME_DIR), |name| {
            Path::new(name).extension().is_some_and(|x| x == "tmp")
        });
    }
}

fn progress(handle: &ManagedTorrent) -> Progress {
    let s = handle.stats();
    let (down, up) = s.live.as_ref().map_or((0, 0), |l| (l.download_speed.as_bytes(), l.upload_speed.as_bytes()));
    Progress {
        have_bytes: s.progress_bytes,
        total_bytes: s.total_bytes,
        per_file: s.file_progress.clone(),
        uploaded_bytes: s.uploaded_bytes,
        download_bytes_per_s: down,
        upload_bytes_per_s: up,
        finished: s.finished,
    }
}
