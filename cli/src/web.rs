//! `swarmroll web`: opens a channel to browsers on the local network for a time window.
//! Guests scan the QR code and see the gallery, add photos and comment without the app;
//! the host's own link can hide uploads and block guests. When the window ends or the
//! host stops the command, every link made here is revoked.

use crate::node::{self, NetArgs};
use crate::{show, Failure};
use serde_json::json;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;
use swarmroll_core::channel::{qr, Role};
use swarmroll_core::web::{self, LinkRole, WebConfig, WebServer};
use swarmroll_core::{ChannelId, Timestamp};

/// What `swarmroll web` was asked.
pub struct WebArgs<'a> {
    pub channel: ChannelId,
    pub window: &'a str,
    pub view_only: bool,
    pub bind: Option<SocketAddr>,
    pub net: &'a NetArgs,
}

/// `6h`, `90m`, `2d`, `45s`.
pub fn parse_window(s: &str) -> Result<Duration, Failure> {
    let bad = || Failure::input("--for takes a length such as 90m, 6h or 2d");
    let s = s.trim();
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?);
    let n: u64 = n.parse().map_err(|_| bad())?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(bad()),
    };
    if secs == 0 || secs > 30 * 86_400 {
        return Err(Failure::input("--for must be between 1 second and 30 days"));
    }
    Ok(Duration::from_secs(secs))
}

pub async fn run(dir: &Path, json: bool, args: WebArgs<'_>) -> Result<(), Failure> {
    let window = parse_window(args.window)?;
    let _lock = node::lock(dir)?;
    let node = node::open(dir, args.net)?;
    let role = node
        .channels()?
        .into_iter()
        .find(|c| c.id == args.channel)
        .map(|c| c.my_role)
        .ok_or_else(|| Failure::input("no such channel on this device"))?;
    if role == Role::Viewer && !args.view_only {
        return Err(Failure::input("you may only view this channel: open the gallery with --view-only"));
    }
    node.start().await?;
    let closes = Timestamp(Timestamp::now().0 + window.as_millis() as i64);
    let store = node.replica().store().clone();
    let make = |role| {
        web::create_link(&store, &args.channel, role, Some(closes))
            .map_err(|e| Failure::other(format!("cannot make the gallery's links: {e}")))
    };
    let guest_role = if args.view_only { LinkRole::Viewer } else { LinkRole::Uploader };
    let links = [make(guest_role)?, make(LinkRole::Viewer)?, make(LinkRole::Host)?];
    let bind = args.bind.unwrap_or_else(web::default_bind);
    let cfg = WebConfig { guest_token: Some(links[0].token.clone()), ..WebConfig::new(bind) };
    let server = match WebServer::start(node.clone(), cfg).await {
        Ok(s) => s,
        Err(e) => {
            node.stop().await;
            return Err(Failure::other(format!("{e}: choose another address with --bind IP:PORT")));
        }
    };
    let addr = server.local_addr();
    let [guests, viewers, host] = &links;
    let v = json!({
        "event": "web",
        "address": addr.to_string(),
        "guest_url": guests.url(addr),
        "viewer_url": viewers.url(addr),
        "host_url": host.url(addr),
        "closes_ms": closes.0,
    });
    show::result(json, &v, |_| {
        println!("Guests on this network can open the gallery until the window closes:");
        println!("  {}", guests.url(addr));
        if let Ok(code) = qr::terminal(&guests.url(addr)) {
            println!("{code}");
        }
        println!("View only:  {}", viewers.url(addr));
        println!("Your host link (hide, block; keep it to yourself): {}", host.url(addr));
        println!("Slideshow for a TV, with the guests' QR code: {}slideshow", host.url(addr));
        println!();
    });
    let deadline = tokio::time::Instant::now() + window;
    let served = node::serve(&node, dir, json, Vec::new(), Some(deadline)).await;
    server.stop().await;
    for l in &links {
        if let Err(e) = web::revoke(&store, l.id) {
            eprintln!("swarmroll: a gallery link could not be revoked ({e})");
        }
    }
    served
}

#[cfg(test)]
mod tests {
    use super::parse_window;

    #[test]
    fn windows() {
        assert_eq!(parse_window("90m").ok(), Some(std::time::Duration::from_secs(5400)));
        assert_eq!(parse_window("6h").ok(), Some(std::time::Duration::from_secs(21_600)));
        assert!(parse_window("0h").is_err());
        assert!(parse_window("6").is_err());
        assert!(parse_window("h").is_err());
        assert!(parse_window("31d").is_err());
        assert!(parse_window("-1h").is_err());
    }
}
