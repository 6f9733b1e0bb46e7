//! Port mapping on the home router, so that members beyond it can dial this node: PCP
//! (RFC 6887), falling back to NAT-PMP (RFC 6886) when the router answers PCP with "use
//! NAT-PMP", through the `crab_nat` crate.
//!
//! Routers that speak neither are asked over UPnP-IGD ([`upnp`], through `igd-next`).
//!
//! A node behind a home router is otherwise reachable only through a member that
//! reaches both sides (call-backs, punching, relays: `crate::sync`). With a mapping it is
//! a home node with a public address: its invites carry the mapped address first, and
//! members anywhere connect to it directly.
//!
//! What is mapped: the sync port and the swarm port, TCP, each asking for the same
//! external port (members learn the swarm port from the sync handshake and pair it with
//! the address they reached). Mappings last [`LIFETIME`] and are renewed at half of
//! it, so a node that dies leaves nothing open for long; [`PortMapper::release`] deletes
//! them when sync stops. Where the router does not answer, the node tries again every
//! [`RETRY`] (a router rebooted). The gateway is followed: the default route's, looked
//! at every [`GATEWAY_CHECK`], or the one the platform names
//! ([`PortMapper::set_gateway`]: Android apps may not read the routing table); when it
//! changes (a laptop or phone on another network) the node maps on the new router.

use crab_nat::{InternetProtocol, PortMapping, PortMappingOptions, PortMappingType, TimeoutConfig};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU16;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

mod upnp;

/// How long a mapping is asked for.
pub const LIFETIME: Duration = Duration::from_secs(600);
/// How soon an unanswered or refused request is tried again.
pub const RETRY: Duration = Duration::from_secs(60);
/// Requests to the router: 250 ms, doubling, three retries (under 4 s in all, against
/// the RFCs' 64 s: a router that does not answer within that does not speak it).
const TIMEOUTS: TimeoutConfig = TimeoutConfig {
    initial_timeout: Duration::from_millis(250),
    max_retries: 3,
    max_retry_timeout: Some(Duration::from_secs(2)),
};

/// Whether and where to ask for mappings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortMapConfig {
    /// Ask the router at all.
    pub enabled: bool,
    /// The router to ask (`None`: the default route's gateway, where the system tells).
    pub gateway: Option<IpAddr>,
}

impl Default for PortMapConfig {
    fn default() -> Self {
        PortMapConfig { enabled: true, gateway: None }
    }
}

/// Which protocol a mapping was made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapProtocol {
    /// Port Control Protocol (RFC 6887).
    Pcp,
    /// NAT Port Mapping Protocol (RFC 6886).
    NatPmp,
    /// UPnP Internet Gateway Device (`WANIPConnection`).
    Upnp,
}

/// One port mapped on the router.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mapped {
    /// How it was made.
    pub protocol: MapProtocol,
    /// This node's port.
    pub internal_port: u16,
    /// Where members beyond the router reach it.
    pub external: SocketAddr,
}

/// What the port mapper has (for status and invites).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortMapStatus {
    /// The router asked (`None`: none found).
    pub gateway: Option<IpAddr>,
    /// The mappings in force.
    pub mapped: Vec<Mapped>,
    /// The first round of requests is over (answered or not).
    pub settled: bool,
}

impl PortMapStatus {
    /// The mapped address of internal port `port`, if any.
    pub fn external(&self, port: u16) -> Option<SocketAddr> {
        self.mapped.iter().find(|m| m.internal_port == port).map(|m| m.external)
    }
}

/// How often the default route is looked at again (a laptop joined another network).
const GATEWAY_CHECK: Duration = Duration::from_secs(5);

/// Keeps mappings for some ports alive until released, on whichever router is the
/// gateway now.
pub struct PortMapper {
    status: watch::Receiver<PortMapStatus>,
    held: Arc<tokio::sync::Mutex<Vec<Lease>>>,
    /// The router the platform names (`None`: the default route's, where readable).
    told: watch::Sender<Option<IpAddr>>,
    task: tokio::task::JoinHandle<()>,
}

