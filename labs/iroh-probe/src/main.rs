//! iroh probe for the NAT lab (issue 19): measures iroh's endpoint phone to phone in the
//! same namespaces as our own TCP hole punching and member relays (scripts/iroh-lab.sh).
//!
//! Three modes, each printing one line of JSON per event on stdout:
//! - `relay`: an iroh relay server (iroh-relay's `server` feature) on the home node, with a
//!   self-signed certificate for its IP address written to `--cert-dir`; HTTPS (the relay
//!   over TCP/WebSocket), plain HTTP (captive portal probe) and QUIC address discovery.
//! - `listen`: an endpoint that only knows the lab's relay (no address lookup, no n0
//!   servers); prints its id and addresses, answers a ping and sends N bytes on request.
//! - `dial`: connects to a listener by id + relay URL + direct addresses and reports time
//!   to connection, time to first application byte, the selected path at connection and
//!   after `--watch-secs`, and the throughput of an N MB transfer.
//!
//! The relay's certificate is trusted by the clients as their only root
//! (`CaTlsConfig::custom_roots`): verification stays on, against the lab's own cert.

use std::{
    net::{IpAddr, SocketAddr},
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use iroh::{
    endpoint::{presets, Connection, PathEvent},
    tls::CaTlsConfig,
    Endpoint, EndpointAddr, EndpointId, RelayMap, RelayMode, RelayUrl, TransportAddr,
};
use iroh_relay::{
    server::{self as relay, CertConfig, QuicConfig, Server, ServerConfig, TlsConfig},
    RelayConfig as ClientRelayConfig, RelayQuicConfig,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::json;

const ALPN: &[u8] = b"swarmroll/iroh-probe/1";
const HTTP_PORT: u16 = 3340;
const HTTPS_PORT: u16 = 3443;
const QUIC_PORT: u16 = 7842;

#[derive(Parser, Debug)]
#[command(about = "iroh probe for the swarmroll NAT lab")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Run an iroh relay server on IP (HTTP 3340, HTTPS 3443, QUIC address discovery 7842).
    Relay {
        #[arg(long)]
        ip: IpAddr,
        /// Where to write cert.der and key.der (the clients read cert.der).
        #[arg(long)]
        cert_dir: PathBuf,
    },
    /// Accept connections on the probe's ALPN; answer pings, send N bytes on request.
    Listen {
        #[command(flatten)]
        net: NetArgs,
    },
    /// Dial a listener and report the connection.
    Dial {
        #[command(flatten)]
        net: NetArgs,
        /// The listener's endpoint id.
        #[arg(long)]
        id: EndpointId,
        /// The listener's direct addresses (as it printed them).
        #[arg(long = "addr")]
        addrs: Vec<SocketAddr>,
        /// Seconds to wait after connecting before reading the path again.
        #[arg(long, default_value_t = 5)]
        watch_secs: u64,
        /// MB to fetch from the listener after the watch (0: none).
        #[arg(long, default_value_t = 0)]
        mb: u64,
        /// Give up connecting after this many seconds.
        #[arg(long, default_value_t = 20)]
        timeout_secs: u64,
    },
}

#[derive(clap::Args, Debug)]
struct NetArgs {
    /// The lab's relay, e.g. https://198.51.100.10:3443
    #[arg(long)]
    relay: RelayUrl,
    /// The relay's certificate (DER), trusted as the only root.
    #[arg(long)]
    cert: PathBuf,
    /// Relay only: no direct (UDP) transport at all.
    #[arg(long)]
    relay_only: bool,
    /// UDP port to bind on 0.0.0.0 (0: any). The lab's "easy" NAT forwards 42000.
    #[arg(long, default_value_t = 0)]
    port: u16,
}

fn emit(v: serde_json::Value) {
    println!("{v}");
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().cmd {
        Cmd::Relay { ip, cert_dir } => run_relay(ip, cert_dir).await,
        Cmd::Listen { net } => listen(net).await,
        Cmd::Dial {
            net,
            id,
            addrs,
            watch_secs,
            mb,
            timeout_secs,
        } => dial(net, id, addrs, watch_secs, mb, timeout_secs).await,
    }
}

async fn run_relay(ip: IpAddr, cert_dir: PathBuf) -> Result<()> {
    let certified = rcgen::generate_simple_self_signed(vec![ip.to_string()])
        .context("generating the relay's certificate")?;
    let cert_der = certified.cert.der().to_vec();
    let key_der = certified.signing_key.serialize_der();
    std::fs::create_dir_all(&cert_dir)?;
    std::fs::write(cert_dir.join("cert.der"), &cert_der)?;
    std::fs::write(cert_dir.join("key.der"), &key_der)?;

    // ring's provider, as iroh-relay's own binary uses (deprecated in rustls 0.23.48 for
    // lacking post-quantum key exchange, which a lab relay does not need).
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    let server_tls = rustls::ServerConfig::builder_with_provider(Arc::new(provider))
    .with_safe_default_protocol_versions()
    .context("TLS versions")?
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(cert_der)],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_der)),
    )
    .context("relay TLS config")?;

    let mut relay_cfg = relay::RelayConfig::new(SocketAddr::new(ip, HTTP_PORT));
    relay_cfg.tls = Some(TlsConfig::new(
        SocketAddr::new(ip, HTTPS_PORT),
        CertConfig::Manual {
            server_config: server_tls,
        },
    ));
    let mut cfg = ServerConfig::default();
    cfg.relay = Some(relay_cfg);
    cfg.quic = Some(QuicConfig::new(SocketAddr::new(ip, QUIC_PORT)));
    let mut server = Server::spawn(cfg).await.context("spawning the relay")?;
    emit(json!({
        "event": "relay",
        "https": server.https_addr().map(|a| a.to_string()),
        "http": server.http_addr().map(|a| a.to_string()),
        "quic": server.quic_addr().map(|a| a.to_string()),
        "url": format!("https://{ip}:{HTTPS_PORT}"),
    }));
    tokio::select! {
        res = server.join() => { res.context("relay task")?.context("relay")?; }
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}

