//! The node: the one object the apps and the CLI drive.
//!
//! It owns the replica, the swarm and sync, and applies the platform's conditions
//! (network, battery, foreground or background) through the sync [`policy`]: the log
//! flows where the policy allows, originals move or are held where they are (nothing
//! held is lost or fetched again). It fetches other members' originals in the background
//! ([`originals`]), runs bounded passes for the platforms' background windows
//! ([`Node::sync_for`]), and reports everything a UI shows as one stream of typed
//! [`NodeEvent`]s with ids, plus queries and live lists as diffs.

pub(crate) mod db;
pub mod diff;
pub mod events;
pub mod policy;
pub use relays::{RelayError, MAX_RENDEZVOUS_RELAYS};

mod authoring;
mod files;
mod leaving;
mod moderation;
mod originals;
mod pass;
mod relays;
mod seeding;
mod sharing;
mod watch;

pub use events::NodeEvent;
pub use files::Original;
pub use leaving::Left;
pub use pass::PassSummary;
pub use policy::{Hold, NetworkKind, NetworkState, Originals, Policy, PowerState};
pub use watch::{ThreadEntry, Transfer, Watch};

// What front ends name from the layers below the facade: the errors inside
// [`NodeError`], the LAN status in events, and helpers the terminal node shares.
pub use crate::net::lan::LanStatus;
pub use crate::net::rendezvous::{
    Server as RelayServer, ServerConfig as RelayServerConfig, ServerCounts as RelayServerCounts,
};
pub use crate::publish::Error as PublishError;
pub use crate::replica::Error as ReplicaError;
pub use crate::store::StoreError;
pub use crate::swarm::torrent::safe_names;
pub use crate::swarm::SwarmError;
pub use crate::sync::{lan_addresses, SyncError, SYNC_PORT};
pub use db::News;

use crate::catalog::{ChannelSummary, Cursor, Page};
use crate::channel::{Invite, Role};
use crate::comment::Thread;
use crate::import::{self, Importer};
use crate::replica::{self, Replica};
use crate::store::lock;
use crate::store::Store;
use crate::swarm::{self, Swarm};
use crate::sync::{self, Sync};
use crate::types::{ChannelId, EventId, Timestamp};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

/// How long an invite waits for the first round of port mapping: PCP or NAT-PMP (under
/// 4 s when the router stays silent), then a 3 s UPnP search where that failed.
const PORT_MAPPING_WAIT: Duration = Duration::from_secs(8);

/// The sync service of a running node, while sync runs.
fn live_sync(live: &Option<Live>) -> Option<&Sync> {
    live.as_ref().and_then(|l| l.sync.as_ref()).map(|(s, _)| s)
}

/// How a node is set up.
#[derive(Debug, Clone)]
pub struct NodeConfig {
    /// The data folder (database, previews, fetched originals under `media/`).
    pub data_dir: PathBuf,
    /// Sync settings (listening address, discovery).
    pub sync: sync::Config,
    /// BitTorrent settings.
    pub swarm: swarm::Config,
    /// The policy for every channel without one of its own.
    pub policy: Policy,
    /// The network at start (the platform reports changes).
    pub network: NetworkState,
    /// The battery at start.
    pub power: PowerState,
    /// Fetch members' originals in the background (as the policy allows).
    pub fetch_originals: bool,
    /// Posters for HEIC and video (the platform's decoders, or tools on a desktop).
    pub posters: Option<import::PosterSource>,
    /// Free space the disk keeps: originals stop arriving below it (and go on by
    /// themselves once there is room again).
    pub disk_reserve: u64,
    /// How often the background fetch looks again when nothing woke it (for stalled
    /// transfers); finished posts, new members and new posts wake it at once.
    pub look_again: Duration,
}

impl NodeConfig {
    /// Defaults for `data_dir`: discovery on, Wi-Fi-only originals, unmetered network.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        NodeConfig {
            data_dir: data_dir.into(),
            sync: sync::Config::default(),
            swarm: swarm::Config::default(),
            policy: Policy::default(),
            network: NetworkState::WIFI,
            power: PowerState::default(),
            fetch_originals: true,
            posters: None,
            disk_reserve: 100 << 20,
            look_again: Duration::from_secs(2),
        }
    }
}

