//! [`SwarmrollNode`]: the one object the apps drive, a thin wrapper over the core's
//! [`Node`] (no domain logic here: ids are parsed, records converted, errors mapped).

use crate::channel::Channel;
use crate::error::{guard, SwarmrollError};
use crate::events::LanState;
use crate::live::{self, ChannelListListener, EventListener, TransferListListener};
use crate::platform::{PosterMaker, Posters, SecureStorage, Vault};
use crate::records::{channel_id as channel_id_of, ChannelNews, ChannelRow, TransferRow};
use crate::runtime::{run, TaskHandle};
use crate::settings::{NetworkInfo, NetworkType, SettingsState, SyncPassResult, SyncPolicy};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use swarmroll_core::channel::Invite;
use swarmroll_core::import::PosterSource;
use swarmroll_core::node::SyncError;
use swarmroll_core::node::{Node, NodeConfig, NodeError, PowerState};
use swarmroll_core::Timestamp;

/// How a node is set up. Start from [`default_node_settings`].
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct NodeSettings {
    /// The app's private data folder (database, previews, received originals).
    pub data_dir: String,
    /// Where sync listens, as `ip:port`; `null`/`nil`: every interface on the standard
    /// port (another free port if it is taken).
    pub sync_address: Option<String>,
    /// Where BitTorrent listens, as `ip:port`; `null`/`nil`: every interface, any port.
    pub swarm_address: Option<String>,
    /// Find members on the local network (multicast beacons, then a subnet scan).
    pub local_discovery: bool,
    /// Find members over the internet (the BitTorrent DHT), and ask the router to
    /// forward this device's ports (PCP, NAT-PMP or UPnP) so that they can reach it.
    pub internet_discovery: bool,
    /// Rendezvous relays, each `ip:port`: servers someone runs (`swarmroll serve-relay`)
    /// where this device meets members nothing else reaches (two phones on mobile data,
    /// no home node on). They are in no channel and carry only ciphertext. Empty: none.
    pub rendezvous_relays: Vec<String>,
    /// Fetch members' originals in the background, as the policy allows.
    pub fetch_originals: bool,
    /// The network at start.
    pub network: NetworkInfo,
    /// Plugged in at start.
    pub charging: bool,
    /// Battery low at start.
    pub battery_low: bool,
}

/// The settings a phone app starts with: discovery everywhere, originals fetched in the
/// background on Wi-Fi.
#[uniffi::export]
pub fn default_node_settings(data_dir: String) -> NodeSettings {
    NodeSettings {
        data_dir,
        sync_address: None,
        swarm_address: None,
        local_discovery: true,
        internet_discovery: true,
        rendezvous_relays: Vec::new(),
        fetch_originals: true,
        network: NetworkInfo { kind: NetworkType::Wifi, metered: false, constrained: false },
        charging: true,
        battery_low: false,
    }
}

fn address(text: &Option<String>, what: &str) -> Result<Option<SocketAddr>, SwarmrollError> {
    text.as_deref()
        .map(|t| t.parse().map_err(|_| SwarmrollError::InvalidArgument { reason: format!("{what} is not ip:port") }))
        .transpose()
}

impl NodeSettings {
    fn config(&self) -> Result<NodeConfig, SwarmrollError> {
        let mut cfg = NodeConfig::new(&self.data_dir);
        if let Some(a) = address(&self.sync_address, "the sync address")? {
            cfg.sync.listen = a;
        }
        if let Some(a) = address(&self.swarm_address, "the swarm address")? {
            cfg.swarm.listen = a;
        }
        if !self.local_discovery {
            cfg.sync.lan = None;
        }
        cfg.swarm.dht = self.internet_discovery;
        // Being found over the internet includes asking the router for a port.
        cfg.sync.port_map.enabled = self.internet_discovery;
        cfg.sync.rendezvous = self
            .rendezvous_relays
            .iter()
            .map(|r| {
                r.parse()
                    .map_err(|_| SwarmrollError::InvalidArgument { reason: "a rendezvous relay is not ip:port".into() })
            })
            .collect::<Result<_, _>>()?;
        cfg.fetch_originals = self.fetch_originals;
        cfg.network = self.network;
        cfg.power = PowerState { charging: self.charging, battery_low: self.battery_low };
        Ok(cfg)
    }
}

/// The result of joining.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct JoinResult {
    /// The channel, now in the channel list.
    pub channel_id: String,
    /// A member was reached and the gallery is complete; `false`: nobody answered yet,
    /// the channel fills in when one does.
    pub synced: bool,
}

