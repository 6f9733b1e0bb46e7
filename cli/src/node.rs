//! Starting the node from a terminal: network settings from flags, one node per data
//! folder (a lock), and the long-running mode that seeds, syncs, serves the control
//! socket, keeps folders in step and prints what happens until Ctrl-C.

use crate::folders::{self, Note};
use crate::show::Events;
use crate::{control, Failure};
use clap::Args;
use serde_json::json;
use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use swarmroll_core::node::SwarmError;
use swarmroll_core::node::{NetworkKind, NetworkState, Node, NodeConfig, NodeError, Originals, Policy};
use swarmroll_core::ChannelId;

/// How the node meets the network.
#[derive(Args, Clone, Debug, Default)]
pub struct NetArgs {
    /// Where sync listens (default: every interface, port 51417 or any free one).
    #[arg(long, value_name = "IP:PORT")]
    pub listen: Option<SocketAddr>,
    /// Where BitTorrent listens (default: every interface, any port).
    #[arg(long, value_name = "IP:PORT")]
    pub swarm_listen: Option<SocketAddr>,
    /// Do not look for members on the local network.
    #[arg(long)]
    pub no_lan: bool,
    /// Do not look for members over the internet (the BitTorrent DHT).
    #[arg(long)]
    pub no_dht: bool,
    /// Join the DHT through this node instead of the mainline DHT's usual bootstrap
    /// nodes (a private DHT, or a lab); repeat for more than one.
    #[arg(long, value_name = "IP:PORT")]
    pub dht_bootstrap: Vec<SocketAddr>,
    /// Do not ask the router to forward this node's ports (PCP, NAT-PMP or UPnP); a node
    /// behind a home router is then reachable only through members that reach it.
    #[arg(long)]
    pub no_port_mapping: bool,
    /// Do not relay photos and videos between members that cannot connect to each other
    /// (a home node relays for members of its channels by default).
    #[arg(long)]
    pub no_relay: bool,
    /// Meet members through this rendezvous relay when nothing else reaches them (a
    /// `swarmroll serve-relay` a user runs, which joins no channel and sees only
    /// ciphertext); repeat for more than one.
    #[arg(long, value_name = "IP:PORT")]
    pub relay_via: Vec<SocketAddr>,
    /// Move originals only on an unmetered network, as the phones do by default. A
    /// desktop cannot tell: say `--metered` when on a tethered or capped connection.
    #[arg(long)]
    pub wifi_only: bool,
    /// This connection costs money (tethering, a capped plan).
    #[arg(long)]
    pub metered: bool,
    /// Move no originals in the background, neither fetching nor seeding (a node short
    /// of space); the log still syncs, and the node still relays for members.
    #[arg(long)]
    pub no_originals: bool,
}

impl NetArgs {
    pub fn config(&self, dir: &Path) -> NodeConfig {
        let mut cfg = NodeConfig::new(dir);
        if let Some(a) = self.listen {
            cfg.sync.listen = a;
        }
        if let Some(a) = self.swarm_listen {
            cfg.swarm.listen = a;
        }
        if self.no_lan {
            cfg.sync.lan = None;
        }
        cfg.swarm.dht = !self.no_dht;
        if !self.dht_bootstrap.is_empty() {
            cfg.swarm.dht_bootstrap = Some(self.dht_bootstrap.clone());
        }
        cfg.sync.relay.enabled = !self.no_relay;
        cfg.sync.rendezvous.clone_from(&self.relay_via);
        cfg.sync.port_map.enabled = !self.no_port_mapping;
        // A desktop or home server moves originals on any network unless asked not to.
        cfg.policy = Policy {
            originals: match (self.no_originals, self.wifi_only) {
                (true, _) => Originals::Never,
                (false, true) => Originals::UnmeteredOnly,
                (false, false) => Originals::AnyNetwork,
            },
            ..Policy::default()
        };
        cfg.network = NetworkState { kind: NetworkKind::Ethernet, metered: self.metered, constrained: false };
        cfg.posters = crate::posters::ToolPosters::detect().source();
        cfg
    }
}

