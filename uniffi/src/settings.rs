//! The settings screen and the platform's conditions: network, battery, sync policies,
//! and what they hold back.

use swarmroll_core::node::{self, Hold, NetworkKind, NetworkState, Originals, PassSummary, Policy};

// The platform's conditions and the policies are the core's own types: each `type` alias
// names the core type as the apps see it, and UniFFI's remote declaration under it only
// describes that type to the bindings. There is no copy to convert to and from; the
// compiler checks every declaration against the core's definition, so a variant or field
// added there fails this build until it is named here.

/// The kind of network the platform reports.
pub type NetworkType = NetworkKind;

/// The kind of network the platform reports.
#[uniffi::remote(Enum)]
pub enum NetworkType {
    /// No network.
    None,
    /// Wi-Fi.
    Wifi,
    /// Wired.
    Ethernet,
    /// Mobile data.
    Cellular,
    /// Anything else (VPN, Bluetooth…).
    Other,
}

/// The network as the platform reports it.
pub type NetworkInfo = NetworkState;

/// The network as the platform reports it.
#[uniffi::remote(Record)]
pub struct NetworkInfo {
    /// What kind.
    pub kind: NetworkType,
    /// The platform says it costs money.
    pub metered: bool,
    /// Low Data Mode (iOS) or Data Saver (Android) is on.
    pub constrained: bool,
}

/// When originals (full photos and videos) move in the background.
pub type OriginalsPolicy = Originals;

/// When originals (full photos and videos) move in the background.
#[uniffi::remote(Enum)]
pub enum OriginalsPolicy {
    /// On unmetered networks only ("Wi-Fi only", the default).
    UnmeteredOnly,
    /// On any network, within the daily mobile-data budget.
    AnyNetwork,
    /// Never in the background: thumbnails only.
    Never,
}

/// A sync policy, global or for one channel.
pub type SyncPolicy = Policy;

/// A sync policy, global or for one channel.
#[uniffi::remote(Record)]
pub struct SyncPolicy {
    /// When originals move.
    pub originals: OriginalsPolicy,
    /// Let posts, comments and thumbnails flow on mobile data.
    pub log_on_metered: bool,
    /// Move originals only while charging.
    pub charging_only: bool,
    /// Most bytes per day on mobile data; `null`/`nil`: no cap.
    pub metered_daily_bytes: Option<u64>,
}

/// Why originals are held back now (show it on the transfers and settings screens).
pub type HoldReason = Hold;

/// Why originals are held back now (show it on the transfers and settings screens).
#[uniffi::remote(Enum)]
pub enum HoldReason {
    /// No network.
    Offline,
    /// The app is in the background and no sync pass is running.
    Paused,
    /// On mobile data, and the policy keeps originals for Wi-Fi.
    Metered,
    /// Low Data Mode / Data Saver is on.
    DataSaver,
    /// Waiting to be plugged in.
    NotCharging,
    /// The battery is low.
    BatteryLow,
    /// Today's mobile-data budget is spent.
    BudgetSpent,
    /// The policy never moves originals in the background.
    Never,
}

/// A channel with a policy of its own.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ChannelPolicy {
    /// The channel.
    pub channel_id: String,
    /// Its policy.
    pub policy: SyncPolicy,
}

/// What the settings screen shows.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SettingsState {
    /// This device's id.
    pub device_id: String,
    /// The policy for channels without their own.
    pub policy: SyncPolicy,
    /// Channels with their own policy.
    pub channel_policies: Vec<ChannelPolicy>,
    /// Why originals are held back now; `null`/`nil` when they move.
    pub held: Option<HoldReason>,
    /// Mobile data spent today, in bytes.
    pub metered_today_bytes: u64,
    /// The network the platform last reported.
    pub network: NetworkInfo,
    /// Plugged in, as last reported.
    pub charging: bool,
    /// Battery low, as last reported.
    pub battery_low: bool,
    /// The rendezvous relays the user named (`ip:port`).
    pub rendezvous_relays: Vec<String>,
}

impl From<node::SettingsView> for SettingsState {
    fn from(s: node::SettingsView) -> Self {
        SettingsState {
            device_id: s.device.to_hex(),
            policy: s.policy,
            channel_policies: s
                .channel_policies
                .into_iter()
                .map(|(c, p)| ChannelPolicy { channel_id: c.to_hex(), policy: p })
                .collect(),
            held: s.held,
            metered_today_bytes: s.metered_today,
            network: s.network,
            charging: s.power.charging,
            battery_low: s.power.battery_low,
            rendezvous_relays: s.rendezvous_relays.iter().map(ToString::to_string).collect(),
        }
    }
}

/// What a background sync window achieved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SyncPassResult {
    /// Events received from members.
    pub events_received: u64,
    /// Bytes of originals fetched.
    pub bytes_fetched: u64,
    /// Posts whose originals all arrived.
    pub posts_completed: u64,
    /// Posts still to fetch.
    pub remaining_posts: u64,
    /// Bytes still to fetch.
    pub remaining_bytes: u64,
    /// Members reconciled with.
    pub peers_synced: u64,
    /// Nothing is left to do (report "no more work" to the platform).
    pub complete: bool,
    /// How long it took.
    pub took_ms: u64,
}

impl From<PassSummary> for SyncPassResult {
    fn from(p: PassSummary) -> Self {
        SyncPassResult {
            events_received: p.events_received,
            bytes_fetched: p.bytes_fetched,
            posts_completed: p.posts_completed,
            remaining_posts: p.remaining_posts,
            remaining_bytes: p.remaining_bytes,
            peers_synced: p.peers_synced as u64,
            complete: p.complete,
            took_ms: u64::try_from(p.took.as_millis()).unwrap_or(u64::MAX),
        }
    }
}