async fn endpoint(net: &NetArgs) -> Result<Endpoint> {
    let cert = std::fs::read(&net.cert)
        .with_context(|| format!("reading the relay cert {}", net.cert.display()))?;
    let relay = ClientRelayConfig::new(net.relay.clone(), Some(RelayQuicConfig::new(QUIC_PORT)));
    // presets::Minimal: a crypto provider and nothing else (no address lookup, no n0
    // relays); the lab's relay is the only relay.
    let mut builder = Endpoint::builder(presets::Minimal)
        .relay_mode(RelayMode::Custom(RelayMap::from(relay)))
        .ca_tls_config(CaTlsConfig::custom_roots([CertificateDer::from(cert)]))
        .alpns(vec![ALPN.to_vec()]);
    if net.relay_only {
        builder = builder.clear_ip_transports();
    } else if net.port != 0 {
        builder = builder
            .bind_addr(SocketAddr::from(([0, 0, 0, 0], net.port)))
            .context("bind address")?;
    }
    let ep = builder.bind().await.context("binding the endpoint")?;
    // Online once the home relay is connected; then give address discovery a moment to
    // report the public (NAT-mapped) address.
    if tokio::time::timeout(Duration::from_secs(10), ep.online())
        .await
        .is_err()
    {
        eprintln!("iroh-probe: relay not connected after 10 s");
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if ep.addr().ip_addrs().any(|a| is_public(a.ip())) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(ep)
}

fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            !(v4.is_private() || v4.is_loopback() || v4.is_link_local() || v4.octets()[0] == 100)
        }
        IpAddr::V6(_) => false,
    }
}

async fn listen(net: NetArgs) -> Result<()> {
    let ep = endpoint(&net).await?;
    let addr = ep.addr();
    emit(json!({
        "event": "listening",
        "id": ep.id().to_string(),
        "addrs": addr.ip_addrs().map(|a| a.to_string()).collect::<Vec<_>>(),
        "relays": addr.relay_urls().map(|u| u.to_string()).collect::<Vec<_>>(),
    }));
    loop {
        let incoming = tokio::select! {
            i = ep.accept() => match i { Some(i) => i, None => break },
            _ = tokio::signal::ctrl_c() => break,
        };
        tokio::spawn(async move {
            let res: Result<()> = async {
                let conn = incoming.await.context("accepting")?;
                serve(conn).await
            }
            .await;
            if let Err(e) = res {
                eprintln!("iroh-probe: connection: {e:#}");
            }
        });
    }
    ep.close().await;
    Ok(())
}

/// Each bidirectional stream carries an 8-byte request: 0 asks for "pong", N for N bytes.
async fn serve(conn: Connection) -> Result<()> {
    loop {
        let (mut send, mut recv) = match conn.accept_bi().await {
            Ok(s) => s,
            Err(_) => return Ok(()),
        };
        tokio::spawn(async move {
            let res: Result<()> = async {
                let mut req = [0u8; 8];
                recv.read_exact(&mut req).await.context("request")?;
                let n = u64::from_be_bytes(req);
                if n == 0 {
                    send.write_all(b"pong").await?;
                } else {
                    let chunk = vec![0xABu8; 1 << 20];
                    let mut left = n;
                    while left > 0 {
                        let k = left.min(chunk.len() as u64) as usize;
                        send.write_all(&chunk[..k]).await?;
                        left -= k as u64;
                    }
                }
                send.finish()?;
                // Wait for the reader to close its side, so the bytes are all delivered.
                let _ = recv.read_to_end(0).await;
                Ok(())
            }
            .await;
            if let Err(e) = res {
                eprintln!("iroh-probe: stream: {e:#}");
            }
        });
    }
}

