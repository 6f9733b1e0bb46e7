//! The venue web gallery: a channel opened to browsers on the local network, for guests
//! without the app. Off by default; the host turns it on for a channel and a time window
//! ([`Gallery::open`], or links from [`swarmroll_core::venue::Venue`] and [`WebServer::start`]).
//!
//! Every request under `/g/<token>/` is gated by a guest token from the QR code the host
//! shows (viewer, uploader or host — see [`LinkRole`]); each browser then gets a guest
//! cookie of its own, so one guest can be blocked without closing the gallery to all.
//! Guests' uploads go through the same import pipeline as the app's and become posts by
//! this node on behalf of the named guest; their comments likewise. Pages and scripts are
//! compiled into the binary (`web/assets/`), so it works with no internet.
//! The HTTP contract is `docs/web-api.md`.
//!
//! This crate is a front end over `swarmroll-core`'s public API: the gallery's records
//! (links, guests, the upload journal) are the core's [`Venue`], reached through
//! [`Node::venue`]; here live HTTP, the upload bytes in `<data>/web/`, and the pages.

mod access;
mod assets;
mod error;
mod extract;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod live;
mod range;
mod routes;
pub mod seal;
mod sealing;
mod serve;
mod upload;
mod view;

pub use serve::ConnLimits;

pub use error::ApiError;
pub use swarmroll_core::venue::{Link, LinkRole};

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;
use swarmroll_core::channel::Role;
use swarmroll_core::node::{Node, NodeError};
use swarmroll_core::types::{ChannelId, EventId, Timestamp};
use swarmroll_core::venue::Venue;
use tokio::sync::watch;

/// Locks a mutex, carrying on if a panicking holder poisoned it (the data are counters
/// and maps that stay valid).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Server settings.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Where to listen: the LAN address ([`lan_address`]) in use, loopback in tests.
    pub bind: SocketAddr,
    /// Largest file a guest may upload.
    pub max_file_bytes: u64,
    /// Largest chunk of one upload request.
    pub chunk_bytes: usize,
    /// Uploads one guest may have unfinished at a time (and requests in flight).
    pub max_parallel: usize,
    /// Uploads complete but never committed by their page are posted for the guest after
    /// sitting this long.
    pub commit_after: std::time::Duration,
    /// The token of the link guests scan, if the host's pages (the slideshow on the
    /// venue's TV) should show it as a QR code. Only the host's link is told it.
    pub guest_token: Option<String>,
    /// Connections: per address, in all, and how long headers (and idleness) may take.
    pub connections: ConnLimits,
    /// Guest sessions one address may open per [`WebConfig::session_window`] (a browser
    /// opens one; a script cycling cookies is stopped here).
    pub sessions_per_address: usize,
    /// The window over which sessions per address are counted.
    pub session_window: std::time::Duration,
    /// Guest sessions one link may have in all.
    pub sessions_per_link: usize,
    /// Unfinished uploads untouched for this long are dropped with their bytes.
    pub partial_ttl: std::time::Duration,
    /// Free space the disk keeps: uploads that would eat into it are refused.
    pub disk_reserve: u64,
}

