//! When sync may use the network: the platform's network and power state against the
//! user's policy, decided without I/O (unit-tested as a table).
//!
//! Two kinds of traffic: the channel log (events, comments, thumbnails: small) and
//! originals (photos and videos in full, both directions: large). By default the log
//! flows on any network and originals on unmetered ones only — the "Wi-Fi only" a phone
//! user expects, which also keeps a metered hotspot or ethernet tether unspent.

use serde::{Deserialize, Serialize};

/// The kind of network the platform reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NetworkKind {
    /// No network.
    None,
    /// Wi-Fi.
    Wifi,
    /// Wired.
    Ethernet,
    /// Mobile data.
    Cellular,
    /// Anything else (VPN without a known underlying network, Bluetooth…).
    Other,
}

/// The network as the platform reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkState {
    /// What kind.
    pub kind: NetworkKind,
    /// The platform says it costs money (a cellular plan, a metered hotspot).
    pub metered: bool,
    /// The user asked apps to save data (iOS Low Data Mode, Android Data Saver).
    pub constrained: bool,
}

impl NetworkState {
    /// Unmetered Wi-Fi.
    pub const WIFI: NetworkState = NetworkState { kind: NetworkKind::Wifi, metered: false, constrained: false };
    /// Mobile data.
    pub const CELLULAR: NetworkState = NetworkState { kind: NetworkKind::Cellular, metered: true, constrained: false };
    /// No network.
    pub const NONE: NetworkState = NetworkState { kind: NetworkKind::None, metered: false, constrained: false };

    /// Costs money: metered, or cellular whatever the platform says.
    pub fn is_metered(&self) -> bool {
        self.metered || self.kind == NetworkKind::Cellular
    }
}

/// The battery as the platform reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerState {
    /// Plugged in.
    pub charging: bool,
    /// The platform's low-battery (or battery saver) signal.
    pub battery_low: bool,
}

impl Default for PowerState {
    fn default() -> Self {
        PowerState { charging: true, battery_low: false }
    }
}

/// When originals move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Originals {
    /// On unmetered networks only (default).
    UnmeteredOnly,
    /// On any network, within the daily cellular budget.
    AnyNetwork,
    /// Never in the background (only thumbnails; a photo opened is fetched on demand).
    Never,
}

/// A sync policy: global, or for one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// When originals move.
    pub originals: Originals,
    /// Let the log (comments, posts with their thumbnails) flow on metered networks.
    pub log_on_metered: bool,
    /// Move originals only while charging.
    pub charging_only: bool,
    /// Most bytes per day on metered networks, log and originals together (`None`: no cap).
    pub metered_daily_bytes: Option<u64>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            originals: Originals::UnmeteredOnly,
            log_on_metered: true,
            charging_only: false,
            metered_daily_bytes: None,
        }
    }
}

/// Why some traffic is held back (shown to the user).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Hold {
    /// No network.
    Offline,
    /// The app is in the background and no sync pass is running.
    Paused,
    /// The network is metered and the policy keeps originals for unmetered ones.
    Metered,
    /// The user asked to save data.
    DataSaver,
    /// Waiting to be plugged in.
    NotCharging,
    /// The battery is low.
    BatteryLow,
    /// Today's metered budget is spent.
    BudgetSpent,
    /// The policy never moves originals in the background.
    Never,
}

/// What may move now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    /// The log: `Ok` or why not.
    pub log: Result<(), Hold>,
    /// Originals: `Ok` or why not.
    pub originals: Result<(), Hold>,
}

