//! The local network: multicast beacons, unicast replies, and a bounded subnet scan.
//!
//! Venue Wi-Fi is hostile to discovery. What we do about it, after LocalSend:
//! - beacons go to a *link-local* group (224.0.0.0/24), which access points and IGMP
//!   snooping forward to every station, unlike site-local groups some phones never join;
//! - beacons repeat (quickly at first), since multicast over Wi-Fi is lossy;
//! - a node that hears a beacon answers by unicast, so multicast only has to work one way;
//! - when nobody answers, the node tries each address of its /24 on the sync port;
//! - when that scan reaches no other host at all, the network probably isolates clients,
//!   and [`LanStatus::Isolated`] says so instead of showing an empty list.

use super::beacon::Beacon;
use socket2::{Domain, Protocol, SockRef, Socket, Type};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpStream, UdpSocket};

/// The link-local multicast group of Swarmroll beacons.
pub const GROUP: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 178);
/// The beacon port.
pub const BEACON_PORT: u16 = 51_418;

/// What the node knows about members on the local network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LanStatus {
    /// Announcing; no answer yet.
    Searching,
    /// Members of our channels answered.
    Found,
    /// Other devices answered the scan, none of them a member.
    NoMembersNearby,
    /// No other device on this network could be reached at all: the Wi-Fi probably keeps
    /// its clients apart (client isolation). Invite links with addresses, a hotspot, or
    /// the internet are the way out.
    Isolated,
}

/// The result of a subnet scan.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Scan {
    /// Hosts accepting connections on the sync port.
    pub open: Vec<SocketAddr>,
    /// Hosts that refused (reachable, not listening).
    pub refused: usize,
    /// Hosts that did not answer in time.
    pub silent: usize,
}

impl Scan {
    /// What the scan says about the network, given whether any member was found. Only
    /// this device and perhaps the gateway answering means isolation.
    pub fn status(&self, members_found: bool) -> LanStatus {
        if members_found {
            LanStatus::Found
        } else if self.open.len() + self.refused <= 1 {
            LanStatus::Isolated
        } else {
            LanStatus::NoMembersNearby
        }
    }
}

/// This device's IPv4 addresses on up, non-loopback interfaces, with prefix lengths.
pub fn local_ipv4() -> Vec<(Ipv4Addr, u8)> {
    use network_interface::{Addr, NetworkInterface, NetworkInterfaceConfig};
    let Ok(ifaces) = NetworkInterface::show() else { return Vec::new() };
    let mut out = Vec::new();
    for i in ifaces {
        for a in i.addr {
            if let Addr::V4(v4) = a {
                if !v4.ip.is_loopback() && !v4.ip.is_unspecified() {
                    let prefix = v4.netmask.map_or(24, |m| u32::from(m).count_ones() as u8);
                    out.push((v4.ip, prefix));
                }
            }
        }
    }
    out
}

/// The other hosts of `ip`'s subnet, at most its /24 (a wider subnet is scanned only
/// around this device).
pub fn neighbours(ip: Ipv4Addr, prefix: u8) -> Vec<Ipv4Addr> {
    let prefix = prefix.max(24);
    let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
    let base = u32::from(ip) & mask;
    let size = 1u32 << (32 - u32::from(prefix));
    (1..size.saturating_sub(1)).map(|i| Ipv4Addr::from(base + i)).filter(|h| *h != ip).collect()
}

/// Tries `port` on every host, `parallel` at a time, each for at most `wait`.
pub async fn scan(hosts: &[Ipv4Addr], port: u16, wait: Duration, parallel: usize) -> Scan {
    use futures_util::stream::{self, StreamExt};
    let probes = stream::iter(hosts.iter().copied())
        .map(|h| async move {
            let addr = SocketAddr::V4(SocketAddrV4::new(h, port));
            (addr, tokio::time::timeout(wait, TcpStream::connect(addr)).await)
        })
        .buffer_unordered(parallel.max(1));
    let results: Vec<_> = probes.collect().await;
    let mut out = Scan::default();
    for (addr, r) in results {
        match r {
            Ok(Ok(_)) => out.open.push(addr),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => out.refused += 1,
            _ => out.silent += 1,
        }
    }
    out.open.sort();
    out
}

/// The beacon sockets: one joined to the group on the shared beacon port, one of our own
/// for sending (so unicast replies come back to this node only).
pub struct Lan {
    group: SocketAddrV4,
    interfaces: Vec<Ipv4Addr>,
    multicast: Arc<UdpSocket>,
    unicast: Arc<UdpSocket>,
}

