//! Fetching a post: the [`Transfer`] a UI follows, and the driver that feeds it peers.
//!
//! librqbit takes peers only when a torrent is added, so handing a fetch new peers means
//! adding it again (verified pieces are re-checked on disk, not fetched again). A
//! [`Transfer`] follows its fetch across those re-adds.
//!
//! Members fetching the same post are handed to a fetch only once it holds a piece (or
//! after [`LATE_PEERS_AFTER`] without one). librqbit sends no bitfield while it holds
//! nothing, and never sends HAVE to a peer whose bitfield it has not seen, so two members
//! that connect while both are empty never hear of each other's pieces: the connection
//! idles until it times out and is dialled again 10 s later. With 8 members starting
//! together that kept all trading back for 20 s (T/T* 2.0 instead of 1.3).

use super::resume::ResumeFactory;
use super::select::{Steer, Stripe};
use super::{crypt, progress, torrent, Progress, SwarmError};
use crate::store::lock;
use librqbit::storage::StorageFactoryExt;
use librqbit::{AddTorrent, AddTorrentOptions, ManagedTorrent, Session};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::watch;

/// How long a new fetch waits for its steering stream before it starts anyway. The stream
/// opens once librqbit's check of the files on disk is over; when steering cannot start
/// at all, its task ends and the fetch starts at once. So this only bounds a stream that
/// hangs: 2 s was too short under load (the check ran late, the fetch started in file
/// order, and `selection::a_fetch_asks_first_for_its_own_stripe` failed in CI twice).
const STEER_FIRST: Duration = Duration::from_secs(30);

/// How long a fetch waits for its first piece from the seeds before it is handed the
/// other fetching members anyway (a seed may be unreachable).
pub const LATE_PEERS_AFTER: Duration = Duration::from_secs(3);

/// A fetch that knows nothing of other members starts at one of this many places, so
/// members that do not coordinate rarely start at the same piece.
const RANDOM_STRIPES: u32 = 64;

/// How to fetch a post.
#[derive(Clone, Debug, Default)]
pub struct FetchOptions {
    /// Members known to hold the whole post (its author, members that finished).
    pub seeds: Vec<SocketAddr>,
    /// Members fetching it too, to trade pieces with.
    pub peers: Vec<SocketAddr>,
    /// Per-file keys of a private channel's post: the swarm carries ciphertext.
    pub file_keys: Option<Vec<[u8; 32]>>,
    /// This member's share when several fetch the post at once ([`Stripe::rank`]);
    /// `None` picks a random one.
    pub stripe: Option<Stripe>,
    /// Fetch only these files (by index) for now; `None`: all of them.
    pub only_files: Option<Vec<usize>>,
}

/// What a UI hears about fetches ([`super::Swarm::events`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransferEvent {
    /// Bytes arrived (or speeds changed): per post, per file, and speeds.
    Progress {
        /// The post's info hash.
        info_hash: [u8; 20],
        /// Where the fetch stands.
        progress: Progress,
    },
    /// Every piece is held and verified.
    Finished {
        /// The post's info hash.
        info_hash: [u8; 20],
    },
}

/// How often a fetch's progress is looked at for events. UIs redraw no faster.
pub const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// A fetch in progress, followed across re-adds. Cheap to clone.
#[derive(Clone)]
pub struct Transfer {
    info_hash: [u8; 20],
    torrent: watch::Receiver<Arc<ManagedTorrent>>,
}

impl Transfer {
    /// The post's info hash.
    pub fn info_hash(&self) -> [u8; 20] {
        self.info_hash
    }

    /// The engine's current handle (for diagnostics; it changes when peers are added).
    pub fn torrent(&self) -> Arc<ManagedTorrent> {
        Arc::clone(&self.torrent.borrow())
    }

    /// Progress now.
    pub fn progress(&self) -> Progress {
        progress(&self.torrent.borrow())
    }