/// Runs a call that cannot fail on the library's runtime. Its only possible error is
/// the runtime itself failing, which the next fallible call reports.
async fn run_quietly(fut: impl std::future::Future<Output = ()> + Send + 'static) {
    let _ = run(async move {
        fut.await;
        Ok(())
    })
    .await;
}

/// A Swarmroll node: the app's whole core.
#[derive(uniffi::Object)]
pub struct SwarmrollNode {
    node: Node,
}

#[uniffi::export]
impl SwarmrollNode {
    /// Opens (creating) the data folder. Nothing touches the network until `start`.
    /// `key_storage` keeps the device's identity key in the platform's secure storage
    /// (moved there from the database on first use); `posters` decodes HEIC and video.
    ///
    /// # Errors
    /// `Storage` (folder or database), `Identity` (key storage failed or lost the key),
    /// `InvalidArgument` (an address).
    #[uniffi::constructor]
    pub fn open(
        settings: NodeSettings,
        key_storage: Option<Arc<dyn SecureStorage>>,
        posters: Option<Arc<dyn PosterMaker>>,
    ) -> Result<Arc<Self>, SwarmrollError> {
        guard(|| {
            let vault = key_storage.map(Vault);
            let mut cfg = settings.config()?;
            cfg.posters = posters.map(|p| PosterSource(Arc::new(Posters(p))));
            let node = Node::open_with(cfg, vault.as_ref().map(|v| v as _))?;
            Ok(Arc::new(SwarmrollNode { node }))
        })
    }

    /// This device's id.
    pub fn device_id(&self) -> String {
        self.node.device_id().to_hex()
    }

    /// Starts sync and transfers as the policy allows.
    ///
    /// # Errors
    /// `Network` (e.g. no port could be opened).
    pub async fn start(&self) -> Result<(), SwarmrollError> {
        let node = self.node.clone();
        run(async move { Ok(node.start().await?) }).await
    }

    /// Stops everything network; `start` again later.
    pub async fn stop(&self) {
        let node = self.node.clone();
        run_quietly(async move { node.stop().await }).await;
    }

    /// The app went to the background: sync stops, transfers are held in place.
    pub async fn pause(&self) {
        let node = self.node.clone();
        run_quietly(async move { node.pause().await }).await;
    }

    /// The app came to the foreground.
    pub async fn resume(&self) {
        let node = self.node.clone();
        run_quietly(async move { node.resume().await }).await;
    }

    /// The platform reports a new network.
    pub async fn network_changed(&self, network: NetworkInfo) {
        let node = self.node.clone();
        run_quietly(async move { node.network_changed(network).await }).await;
    }

    /// The platform names the router of the network it is on (Android: the default
    /// route's gateway from `LinkProperties`; `None`: unknown). Ports are mapped there.
    ///
    /// # Errors
    /// `InvalidArgument` if `gateway` is not an IP address.
    pub async fn router_changed(&self, gateway: Option<String>) -> Result<(), SwarmrollError> {
        let gateway = gateway
            .map(|g| {
                g.parse()
                    .map_err(|_| SwarmrollError::InvalidArgument { reason: "the gateway is not an IP address".into() })
            })
            .transpose()?;
        let node = self.node.clone();
        run_quietly(async move { node.router_changed(gateway).await }).await;
        Ok(())
    }

    /// The platform reports a new battery state.
    pub async fn power_changed(&self, charging: bool, battery_low: bool) {
        let node = self.node.clone();
        run_quietly(async move { node.power_changed(charging, battery_low).await }).await;
    }

    /// A background window from the platform (BGProcessingTask, WorkManager): syncs for
    /// at most `budget_ms` and reports what it did.
    ///
    /// # Errors
    /// `Network` if the node could not start.
    pub async fn sync_for(&self, budget_ms: u64) -> Result<SyncPassResult, SwarmrollError> {
        let node = self.node.clone();
        run(async move { Ok(node.sync_for(Duration::from_millis(budget_ms)).await?.into()) }).await
    }

    /// Creates a channel owned by this device; `my_name` is the user's name in it. A
    /// `private` channel's posts and originals are end-to-end encrypted for its members
    /// (no viewer links to the public, no torrent for outside clients).
    ///
    /// # Errors
    /// `InvalidArgument` (an empty or too long name), `Storage`.
    pub fn create_channel(&self, name: String, my_name: String, private: bool) -> Result<Arc<Channel>, SwarmrollError> {
        guard(|| {
            let id = self.node.create_channel(&name, &my_name, private)?;
            Ok(Channel::new(self.node.clone(), id))
        })
    }

