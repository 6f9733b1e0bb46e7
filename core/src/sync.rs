//! Channel-log sync between members: who to connect to, the connections, and live push.
//!
//! `Sync` listens for members, dials the addresses that discovery yields (invites, the
//! local network, the DHT, addresses members exchange), and runs one connection per
//! member and channel. Each connection reconciles the two replicas with the sans-I/O
//! [`state::Engine`] and then pushes every event accepted locally — authored here or
//! received from another member — at once. Misbehaving peers are dropped and penalised
//! by address and device for [`Config::penalty`].

pub(crate) mod db;
pub mod state;

pub(crate) mod admission;
mod callback;
mod conn;
mod direct;
mod discover;
mod punch;
mod relay;
mod rendezvous;

pub use callback::CallbackCounts;
pub use direct::DirectCounts;
pub use punch::PunchCounts;
pub use relay::{RelayConfig, RelayCounts};
pub use rendezvous::{tag as rendezvous_tag, RendezvousCounts};

use crate::channel::Invite;
use crate::net::lan::LanStatus;
use crate::net::portmap::{PortMapConfig, PortMapStatus, PortMapper};
use crate::net::{self, Limits, NetError};
use crate::replica::{self, Replica};
use crate::store::lock;
use crate::types::{ChannelId, DeviceId};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

/// The default sync port.
pub const SYNC_PORT: u16 = 51_417;

/// Local-network discovery settings.
#[derive(Debug, Clone)]
pub struct LanConfig {
    /// The beacon group and port.
    pub group: SocketAddrV4,
    /// Interfaces to announce on; `None`: every up, non-loopback IPv4 interface.
    pub interfaces: Option<Vec<Ipv4Addr>>,
    /// Time between announcements once settled (the first few go out faster).
    pub announce: Duration,
    /// Scan the subnet when no member answered for this long (`None`: never scan).
    pub scan_after: Option<Duration>,
    /// Subnets to scan as `(address, prefix)`; `None`: this device's own.
    pub scan_subnets: Option<Vec<(Ipv4Addr, u8)>>,
    /// The port scanned for members.
    pub scan_port: u16,
}

impl Default for LanConfig {
    fn default() -> Self {
        LanConfig {
            group: SocketAddrV4::new(net::lan::GROUP, net::lan::BEACON_PORT),
            interfaces: None,
            announce: Duration::from_secs(5),
            scan_after: Some(Duration::from_secs(15)),
            scan_subnets: None,
            scan_port: SYNC_PORT,
        }
    }
}

/// Rendezvous on the mainline DHT.
#[derive(Debug, Clone)]
pub struct DhtConfig {
    /// The DHT node to use (normally the swarm session's, [`crate::swarm::Swarm::rendezvous`]).
    pub rendezvous: crate::swarm::dht::Rendezvous,
    /// How long one rendezvous key is used before the next (keys change so that the DHT
    /// cannot follow a channel over time).
    pub period: Duration,
}

impl DhtConfig {
    /// Rendezvous through `rendezvous` with hourly keys.
    pub fn new(rendezvous: crate::swarm::dht::Rendezvous) -> Self {
        DhtConfig { rendezvous, period: Duration::from_secs(3600) }
    }
}

/// The DHT key under which members of a channel meet during period number `period`: only
/// members can compute it, and it says nothing about the channel to DHT nodes.
pub fn dht_key(access_secret: &[u8; 32], period: i64) -> [u8; 20] {
    let key = blake3::derive_key("swarmroll/dht/v1", access_secret);
    let mut h = blake3::Hasher::new_keyed(&key);
    h.update(&period.to_le_bytes());
    let mut out = [0u8; 20];
    out.copy_from_slice(&h.finalize().as_bytes()[..20]);
    out
}

/// This device's addresses on its local networks with `port`, for invites (at most the
/// invite's limit).
pub fn lan_addresses(port: u16) -> Vec<SocketAddr> {
    let max = crate::channel::invite::MAX_ADDRESSES;
    net::lan::local_ipv4().into_iter().map(|(ip, _)| SocketAddr::new(IpAddr::V4(ip), port)).take(max).collect()
}