    /// Waits until every piece is held and verified.
    ///
    /// # Errors
    /// [`SwarmError::Stopped`] if the fetch is forgotten or the node stops first.
    pub async fn finished(&self) -> Result<(), SwarmError> {
        let mut rx = self.torrent.clone();
        loop {
            let handle = Arc::clone(&rx.borrow_and_update());
            if handle.stats().finished {
                return Ok(());
            }
            tokio::select! {
                done = handle.wait_until_completed() => {
                    if done.is_ok() {
                        return Ok(());
                    }
                    // Removed for a re-add: wait for its successor.
                    rx.changed().await.map_err(|_| SwarmError::Stopped)?;
                }
                changed = rx.changed() => changed.map_err(|_| SwarmError::Stopped)?,
            }
        }
    }
}

/// A fetch in progress, as the node keeps it.
struct Running {
    info: Vec<u8>,
    dest: PathBuf,
    options: FetchOptions,
    stripe: Stripe,
    torrent: watch::Sender<Arc<ManagedTorrent>>,
    steer: Steer,
    driver: Option<tokio::task::JoinHandle<()>>,
    reporter: tokio::task::JoinHandle<()>,
    /// Whether the reporter announced completion (so a forget does not again).
    announced: Arc<std::sync::atomic::AtomicBool>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(d) = self.driver.take() {
            d.abort();
        }
        self.reporter.abort();
    }
}

/// Every fetch of a node.
pub(crate) struct Fetches {
    session: Arc<Session>,
    /// Bytes a member may have requested and not yet received from one peer.
    lead: u64,
    /// librqbit's resume folder (`<info hash>.bitv` per torrent), if fast resume is on.
    resume: Option<PathBuf>,
    running: Mutex<HashMap<[u8; 20], Running>>,
    /// Starts, re-adds and forgets one at a time (a driver and `add_peers` may race, and
    /// a forget must find a start that is under way).
    readding: Arc<tokio::sync::Mutex<()>>,
    /// Adds and removes of torrents one at a time: librqbit's resume store picks a new
    /// torrent's id as "largest + 1" and rewrites one temporary file, so two adds at once
    /// get the same id and clobber each other.
    engine: Arc<tokio::sync::Mutex<()>>,
    events: tokio::sync::broadcast::Sender<TransferEvent>,
    /// Peers caught serving pieces that fail their hash ([`bad_peers`]).
    penalized: Mutex<std::collections::HashSet<SocketAddr>>,
    /// Every transfer is held where it is (policy: a metered network, a low battery…).
    held: std::sync::atomic::AtomicBool,
}

fn add_options(
    dest: &Path,
    peers: Vec<SocketAddr>,
    options: &FetchOptions,
    bitv: Option<PathBuf>,
) -> AddTorrentOptions {
    let inner = match options.file_keys.clone() {
        Some(keys) => crypt::CryptFactory::new(keys).boxed(),
        None => crypt::CryptFactory::plain().boxed(),
    };
    AddTorrentOptions {
        overwrite: true,
        // Started by [`Fetches::steer`] once its stream is in place.
        paused: true,
        only_files: options.only_files.clone(),
        output_folder: Some(dest.to_string_lossy().into_owned()),
        initial_peers: Some(peers),
        storage_factory: Some(match bitv {
            Some(bitv) => ResumeFactory::new(inner, bitv).boxed(),
            None => inner,
        }),
        ..AddTorrentOptions::default()
    }
}

fn merged(a: &[SocketAddr], b: &[SocketAddr]) -> Vec<SocketAddr> {
    let mut all = a.to_vec();
    for p in b {
        if !all.contains(p) {
            all.push(*p);
        }
    }
    all
}