    /// One of this device's channels, by id.
    ///
    /// # Errors
    /// `InvalidArgument` (not an id), `NotFound` (not a channel of this device).
    pub fn channel(&self, channel_id: String) -> Result<Arc<Channel>, SwarmrollError> {
        guard(|| {
            let id = channel_id_of(&channel_id)?;
            if !self.node.channels()?.iter().any(|c| c.id == id) {
                return Err(SwarmrollError::NotFound { reason: "this device is not in that channel".into() });
            }
            Ok(Channel::new(self.node.clone(), id))
        })
    }

    /// The channel list (home screen).
    ///
    /// # Errors
    /// `Storage`.
    pub fn channels(&self) -> Result<Vec<ChannelRow>, SwarmrollError> {
        guard(|| Ok(self.node.channels()?.into_iter().map(Into::into).collect()))
    }

    /// What is new per channel since the user last opened it (notifications).
    ///
    /// # Errors
    /// `Storage`.
    pub fn news(&self) -> Result<Vec<ChannelNews>, SwarmrollError> {
        guard(|| Ok(self.node.news()?.into_iter().map(Into::into).collect()))
    }

    /// Posts arriving now.
    pub fn transfers(&self) -> Vec<TransferRow> {
        self.node.transfer_list().into_iter().map(Into::into).collect()
    }

    /// The settings screen's state.
    pub fn settings(&self) -> SettingsState {
        self.node.settings().into()
    }

    /// Sets the policy of every channel without one of its own (`Channel.set_policy`).
    ///
    /// # Errors
    /// `Storage` (then it is not applied).
    pub async fn set_default_policy(&self, policy: SyncPolicy) -> Result<(), SwarmrollError> {
        let node = self.node.clone();
        run(async move { Ok(node.set_policy(None, policy).await?) }).await
    }

    /// Names the rendezvous relays (`ip:port`, e.g. a `swarmroll serve-relay` a friend
    /// runs) where this device meets members that nothing else reaches; replaces the
    /// list, is kept, and applies at once.
    ///
    /// # Errors
    /// `InvalidArgument` for text that is not `ip:port`, an address no relay can have,
    /// or more than 8 (nothing changes then); `Storage`.
    pub async fn set_rendezvous_relays(&self, relays: Vec<String>) -> Result<(), SwarmrollError> {
        let parsed = relays
            .iter()
            .map(|r| {
                r.trim().parse().map_err(|_| SwarmrollError::InvalidArgument {
                    reason: "a relay is an address and a port, such as 203.0.113.7:51418".into(),
                })
            })
            .collect::<Result<Vec<std::net::SocketAddr>, _>>()?;
        let node = self.node.clone();
        run(async move { Ok(node.set_rendezvous_relays(&parsed).await?) }).await
    }

    /// What local discovery found last (client isolation shows here); `null`/`nil`
    /// while sync is off.
    pub async fn lan_state(&self) -> Option<LanState> {
        let node = self.node.clone();
        run(async move { Ok(node.lan_status().await.map(Into::into)) }).await.ok().flatten()
    }

    /// Joins the channel of an invite link as `my_name`, waiting up to `wait_ms` for a
    /// member's log (the gallery, thumbnails included, is then complete).
    ///
    /// # Errors
    /// `InvalidInvite` (with the reason for the user), `NotStarted`.
    pub async fn join(&self, link: String, my_name: String, wait_ms: u64) -> Result<JoinResult, SwarmrollError> {
        let invite = Invite::parse(&link, Timestamp::now())?;
        let node = self.node.clone();
        run(async move {
            let channel_id = invite.channel.to_hex();
            match node.join(&invite, &my_name, Duration::from_millis(wait_ms)).await {
                Ok(_) => Ok(JoinResult { channel_id, synced: true }),
                Err(NodeError::Sync(SyncError::NoPeerReachable)) => Ok(JoinResult { channel_id, synced: false }),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    /// Every event from now on, until the handle is cancelled.
    ///
    /// # Errors
    /// `Internal` if the core's threads could not start.
    pub fn subscribe(&self, listener: Arc<dyn EventListener>) -> Result<Arc<TaskHandle>, SwarmrollError> {
        live::events(&self.node, listener)
    }

    /// The channel list, live.
    ///
    /// # Errors
    /// `Storage`.
    pub fn watch_channels(&self, listener: Arc<dyn ChannelListListener>) -> Result<Arc<TaskHandle>, SwarmrollError> {
        live::forward(|| self.node.watch_channels(), listener)
    }

    /// Posts arriving, live.
    ///
    /// # Errors
    /// `Internal` if the core's threads could not start.
    pub fn watch_transfers(&self, listener: Arc<dyn TransferListListener>) -> Result<Arc<TaskHandle>, SwarmrollError> {
        live::forward(|| self.node.watch_transfers(), listener)
    }
}
