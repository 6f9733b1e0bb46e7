//! Finding members: the dialler over every known address, and local-network discovery
//! (beacons, unicast replies, the subnet scan, the isolation report).

use super::{conn, db, dht_key, lock, AbortOnDrop, DhtConfig, Inner, LanConfig, Source, SyncEvent};
use crate::net::beacon::{beacon_key, Beacon};
use crate::net::lan::{self, Lan, LanStatus};
use crate::types::{ChannelId, Timestamp};
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Dials due candidate addresses, with exponential backoff per address, until aborted.
pub(super) async fn dial_loop(inner: Arc<Inner>) {
    loop {
        let now = Instant::now();
        let due: Vec<(ChannelId, SocketAddr)> = {
            let mut cands = lock(&inner.candidates);
            let mut due = Vec::new();
            for (ch, map) in cands.iter_mut() {
                for (addr, c) in map.iter_mut() {
                    if c.next_try <= now && !inner.connected_to(ch, addr) {
                        // Not again before this attempt has had its chance.
                        c.next_try = now + inner.cfg.limits.handshake + inner.cfg.redial;
                        due.push((*ch, *addr));
                    }
                }
            }
            due
        };
        for (ch, addr) in due {
            let inner = inner.clone();
            tokio::spawn(async move {
                let result = conn::dial(&inner, ch, addr).await;
                let mut cands = lock(&inner.candidates);
                let Some(map) = cands.get_mut(&ch) else { return };
                match result {
                    Ok(dev) if dev == inner.me => {
                        map.remove(&addr);
                    }
                    Ok(_) => {
                        if let Some(c) = map.get_mut(&addr) {
                            c.failures = 0;
                            c.next_try = Instant::now() + inner.cfg.redial;
                        }
                    }
                    Err(e) => {
                        tracing::debug!(error = %e, "dial failed");
                        if let Some(c) = map.get_mut(&addr) {
                            c.failures += 1;
                            c.next_try = Instant::now() + inner.cfg.redial * 2u32.pow(c.failures.min(6));
                        }
                    }
                }
            });
        }
        tokio::select! {
            () = inner.dial_wake.notified() => {}
            () = tokio::time::sleep(inner.cfg.redial) => {}
        }
    }
}

/// Channel beacon keys, re-read from the store at most every few seconds (a flood of
/// datagrams must not turn into a flood of queries).
struct Keys {
    at: Option<Instant>,
    keys: Vec<(ChannelId, [u8; 32])>,
}

async fn beacon_keys(inner: &Inner, cache: &Mutex<Keys>) -> Vec<(ChannelId, [u8; 32])> {
    {
        let k = lock(cache);
        if k.at.is_some_and(|t| t.elapsed() < Duration::from_secs(2)) {
            return k.keys.clone();
        }
    }
    let read = inner.replica.store().read_async(|c| db::accesses(c).map_err(crate::replica::Error::from)).await;
    let keys: Vec<_> = read.unwrap_or_default().iter().map(|a| (a.channel, beacon_key(&a.secret))).collect();
    let mut k = lock(cache);
    k.at = Some(Instant::now());
    k.keys = keys.clone();
    keys
}

fn set_status(inner: &Inner, status: LanStatus) {
    let changed = lock(&inner.lan_status).replace(status) != Some(status);
    if changed {
        inner.emit(SyncEvent::Lan(status));
    }
}