impl PortMapper {
    /// Starts mapping `ports` (TCP) on the router of `cfg`, or the default route's
    /// gateway, following it when it changes. `None` when mapping is off.
    pub fn start(cfg: PortMapConfig, ports: Vec<u16>) -> Option<PortMapper> {
        if !cfg.enabled || ports.is_empty() {
            return None;
        }
        let (tx, status) = watch::channel(PortMapStatus::default());
        let (told, told_rx) = watch::channel(cfg.gateway);
        let held = Arc::default();
        let task = tokio::spawn(follow(told_rx, ports, tx, Arc::clone(&held)));
        Some(PortMapper { status, held, told, task })
    }

    /// The platform names the router of the network it is on now (`None`: it does not
    /// know; the default route's gateway is read where the system allows). Mappings on
    /// the previous router are deleted and the ports mapped on this one.
    pub fn set_gateway(&self, gateway: Option<IpAddr>) {
        self.told.send_if_modified(|g| std::mem::replace(g, gateway) != gateway);
    }

    /// The mappings now.
    pub fn status(&self) -> PortMapStatus {
        self.status.borrow().clone()
    }

    /// Follows the mappings (`settled` once the first round of requests is over).
    pub fn watch(&self) -> watch::Receiver<PortMapStatus> {
        self.status.clone()
    }

    /// Stops renewing and deletes the mappings from the router (best effort, bounded).
    pub async fn release(&self) {
        self.task.abort();
        let held: Vec<Lease> = std::mem::take(&mut *self.held.lock().await);
        delete_all(held).await;
    }
}

impl Drop for PortMapper {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A mapping held on the router, by whichever protocol made it.
enum Lease {
    /// PCP or NAT-PMP.
    Pcp(PortMapping),
    Upnp(upnp::Lease),
}

impl Lease {
    fn internal_port(&self) -> u16 {
        match self {
            Lease::Pcp(m) => m.internal_port().get(),
            Lease::Upnp(l) => l.internal_port(),
        }
    }

    fn until_renewal(&self) -> Duration {
        match self {
            Lease::Pcp(m) => until_renewal(m),
            Lease::Upnp(l) => l.until_renewal(),
        }
    }

    async fn renew(&mut self) -> bool {
        match self {
            Lease::Pcp(m) => m.renew().await.is_ok(),
            Lease::Upnp(l) => l.renew().await,
        }
    }

