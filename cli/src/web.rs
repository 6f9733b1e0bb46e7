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
use swarmroll_core::channel::qr;
use swarmroll_core::web::{self, Gallery, GuestAccess, WebError};
use swarmroll_core::ChannelId;

/// What `swarmroll web` was asked.
pub struct WebArgs<'a> {
    pub channel: ChannelId,
    pub window: &'a str,
    pub guests: GuestAccess,
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
    node.start().await?;
    let bind = args.bind.unwrap_or_else(web::default_bind);
    let gallery = match Gallery::open(node.clone(), args.channel, window, args.guests, bind).await {
        Ok(g) => g,
        Err(e) => {
            node.stop().await;
            return Err(match e {
                WebError::UnknownChannel | WebError::ViewOnly => Failure::input(e),
                WebError::Bind(_) => Failure::other(format!("{e}: choose another address with --bind IP:PORT")),
                e => Failure::other(e),
            });
        }
    };
    let (guests, viewers, host) =
        (gallery.url(&gallery.guests), gallery.url(&gallery.viewers), gallery.url(&gallery.host));
    let v = json!({
        "event": "web",
        "address": gallery.addr().to_string(),
        "guest_url": guests,
        "viewer_url": viewers,
        "host_url": host,
        "closes_ms": gallery.closes.0,
    });
    show::result(json, &v, |_| {
        say!("Guests on this network can open the gallery until the window closes:");
        say!("  {guests}");
        if let Ok(code) = qr::terminal(&guests) {
            say!("{code}");
        }
        say!("View only:  {viewers}");
        say!("Your host link (hide, block; keep it to yourself): {host}");
        say!("Slideshow for a TV, with the guests' QR code: {host}slideshow");
        say!();
    });
    let deadline = tokio::time::Instant::now() + window;
    let served = node::serve(&node, dir, json, Vec::new(), Some(deadline)).await;
    if let Err(e) = gallery.close().await {
        eprintln!("swarmroll: the gallery's links could not all be revoked ({e}); they end with the window");
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
