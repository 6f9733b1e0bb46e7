//! UPnP-IGD (the `WANIPConnection` service) through `igd-next`: what most consumer routers
//! speak when they speak neither PCP nor NAT-PMP. The router is found by an SSDP search
//! on the local network; mappings are `AddPortMapping` calls, renewed by calling again.

use igd_next::aio::tokio::Tokio;
use igd_next::aio::Gateway;
use igd_next::{AddPortError, PortMappingProtocol, SearchOptions};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the mapping is called in the router's table.
const DESCRIPTION: &str = "Swarmroll";
/// How long the SSDP search waits for a router.
const SEARCH_FOR: Duration = Duration::from_secs(3);

/// A router found by SSDP.
pub(super) type Router = Arc<Gateway<Tokio>>;

/// Looks for a router on the network of `local` (the address the search leaves from).
pub(super) async fn find(local: IpAddr) -> Option<Router> {
    let options = SearchOptions {
        bind_addr: SocketAddr::new(local, 0),
        timeout: Some(SEARCH_FOR),
        single_search_timeout: Some(SEARCH_FOR),
        ..SearchOptions::default()
    };
    match igd_next::aio::tokio::search_gateway(options).await {
        Ok(gw) => Some(Arc::new(gw)),
        Err(e) => {
            tracing::debug!(error = %e, "no UPnP router");
            None
        }
    }
}

/// One port mapped over UPnP.
pub(super) struct Lease {
    router: Router,
    local: SocketAddr,
    /// Seconds asked for; 0 where the router takes only permanent mappings.
    lifetime: u32,
    pub(super) external: SocketAddr,
    renew_at: Instant,
}

impl Lease {
    pub(super) fn internal_port(&self) -> u16 {
        self.local.port()
    }

    /// How long until it is renewed (half its lifetime; permanent ones are checked
    /// as often as others).
    pub(super) fn until_renewal(&self) -> Duration {
        self.renew_at.saturating_duration_since(Instant::now())
    }

    /// Asks again; `false` when the router refuses or does not answer.
    pub(super) async fn renew(&mut self) -> bool {
        let added = add(&self.router, self.local, self.lifetime).await;
        if added.is_ok() {
            self.renew_at = next_renewal(self.lifetime);
        }
        added.is_ok()
    }

    /// Deletes the mapping from the router.
    pub(super) async fn delete(self) -> bool {
        self.router.remove_port(PortMappingProtocol::TCP, self.external.port()).await.is_ok()
    }
}

fn next_renewal(lifetime: u32) -> Instant {
    let secs = if lifetime == 0 { super::LIFETIME.as_secs() } else { u64::from(lifetime) };
    Instant::now() + Duration::from_secs(secs / 2)
}

async fn add(router: &Router, local: SocketAddr, lifetime: u32) -> Result<(), AddPortError> {
    router.add_port(PortMappingProtocol::TCP, local.port(), local, lifetime, DESCRIPTION).await
}

/// Maps `local`'s port (TCP) to the same port outside.
pub(super) async fn map(router: &Router, local: SocketAddr) -> Result<Lease, String> {
    let asked = u32::try_from(super::LIFETIME.as_secs()).unwrap_or(600);
    let lifetime = match add(router, local, asked).await {
        Ok(()) => asked,
        // Older routers (IGD v1) often take only permanent mappings.
        Err(AddPortError::OnlyPermanentLeasesSupported) => {
            add(router, local, 0).await.map_err(|e| e.to_string())?;
            0
        }
        Err(e) => return Err(e.to_string()),
    };
    let ip = router.get_external_ip().await.map_err(|e| e.to_string())?;
    Ok(Lease {
        router: Arc::clone(router),
        local,
        lifetime,
        external: SocketAddr::new(ip, local.port()),
        renew_at: next_renewal(lifetime),
    })
}