/// Local-network discovery until aborted.
pub(super) async fn lan_loop(inner: Arc<Inner>, cfg: LanConfig) {
    let interfaces = cfg.interfaces.clone().unwrap_or_else(|| lan::local_ipv4().iter().map(|(ip, _)| *ip).collect());
    let lan = match Lan::bind(cfg.group, interfaces) {
        Ok(l) => Arc::new(l),
        Err(e) => {
            tracing::warn!(error = %e, "local discovery is off: cannot bind the beacon socket");
            return;
        }
    };
    set_status(&inner, LanStatus::Searching);
    let cache = Arc::new(Mutex::new(Keys { at: None, keys: Vec::new() }));
    let sent = Arc::new(Mutex::new(VecDeque::<[u8; 16]>::new()));
    let port = inner.local.port();
    let announcer = {
        let (inner, lan, cache, sent) = (inner.clone(), lan.clone(), cache.clone(), sent.clone());
        let every = cfg.announce;
        async move {
            for round in 0u32.. {
                let keys: Vec<[u8; 32]> = beacon_keys(&inner, &cache).await.into_iter().map(|(_, k)| k).collect();
                if !keys.is_empty() {
                    let b = Beacon::new(&keys, port, false, Timestamp::now());
                    remember_nonce(&sent, b.nonce);
                    lan.announce(&b).await;
                }
                // Multicast over Wi-Fi is lossy: the first few go out quickly.
                let wait = if round < 3 { every.min(Duration::from_secs(1)) } else { every };
                tokio::time::sleep(wait).await;
            }
        }
    };
    let listener = {
        let (inner, lan, cache, sent) = (inner.clone(), lan.clone(), cache.clone(), sent.clone());
        async move {
            let mut replied: HashMap<IpAddr, Instant> = HashMap::new();
            loop {
                let (b, from) = lan.recv().await;
                if lock(&sent).contains(&b.nonce) {
                    continue;
                }
                let now = Timestamp::now();
                let matched: Vec<(ChannelId, [u8; 32])> =
                    beacon_keys(&inner, &cache).await.into_iter().filter(|(_, k)| b.carries(k, now)).collect();
                if matched.is_empty() {
                    continue;
                }
                for (ch, _) in &matched {
                    inner.add_candidate(*ch, lan::dial_addr(from, &b), Source::Lan);
                }
                inner.dial_wake.notify_one();
                set_status(&inner, LanStatus::Found);
                let recent = replied.get(&from.ip()).is_some_and(|t| t.elapsed() < Duration::from_secs(1));
                if !b.reply && !recent {
                    replied.insert(from.ip(), Instant::now());
                    replied.retain(|_, t| t.elapsed() < Duration::from_secs(10));
                    let keys: Vec<[u8; 32]> = matched.iter().map(|(_, k)| *k).collect();
                    let answer = Beacon::new(&keys, port, true, now);
                    remember_nonce(&sent, answer.nonce);
                    lan.reply(from, &answer).await;
                }
            }
        }
    };
    let scanner = {
        let inner = inner.clone();
        let cfg = cfg.clone();
        let lan = lan.clone();
        async move {
            let Some(after) = cfg.scan_after else { return std::future::pending::<()>().await };
            // Hosts the last scan found: a member among them that connects after the scan
            // was judged (a slow handshake) still makes the status "found".
            let mut scanned: Vec<SocketAddr> = Vec::new();
            loop {
                tokio::time::sleep(after).await;
                let channels: Vec<ChannelId> = lock(&cache).keys.iter().map(|(c, _)| *c).collect();
                let lonely: Vec<ChannelId> =
                    channels.into_iter().filter(|c| !lock(&inner.conns).keys().any(|(ch, _)| ch == c)).collect();
                if lonely.is_empty() {
                    let late = lock(&inner.conns).values().any(|e| e.addr.is_some_and(|a| scanned.contains(&a)));
                    if late && *lock(&inner.lan_status) != Some(LanStatus::Found) {
                        set_status(&inner, LanStatus::Found);
                    }
                    continue;
                }
                let subnets = cfg.scan_subnets.clone().unwrap_or_else(|| {
                    let own = lan.interfaces();
                    lan::local_ipv4().into_iter().filter(|(ip, _)| own.contains(ip)).collect()
                });
                let hosts: Vec<_> = subnets.iter().flat_map(|(ip, p)| lan::neighbours(*ip, *p)).collect();
                let found = lan::scan(&hosts, cfg.scan_port, Duration::from_secs(1), 64).await;
                scanned.clone_from(&found.open);
                for addr in &found.open {
                    for ch in &lonely {
                        inner.add_candidate(*ch, *addr, Source::Lan);
                    }
                }
                inner.dial_wake.notify_one();
                // Give the handshakes their chance before judging.
                tokio::time::sleep(inner.cfg.limits.handshake).await;
                let any = lonely.iter().any(|c| lock(&inner.conns).keys().any(|(ch, _)| ch == c));
                set_status(&inner, found.status(any));
                // Rescan rarely: a scan touches every host of the subnet.
                tokio::time::sleep(after * 20).await;
            }
        }
    };
    tokio::join!(announcer, listener, scanner);
}

fn remember_nonce(sent: &Mutex<VecDeque<[u8; 16]>>, nonce: [u8; 16]) {
    let mut s = lock(sent);
    s.push_back(nonce);
    while s.len() > 64 {
        s.pop_front();
    }
}

/// DHT rendezvous until aborted: for each channel, one lookup (which also announces our
/// sync port) under the current period's key, replaced when the period turns.
pub(super) async fn dht_loop(inner: Arc<Inner>, cfg: DhtConfig) {
    let period_ms = i64::try_from(cfg.period.as_millis()).unwrap_or(i64::MAX).max(1);
    let port = inner.local.port();
    let mut running: HashMap<ChannelId, (i64, AbortOnDrop)> = HashMap::new();
    loop {
        let now = Timestamp::now().0;
        let period = now.div_euclid(period_ms);
        let read = inner.replica.store().read_async(|c| db::accesses(c).map_err(crate::replica::Error::from)).await;
        for access in read.unwrap_or_default() {
            if running.get(&access.channel).is_some_and(|(p, _)| *p == period) {
                continue;
            }
            let ch = access.channel;
            let mut found = cfg.rendezvous.lookup(dht_key(&access.secret, period), Some(port));
            let inner = inner.clone();
            let task = tokio::spawn(async move {
                use futures_util::StreamExt;
                while let Some(addr) = found.next().await {
                    inner.add_candidate(ch, addr, Source::Dht);
                    inner.dial_wake.notify_one();
                }
            });
            running.insert(ch, (period, AbortOnDrop(task)));
        }
        let to_next = u64::try_from(period_ms - now.rem_euclid(period_ms)).unwrap_or(0);
        tokio::time::sleep(Duration::from_millis(to_next.clamp(1, 10_000))).await;
    }
}
