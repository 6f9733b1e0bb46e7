//! [`SwarmrollNode`]: the one object the apps drive, a thin wrapper over the core's
//! [`Node`] (no domain logic here: ids are parsed, records converted, errors mapped).

use crate::error::{guard, SwarmrollError};
use crate::events::LanState;
use crate::live::{self, ChannelListListener, EventListener, GalleryListener, ThreadListener, TransferListListener};
use crate::platform::{poster_for, PosterMaker, SecureStorage, Vault};
use crate::records::{
    event_id, ChannelNews, ChannelRow, GalleryCursor, GalleryItem, GalleryPage, InviteLink, MemberRole, ThreadItem,
    TransferRow,
};
use crate::runtime::{run, TaskHandle};
use crate::settings::{NetworkInfo, NetworkType, SettingsState, SyncPassResult, SyncPolicy};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use swarmroll_core::catalog::Cursor;
use swarmroll_core::channel::{Invite, Role};
use swarmroll_core::import::Request;
use swarmroll_core::node::{Node, NodeConfig, NodeError, PowerState};
use swarmroll_core::{sync, ContentHash, Timestamp};

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
    /// Find members over the internet (the BitTorrent DHT).
    pub internet_discovery: bool,
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
        cfg.fetch_originals = self.fetch_originals;
        cfg.network = self.network.into();
        cfg.power = PowerState { charging: self.charging, battery_low: self.battery_low };
        Ok(cfg)
    }
}

/// A photo or video to share, as the platform exported it to a file.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ShareFile {
    /// The file.
    pub path: String,
    /// The platform's id for the asset (so it is not offered again).
    pub asset_id: Option<String>,
    /// The platform's creation time, used when the file has none with a time zone.
    pub created_ms: Option<i64>,
}

/// A file that was not shared, and why.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SkippedFile {
    /// Its position in the request.
    pub index: u32,
    /// Why, for the user.
    pub reason: String,
}

/// What sharing did.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ShareResult {
    /// The new post.
    pub post_id: String,
    /// Files in the post.
    pub shared: u32,
    /// Files already shared before (not posted again).
    pub duplicates: u32,
    /// Files that could not be used.
    pub skipped: Vec<SkippedFile>,
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

/// A Swarmroll node: the app's whole core.
#[derive(uniffi::Object)]
pub struct SwarmrollNode {
    node: Node,
    posters: Option<Arc<dyn PosterMaker>>,
}

fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn invite_role(role: MemberRole) -> Result<Role, SwarmrollError> {
    match role {
        MemberRole::Viewer => Ok(Role::Viewer),
        MemberRole::Contributor => Ok(Role::Contributor),
        MemberRole::Admin | MemberRole::Owner => {
            Err(SwarmrollError::InvalidArgument { reason: "an invite makes viewers or contributors".into() })
        }
    }
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
            let node = Node::open_with(settings.config()?, vault.as_ref().map(|v| v as _))?;
            Ok(Arc::new(SwarmrollNode { node, posters }))
        })
    }

    /// This device's id.
    pub fn device_id(&self) -> String {
        self.node.replica().device_id().to_hex()
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
        let _ = run(async move {
            node.stop().await;
            Ok(())
        })
        .await;
    }

    /// The app went to the background: sync stops, transfers are held in place.
    pub async fn pause(&self) {
        let node = self.node.clone();
        let _ = run(async move {
            node.pause().await;
            Ok(())
        })
        .await;
    }

    /// The app came to the foreground.
    pub async fn resume(&self) {
        let node = self.node.clone();
        let _ = run(async move {
            node.resume().await;
            Ok(())
        })
        .await;
    }

    /// The platform reports a new network.
    pub async fn network_changed(&self, network: NetworkInfo) {
        let node = self.node.clone();
        let _ = run(async move {
            node.network_changed(network.into()).await;
            Ok(())
        })
        .await;
    }

    /// The platform reports a new battery state.
    pub async fn power_changed(&self, charging: bool, battery_low: bool) {
        let node = self.node.clone();
        let _ = run(async move {
            node.power_changed(charging, battery_low).await;
            Ok(())
        })
        .await;
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

    /// Creates a channel owned by this device; `my_name` is the user's name in it.
    ///
    /// # Errors
    /// `InvalidArgument` (an empty or too long name), `Storage`.
    pub fn create_channel(&self, name: String, my_name: String) -> Result<String, SwarmrollError> {
        guard(|| Ok(self.node.replica().create_channel(&name, None, &my_name)?.to_hex()))
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

    /// The user opened the channel.
    ///
    /// # Errors
    /// `InvalidArgument`, `NotFound`, `Storage`.
    pub fn mark_read(&self, channel_id: String) -> Result<(), SwarmrollError> {
        guard(|| Ok(self.node.mark_read(&crate::records::channel_id(&channel_id)?)?))
    }

    /// A page of the gallery, newest first; pass the previous page's `next` to go on.
    ///
    /// # Errors
    /// `InvalidArgument`, `Storage`.
    pub fn gallery(
        &self,
        channel_id: String,
        after: Option<GalleryCursor>,
        limit: u32,
    ) -> Result<GalleryPage, SwarmrollError> {
        guard(|| {
            let cursor = after
                .map(|c| {
                    let hash = ContentHash::from_hex(&c.content_hash)
                        .ok_or_else(|| SwarmrollError::InvalidArgument { reason: "not a gallery cursor".into() })?;
                    Ok::<_, SwarmrollError>(Cursor { sort_ms: c.sort_time_ms, content_hash: hash })
                })
                .transpose()?;
            let page = self.node.gallery(&crate::records::channel_id(&channel_id)?, cursor, limit)?;
            Ok(GalleryPage {
                items: page.items.into_iter().map(GalleryItem::from).collect(),
                next: page
                    .next
                    .map(|c| GalleryCursor { sort_time_ms: c.sort_ms, content_hash: c.content_hash.to_hex() }),
            })
        })
    }

    /// The viewer's thread of a post: the post first, then its comments oldest first;
    /// empty when the post is not (or no longer) visible.
    ///
    /// # Errors
    /// `InvalidArgument`, `Storage`.
    pub fn thread(&self, post_id: String) -> Result<Vec<ThreadItem>, SwarmrollError> {
        guard(|| Ok(self.node.thread_entries(&event_id(&post_id)?)?.into_iter().map(Into::into).collect()))
    }

    /// Comments on a post (or answers `reply_to`, a comment on it); returns the comment's id.
    ///
    /// # Errors
    /// `InvalidArgument` (empty or too long text, bad ids), `NotAllowed`, `NotFound`.
    pub fn comment(
        &self,
        channel_id: String,
        post_id: String,
        text: String,
        reply_to: Option<String>,
    ) -> Result<String, SwarmrollError> {
        guard(|| {
            let reply = reply_to.as_deref().map(event_id).transpose()?;
            let ch = crate::records::channel_id(&channel_id)?;
            Ok(self.node.replica().comment(&ch, &event_id(&post_id)?, &text, reply)?.to_hex())
        })
    }

    /// Adds (`on`) or takes back a reaction to a post or comment.
    ///
    /// # Errors
    /// `InvalidArgument`, `NotAllowed`, `NotFound`.
    pub fn react(&self, channel_id: String, target_id: String, emoji: String, on: bool) -> Result<(), SwarmrollError> {
        guard(|| {
            let ch = crate::records::channel_id(&channel_id)?;
            self.node.replica().react(&ch, &event_id(&target_id)?, &emoji, on)?;
            Ok(())
        })
    }

    /// Posts arriving now.
    pub fn transfers(&self) -> Vec<TransferRow> {
        self.node.transfer_list().into_iter().map(Into::into).collect()
    }

    /// The settings screen's state.
    pub fn settings(&self) -> SettingsState {
        self.node.settings().into()
    }

    /// Sets the policy of one channel, or the global one (`channel_id` null/nil).
    ///
    /// # Errors
    /// `InvalidArgument`, `Storage` (then it is not applied).
    pub async fn set_policy(&self, channel_id: Option<String>, policy: SyncPolicy) -> Result<(), SwarmrollError> {
        let ch = channel_id.as_deref().map(crate::records::channel_id).transpose()?;
        let node = self.node.clone();
        run(async move { Ok(node.set_policy(ch, policy.into()).await?) }).await
    }

    /// What local discovery found last (client isolation shows here); `null`/`nil`
    /// while sync is off.
    pub async fn lan_state(&self) -> Option<LanState> {
        let node = self.node.clone();
        run(async move { Ok(node.lan_status().await.map(Into::into)) }).await.ok().flatten()
    }

    /// An invite to a channel as a link and a QR code, carrying this node's addresses.
    /// `expires_ms`: when it stops working (`null`/`nil`: never).
    ///
    /// # Errors
    /// `InvalidArgument` (role), `NotFound`, `NotAllowed` (a viewer cannot invite
    /// contributors).
    pub async fn invite(
        &self,
        channel_id: String,
        role: MemberRole,
        expires_ms: Option<i64>,
    ) -> Result<InviteLink, SwarmrollError> {
        let ch = crate::records::channel_id(&channel_id)?;
        let role = invite_role(role)?;
        let node = self.node.clone();
        run(async move {
            let (invite, link) = node.invite(&ch, role, expires_ms.map(Timestamp)).await?;
            let qr_png = swarmroll_core::channel::qr::png(&link, 8)
                .map_err(|e| SwarmrollError::Internal { reason: e.to_string() })?;
            Ok(InviteLink { link, qr_png, invite: invite.into() })
        })
        .await
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
                Err(NodeError::Sync(sync::SyncError::NoPeerReachable)) => Ok(JoinResult { channel_id, synced: false }),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    /// Imports files and posts them with `caption`. Import progress arrives as
    /// `ImportProgress` events; files that cannot be used are skipped with a reason.
    ///
    /// # Errors
    /// `NotStarted`; `InvalidArgument` when no file could be used; `NotAllowed` for a
    /// viewer.
    pub async fn share(
        &self,
        channel_id: String,
        caption: String,
        files: Vec<ShareFile>,
    ) -> Result<ShareResult, SwarmrollError> {
        let ch = crate::records::channel_id(&channel_id)?;
        let node = self.node.clone();
        let posters = self.posters.clone();
        run(async move {
            let requests = tokio::task::spawn_blocking(move || {
                files
                    .into_iter()
                    .map(|f| {
                        let path = std::path::PathBuf::from(f.path);
                        Request {
                            poster: posters.as_deref().and_then(|p| poster_for(p, &path)),
                            path,
                            asset_id: f.asset_id,
                            platform_time: f.created_ms.map(Timestamp),
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .await
            .map_err(|e| {
                if e.is_panic() {
                    crate::error::panicked(e.into_panic().as_ref())
                } else {
                    SwarmrollError::Internal { reason: "reading the files was stopped".into() }
                }
            })?;
            let (post, summary) = node.share(&ch, &caption, requests).await?;
            Ok(ShareResult {
                post_id: post.to_hex(),
                shared: index(summary.imported.len()),
                duplicates: index(summary.duplicates.len()),
                skipped: summary
                    .failed
                    .into_iter()
                    .map(|(i, e)| SkippedFile { index: index(i), reason: e.to_string() })
                    .collect(),
            })
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

    /// The newest `limit` gallery items of a channel, live.
    ///
    /// # Errors
    /// `InvalidArgument`, `Storage`.
    pub fn watch_gallery(
        &self,
        channel_id: String,
        limit: u32,
        listener: Arc<dyn GalleryListener>,
    ) -> Result<Arc<TaskHandle>, SwarmrollError> {
        let ch = crate::records::channel_id(&channel_id)?;
        live::forward(|| self.node.watch_gallery(ch, limit), listener)
    }

    /// The viewer's thread of a post, live.
    ///
    /// # Errors
    /// `InvalidArgument`, `Storage`.
    pub fn watch_thread(
        &self,
        post_id: String,
        listener: Arc<dyn ThreadListener>,
    ) -> Result<Arc<TaskHandle>, SwarmrollError> {
        let post = event_id(&post_id)?;
        live::forward(|| self.node.watch_thread(post), listener)
    }

    /// Posts arriving, live.
    ///
    /// # Errors
    /// `Internal` if the core's threads could not start.
    pub fn watch_transfers(&self, listener: Arc<dyn TransferListListener>) -> Result<Arc<TaskHandle>, SwarmrollError> {
        live::forward(|| self.node.watch_transfers(), listener)
    }
}