/// Sync settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to accept members' connections.
    pub listen: SocketAddr,
    /// Local-network discovery (`None`: off).
    pub lan: Option<LanConfig>,
    /// Rendezvous on the mainline DHT (`None`: off).
    pub dht: Option<DhtConfig>,
    /// Tell members where other members were reached, and dial what they tell.
    pub exchange: bool,
    /// Where this node's BitTorrent session listens (its port is told to members).
    pub swarm_listen: Option<SocketAddr>,
    /// Which members that dialled this node get a call-back stand-in for their swarm
    /// ([`Reverse`]); also whether members are introduced to punch through and relayed.
    pub reverse: Reverse,
    /// Relaying the swarm for members that cannot connect ([`RelayConfig`]).
    pub relay: RelayConfig,
    /// Swarm connections to members punched through to are punched too (`sync::direct`);
    /// off, they go through the relay.
    pub direct_swarm: bool,
    /// Rendezvous relays to meet members through where nothing else reaches them
    /// (`net::rendezvous`): servers a user runs and names, which are no members.
    pub rendezvous: Vec<SocketAddr>,
    /// Asking the router to forward the sync and swarm ports ([`net::portmap`]); never
    /// on a loopback address.
    pub port_map: PortMapConfig,
    /// Per-connection limits.
    pub limits: Limits,
    /// Most connections in all.
    pub max_connections: usize,
    /// Most connections from one address.
    pub max_per_ip: usize,
    /// Keep-alive interval.
    pub ping: Duration,
    /// How often known addresses are retried.
    pub redial: Duration,
    /// How long a misbehaving peer is refused.
    pub penalty: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), SYNC_PORT),
            lan: Some(LanConfig::default()),
            dht: None,
            exchange: true,
            swarm_listen: None,
            reverse: Reverse::BeyondLan,
            relay: RelayConfig::default(),
            direct_swarm: true,
            rendezvous: Vec::new(),
            port_map: PortMapConfig::default(),
            limits: Limits::default(),
            max_connections: 64,
            max_per_ip: 8,
            ping: Duration::from_secs(20),
            redial: Duration::from_secs(2),
            penalty: Duration::from_secs(600),
        }
    }
}

/// When librqbit reaches a member's swarm by asking the member to call back instead of
/// dialling it (`sync::callback`): for members that dialled this node, whom this node
/// may not be able to dial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reverse {
    /// Never: members' swarms are dialled at the address they connected from.
    Off,
    /// For members that connected from beyond the local network (behind some NAT,
    /// probably); on a LAN both sides can dial each other.
    BeyondLan,
    /// For every member that dialled this node (tests on one machine).
    Always,
}

/// Where an address came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// An invite, or given by the user.
    Invite = 1,
    /// A beacon or a scan on the local network.
    Lan = 2,
    /// The DHT.
    Dht = 3,
    /// Another member.
    Exchange = 4,
    /// Remembered from an earlier run.
    Remembered = 5,
}

/// What sync reports to the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyncEvent {
    /// A member connected.
    Connected {
        /// The channel.
        channel: ChannelId,
        /// The member's device.
        peer: DeviceId,
    },
    /// A member's connection ended.
    Disconnected {
        /// The channel.
        channel: ChannelId,
        /// The member's device.
        peer: DeviceId,
    },
    /// This device holds everything `peer` held when they reconciled.
    CaughtUp {
        /// The channel.
        channel: ChannelId,
        /// The member's device.
        peer: DeviceId,
    },
    /// A peer misbehaved and was dropped; its address is refused for a while.
    Penalised {
        /// The peer's address.
        ip: IpAddr,
        /// Why (no content).
        reason: String,
    },
    /// What local discovery found.
    Lan(LanStatus),
}

