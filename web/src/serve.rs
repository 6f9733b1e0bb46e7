//! Serving connections so that no client can starve the others: a cap on connections
//! from one address and on all of them, a time limit on reading a request's headers that
//! also closes idle keep-alive connections, and the client's address handed to the
//! routes (guest sessions are limited per address).
//!
//! `axum::serve` has none of these: 250 idle connections stayed open past 35 s, and one
//! client holding 1,100 sockets exhausted the process's descriptors, so the gallery timed
//! out for everyone. Over a cap, a connection is closed at once, before anything is read.

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

/// How many connections, and for how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnLimits {
    /// Open connections from one address (a phone's browser opens a handful, plus one
    /// live stream per tab).
    pub per_address: usize,
    /// Open connections in all (each is a file descriptor; a phone allows few).
    pub total: usize,
    /// Longest a client may take to send a request's headers, and longest a kept-alive
    /// connection may sit idle.
    pub header_timeout: Duration,
}

impl Default for ConnLimits {
    fn default() -> Self {
        ConnLimits { per_address: 32, total: 256, header_timeout: Duration::from_secs(15) }
    }
}

/// Connections open per address.
#[derive(Default)]
struct PerAddress(Mutex<HashMap<IpAddr, usize>>);

/// One connection's place under the per-address cap, given back when it ends.
struct Slot {
    table: Arc<PerAddress>,
    ip: IpAddr,
}

impl PerAddress {
    fn take(self: &Arc<Self>, ip: IpAddr, cap: usize) -> Option<Slot> {
        let mut t = crate::lock(&self.0);
        let n = t.entry(ip).or_insert(0);
        if *n >= cap {
            return None;
        }
        *n += 1;
        Some(Slot { table: Arc::clone(self), ip })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut t = crate::lock(&self.table.0);
        if let Some(n) = t.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                t.remove(&self.ip);
            }
        }
    }
}

/// Serves `app` on `listener` until `stopping` turns true, then lets requests in flight
/// finish (live streams end on their own when the server stops).
pub async fn serve(listener: TcpListener, app: Router, limits: ConnLimits, mut stopping: watch::Receiver<bool>) {
    let total = Arc::new(Semaphore::new(limits.total));
    let per_address = Arc::new(PerAddress::default());
    let mut conns = tokio::task::JoinSet::new();
    loop {
        if *stopping.borrow() {
            break;
        }
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of descriptors, say: wait rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            changed = stopping.changed() => match changed {
                Ok(()) => continue,
                // Nobody can stop the server any more: it stops now.
                Err(_) => break,
            },
        };
        let Some(slot) = per_address.take(peer.ip(), limits.per_address) else { continue };
        let Ok(permit) = Arc::clone(&total).try_acquire_owned() else { continue };
        let (app, stop) = (app.clone(), stopping.clone());
        conns.spawn(async move {
            connection(stream, peer, app, limits.header_timeout, stop).await;
            drop((slot, permit));
        });
        // Reap finished connections as we go.
        while conns.try_join_next().is_some() {}
    }
    drop(listener);
    while conns.join_next().await.is_some() {}
}

/// One HTTP/1.1 connection, shut down gracefully when the server stops.
async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    app: Router,
    header_timeout: Duration,
    mut stopping: watch::Receiver<bool>,
) {
    let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        let mut app = app.clone();
        async move { tower_service::Service::call(&mut app, req).await }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(header_timeout).keep_alive(true);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    let stopped = async move {
        let _ = stopping.wait_for(|s| *s).await;
    };
    tokio::select! {
        _ = conn.as_mut() => return,
        () = stopped => {}
    }
    conn.as_mut().graceful_shutdown();
    let _ = conn.await;
}