/// Why a node operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NodeError {
    /// The data folder could not be opened.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The replica refused or failed.
    #[error(transparent)]
    Replica(#[from] replica::Error),
    /// The swarm failed.
    #[error(transparent)]
    Swarm(#[from] swarm::SwarmError),
    /// Sync failed.
    #[error(transparent)]
    Sync(#[from] sync::SyncError),
    /// Publishing failed.
    #[error(transparent)]
    Publish(#[from] crate::publish::Error),
    /// A share failed before anything was posted.
    #[error(transparent)]
    Share(#[from] crate::share::Error),
    /// The node is not started.
    #[error("the node is not started")]
    NotStarted,
    /// A rendezvous relay cannot be used.
    #[error(transparent)]
    Relay(#[from] relays::RelayError),
}

/// The platform's conditions and the user's policies.
struct Conditions {
    network: NetworkState,
    power: PowerState,
    paused: bool,
    /// Bounded passes running (they sync even while the app is in the background).
    passes: u32,
    global: Policy,
    channels: HashMap<ChannelId, Policy>,
    /// `(day, bytes)` spent on metered networks.
    metered: (i64, u64),
    /// The router of the network the platform is on, where it names it.
    gateway: Option<std::net::IpAddr>,
    /// Last reported hold (to report changes only).
    reported: Option<Option<Hold>>,
    /// Rendezvous relays the user named in settings (`relays`).
    relays: Vec<std::net::SocketAddr>,
}

impl Conditions {
    fn paused(&self) -> bool {
        self.paused && self.passes == 0
    }

    fn metered_today(&self) -> u64 {
        if self.metered.0 == today() {
            self.metered.1
        } else {
            0
        }
    }

    fn allowance(&self, ch: Option<&ChannelId>) -> policy::Allowance {
        let p = ch.and_then(|c| self.channels.get(c)).unwrap_or(&self.global);
        policy::decide(p, self.network, self.power, self.paused(), self.metered_today())
    }
}

fn today() -> i64 {
    Timestamp::now().0.div_euclid(86_400_000)
}

/// The settings screen: the user's policies and what the platform's conditions make of
/// them now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsView {
    /// This device's id (shown for support and pairing).
    pub device: crate::types::DeviceId,
    /// The policy for channels without their own.
    pub policy: Policy,
    /// Channels with their own policy.
    pub channel_policies: Vec<(ChannelId, Policy)>,
    /// Why originals are held now, if they are.
    pub held: Option<Hold>,
    /// Bytes spent on metered networks today.
    pub metered_today: u64,
    /// The network the platform last reported.
    pub network: NetworkState,
    /// The battery the platform last reported.
    pub power: PowerState,
    /// Rendezvous relays the user named ([`Node::set_rendezvous_relays`]).
    pub rendezvous_relays: Vec<std::net::SocketAddr>,
}

/// A post as BitTorrent knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostTorrent {
    /// Its info hash.
    pub info_hash: [u8; 20],
    /// Its bencoded info dictionary, as the post carries it.
    pub info: Vec<u8>,
    /// Its files travel encrypted for members (a private channel's post).
    pub private: bool,
}

/// What runs while the node is started.
struct Live {
    swarm: Arc<Swarm>,
    sync: Option<(Sync, Vec<JoinHandle<()>>)>,
    tasks: Vec<JoinHandle<()>>,
}

pub(crate) struct Inner {
    cfg: NodeConfig,
    replica: Arc<Replica>,
    importer: Arc<Importer>,
    events: broadcast::Sender<NodeEvent>,
    conditions: Mutex<Conditions>,
    live: tokio::sync::Mutex<Option<Live>>,
    /// Wakes the originals manager.
    wake: Arc<tokio::sync::Notify>,
    /// Events received from members (not authored here) since the node opened.
    received: AtomicU64,
    /// The originals manager's view of running fetches.
    fetching: originals::Shared,
    /// Held while a share decides what a channel holds and posts (see `share::Ctx`).
    posting: tokio::sync::Mutex<()>,
    /// Held while the shares a stopped node left are finished; new shares wait for it,
    /// so the same files shared again are not imported twice at once.
    resuming: Arc<tokio::sync::Mutex<()>>,
    /// Channels left while the node runs (background work started before skips them).
    left: Mutex<std::collections::HashSet<ChannelId>>,
}

/// A Swarmroll node. Cheap to clone; all clones drive the same node.
#[derive(Clone)]
pub struct Node {
    inner: Arc<Inner>,
}

impl Node {
    /// Opens the data folder (creating it). Nothing touches the network until
    /// [`Node::start`].
    ///
    /// # Errors
    /// [`NodeError::Store`], [`NodeError::Replica`].
    pub fn open(cfg: NodeConfig) -> Result<Self, NodeError> {
        Self::open_with(cfg, None)
    }

    /// [`Node::open`] with the identity key kept in the platform's secure storage.
    ///
    /// # Errors
    /// As [`Node::open`]; [`NodeError::Replica`] with [`replica::Error::Identity`] when
    /// the vault fails or has lost the key.
    pub fn open_with(cfg: NodeConfig, vault: Option<&dyn crate::identity::KeyVault>) -> Result<Self, NodeError> {
        let store = Arc::new(Store::open_dir(&cfg.data_dir)?);
        let replica = Arc::new(Replica::open_with(Arc::clone(&store), vault)?);
        let importer = Arc::new(Importer::new(store, 0)?.with_posters(cfg.posters.clone()));
        let (events, _) = broadcast::channel(4096);
        let (saved_global, saved_channels) = replica.store().read(db::policies)?;
        let spent_today = replica.store().read(|c| db::metered_bytes(c, today()))?;
        let relays = replica.store().read(db::relays)?;
        let conditions = Conditions {
            network: cfg.network,
            power: cfg.power,
            paused: false,
            passes: 0,
            global: saved_global.unwrap_or(cfg.policy),
            channels: saved_channels.into_iter().collect(),
            metered: (today(), spent_today),
            gateway: None,
            reported: None,
            relays,
        };
        Ok(Node {
            inner: Arc::new(Inner {
                cfg,
                replica,
                importer,
                events,
                conditions: Mutex::new(conditions),
                live: tokio::sync::Mutex::new(None),
                wake: Arc::new(tokio::sync::Notify::new()),
                received: AtomicU64::new(0),
                fetching: originals::Shared::default(),
                posting: tokio::sync::Mutex::new(()),
                resuming: Arc::new(tokio::sync::Mutex::new(())),
                left: Mutex::default(),
            }),
        })
    }

    /// The replica (queries and authoring).
    pub(crate) fn replica(&self) -> &Arc<Replica> {
        &self.inner.replica
    }

    /// The venue gallery's records: links, guests, their uploads and comments.
    pub fn venue(&self) -> crate::venue::Venue {
        crate::venue::Venue::new(self.clone())
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        &self.inner.cfg.data_dir
    }

    /// Where a channel's fetched originals go: `media/<channel>/<post>/`.
    pub fn media_dir(&self, channel: &ChannelId) -> PathBuf {
        self.inner.media_dir(channel)
    }

    /// Every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<NodeEvent> {
        self.inner.events.subscribe()
    }

    /// Starts the swarm, sync (as the policy allows) and background fetching. Must be
    /// called inside a tokio runtime. Starting a started node does nothing.
    ///
    /// # Errors
    /// [`NodeError::Swarm`] (e.g. the port is taken).
    pub async fn start(&self) -> Result<(), NodeError> {
        let mut live = self.inner.live.lock().await;
        if live.is_some() {
            return Ok(());
        }
        // What a leave recorded for removal and a killed process did not remove.
        self.inner.empty_trash();
        let swarm = Arc::new(Swarm::start(&self.inner.cfg.data_dir, self.inner.cfg.swarm.clone()).await?);
        let inner = &self.inner;
        // Read before any new share can begin: these are the ones a stopped node left.
        let unfinished = inner.replica.store().read(crate::share::db::pending)?;
        let mut tasks = vec![
            tokio::spawn(events::forward(inner.replica.subscribe(), inner.events.clone(), {
                let weak = Arc::downgrade(inner);
                move |c| match weak.upgrade() {
                    Some(i) => i.on_log_change(c),
                    None => Vec::new(),
                }
            })),
            tokio::spawn(events::forward(swarm.events(), inner.events.clone(), {
                let replica = Arc::clone(&inner.replica);
                move |e| events::from_transfer(&replica, e).into_iter().collect()
            })),
            tokio::spawn(metering(Arc::downgrade(inner), Arc::clone(&swarm))),
            tokio::spawn(seeding::run(Arc::downgrade(inner), Arc::clone(&swarm))),
        ];
        if inner.cfg.fetch_originals {
            tasks.push(tokio::spawn(originals::run(Arc::downgrade(inner), Arc::clone(&swarm))));
        }
        if !unfinished.is_empty() {
            if let Ok(guard) = Arc::clone(&inner.resuming).try_lock_owned() {
                let weak = Arc::downgrade(inner);
                tasks.push(tokio::spawn(sharing::resume(weak, Arc::clone(&swarm), unfinished, guard)));
            }
        }
        *live = Some(Live { swarm, sync: None, tasks });
        drop(live);
        self.inner.apply().await;
        Ok(())
    }

    /// Stops everything network; the node can be started again.
    pub async fn stop(&self) {
        let live = self.inner.live.lock().await.take();
        if let Some(mut live) = live {
            for t in live.tasks.drain(..) {
                t.abort();
            }
            if let Some((mut s, tasks)) = live.sync.take() {
                s.unmap().await;
                s.stop();
                tasks.iter().for_each(JoinHandle::abort);
            }
            self.inner.fetching.stop_all(&live.swarm).await;
            live.swarm.stop().await;
        }
    }

    /// The app went to the background: sync stops and transfers are held until
    /// [`Node::resume`] or a [`Node::sync_for`] pass.
    pub async fn pause(&self) {
        lock(&self.inner.conditions).paused = true;
        self.inner.apply().await;
    }

    /// The app came back to the foreground.
    pub async fn resume(&self) {
        lock(&self.inner.conditions).paused = false;
        self.inner.apply().await;
    }

    /// The platform reports a new network.
    pub async fn network_changed(&self, network: NetworkState) {
        lock(&self.inner.conditions).network = network;
        self.inner.apply().await;
    }

    /// The platform names the router of the network it is on now (`None`: it does not
    /// know): ports are mapped there (Android apps cannot read the routing table).
    pub async fn router_changed(&self, gateway: Option<std::net::IpAddr>) {
        lock(&self.inner.conditions).gateway = gateway;
        if let Some(s) = live_sync(&*self.inner.live.lock().await) {
            s.set_gateway(gateway);
        }
    }

    /// The platform reports a new battery state.
    pub async fn power_changed(&self, charging: bool, battery_low: bool) {
        lock(&self.inner.conditions).power = PowerState { charging, battery_low };
        self.inner.apply().await;
    }

    /// Sets the policy of one channel (`Some`) or the global one (`None`); it is kept
    /// in the data folder.
    ///
    /// # Errors
    /// [`NodeError::Store`] if it cannot be saved (it is not applied then).
    pub async fn set_policy(&self, channel: Option<ChannelId>, policy: Policy) -> Result<(), NodeError> {
        self.inner.replica.store().write(|tx| db::save_policy(tx, channel.as_ref(), &policy))?;
        {
            let mut c = lock(&self.inner.conditions);
            match channel {
                Some(ch) => {
                    c.channels.insert(ch, policy);
                }
                None => c.global = policy,
            }
        }
        self.inner.apply().await;
        Ok(())
    }

    /// The policy in force for `channel` (`None`: the global one).
    pub fn policy(&self, channel: Option<&ChannelId>) -> Policy {
        let c = lock(&self.inner.conditions);
        channel.and_then(|ch| c.channels.get(ch)).copied().unwrap_or(c.global)
    }

    /// What is held back now and why (`None`: nothing).
    pub fn held(&self) -> Option<Hold> {
        lock(&self.inner.conditions).allowance(None).originals.err()
    }

    /// Bytes spent on metered networks today.
    pub fn metered_today(&self) -> u64 {
        lock(&self.inner.conditions).metered_today()
    }

    /// What the settings screen shows.
    pub fn settings(&self) -> SettingsView {
        let c = lock(&self.inner.conditions);
        let mut channel_policies: Vec<(ChannelId, Policy)> = c.channels.iter().map(|(k, v)| (*k, *v)).collect();
        channel_policies.sort_by_key(|(k, _)| *k);
        SettingsView {
            device: self.inner.replica.device_id(),
            policy: c.global,
            channel_policies,
            held: c.allowance(None).originals.err(),
            metered_today: c.metered_today(),
            network: c.network,
            power: c.power,
            rendezvous_relays: c.relays.clone(),
        }
    }

    /// A bounded pass for the platforms' background windows. See [`pass`].
    ///
    /// # Errors
    /// [`NodeError::Swarm`] if the node could not start.
    pub async fn sync_for(&self, budget: Duration) -> Result<PassSummary, NodeError> {
        pass::run(self, budget).await
    }

    /// The swarm, while started.
    pub async fn swarm(&self) -> Option<Arc<Swarm>> {
        self.inner.live.lock().await.as_ref().map(|l| Arc::clone(&l.swarm))
    }

    /// Where the swarm listens, while started.
    pub async fn swarm_addr(&self) -> Option<std::net::SocketAddr> {
        self.swarm().await.and_then(|s| s.listen_addr())
    }

    /// A visible post as BitTorrent knows it: its info hash, its bencoded info
    /// dictionary, and whether it is encrypted for members (a private channel's).
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn post_torrent(&self, post: &EventId) -> Result<Option<PostTorrent>, NodeError> {
        let t = self.inner.replica.store().read(|c| crate::catalog::db::post_transfer(c, post))?;
        let Some(t) = t else { return Ok(None) };
        let info_hash =
            self.inner.replica.thread(post)?.map(|th| th.post.info_hash).ok_or(crate::publish::Error::UnknownPost)?;
        Ok(Some(PostTorrent { info_hash, info: t.info, private: t.media_key.is_some() }))
    }

    /// Members connected for `channel`.
    pub async fn peers(&self, channel: &ChannelId) -> Vec<crate::types::DeviceId> {
        let live = self.inner.live.lock().await;
        live_sync(&live).map(|s| s.peers(channel)).unwrap_or_default()
    }

    /// Adds an address where a member of `channel` may be reached.
    pub async fn add_peer(&self, channel: ChannelId, addr: std::net::SocketAddr) {
        if let Some(s) = live_sync(&*self.inner.live.lock().await) {
            s.add_peer(channel, addr);
        }
    }

    /// What reverse connections did (members beyond the LAN reached by asking them to
    /// call back), while sync runs.
    pub async fn callbacks(&self) -> Option<sync::CallbackCounts> {
        live_sync(&*self.inner.live.lock().await).map(Sync::callbacks)
    }

    /// What relaying did (members' swarms joined through this node, and this node's
    /// through others), while sync runs.
    pub async fn relays(&self) -> Option<sync::RelayCounts> {
        live_sync(&*self.inner.live.lock().await).map(Sync::relays)
    }

    /// What hole punching did (members behind NATs connected directly after an
    /// introduction), while sync runs.
    pub async fn punches(&self) -> Option<sync::PunchCounts> {
        live_sync(&*self.inner.live.lock().await).map(Sync::punches)
    }

    /// What direct swarm connections to members punched through to did (their photos
    /// then skip the relay), while sync runs.
    pub async fn direct_swarm(&self) -> Option<sync::DirectCounts> {
        live_sync(&*self.inner.live.lock().await).map(Sync::direct)
    }

    /// What rendezvous relays did (members met through a relay that is no member),
    /// while sync runs.
    pub async fn rendezvous(&self) -> Option<sync::RendezvousCounts> {
        live_sync(&*self.inner.live.lock().await).map(Sync::rendezvous)
    }

    /// What local discovery found last (client isolation shows here), while sync runs.
    pub async fn lan_status(&self) -> Option<crate::net::lan::LanStatus> {
        live_sync(&*self.inner.live.lock().await).and_then(Sync::lan_status)
    }

    /// The ports mapped on the router, while sync runs (`None`: mapping is off, or no
    /// router is known).
    pub async fn port_mapping(&self) -> Option<crate::net::portmap::PortMapStatus> {
        live_sync(&*self.inner.live.lock().await).and_then(Sync::port_mapping)
    }

    /// Where this node's sync listens, while sync runs.
    pub async fn sync_addr(&self) -> Option<std::net::SocketAddr> {
        live_sync(&*self.inner.live.lock().await).map(Sync::local_addr)
    }

    /// An invite carrying this node's addresses (none while sync is off).
    ///
    /// # Errors
    /// [`NodeError::Replica`].
    pub async fn invite(
        &self,
        channel: &ChannelId,
        role: Role,
        expires: Option<Timestamp>,
    ) -> Result<(Invite, String), NodeError> {
        // Just after start, the router's answer (or its silence) comes first, so that
        // the invite carries the mapped address.
        let mapping = live_sync(&*self.inner.live.lock().await).and_then(Sync::port_mapping_watch);
        if let Some(mut rx) = mapping {
            let _ = tokio::time::timeout(PORT_MAPPING_WAIT, rx.wait_for(|s| s.settled)).await;
        }
        let addrs = live_sync(&*self.inner.live.lock().await).map(Sync::invite_addresses).unwrap_or_default();
        Ok(self.inner.replica.invite(channel, role, addrs, expires)?)
    }

    /// Joins by invite and waits up to `wait` for the first member's log (the gallery is
    /// then whole, thumbnails included).
    ///
    /// # Errors
    /// [`NodeError::NotStarted`] while sync is off; [`NodeError::Sync`].
    pub async fn join(&self, invite: &Invite, my_name: &str, wait: Duration) -> Result<ChannelId, NodeError> {
        let joining = {
            let live = self.inner.live.lock().await;
            let (s, _) = live.as_ref().and_then(|l| l.sync.as_ref()).ok_or(NodeError::NotStarted)?;
            s.start_join(invite, my_name)?
        };
        lock(&self.inner.left).remove(&invite.channel);
        // Waiting for the network must not hold the node meanwhile.
        Ok(joining.caught_up(wait).await?)
    }

    /// The channel list with unread counts.
    ///
    /// # Errors
    /// [`NodeError::Replica`].
    pub fn channels(&self) -> Result<Vec<ChannelSummary>, NodeError> {
        Ok(self.inner.replica.channels()?)
    }

    /// A gallery page.
    ///
    /// # Errors
    /// [`NodeError::Replica`].
    pub fn gallery(&self, channel: &ChannelId, cursor: Option<Cursor>, limit: u32) -> Result<Page, NodeError> {
        Ok(self.inner.replica.gallery(channel, cursor, limit)?)
    }

    /// The channel's visible posts, newest first.
    ///
    /// # Errors
    /// [`NodeError::Replica`].
    pub fn posts(&self, channel: &ChannelId) -> Result<Vec<crate::catalog::Post>, NodeError> {
        Ok(self.inner.replica.store().read(|c| crate::catalog::db::channel_posts(c, channel))?)
    }

    /// A post with its thread.
    ///
    /// # Errors
    /// [`NodeError::Replica`].
    pub fn thread(&self, post: &EventId) -> Result<Option<Thread>, NodeError> {
        Ok(self.inner.replica.thread(post)?)
    }

    /// What is new in each channel since the user last opened it (notifications).
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn news(&self) -> Result<Vec<db::News>, NodeError> {
        let me = self.inner.replica.device_id();
        Ok(self.inner.replica.store().read(|c| db::news(c, &me))?)
    }

    /// Originals arriving now: `(channel, post, progress)`.
    pub fn transfers(&self) -> Vec<(ChannelId, EventId, swarm::Progress)> {
        self.inner.fetching.snapshot()
    }

    /// Marks a channel as read (the user opened it).
    ///
    /// # Errors
    /// [`NodeError::Replica`].
    pub fn mark_read(&self, channel: &ChannelId) -> Result<(), NodeError> {
        self.inner.replica.mark_read(channel)?;
        let _ = self.inner.events.send(NodeEvent::Read { channel: *channel });
        Ok(())
    }
}

impl Inner {
    fn media_dir(&self, channel: &ChannelId) -> PathBuf {
        self.cfg.data_dir.join("media").join(channel.to_hex())
    }

    fn on_log_change(&self, change: &replica::LogChange) -> Vec<NodeEvent> {
        let me = self.replica.device_id();
        let theirs = change.events.iter().filter(|e| e.author != me).count() as u64;
        self.received.fetch_add(theirs, Ordering::Relaxed);
        if change.events.iter().any(|e| e.author != me) {
            self.wake.notify_one();
        }
        events::from_log(&self.replica, change)
    }

    fn originals_allowed(&self, ch: &ChannelId) -> bool {
        lock(&self.conditions).allowance(Some(ch)).originals.is_ok()
    }

    /// Brings sync and the swarm in line with the conditions and policies.
    async fn apply(self: &Arc<Self>) {
        let (global, any_channel, metered) = {
            let c = lock(&self.conditions);
            let global = c.allowance(None);
            let any = c.channels.keys().any(|ch| c.allowance(Some(ch)).originals.is_ok());
            (global, any, c.network.metered)
        };
        let originals_ok = global.originals.is_ok() || any_channel;
        let mut guard = self.live.lock().await;
        let Some(live) = guard.as_mut() else { return };
        match (global.log.is_ok(), live.sync.is_some()) {
            (true, false) => {
                let mut cfg = self.cfg.sync.clone();
                cfg.rendezvous = self.rendezvous_relays();
                cfg.swarm_listen = live.swarm.listen_addr();
                cfg.port_map.gateway = lock(&self.conditions).gateway.or(cfg.port_map.gateway);
                if cfg.dht.is_none() {
                    cfg.dht = live.swarm.rendezvous().map(sync::DhtConfig::new);
                }
                match Sync::start(Arc::clone(&self.replica), cfg).await {
                    Ok(s) => {
                        let fwd = tokio::spawn(events::forward(s.subscribe(), self.events.clone(), {
                            let weak = Arc::downgrade(self);
                            move |e| {
                                if let (Some(i), sync::SyncEvent::Connected { .. }) = (weak.upgrade(), e) {
                                    i.wake.notify_one();
                                }
                                events::from_sync(e).into_iter().collect()
                            }
                        }));
                        live.sync = Some((s, vec![fwd]));
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "sync could not start");
                        let _ = self.events.send(NodeEvent::Error { what: "sync could not start".into() });
                    }
                }
            }
            (false, true) => {
                if let Some((mut s, tasks)) = live.sync.take() {
                    s.unmap().await;
                    s.stop();
                    tasks.iter().for_each(JoinHandle::abort);
                }
            }
            _ => {}
        }
        if live.swarm.is_held() == originals_ok {
            live.swarm.hold(!originals_ok).await;
        }
        // Relaying moves other members' originals: only where this device's own could
        // (its policy aside: a node that keeps no originals may still relay), and never on
        // a metered network (its bytes are not counted against the budget).
        if let Some((s, _)) = &live.sync {
            let conditions_allow = matches!(global.originals, Ok(()) | Err(policy::Hold::Never));
            s.allow_relaying(conditions_allow && !metered);
        }
        drop(guard);
        let now = global.originals.err();
        let changed = {
            let mut c = lock(&self.conditions);
            let changed = c.reported != Some(now);
            c.reported = Some(now);
            changed
        };
        if changed {
            let _ = self.events.send(match now {
                Some(h) => NodeEvent::Held { originals: h, log_held: global.log.is_err() },
                None => NodeEvent::Released,
            });
        }
        self.wake.notify_one();
    }

    /// Member swarm addresses of `channel`, while sync runs.
    async fn swarm_peers(&self, channel: &ChannelId) -> Vec<std::net::SocketAddr> {
        let live = self.live.lock().await;
        let sync = live.as_ref().and_then(|l| l.sync.as_ref());
        sync.map(|(s, _)| s.member_swarm_addrs(channel).into_iter().map(|(_, a)| a).collect()).unwrap_or_default()
    }
}

/// Counts bytes moved on metered networks against the daily budget, re-applying the
/// policy when it runs out.
async fn metering(node: std::sync::Weak<Inner>, swarm: Arc<Swarm>) {
    let mut last = swarm.traffic();
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let Some(inner) = node.upgrade() else { return };
        let now = swarm.traffic();
        let moved = (now.0 + now.1).saturating_sub(last.0 + last.1);
        last = now;
        let spent_out = {
            let mut c = lock(&inner.conditions);
            if !c.network.is_metered() || moved == 0 {
                continue;
            }
            let day = today();
            if c.metered.0 != day {
                c.metered = (day, 0);
            }
            let before = c.allowance(None).log.is_ok();
            c.metered.1 += moved;
            let spent = c.metered;
            drop(c);
            // Kept across restarts: phones stop apps in the background all the time.
            let saved = inner.replica.store().write(|tx| db::set_metered_bytes(tx, spent.0, spent.1));
            if let Err(e) = saved {
                tracing::debug!(error = %e, "could not record metered usage");
            }
            before && lock(&inner.conditions).allowance(None).log.is_err()
        };
        if spent_out {
            inner.apply().await;
        }
    }
}