/// Why a sync operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// The listener could not be opened.
    #[error("cannot listen: {0:?}")]
    Listen(std::io::ErrorKind),
    /// The replica failed.
    #[error(transparent)]
    Replica(#[from] replica::Error),
    /// A connection failed.
    #[error(transparent)]
    Net(#[from] NetError),
    /// No member could be reached in time (the channel is joined; sync goes on).
    #[error("no member of the channel could be reached yet")]
    NoPeerReachable,
    /// This device holds no such channel.
    #[error("unknown channel")]
    UnknownChannel,
    /// The address is refused for a while: the peer there misbehaved.
    #[error("that peer is refused for misbehaving")]
    Penalised,
    /// The connection limits are reached.
    #[error("too many connections")]
    TooManyConnections,
}

struct ConnEntry {
    id: u64,
    initiator: DeviceId,
    addr: Option<SocketAddr>,
    swarm: Option<SocketAddr>,
    task: tokio::task::AbortHandle,
    /// Messages for the member, sent by the connection's task.
    outbox: tokio::sync::mpsc::Sender<state::Msg>,
    /// The member is beyond the local network (it may be behind a NAT).
    beyond: bool,
    /// The connection was punched through the member's NAT (`sync::punch`).
    punched: bool,
    /// The member's swarm through a call-back, while the connection lives.
    _stand_in: Option<callback::StandIn>,
}

struct Candidate {
    next_try: Instant,
    failures: u32,
}

impl Default for Candidate {
    fn default() -> Self {
        Candidate { next_try: Instant::now(), failures: 0 }
    }
}

pub(crate) struct Inner {
    replica: Arc<Replica>,
    cfg: Config,
    local: SocketAddr,
    me: DeviceId,
    conns: Mutex<HashMap<(ChannelId, DeviceId), ConnEntry>>,
    candidates: Mutex<HashMap<ChannelId, HashMap<SocketAddr, Candidate>>>,
    penalties: Mutex<HashMap<IpAddr, Instant>>,
    per_ip: Mutex<HashMap<IpAddr, usize>>,
    events: broadcast::Sender<SyncEvent>,
    dial_wake: tokio::sync::Notify,
    lan_status: Mutex<Option<LanStatus>>,
    next_id: AtomicU64,
    callbacks: Mutex<callback::Waiting>,
    callback_stats: callback::CallbackStats,
    punching: Mutex<punch::Punching>,
    punch_stats: punch::PunchStats,
    relayed: Mutex<relay::Relayed>,
    relay_stats: relay::RelayStats,
    direct: Mutex<direct::Direct>,
    direct_stats: direct::DirectStats,
    routes: Mutex<rendezvous::Routes>,
    rendezvous_stats: rendezvous::RendezvousStats,
}

/// The sync service of one node.
pub struct Sync {
    inner: Arc<Inner>,
    tasks: Vec<JoinHandle<()>>,
    portmap: Option<PortMapper>,
    /// A waiter task per rendezvous relay ([`Sync::set_rendezvous`]).
    relays: Mutex<HashMap<SocketAddr, JoinHandle<()>>>,
}

impl Sync {
    /// Starts listening and discovering. Must be called inside a tokio runtime.
    ///
    /// # Errors
    /// [`SyncError::Listen`], [`SyncError::Replica`].
    pub async fn start(replica: Arc<Replica>, cfg: Config) -> Result<Self, SyncError> {
        let listener = match punch::listen(cfg.listen) {
            Ok(l) => l,
            // Another node on this machine holds the default port: any port will do, the
            // beacons, the DHT and invites say which.
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && cfg.listen.port() == SYNC_PORT => {
                punch::listen(SocketAddr::new(cfg.listen.ip(), 0)).map_err(|e| SyncError::Listen(e.kind()))?
            }
            Err(e) => return Err(SyncError::Listen(e.kind())),
        };
        let local = listener.local_addr().map_err(|e| SyncError::Listen(e.kind()))?;
        let (events, _) = broadcast::channel(1024);
        let inner = Arc::new(Inner {
            me: replica.device_id(),
            replica,
            cfg,
            local,
            conns: Mutex::new(HashMap::new()),
            candidates: Mutex::new(HashMap::new()),
            penalties: Mutex::new(HashMap::new()),
            per_ip: Mutex::new(HashMap::new()),
            events,
            dial_wake: tokio::sync::Notify::new(),
            lan_status: Mutex::new(None),
            next_id: AtomicU64::new(1),
            callbacks: Mutex::new(callback::Waiting::default()),
            callback_stats: callback::CallbackStats::default(),
            punching: Mutex::new(punch::Punching::default()),
            punch_stats: punch::PunchStats::default(),
            relayed: Mutex::new(relay::Relayed::default()),
            relay_stats: relay::RelayStats::default(),
            direct: Mutex::default(),
            direct_stats: direct::DirectStats::default(),
            routes: Mutex::default(),
            rendezvous_stats: rendezvous::RendezvousStats::default(),
        });
        let remembered = inner.replica.store().read(|c| db::remembered(c, 16)).map_err(replica::Error::from)?;
        for (ch, addr) in remembered {
            inner.add_candidate(ch, addr, Source::Remembered);
        }
        let mut tasks = vec![
            tokio::spawn(conn::accept_loop(inner.clone(), listener)),
            tokio::spawn(discover::dial_loop(inner.clone())),
        ];
        if let Some(lan) = inner.cfg.lan.clone() {
            tasks.push(tokio::spawn(discover::lan_loop(inner.clone(), lan)));
        }
        if let Some(dht) = inner.cfg.dht.clone() {
            tasks.push(tokio::spawn(discover::dht_loop(inner.clone(), dht)));
        }
        let portmap = if local.ip().is_loopback() {
            None
        } else {
            let ports = [Some(local.port()), inner.cfg.swarm_listen.map(|a| a.port())];
            PortMapper::start(inner.cfg.port_map, ports.into_iter().flatten().filter(|p| *p != 0).collect())
        };
        let relays = inner.cfg.rendezvous.clone();
        let sync = Sync { inner, tasks, portmap, relays: Mutex::default() };
        sync.set_rendezvous(&relays);
        Ok(sync)
    }

    /// The address connections are accepted on.
    pub fn local_addr(&self) -> SocketAddr {
        self.inner.local
    }

    /// Where this node can be reached, for invites: the address mapped on the router
    /// first (members anywhere reach it), then its LAN addresses.
    pub fn invite_addresses(&self) -> Vec<SocketAddr> {
        let mapped = self.port_mapping().and_then(|s| s.external(self.inner.local.port()));
        let local =
            if self.inner.local.ip().is_unspecified() { lan_addresses(self.inner.local.port()) } else { vec![self.inner.local] };
        mapped.into_iter().chain(local).take(crate::channel::invite::MAX_ADDRESSES).collect()
    }

    /// The ports mapped on the router (`None`: mapping is off or no router is known).
    pub fn port_mapping(&self) -> Option<PortMapStatus> {
        self.portmap.as_ref().map(PortMapper::status)
    }

    /// The platform names the router of its network now ([`PortMapper::set_gateway`]).
    pub fn set_gateway(&self, gateway: Option<IpAddr>) {
        if let Some(p) = &self.portmap {
            p.set_gateway(gateway);
        }
    }

    /// Follows the router's mappings (`None`: mapping is off or no router is known).
    pub fn port_mapping_watch(&self) -> Option<tokio::sync::watch::Receiver<PortMapStatus>> {
        self.portmap.as_ref().map(PortMapper::watch)
    }

    /// Deletes the router's mappings (before [`Sync::stop`], where the node stops on
    /// purpose; a killed node's mappings lapse within [`net::portmap::LIFETIME`]).
    pub async fn unmap(&self) {
        if let Some(p) = &self.portmap {
            p.release().await;
        }
    }

    /// An invite to `channel` carrying this node's current addresses, so a guest who
    /// scans it in person connects directly even where the Wi-Fi drops multicast.
    ///
    /// # Errors
    /// As [`Replica::invite`].
    pub fn invite(
        &self,
        channel: &ChannelId,
        role: crate::channel::Role,
        expires: Option<crate::types::Timestamp>,
    ) -> Result<(Invite, String), SyncError> {
        Ok(self.inner.replica.invite(channel, role, self.invite_addresses(), expires)?)
    }

    /// Updates from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<SyncEvent> {
        self.inner.events.subscribe()
    }

    /// Adds an address where a member of `channel` may be reached; it is dialled soon.
    pub fn add_peer(&self, channel: ChannelId, addr: SocketAddr) {
        self.inner.add_candidate(channel, addr, Source::Invite);
        self.inner.dial_wake.notify_one();
    }

    /// Dials `addr` for `channel` now and returns the member's device once connected.
    ///
    /// # Errors
    /// [`SyncError::UnknownChannel`], [`SyncError::Net`].
    pub async fn connect(&self, channel: ChannelId, addr: SocketAddr) -> Result<DeviceId, SyncError> {
        conn::dial(&self.inner, channel, addr).await
    }

    /// Joins the channel of `invite` as `my_name`, dials the addresses it carries (and
    /// whatever discovery finds), and returns once the log of one member has arrived —
    /// the gallery, thumbnails included, is then complete before any original moves.
    ///
    /// # Errors
    /// [`SyncError::NoPeerReachable`] after `wait` (the channel stays joined and sync
    /// keeps trying), [`SyncError::Replica`].
    pub async fn join(&self, invite: &Invite, my_name: &str, wait: Duration) -> Result<ChannelId, SyncError> {
        let joining = self.start_join(invite, my_name)?;
        joining.caught_up(wait).await
    }

    /// The first half of [`Sync::join`]: joins and dials, without waiting. Await the
    /// result's [`Joining::caught_up`] (it needs no borrow of this service).
    ///
    /// # Errors
    /// [`SyncError::Replica`].
    pub fn start_join(&self, invite: &Invite, my_name: &str) -> Result<Joining, SyncError> {
        let events = self.subscribe();
        let channel = self.inner.replica.join(invite, my_name)?;
        for addr in &invite.addresses {
            self.inner.add_candidate(channel, *addr, Source::Invite);
        }
        self.inner.dial_wake.notify_one();
        Ok(Joining { channel, events })
    }
    /// Members connected for `channel`.
    pub fn peers(&self, channel: &ChannelId) -> Vec<DeviceId> {
        let mut v: Vec<DeviceId> =
            lock(&self.inner.conns).keys().filter(|(c, _)| c == channel).map(|(_, d)| *d).collect();
        v.sort();
        v
    }

    /// Where members of `channel` accept BitTorrent peers (for fetching originals from
    /// them): connected members' swarms (directly or by call-back), else through a relay.
    pub fn member_swarm_addrs(&self, channel: &ChannelId) -> Vec<(DeviceId, SocketAddr)> {
        let mut v: Vec<(DeviceId, SocketAddr)> = lock(&self.inner.conns)
            .iter()
            .filter(|((c, _), _)| c == channel)
            .filter_map(|((_, d), e)| e.swarm.map(|a| (*d, a)))
            .collect();
        let relayed = lock(&self.inner.relayed).addrs(channel);
        for (d, a) in relayed {
            if !v.iter().any(|(x, _)| *x == d) {
                v.push((d, a));
            }
        }
        v.sort();
        v
    }

    /// What relaying did since sync started.
    pub fn relays(&self) -> RelayCounts {
        self.inner.relay_stats.counts()
    }

    /// Whether this node may relay now (the node's policy and network say; relaying is
    /// also off when [`RelayConfig::enabled`] is false).
    pub fn allow_relaying(&self, allowed: bool) {
        self.inner.relay_stats.allow(allowed);
    }

    /// What reverse connections did since sync started.
    pub fn callbacks(&self) -> CallbackCounts {
        self.inner.callback_stats.counts()
    }

    /// What hole punching did since sync started.
    pub fn punches(&self) -> PunchCounts {
        self.inner.punch_stats.counts()
    }

    /// What direct swarm connections to members punched through to did since sync
    /// started.
    pub fn direct(&self) -> DirectCounts {
        self.inner.direct_stats.counts()
    }

    /// Meets members at these rendezvous relays from now on: waits at the new ones, and
    /// stops waiting at the ones no longer named (circuits through them end as their
    /// connections do).
    pub fn set_rendezvous(&self, relays: &[SocketAddr]) {
        let mut running = lock(&self.relays);
        running.retain(|addr, task| {
            let keep = relays.contains(addr);
            if !keep {
                task.abort();
            }
            keep
        });
        for r in relays {
            running.entry(*r).or_insert_with(|| tokio::spawn(rendezvous::serve(self.inner.clone(), *r)));
        }
    }

    /// What rendezvous relays did for this node since sync started.
    pub fn rendezvous(&self) -> RendezvousCounts {
        self.inner.rendezvous_stats.counts()
    }

    /// What local discovery last found (`None` when it is off or has not reported yet).
    pub fn lan_status(&self) -> Option<LanStatus> {
        *lock(&self.inner.lan_status)
    }

    /// Addresses refused for misbehaving.
    pub fn penalised(&self) -> Vec<IpAddr> {
        let now = Instant::now();
        lock(&self.inner.penalties).iter().filter(|(_, until)| **until > now).map(|(ip, _)| *ip).collect()
    }

    /// Drops every connection and candidate address for `channel` (it was left). Its
    /// keys are gone from the store, so no handshake admits it again.
    pub fn forget(&self, channel: &ChannelId) {
        lock(&self.inner.conns).retain(|(c, _), e| {
            if c == channel {
                e.task.abort();
            }
            c != channel
        });
        lock(&self.inner.candidates).remove(channel);
        lock(&self.inner.relayed).forget(channel);
    }

    /// Stops listening, discovery and every connection.
    pub fn stop(&mut self) {
        for t in self.tasks.drain(..) {
            t.abort();
        }
        for (_, t) in lock(&self.relays).drain() {
            t.abort();
        }
        for (_, c) in lock(&self.inner.conns).drain() {
            c.task.abort();
        }
    }
}