/// Opens the node on `dir` without starting it.
pub fn open(dir: &Path, net: &NetArgs) -> Result<Node, Failure> {
    check_listen(net)?;
    Node::open(net.config(dir)).map_err(|e| Failure::other(format!("cannot open the data folder: {e}")))
}

/// A clear failure for a node that could not start: a taken port is named with the flag
/// that chooses another.
pub fn start_failure(e: NodeError) -> Failure {
    match e {
        NodeError::Swarm(SwarmError::AddressInUse(addr)) => Failure::other(format!(
            "BitTorrent cannot listen on {addr}: it is in use (another node or torrent client?); \
             choose another with --swarm-listen IP:PORT"
        )),
        e => Failure::from(e),
    }
}

/// Refuses a sync address given with `--listen` that cannot be bound, before the node
/// starts (sync would otherwise start without it and say so only in the event stream).
pub fn check_listen(net: &NetArgs) -> Result<(), Failure> {
    match net.listen {
        Some(addr) if addr.port() != 0 => std::net::TcpListener::bind(addr).map(drop).map_err(|e| {
            Failure::other(format!(
                "sync cannot listen on {addr} ({}): choose another with --listen IP:PORT",
                if e.kind() == std::io::ErrorKind::AddrInUse {
                    "it is in use".to_owned()
                } else {
                    format!("{:?}", e.kind())
                }
            ))
        }),
        _ => Ok(()),
    }
}

/// Takes the data folder's lock: one running node per folder.
pub fn lock(dir: &Path) -> Result<File, Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::other(format!("cannot create the data folder ({})", e.kind())))?;
    let f = File::create(dir.join("node.lock"))
        .map_err(|e| Failure::other(format!("cannot lock the data folder ({})", e.kind())))?;
    f.try_lock().map_err(|_| Failure::busy("a node is already running on this data folder"))?;
    Ok(f)
}

/// A folder kept in step with a channel.
#[derive(Clone, Debug)]
pub enum Folder {
    /// Copy the channel's originals into the folder.
    Mirror(ChannelId, PathBuf),
    /// Post files dropped into the folder.
    Watch(PathBuf, ChannelId),
}

/// Runs the started `node` until Ctrl-C or SIGTERM (or `deadline`): control socket
/// (`bound` if the caller bound it already, before printing what it did), folders, events.
pub async fn serve(
    node: &Node,
    dir: &Path,
    json: bool,
    folders: Vec<Folder>,
    bound: Option<control::Listener>,
    deadline: Option<tokio::time::Instant>,
) -> Result<(), Failure> {
    let until = async {
        match deadline {
            Some(d) => tokio::select! {
                () = tokio::time::sleep_until(d) => {}
                () = stopped() => {}
            },
            None => stopped().await,
        }
    };
    serve_until(node, dir, json, folders, bound, until).await
}