impl Lan {
    /// Binds the sockets and joins the group on each of `interfaces`.
    ///
    /// # Errors
    /// I/O errors from binding (the group is joined best-effort per interface).
    pub fn bind(group: SocketAddrV4, interfaces: Vec<Ipv4Addr>) -> std::io::Result<Self> {
        let m = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
        m.set_reuse_address(true)?;
        #[cfg(unix)]
        m.set_reuse_port(true)?;
        m.bind(&SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, group.port())).into())?;
        for i in &interfaces {
            if let Err(e) = m.join_multicast_v4(group.ip(), i) {
                tracing::debug!(error = %e, "could not join the beacon group on an interface");
            }
        }
        m.set_nonblocking(true)?;
        let u = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
        u.bind(&SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0)).into())?;
        u.set_multicast_ttl_v4(1)?;
        u.set_multicast_loop_v4(true)?;
        u.set_nonblocking(true)?;
        Ok(Lan {
            group,
            interfaces,
            multicast: Arc::new(UdpSocket::from_std(m.into())?),
            unicast: Arc::new(UdpSocket::from_std(u.into())?),
        })
    }

    /// The interfaces beacons go out on.
    pub fn interfaces(&self) -> &[Ipv4Addr] {
        &self.interfaces
    }

    /// Sends `beacon` to the group on every interface.
    pub async fn announce(&self, beacon: &Beacon) {
        let bytes = beacon.encode();
        for i in &self.interfaces {
            let sent = match SockRef::from(self.unicast.as_ref()).set_multicast_if_v4(i) {
                Ok(()) => self.unicast.send_to(&bytes, SocketAddr::V4(self.group)).await.map(|_| ()),
                Err(e) => Err(e),
            };
            if let Err(e) = sent {
                tracing::debug!(error = %e, "beacon not sent on an interface");
            }
        }
    }

    /// Answers a beacon heard from `to`.
    pub async fn reply(&self, to: SocketAddr, beacon: &Beacon) {
        if let Err(e) = self.unicast.send_to(&beacon.encode(), to).await {
            tracing::debug!(error = %e, "beacon reply not sent");
        }
    }

    /// The next beacon heard, on either socket, with its sender.
    pub async fn recv(&self) -> (Beacon, SocketAddr) {
        let mut a = [0u8; 1500];
        let mut b = [0u8; 1500];
        loop {
            let got = tokio::select! {
                r = self.multicast.recv_from(&mut a) => r.map(|(n, from)| (Beacon::decode(&a[..n]), from)),
                r = self.unicast.recv_from(&mut b) => r.map(|(n, from)| (Beacon::decode(&b[..n]), from)),
            };
            match got {
                Ok((Some(beacon), from)) => return (beacon, from),
                Ok((None, _)) => {}
                Err(e) => {
                    tracing::debug!(error = %e, "beacon socket error");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }
}

/// The address to dial for a beacon heard from `from`.
pub fn dial_addr(from: SocketAddr, beacon: &Beacon) -> SocketAddr {
    SocketAddr::new(from.ip(), beacon.port)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbours_are_the_slash_24_without_me() {
        let n = neighbours(Ipv4Addr::new(192, 168, 1, 20), 24);
        assert_eq!(n.len(), 253);
        assert!(!n.contains(&Ipv4Addr::new(192, 168, 1, 20)));
        assert!(!n.contains(&Ipv4Addr::new(192, 168, 1, 0)) && !n.contains(&Ipv4Addr::new(192, 168, 1, 255)));
        // A /16 is scanned only around this device.
        assert_eq!(neighbours(Ipv4Addr::new(10, 0, 7, 9), 16).len(), 253);
        assert_eq!(neighbours(Ipv4Addr::new(10, 0, 7, 9), 30).len(), 1);
    }

    #[test]
    fn isolation_is_told_apart_from_an_empty_room() {
        let none = Scan { open: vec![], refused: 0, silent: 253 };
        assert_eq!(none.status(false), LanStatus::Isolated);
        let gateway_only = Scan { open: vec![], refused: 1, silent: 252 };
        assert_eq!(gateway_only.status(false), LanStatus::Isolated);
        let room = Scan { open: vec![], refused: 12, silent: 241 };
        assert_eq!(room.status(false), LanStatus::NoMembersNearby);
        assert_eq!(room.status(true), LanStatus::Found);
    }

    #[tokio::test]
    async fn scan_tells_open_from_refused_on_loopback() {
        let l = tokio::net::TcpListener::bind("127.0.0.7:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        let hosts: Vec<Ipv4Addr> = (5..10).map(|i| Ipv4Addr::new(127, 0, 0, i)).collect();
        let s = scan(&hosts, port, Duration::from_secs(2), 4).await;
        assert_eq!(s.open, vec!["127.0.0.7".parse::<std::net::IpAddr>().map(|ip| SocketAddr::new(ip, port)).unwrap()]);
        assert_eq!(s.refused, 4);
        assert_eq!(s.status(false), LanStatus::NoMembersNearby);
    }
}