fn selected(conn: &Connection) -> (String, Option<String>) {
    let paths = conn.paths();
    for p in paths.iter() {
        if p.is_selected() {
            let kind = if p.is_relay() {
                "relayed"
            } else if p.is_ip() {
                "direct"
            } else {
                "other"
            };
            return (kind.to_string(), Some(format!("{:?}", p.remote_addr())));
        }
    }
    ("none".to_string(), None)
}

async fn request(conn: &Connection, n: u64) -> Result<(u64, Duration, Duration)> {
    let start = Instant::now();
    let (mut send, mut recv) = conn.open_bi().await.context("open_bi")?;
    send.write_all(&n.to_be_bytes()).await?;
    let mut first = None;
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    while let Some(k) = recv.read(&mut buf).await.context("reading")? {
        if first.is_none() && k > 0 {
            first = Some(start.elapsed());
        }
        total += k as u64;
    }
    send.finish()?;
    let first = first.context("no bytes came back")?;
    Ok((total, first, start.elapsed()))
}

async fn dial(
    net: NetArgs,
    id: EndpointId,
    addrs: Vec<SocketAddr>,
    watch_secs: u64,
    mb: u64,
    timeout_secs: u64,
) -> Result<()> {
    let ep = endpoint(&net).await?;
    let own = ep.addr();
    let target = EndpointAddr::from_parts(
        id,
        std::iter::once(TransportAddr::Relay(net.relay.clone()))
            .chain(addrs.iter().copied().map(TransportAddr::Ip)),
    );
    let start = Instant::now();
    let conn = match tokio::time::timeout(
        Duration::from_secs(timeout_secs),
        ep.connect(target, ALPN),
    )
    .await
    {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => {
            emit(json!({"event": "dial", "connected": false, "error": format!("{e:#}")}));
            ep.close().await;
            return Ok(());
        }
        Err(_) => {
            emit(json!({"event": "dial", "connected": false, "error": "timeout"}));
            ep.close().await;
            return Ok(());
        }
    };
    let connect_s = start.elapsed().as_secs_f64();
    let (at_connect, at_connect_addr) = selected(&conn);
    // When (if ever) a direct path was first selected, measured from the start of the dial.
    let first_direct = Arc::new(std::sync::Mutex::new(None::<f64>));
    if at_connect == "direct" {
        if let Ok(mut g) = first_direct.lock() {
            *g = Some(connect_s);
        }
    }
    let watcher = {
        let conn = conn.clone();
        let first_direct = first_direct.clone();
        let mut events = conn.path_events();
        tokio::spawn(async move {
            use futures_lite::StreamExt;
            while let Some(ev) = events.next().await {
                if let PathEvent::Selected { .. } = ev {
                    if selected(&conn).0 == "direct" {
                        if let Ok(mut g) = first_direct.lock() {
                            g.get_or_insert(start.elapsed().as_secs_f64());
                        }
                    }
                }
            }
        })
    };
    let (_, first_byte, _) = request(&conn, 0).await.context("ping")?;
    let first_byte_s = connect_s + first_byte.as_secs_f64();
    tokio::time::sleep(Duration::from_secs(watch_secs)).await;
    let (after, after_addr) = selected(&conn);
    let mut transfer = serde_json::Value::Null;
    if mb > 0 {
        let (bytes, _, took) = request(&conn, mb * 1_000_000).await.context("transfer")?;
        let (during, _) = selected(&conn);
        transfer = json!({
            "bytes": bytes,
            "seconds": took.as_secs_f64(),
            "mbit_s": bytes as f64 * 8.0 / took.as_secs_f64() / 1e6,
            "path_after": during,
        });
    }
    let direct_at = first_direct.lock().ok().and_then(|g| *g);
    emit(json!({
        "event": "dial",
        "connected": true,
        "connect_s": connect_s,
        "first_byte_s": first_byte_s,
        "path_at_connect": at_connect,
        "path_at_connect_addr": at_connect_addr,
        "path_after_watch": after,
        "path_after_watch_addr": after_addr,
        "first_direct_s": direct_at,
        "own_addrs": own.ip_addrs().map(|a| a.to_string()).collect::<Vec<_>>(),
        "transfer": transfer,
    }));
    conn.close(0u32.into(), b"done");
    watcher.abort();
    if tokio::time::timeout(Duration::from_secs(3), ep.close())
        .await
        .is_err()
    {
        bail!("endpoint close timed out");
    }
    Ok(())
}