/// A join under way ([`Sync::start_join`]).
pub struct Joining {
    channel: ChannelId,
    events: broadcast::Receiver<SyncEvent>,
}

impl Joining {
    /// Waits up to `wait` for the log of one member of the channel.
    ///
    /// # Errors
    /// [`SyncError::NoPeerReachable`] when none arrived in time.
    pub async fn caught_up(mut self, wait: Duration) -> Result<ChannelId, SyncError> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Ok(SyncEvent::CaughtUp { channel, .. })) if channel == self.channel => return Ok(self.channel),
                Ok(Ok(_) | Err(broadcast::error::RecvError::Lagged(_))) => {}
                Ok(Err(broadcast::error::RecvError::Closed)) | Err(_) => return Err(SyncError::NoPeerReachable),
            }
        }
    }
}

/// Aborts a task when dropped, so ending a task also ends the tasks it started.
pub(crate) struct AbortOnDrop(pub(crate) JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Drop for Sync {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Inner {
    fn emit(&self, e: SyncEvent) {
        let _ = self.events.send(e);
    }

    fn add_candidate(&self, ch: ChannelId, addr: SocketAddr, source: Source) {
        if addr == self.local || addr.port() == 0 || self.is_penalised(addr.ip()) {
            return;
        }
        let mut c = lock(&self.candidates);
        let entry = c.entry(ch).or_default();
        if entry.len() >= 256 && !entry.contains_key(&addr) {
            return;
        }
        entry.entry(addr).or_insert_with(|| {
            tracing::debug!(?source, "new candidate address");
            Candidate::default()
        });
    }

    fn is_penalised(&self, ip: IpAddr) -> bool {
        lock(&self.penalties).get(&ip).is_some_and(|until| *until > Instant::now())
    }

    fn penalise(&self, ip: IpAddr, reason: &dyn std::fmt::Display) {
        tracing::info!(%reason, "peer penalised");
        lock(&self.penalties).insert(ip, Instant::now() + self.cfg.penalty);
        for map in lock(&self.candidates).values_mut() {
            map.retain(|a, _| a.ip() != ip);
        }
        self.emit(SyncEvent::Penalised { ip, reason: reason.to_string() });
    }

    fn connected_to(&self, ch: &ChannelId, addr: &SocketAddr) -> bool {
        lock(&self.conns).iter().any(|((c, _), e)| c == ch && e.addr.as_ref() == Some(addr))
    }

    fn ports(&self) -> net::Ports {
        net::Ports { sync: self.local.port(), swarm: self.cfg.swarm_listen.map_or(0, |a| a.port()) }
    }

    /// Where this node's own librqbit can be dialled from here.
    fn swarm_local(&self) -> Option<SocketAddr> {
        let at = self.cfg.swarm_listen?;
        Some(match at.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), at.port()),
            IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::new(IpAddr::V6(std::net::Ipv6Addr::LOCALHOST), at.port()),
            _ => at,
        })
    }

    fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }
}