    async fn delete(self) -> bool {
        match self {
            Lease::Pcp(m) => m.try_drop().await.is_ok(),
            Lease::Upnp(l) => l.delete().await,
        }
    }
}

/// Follows the gateway: maps on it, and when it changes deletes the old router's
/// mappings (best effort: it may be out of reach) and maps on the new one.
async fn follow(
    mut told: watch::Receiver<Option<IpAddr>>,
    ports: Vec<u16>,
    tx: watch::Sender<PortMapStatus>,
    held: Arc<tokio::sync::Mutex<Vec<Lease>>>,
) {
    let mut keeping: Option<(IpAddr, Keeping)> = None;
    loop {
        let gateway = (*told.borrow_and_update()).or_else(|| default_gateway().map(IpAddr::V4));
        if gateway != keeping.as_ref().map(|(g, _)| *g) {
            if keeping.take().is_some() {
                tracing::debug!("the gateway changed: mapping again");
                let old: Vec<Lease> = std::mem::take(&mut *held.lock().await);
                tokio::spawn(delete_all(old));
            }
            match gateway.and_then(|g| Some((g, local_toward(g)?))) {
                Some((g, client)) => {
                    tx.send_replace(PortMapStatus { gateway: Some(g), ..PortMapStatus::default() });
                    let task = tokio::spawn(keep(g, client, ports.clone(), tx.clone(), Arc::clone(&held)));
                    keeping = Some((g, Keeping(task)));
                }
                // No router known: nothing to wait for.
                None => {
                    tx.send_replace(PortMapStatus { gateway: None, mapped: Vec::new(), settled: true });
                }
            }
        }
        tokio::select! {
            () = tokio::time::sleep(GATEWAY_CHECK) => {}
            changed = told.changed() => if changed.is_err() { return },
        }
    }
}

/// The mapping loop of one router, aborted when dropped.
struct Keeping(tokio::task::JoinHandle<()>);

impl Drop for Keeping {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Deletes `leases` from their router, each bounded.
async fn delete_all(leases: Vec<Lease>) {
    for lease in leases {
        let port = lease.internal_port();
        match tokio::time::timeout(Duration::from_secs(2), lease.delete()).await {
            Ok(true) => tracing::debug!(port, "port mapping deleted"),
            Ok(false) => tracing::debug!(port, "port mapping not deleted: refused"),
            Err(_) => tracing::debug!(port, "port mapping not deleted: the router did not answer"),
        }
    }
}

/// The mapping loop: map what is not mapped, renew what is, publish the result.
async fn keep(
    gateway: IpAddr,
    client: IpAddr,
    ports: Vec<u16>,
    tx: watch::Sender<PortMapStatus>,
    held: Arc<tokio::sync::Mutex<Vec<Lease>>>,
) {
    loop {
        let mut leases = held.lock().await;
        // Renew those past half their life; a refused renewal is mapped again below.
        let mut kept = Vec::new();
        for mut lease in leases.drain(..) {
            if !lease.until_renewal().is_zero() || lease.renew().await {
                kept.push(lease);
            } else {
                tracing::debug!(port = lease.internal_port(), "port mapping not renewed");
            }
        }
        *leases = kept;
        map_missing(gateway, client, &ports, &mut leases).await;
        let mapped = described(&leases, gateway).await;
        let renew_in = leases.iter().map(Lease::until_renewal).min().unwrap_or(RETRY);
        let next = if mapped.len() == ports.len() { renew_in } else { renew_in.min(RETRY) };
        drop(leases);
        tx.send_replace(PortMapStatus { gateway: Some(gateway), mapped, settled: true });
        tokio::time::sleep(next.max(Duration::from_secs(1))).await;
    }
}

/// Maps the ports of `ports` that no lease holds: PCP or NAT-PMP first, then UPnP
/// (the router searched for once, and only where PCP failed).
async fn map_missing(gateway: IpAddr, client: IpAddr, ports: &[u16], leases: &mut Vec<Lease>) {
    let mut igd: Option<Option<upnp::Router>> = None;
    for port in ports.iter().filter_map(|p| NonZeroU16::new(*p)) {
        if leases.iter().any(|l| l.internal_port() == port.get()) {
            continue;
        }
        match map(gateway, client, port).await {
            Ok(m) => leases.push(Lease::Pcp(m)),
            Err(e) => {
                tracing::debug!(port = port.get(), error = %e, "no PCP or NAT-PMP mapping");
                if igd.is_none() {
                    igd = Some(upnp::find(client).await);
                }
                if let Some(Some(router)) = &igd {
                    match upnp::map(router, SocketAddr::new(client, port.get())).await {
                        Ok(l) => leases.push(Lease::Upnp(l)),
                        Err(e) => tracing::debug!(port = port.get(), error = %e, "no UPnP mapping"),
                    }
                }
            }
        }
    }
}

/// How long until `m` is past half the lifetime the router granted.
fn until_renewal(m: &PortMapping) -> Duration {
    let left = m.expiration().saturating_duration_since(std::time::Instant::now());
    left.saturating_sub(Duration::from_secs(u64::from(m.lifetime()) / 2))
}

async fn map(gateway: IpAddr, client: IpAddr, port: NonZeroU16) -> Result<PortMapping, crab_nat::MappingFailure> {
    let options = PortMappingOptions {
        external_port: Some(port),
        lifetime_seconds: u32::try_from(LIFETIME.as_secs()).ok(),
        timeout_config: Some(TIMEOUTS),
    };
    PortMapping::new(gateway, client, InternetProtocol::Tcp, port, options).await
}

/// The mappings as members see them: PCP names the external address in each answer;
/// NAT-PMP and UPnP have a request of their own for it.
async fn described(leases: &[Lease], gateway: IpAddr) -> Vec<Mapped> {
    let mut pmp_address: Option<Option<IpAddr>> = None;
    let mut out = Vec::new();
    for lease in leases {
        let m = match lease {
            Lease::Pcp(m) => m,
            Lease::Upnp(l) => {
                let (internal_port, external) = (l.internal_port(), l.external);
                out.push(Mapped { protocol: MapProtocol::Upnp, internal_port, external });
                continue;
            }
        };
        let (protocol, ip) = match m.mapping_type() {
            PortMappingType::Pcp { external_ip, .. } => (MapProtocol::Pcp, Some(external_ip)),
            PortMappingType::NatPmp => {
                if pmp_address.is_none() {
                    let asked = crab_nat::natpmp::external_address(gateway, Some(TIMEOUTS)).await;
                    pmp_address = Some(asked.ok().map(IpAddr::V4));
                }
                (MapProtocol::NatPmp, pmp_address.flatten())
            }
        };
        // An unspecified external address (a router without one yet) reaches nobody.
        if let Some(ip) = ip.filter(|ip| !ip.is_unspecified()) {
            let external = SocketAddr::new(ip, m.external_port().get());
            out.push(Mapped { protocol, internal_port: m.internal_port().get(), external });
        }
    }
    out
}

/// This host's address on the way to `gateway` (what PCP calls the client address).
fn local_toward(gateway: IpAddr) -> Option<IpAddr> {
    let any: IpAddr = if gateway.is_ipv4() { Ipv4Addr::UNSPECIFIED.into() } else { std::net::Ipv6Addr::UNSPECIFIED.into() };
    let sock = std::net::UdpSocket::bind(SocketAddr::new(any, 0)).ok()?;
    sock.connect(SocketAddr::new(gateway, crab_nat::GATEWAY_PORT)).ok()?;
    sock.local_addr().ok().map(|a| a.ip())
}

/// The gateway of the IPv4 default route, from `/proc/net/route` (Linux, and Android
/// where readable; elsewhere the platform passes [`PortMapConfig::gateway`]).
fn default_gateway() -> Option<Ipv4Addr> {
    std::fs::read_to_string("/proc/net/route").ok().and_then(|t| parse_route_table(&t))
}

/// The default route's gateway in a `/proc/net/route` table: destination 0, the
/// gateway flag set, the lowest metric.
fn parse_route_table(table: &str) -> Option<Ipv4Addr> {
    const RTF_UP: u32 = 0x1;
    const RTF_GATEWAY: u32 = 0x2;
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let (dest, gw, flags, metric) = (f.get(1)?, f.get(2)?, f.get(3)?, f.get(6)?);
            let flags = u32::from_str_radix(flags, 16).ok()?;
            let up_default = *dest == "00000000" && flags & (RTF_UP | RTF_GATEWAY) == RTF_UP | RTF_GATEWAY;
            // The table is in host byte order (little-endian on every target we build).
            let gw = Ipv4Addr::from(u32::from_str_radix(gw, 16).ok()?.swap_bytes());
            up_default.then_some((metric.parse::<u32>().ok()?, gw))
        })
        .min_by_key(|(metric, _)| *metric)
        .map(|(_, gw)| gw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_route_is_found_in_the_kernel_table() {
        let table = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
            wlan0\t0007A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n\
            eth0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n\
            wlan0\t00000000\t0107A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n";
        assert_eq!(parse_route_table(table), Some(Ipv4Addr::new(192, 168, 7, 1)), "the lowest metric wins");
        let down = "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\n eth0\t00000000\t0101A8C0\t0002\t0\t0\t0\n";
        assert_eq!(parse_route_table(down), None, "a route that is not up");
        assert_eq!(parse_route_table("Iface\n"), None);
        assert_eq!(parse_route_table("garbage"), None);
    }
}