impl WebConfig {
    /// Defaults for listening at `bind`: 2 GiB files, 8 MiB chunks, 4 at a time, orphaned
    /// uploads posted after 10 minutes.
    pub fn new(bind: SocketAddr) -> Self {
        WebConfig {
            bind,
            max_file_bytes: 2 << 30,
            chunk_bytes: 8 << 20,
            max_parallel: 4,
            commit_after: std::time::Duration::from_secs(600),
            guest_token: None,
            connections: ConnLimits::default(),
            sessions_per_address: 20,
            session_window: std::time::Duration::from_secs(600),
            sessions_per_link: 2000,
            partial_ttl: std::time::Duration::from_secs(24 * 3600),
            disk_reserve: 512 << 20,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebError {
    /// No such channel on this device.
    #[error("no such channel on this device")]
    UnknownChannel,
    /// This device may only view the channel: guests could not upload through it.
    #[error("this device may only view the channel: open the gallery view-only")]
    ViewOnly,
    /// The links could not be stored.
    #[error("cannot store the gallery's links: {0}")]
    Store(#[from] NodeError),
    /// The address could not be bound.
    #[error("cannot listen for the web gallery ({0:?})")]
    Bind(std::io::ErrorKind),
    /// The upload folders could not be made.
    #[error("cannot create the upload folder ({0:?})")]
    Folder(std::io::ErrorKind),
}

/// The running server. Dropping it does not stop it; call [`WebServer::stop`].
pub struct WebServer {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

/// What every request handler shares.
pub(crate) struct Shared {
    node: Node,
    cfg: WebConfig,
    /// Partial uploads, `<id>.part`, and video posters, `<id>.poster`.
    incoming: PathBuf,
    /// Complete uploads, `<hash>/<name>`: the originals this node seeds for the guests.
    files: PathBuf,
    /// One lock per upload, so two requests never append to one file at once.
    upload_locks: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
    /// Upload requests in flight per guest.
    in_flight: Mutex<HashMap<i64, usize>>,
    /// Flips to `true` at [`WebServer::stop`], ending live streams.
    stopping: watch::Receiver<bool>,
    /// Where the server listens.
    addr: SocketAddr,
    /// Held while uploads are posted (a page's commit, the sweeper).
    posting: tokio::sync::Mutex<()>,
    /// Guest sessions opened lately, per address.
    sessions: SessionLog,
    /// `(guest, post)` once a guest's uploads are marked posted: what a drop box's live
    /// page hears (the node's own post event comes before the upload knows its post).
    posted: tokio::sync::broadcast::Sender<(i64, EventId)>,
}

impl Shared {
    /// Refuses `bytes` more when the disk would then keep less than
    /// `cfg.disk_reserve` free (the node's database and the members' originals need it).
    pub(crate) fn room_for(&self, bytes: u64) -> Result<(), ApiError> {
        match self.node.free_bytes() {
            Some(free) if free < bytes.saturating_add(self.cfg.disk_reserve) => Err(ApiError::DiskFull),
            _ => Ok(()),
        }
    }
}

/// When each address opened its recent guest sessions.
#[derive(Default)]
pub(crate) struct SessionLog(Mutex<HashMap<IpAddr, std::collections::VecDeque<std::time::Instant>>>);

impl SessionLog {
    /// Records a new session from `ip` if it opened fewer than `max` in the last `window`.
    pub(crate) fn allow(&self, ip: IpAddr, max: usize, window: std::time::Duration) -> bool {
        let now = std::time::Instant::now();
        let mut all = lock(&self.0);
        all.retain(|_, times| {
            times.retain(|t| now.duration_since(*t) < window);
            !times.is_empty()
        });
        let times = all.entry(ip).or_default();
        if times.len() >= max {
            return false;
        }
        times.push_back(now);
        true
    }
}

impl WebServer {
    /// Listens at `cfg.bind` and serves every channel that has links. Requires a started
    /// node for uploads (they are seeded at once).
    ///
    /// # Errors
    /// [`WebError`].
    pub async fn start(node: Node, cfg: WebConfig) -> Result<Self, WebError> {
        let root = node.data_dir().join("web");
        let incoming = root.join("incoming");
        let files = root.join("files");
        for dir in [&incoming, &files] {
            tokio::fs::create_dir_all(dir).await.map_err(|e| WebError::Folder(e.kind()))?;
        }
        let listener = tokio::net::TcpListener::bind(cfg.bind).await.map_err(|e| WebError::Bind(e.kind()))?;
        let addr = listener.local_addr().map_err(|e| WebError::Bind(e.kind()))?;
        let (stop, stopping) = watch::channel(false);
        let shared = Arc::new(Shared {
            node,
            cfg,
            incoming,
            files,
            upload_locks: Mutex::new(HashMap::new()),
            in_flight: Mutex::new(HashMap::new()),
            stopping: stopping.clone(),
            addr,
            posting: tokio::sync::Mutex::new(()),
            sessions: SessionLog::default(),
            posted: tokio::sync::broadcast::channel(64).0,
        });
        tokio::spawn(upload::sweep(shared.clone()));
        let limits = shared.cfg.connections;
        let app = routes::router(shared);
        let task = tokio::spawn(serve::serve(listener, app, limits, stopping));
        tracing::info!(%addr, "web gallery listening");
        Ok(WebServer { addr, stop, task })
    }

    /// Where it listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops listening, ends live streams and waits for requests in flight.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// A channel's gallery open for a window: its three links (guests, view only, host) and
/// the server. What `swarmroll web` and the apps open.
pub struct Gallery {
    /// The link guests scan: uploads allowed, unless opened view-only.
    pub guests: Link,
    /// A view-only link (a screen, people who should only look).
    pub viewers: Link,
    /// The host's own link: hide, block, the slideshow with the guests' QR code.
    pub host: Link,
    /// When the links stop working.
    pub closes: Timestamp,
    server: WebServer,
    venue: Venue,
}

/// What guests who scan the gallery's QR code may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuestAccess {
    /// See the gallery, add photos and videos, comment.
    Upload,
    /// See the gallery and comment.
    ViewOnly,
    /// Add photos and videos and see only their own, with their own comments: a drop box.
    DropBox,
}

impl Gallery {
    /// Opens `channel` to browsers at `bind` for `window`, guests allowed `guests`.
    ///
    /// # Errors
    /// [`WebError`]: unknown channel, a view-only device asked for uploads, the address.
    pub async fn open(
        node: Node,
        channel: ChannelId,
        window: std::time::Duration,
        guests: GuestAccess,
        bind: SocketAddr,
    ) -> Result<Gallery, WebError> {
        let view_only = guests == GuestAccess::ViewOnly;
        let role = node
            .channels()
            .map_err(|_| WebError::UnknownChannel)?
            .into_iter()
            .find(|c| c.id == channel)
            .map(|c| c.my_role)
            .ok_or(WebError::UnknownChannel)?;
        if role == Role::Viewer && !view_only {
            return Err(WebError::ViewOnly);
        }
        let closes =
            Timestamp(Timestamp::now().0.saturating_add(i64::try_from(window.as_millis()).unwrap_or(i64::MAX)));
        let venue = node.venue();
        let guest_role = match guests {
            GuestAccess::Upload => LinkRole::Uploader,
            GuestAccess::ViewOnly => LinkRole::Viewer,
            GuestAccess::DropBox => LinkRole::DropBox,
        };
        let guests = venue.create_link(&channel, guest_role, Some(closes))?;
        let viewers = venue.create_link(&channel, LinkRole::Viewer, Some(closes))?;
        let host = venue.create_link(&channel, LinkRole::Host, Some(closes))?;
        let cfg = WebConfig { guest_token: Some(guests.token.clone()), ..WebConfig::new(bind) };
        let server = match WebServer::start(node, cfg).await {
            Ok(s) => s,
            Err(e) => {
                for l in [&guests, &viewers, &host] {
                    let _ = venue.revoke_link(l.id);
                }
                return Err(e);
            }
        };
        Ok(Gallery { guests, viewers, host, closes, server, venue })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// A link's URL on this server.
    pub fn url(&self, link: &Link) -> String {
        link.url(self.addr())
    }

    /// Closes the gallery: live pages are told, the server stops, the links are revoked.
    ///
    /// # Errors
    /// [`NodeError`] if a link could not be revoked (it still ends at `closes`).
    pub async fn close(self) -> Result<(), NodeError> {
        self.server.stop().await;
        for l in [&self.guests, &self.viewers, &self.host] {
            self.venue.revoke_link(l.id)?;
        }
        Ok(())
    }
}

/// This machine's address on the local network: the first private IPv4 address of an
/// interface that is up (what guests' phones on the venue Wi-Fi can reach), if any.
pub fn lan_address() -> Option<IpAddr> {
    use network_interface::{NetworkInterface, NetworkInterfaceConfig};
    let interfaces = NetworkInterface::show().ok()?;
    interfaces.iter().flat_map(|i| i.addr.iter()).find_map(|a| match a.ip() {
        IpAddr::V4(v4) if v4.is_private() && !v4.is_loopback() => Some(IpAddr::V4(v4)),
        _ => None,
    })
}

/// The default port of the web gallery.
pub const DEFAULT_PORT: u16 = 8080;

/// The address to serve at by default: the LAN address, or loopback when there is none
/// (a laptop with no network still shows its own gallery).
pub fn default_bind() -> SocketAddr {
    SocketAddr::new(lan_address().unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST)), DEFAULT_PORT)
}