/// [`serve`] until `until` completes (the caller handles Ctrl-C).
pub async fn serve_until(
    node: &Node,
    dir: &Path,
    json: bool,
    folders: Vec<Folder>,
    bound: Option<control::Listener>,
    until: impl std::future::Future<Output = ()>,
) -> Result<(), Failure> {
    let events = std::sync::Arc::new(Events::new(json));
    // Bound before "running" is printed: a command started on seeing it goes through.
    let listener = bound.map_or_else(|| control::bind(dir), Ok);
    let addr = node.sync_addr().await.map(|a| a.to_string());
    events.line(
        json!({"event": "running", "sync_address": addr, "device": node.device_id().to_hex()}),
        format!(
            "Node running (sync on {}). Seeding and syncing your channels; Ctrl-C to stop.",
            addr.as_deref().unwrap_or("nothing: the log is held")
        ),
    );
    // Without its control socket the node still runs; other terminals then use the database.
    let control = {
        let (ev, node) = (std::sync::Arc::clone(&events), node.clone());
        tokio::spawn(async move {
            if let Err(Failure(_, what)) = async { control::serve(listener?, node).await }.await {
                ev.line(
                    json!({"event": "error", "what": what}),
                    format!("! {what}; other terminals will use the database"),
                );
            }
            std::future::pending::<Result<(), Failure>>().await
        })
    };
    let mut tasks = vec![control];
    for f in folders {
        let (n, ev) = (node.clone(), std::sync::Arc::clone(&events));
        let report = move |note: Note| match note {
            Note::Mirrored { post, files } => ev.line(
                json!({"event": "mirrored", "post": post.to_hex(), "files": files}),
                format!("> {files} files of post {} copied into the folder", &post.to_hex()[..12]),
            ),
            Note::Posted { post, files } => ev.line(
                json!({"event": "posted", "post": post.to_hex(), "files": files}),
                format!("< {files} new files from the folder posted as {}", &post.to_hex()[..12]),
            ),
            Note::Failed(what) => ev.line(json!({"event": "error", "what": what}), format!("! {what}")),
        };
        tasks.push(match f {
            Folder::Mirror(ch, path) => tokio::spawn(folders::mirror(n, ch, path, false, report)),
            Folder::Watch(path, ch) => tokio::spawn(folders::watch(n, path, ch, String::new(), report)),
        });
    }
    let mut rx = node.subscribe();
    let printer = {
        let ev = std::sync::Arc::clone(&events);
        tokio::spawn(async move {
            loop {
                match rx.recv().await {
                    Ok(e) => ev.event(&e),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        })
    };
    let outcome = tokio::select! {
        () = until => Ok(()),
        // A folder task or the control socket failing ends the node with its error.
        (r, _, _) = futures_util::future::select_all(tasks.iter_mut()) => {
            r.unwrap_or_else(|_| Err(Failure::other("a task of the node failed")))
        }
    };
    for t in &tasks {
        t.abort();
    }
    printer.abort();
    node.stop().await;
    let _ = std::fs::remove_file(control::socket_path(dir));
    events.line(json!({"event": "stopped"}), "Stopped.".into());
    outcome
}

/// Ctrl-C, or SIGTERM on Unix (service managers stop with it).
pub async fn stopped() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// How often a rendezvous relay says what it does.
const RELAY_REPORT: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs a rendezvous relay until Ctrl-C (`swarmroll serve-relay`), then says what it
/// carried.
pub async fn serve_relay(cfg: swarmroll_core::node::RelayServerConfig, json: bool) -> Result<(), Failure> {
    let server = swarmroll_core::node::RelayServer::start(cfg).await.map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::AddrInUse {
            "it is in use".to_owned()
        } else {
            format!("{:?}", e.kind())
        };
        Failure::other(format!(
            "the relay cannot listen on {} ({why}): choose another with --listen IP:PORT",
            cfg.listen
        ))
    })?;
    let at = server.local_addr();
    if json {
        println!("{}", json!({"event": "relay_listening", "address": at.to_string()}));
    } else if at.ip().is_unspecified() {
        let port = at.port();
        println!("Rendezvous relay on port {port}. Members use it with --relay-via <this host's address>:{port}. Ctrl-C stops it.");
    } else {
        println!("Rendezvous relay on {at}. Members use it with --relay-via {at}. Ctrl-C stops it.");
    }
    // What it does, once a minute when something changed.
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + RELAY_REPORT, RELAY_REPORT);
    let mut last = server.counts();
    let stop = stopped();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            _ = tick.tick() => {
                let c = server.counts();
                if c != last {
                    last = c;
                    if json {
                        println!("{}", json!({"event": "relay_status", "waiting": c.waiting, "open": c.open, "circuits": c.circuits, "bytes": c.bytes, "refused": c.refused}));
                    } else {
                        println!("{} waiting, {} circuits open, {} carried {} MB; {} refused.", c.waiting, c.open, c.circuits, c.bytes / 1_000_000, c.refused);
                    }
                }
            }
        }
    }
    let c = server.counts();
    if json {
        println!(
            "{}",
            json!({"event": "relay_stopped", "circuits": c.circuits, "refused": c.refused, "bytes": c.bytes, "waiting": c.waiting})
        );
    } else {
        println!("Stopped: {} circuits carried {} bytes; {} refused.", c.circuits, c.bytes, c.refused);
    }
    Ok(())
}