/// Decides what may move under `policy` given the network, the battery, whether the
/// node is paused, and the bytes already spent on metered networks today.
pub fn decide(policy: &Policy, net: NetworkState, power: PowerState, paused: bool, metered_today: u64) -> Allowance {
    let log = if paused {
        Err(Hold::Paused)
    } else if net.kind == NetworkKind::None {
        Err(Hold::Offline)
    } else if net.is_metered() && !policy.log_on_metered {
        Err(Hold::Metered)
    } else if net.is_metered() && policy.metered_daily_bytes.is_some_and(|cap| metered_today >= cap) {
        Err(Hold::BudgetSpent)
    } else {
        Ok(())
    };
    let originals = match log {
        Err(h) => Err(h),
        Ok(()) if policy.originals == Originals::Never => Err(Hold::Never),
        Ok(()) if net.constrained => Err(Hold::DataSaver),
        Ok(()) if net.is_metered() && policy.originals == Originals::UnmeteredOnly => Err(Hold::Metered),
        Ok(()) if power.battery_low && !power.charging => Err(Hold::BatteryLow),
        Ok(()) if policy.charging_only && !power.charging => Err(Hold::NotCharging),
        Ok(()) => Ok(()),
    };
    Allowance { log, originals }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLUGGED: PowerState = PowerState { charging: true, battery_low: false };
    const ON_BATTERY: PowerState = PowerState { charging: false, battery_low: false };
    const LOW: PowerState = PowerState { charging: false, battery_low: true };

    fn d(p: Policy, n: NetworkState, w: PowerState) -> (Result<(), Hold>, Result<(), Hold>) {
        let a = decide(&p, n, w, false, 0);
        (a.log, a.originals)
    }

    #[test]
    fn wifi_only_by_default() {
        let p = Policy::default();
        assert_eq!(d(p, NetworkState::WIFI, ON_BATTERY), (Ok(()), Ok(())));
        assert_eq!(d(p, NetworkState::CELLULAR, PLUGGED), (Ok(()), Err(Hold::Metered)));
        assert_eq!(d(p, NetworkState::NONE, PLUGGED), (Err(Hold::Offline), Err(Hold::Offline)));
        // A metered Wi-Fi (a phone's hotspot) is metered.
        let hotspot = NetworkState { metered: true, ..NetworkState::WIFI };
        assert_eq!(d(p, hotspot, PLUGGED), (Ok(()), Err(Hold::Metered)));
        // Low Data Mode keeps originals back even on Wi-Fi.
        let saver = NetworkState { constrained: true, ..NetworkState::WIFI };
        assert_eq!(d(p, saver, PLUGGED), (Ok(()), Err(Hold::DataSaver)));
        assert_eq!(decide(&p, NetworkState::WIFI, PLUGGED, true, 0).log, Err(Hold::Paused));
    }

    #[test]
    fn the_user_can_loosen_or_tighten_it() {
        let anywhere = Policy { originals: Originals::AnyNetwork, ..Policy::default() };
        assert_eq!(d(anywhere, NetworkState::CELLULAR, PLUGGED), (Ok(()), Ok(())));
        let no_cell_log = Policy { log_on_metered: false, ..Policy::default() };
        assert_eq!(d(no_cell_log, NetworkState::CELLULAR, PLUGGED), (Err(Hold::Metered), Err(Hold::Metered)));
        let charging = Policy { charging_only: true, ..Policy::default() };
        assert_eq!(d(charging, NetworkState::WIFI, ON_BATTERY), (Ok(()), Err(Hold::NotCharging)));
        assert_eq!(d(charging, NetworkState::WIFI, PLUGGED), (Ok(()), Ok(())));
        assert_eq!(d(Policy::default(), NetworkState::WIFI, LOW), (Ok(()), Err(Hold::BatteryLow)));
        let never = Policy { originals: Originals::Never, ..Policy::default() };
        assert_eq!(d(never, NetworkState::WIFI, PLUGGED), (Ok(()), Err(Hold::Never)));
    }

    #[test]
    fn the_daily_budget_applies_to_metered_networks_only() {
        let p = Policy { originals: Originals::AnyNetwork, metered_daily_bytes: Some(1_000), ..Policy::default() };
        assert_eq!(decide(&p, NetworkState::CELLULAR, PLUGGED, false, 999).originals, Ok(()));
        let spent = decide(&p, NetworkState::CELLULAR, PLUGGED, false, 1_000);
        assert_eq!((spent.log, spent.originals), (Err(Hold::BudgetSpent), Err(Hold::BudgetSpent)));
        assert_eq!(decide(&p, NetworkState::WIFI, PLUGGED, false, 5_000).originals, Ok(()));
    }
}