impl Fetches {
    pub(crate) fn new(session: Arc<Session>, lead: u64, resume: Option<PathBuf>) -> Arc<Fetches> {
        let (events, _) = tokio::sync::broadcast::channel(256);
        Arc::new(Fetches {
            session,
            lead,
            resume,
            running: Mutex::default(),
            readding: Arc::new(tokio::sync::Mutex::new(())),
            engine: Arc::new(tokio::sync::Mutex::new(())),
            events,
            penalized: Mutex::default(),
            held: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// Progress and completion of every fetch from now on. A receiver that falls more
    /// than 256 events behind skips to the newest (progress events supersede each other).
    pub(crate) fn events(&self) -> tokio::sync::broadcast::Receiver<TransferEvent> {
        self.events.subscribe()
    }

    /// Peers this node caught serving bad pieces.
    pub(crate) fn penalized(&self) -> Vec<SocketAddr> {
        lock(&self.penalized).iter().copied().collect()
    }

    /// Records a bad peer; true if it is new.
    fn penalize(&self, peer: SocketAddr) -> bool {
        lock(&self.penalized).insert(peer)
    }

    /// `peers` without the penalised ones.
    fn trusted(&self, peers: Vec<SocketAddr>) -> Vec<SocketAddr> {
        let bad = lock(&self.penalized);
        peers.into_iter().filter(|p| !bad.contains(p)).collect()
    }

    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 20], Running>> {
        lock(&self.running)
    }

    /// librqbit's resume file for the torrent of `info`.
    fn bitv(&self, info: &[u8]) -> Option<PathBuf> {
        Some(super::resume::bitv_path(self.resume.as_ref()?, &torrent::info_hash(info)))
    }

    /// Holds off other adds and removes of torrents in this session.
    pub(crate) async fn engine_lock(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.engine.lock().await
    }

    async fn add(&self, info: &[u8], opts: AddTorrentOptions) -> Result<Arc<ManagedTorrent>, SwarmError> {
        self.add_torrent(torrent::torrent_bytes(info), torrent::info_hash(info), opts).await
    }

    /// Adds a torrent to the session, and finishes adding it even if the caller is
    /// dropped. librqbit puts a torrent in its table before it stores and starts it; an
    /// add cut off between the two (a channel fetch stopped while its post was being
    /// added) left a torrent that never started, and that librqbit's resume store did not
    /// know: the post's next fetch got it back and waited forever, and the next torrent
    /// added took its id ("largest stored + 1"), so librqbit handed a new seed the stuck
    /// fetch instead (the NAT lab's lost photo, CI at stop 29). Also refuses a handle for
    /// another torrent than the one asked for.
    pub(crate) async fn add_torrent(
        &self,
        torrent: Vec<u8>,
        info_hash: [u8; 20],
        opts: AddTorrentOptions,
    ) -> Result<Arc<ManagedTorrent>, SwarmError> {
        let one = Arc::clone(&self.engine).lock_owned().await;
        let session = Arc::clone(&self.session);
        let added = tokio::spawn(async move {
            let _one = one;
            session.add_torrent(AddTorrent::from_bytes(torrent), Some(opts)).await
        });
        let resp = added.await.map_err(|_| SwarmError::Stopped)?.map_err(|_| SwarmError::Engine)?;
        let handle = resp.into_handle().ok_or(SwarmError::Engine)?;
        if handle.info_hash().0 != info_hash {
            tracing::warn!("the engine answered an add with another torrent");
            return Err(SwarmError::Engine);
        }
        Ok(handle)
    }

    /// Starts a fetch added paused once its steering stream is in place (or after
    /// [`STEER_FIRST`]), so the first requests to its peers already follow the stripe:
    /// started at once, librqbit asks for pieces in file order until the stream opens,
    /// and under load that was a megabyte of the wrong file. A held session keeps it
    /// paused; releasing the hold starts it.
    fn steer(self: &Arc<Self>, handle: &Arc<ManagedTorrent>, stripe: Stripe, options: &FetchOptions) -> Steer {
        let (steer, ready) =
            Steer::start(Arc::clone(handle), stripe, self.lead, options.stripe.is_some(), options.only_files.clone());
        let (fetches, handle) = (Arc::downgrade(self), Arc::downgrade(handle));
        tokio::spawn(async move {
            let _ = tokio::time::timeout(STEER_FIRST, ready).await;
            let (Some(fetches), Some(handle)) = (fetches.upgrade(), handle.upgrade()) else { return };
            fetches.settle(&handle).await;
        });
        steer
    }

    pub(crate) fn is_held(&self) -> bool {
        self.held.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Holds every torrent of the session where it is (`true`), or lets them go on.
    /// Transfers added while held start held.
    pub(crate) async fn hold(self: &Arc<Self>, on: bool) {
        self.held.store(on, std::sync::atomic::Ordering::SeqCst);
        let all: Vec<Arc<ManagedTorrent>> = self.session.with_torrents(|it| it.map(|(_, t)| Arc::clone(t)).collect());
        for t in all {
            if checking(&t) {
                // Settled once its check is over; the hold is not kept waiting for it.
                let fetches = Arc::downgrade(self);
                tokio::spawn(async move {
                    if let Some(fetches) = fetches.upgrade() {
                        fetches.settle(&t).await;
                    }
                });
            } else {
                self.settle(&t).await;
            }
        }
    }

    /// Brings a torrent to what the session wants — running unless held — once
    /// librqbit's initial check of it is over. librqbit settles a torrent at the end of
    /// that check from the state asked for when the check began and forgets a start or
    /// pause asked for during it; its `is_paused` flag then says the opposite of its
    /// state. A fetch released while it checked its resume file stayed paused for good,
    /// and a background pass fetched nothing (CI, stop 26). So nothing is asked of a
    /// torrent still checking, and its state is trusted, not the flag.
    pub(crate) async fn settle(&self, t: &Arc<ManagedTorrent>) {
        if t.wait_until_initialized().await.is_err() {
            // In error: librqbit reports it; there is nothing to start or hold.
            return;
        }
        let _one = self.engine_lock().await;
        let live = t.live().is_some();
        let result = match (self.is_held(), live) {
            (true, true) => self.session.pause(t).await,
            (false, false) => self.session.unpause(t).await,
            _ => Ok(()),
        };
        if let Err(e) = result {
            tracing::debug!(error = %e, "could not hold or start a transfer");
        }
    }

    /// Starts a fetch, to the end even if the caller is dropped: the torrent is added
    /// and recorded as running together, so a [`Fetches::forget`] (which waits for a
    /// start under way) always finds what a stopped channel fetch began.
    pub(crate) async fn start(
        self: &Arc<Self>,
        info: &[u8],
        dest: &Path,
        options: FetchOptions,
    ) -> Result<Transfer, SwarmError> {
        let one = Arc::clone(&self.readding).lock_owned().await;
        let (this, info, dest) = (Arc::clone(self), info.to_vec(), dest.to_path_buf());
        let started = tokio::spawn(async move {
            let _one = one;
            this.start_now(&info, &dest, options).await
        });
        started.await.map_err(|_| SwarmError::Stopped)?
    }

    async fn start_now(self: &Arc<Self>, info: &[u8], dest: &Path, options: FetchOptions) -> Result<Transfer, SwarmError> {
        let late = !options.seeds.is_empty() && !options.peers.is_empty();
        let first = if options.seeds.is_empty() || !late {
            merged(&options.seeds, &options.peers)
        } else {
            options.seeds.clone()
        };
        let handle = self.add(info, add_options(dest, self.trusted(first), &options, self.bitv(info))).await?;
        let info_hash = handle.info_hash().0;
        let stripe = options.stripe.unwrap_or_else(|| Stripe::random(RANDOM_STRIPES));
        let steer = self.steer(&handle, stripe, &options);

        let (tx, rx) = watch::channel(Arc::clone(&handle));
        let announced = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let driver = late.then(|| tokio::spawn(hand_over_peers(Arc::downgrade(self), info_hash, rx.clone())));
        let running = Running {
            info: info.to_vec(),
            dest: dest.to_path_buf(),
            options,
            stripe,
            torrent: tx,
            steer,
            driver,
            reporter: tokio::spawn(report(
                info_hash,
                rx.clone(),
                self.events.clone(),
                Arc::downgrade(self),
                Arc::clone(&announced),
            )),
            announced,
        };
        self.running().insert(info_hash, running);
        Ok(Transfer { info_hash, torrent: rx })
    }

    /// Adds the fetch again with `more` peers besides every seed and peer it has.
    pub(crate) async fn readd(self: &Arc<Self>, info_hash: [u8; 20], more: &[SocketAddr]) -> Result<(), SwarmError> {
        let _one = self.readding.lock().await;
        let (info, dest, peers, options, old) = {
            let mut running = self.running();
            let r = running.get_mut(&info_hash).ok_or(SwarmError::Stopped)?;
            r.options.peers = merged(&r.options.peers, more);
            let all = merged(&r.options.seeds, &r.options.peers);
            let old = Arc::clone(&r.torrent.borrow());
            (r.info.clone(), r.dest.clone(), all, r.options.clone(), old)
        };
        self.remove_torrent(&old).await;
        let handle = self.add(&info, add_options(&dest, self.trusted(peers), &options, self.bitv(&info))).await?;
        let mut running = self.running();
        let r = running.get_mut(&info_hash).ok_or(SwarmError::Stopped)?;
        r.steer = self.steer(&handle, r.stripe, &r.options);
        r.torrent.send_replace(handle);
        Ok(())
    }

    /// Fetches only `files` of a running fetch from now on (`None`: all of them).
    pub(crate) async fn select_files(&self, info_hash: [u8; 20], files: Option<Vec<usize>>) -> Result<(), SwarmError> {
        let _one = self.readding.lock().await;
        let handle = {
            let mut running = self.running();
            let r = running.get_mut(&info_hash).ok_or(SwarmError::Stopped)?;
            r.options.only_files.clone_from(&files);
            let handle = Arc::clone(&r.torrent.borrow());
            // The walk follows the new selection.
            // Running already: nothing waits for the stream.
            (r.steer, _) =
                Steer::start(Arc::clone(&handle), r.stripe, self.lead, r.options.stripe.is_some(), files.clone());
            handle
        };
        let all = handle.metadata.load().as_ref().map_or(0, |m| m.file_infos.len());
        let set: std::collections::HashSet<usize> = files.unwrap_or_else(|| (0..all).collect()).into_iter().collect();
        let _engine = self.engine_lock().await;
        self.session.update_only_files(&handle, &set).await.map_err(|_| SwarmError::Engine)
    }

    pub(crate) fn prioritize(&self, info_hash: [u8; 20], file: usize) -> bool {
        self.running().get(&info_hash).map(|r| r.steer.focus(file)).is_some()
    }

    async fn remove_torrent(&self, handle: &ManagedTorrent) {
        let _one = self.engine_lock().await;
        let id = librqbit::api::TorrentIdOrHash::Hash(handle.info_hash());
        let _ = self.session.delete(id, false).await;
    }

    /// Ends every fetch's tasks (the node is stopping); waiting transfers see `Stopped`.
    pub(crate) fn clear(&self) {
        let all: Vec<Running> = self.running().drain().map(|(_, r)| r).collect();
        drop(all);
    }

    /// Stops a fetch, keeping its files.
    pub(crate) async fn forget(&self, info_hash: [u8; 20]) {
        let _one = self.readding.lock().await;
        let running = self.running().remove(&info_hash);
        if let Some(r) = running {
            let handle = r.torrent.borrow().clone();
            // A fetch that ends between two progress ticks would otherwise never be
            // reported: say where it stands, and that it finished if it did.
            r.reporter.abort();
            if !r.announced.load(std::sync::atomic::Ordering::SeqCst) {
                let progress = progress(&handle);
                let finished = progress.finished;
                let _ = self.events.send(TransferEvent::Progress { info_hash, progress });
                if finished {
                    let _ = self.events.send(TransferEvent::Finished { info_hash });
                }
            }
            drop(r);
            self.remove_torrent(&handle).await;
        }
    }
}

/// librqbit is still checking what `t` has on disk.
fn checking(t: &ManagedTorrent) -> bool {
    t.with_state(|s| matches!(s, librqbit::ManagedTorrentState::Initializing(_)))
}

/// Hands a fetch the other fetching members once it holds a piece.
async fn hand_over_peers(fetches: Weak<Fetches>, info_hash: [u8; 20], torrent: watch::Receiver<Arc<ManagedTorrent>>) {
    let started = tokio::time::Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let have = torrent.borrow().stats().progress_bytes;
        if have > 0 || started.elapsed() >= LATE_PEERS_AFTER {
            break;
        }
    }
    if let Some(f) = fetches.upgrade() {
        // The driver ends here; a failed re-add leaves the fetch with its seeds.
        let _ = Box::pin(f.readd(info_hash, &[])).await;
    }
}

/// Sends a fetch's progress whenever it changes, then its completion.
async fn report(
    info_hash: [u8; 20],
    torrent: watch::Receiver<Arc<ManagedTorrent>>,
    events: tokio::sync::broadcast::Sender<TransferEvent>,
    fetches: Weak<Fetches>,
    announced: Arc<std::sync::atomic::AtomicBool>,
) {
    let mut last: Option<Progress> = None;
    let mut tick = tokio::time::interval(PROGRESS_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Whether completion was seen early: later looks go by the tick (no spinning on a
    // completion that is seen but not yet in the figures).
    let mut early = false;
    loop {
        let current = Arc::clone(&torrent.borrow());
        tokio::select! {
            _ = tick.tick() => {}
            // Completion is said the moment the last piece is verified, not at the next
            // tick; a transfer that cannot complete (removed for a re-add) waits for it.
            done = current.wait_until_completed(), if !early => {
                early = done.is_ok();
                if done.is_err() {
                    tick.tick().await;
                }
            }
        }
        let handle = Arc::clone(&torrent.borrow());
        if matches!(handle.stats().state, librqbit::TorrentStatsState::Initializing { .. }) {
            // Checking what is on disk: its figures are the check's, not the fetch's.
            continue;
        }
        if let Some(f) = fetches.upgrade() {
            let caught: Vec<SocketAddr> = bad_peers(&handle).into_iter().filter(|p| f.penalize(*p)).collect();
            if !caught.is_empty() {
                // Add the fetch again without them: librqbit would dial them again
                // after 10 s, 1 min, 6 min…
                tracing::info!(peers = caught.len(), "dropping peers that served corrupt pieces");
                tokio::spawn(async move { f.readd(info_hash, &[]).await });
            }
        }
        let progress = progress(&handle);
        // A re-added fetch re-checks its pieces: hold the last figure until it is back.
        let behind = last.as_ref().is_some_and(|l| progress.have_bytes < l.have_bytes);
        if !behind && last.as_ref() != Some(&progress) {
            let finished = progress.finished;
            last = Some(progress.clone());
            // No receiver is fine: nobody is looking.
            let _ = events.send(TransferEvent::Progress { info_hash, progress });
            if finished {
                announced.store(true, std::sync::atomic::Ordering::SeqCst);
                let _ = events.send(TransferEvent::Finished { info_hash });
                return;
            }
        }
    }
}

/// Peers of `handle` that sent at least a piece's worth of data, none of which verified,
/// and were dropped with an error: what librqbit does to a peer whose piece fails its
/// hash check. (An honest peer's pieces verify; one that merely disconnects mid-piece has
/// sent less than a piece.)
fn bad_peers(handle: &ManagedTorrent) -> Vec<SocketAddr> {
    let Some(live) = handle.live() else { return Vec::new() };
    let piece = handle.metadata.load().as_ref().map_or(u64::MAX, |m| u64::from(m.lengths().default_piece_length()));
    // The filter type is not exported; it deserialises from the HTTP API's form.
    let Ok(all) = serde_json::from_value(serde_json::json!({ "state": "all" })) else { return Vec::new() };
    live.per_peer_stats_snapshot(all)
        .peers
        .iter()
        .filter(|(_, p)| {
            p.counters.errors > 0 && p.counters.downloaded_and_checked_pieces == 0 && p.counters.fetched_bytes >= piece
        })
        .filter_map(|(addr, _)| addr.parse().ok())
        .collect()
}
