//! `swarmroll web` and `swarmroll export`: work that belongs to the terminal that asked
//! for it. Both go through the node already running on the data folder if there is one
//! (so they work beside `swarmroll share`, which keeps its node running), or start one
//! here for as long as the work lasts. Ctrl-C stops the work cleanly: the gallery's links
//! are revoked, the export keeps what it copied.
//!
//! `web` opens a channel to browsers on the local network for a time window: guests scan
//! the QR code and see the gallery, add photos and comment without the app; the host's
//! own link can hide uploads and block guests.

use crate::interrupt::Interrupt;
use crate::node::{self, NetArgs};
use crate::ops::{self, Request};
use crate::{control, show, Cli, Failure};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use swarmroll_core::channel::qr;

/// What `swarmroll web` was asked.
pub struct WebArgs<'a> {
    pub channel: &'a str,
    pub window: &'a str,
    /// "upload", "view" or "dropbox".
    pub guests: &'a str,
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

/// Prints the gallery's links and the guests' QR code.
fn links(json: bool, v: &Value) {
    let w = &v["web"];
    let mut line = w.clone();
    line["event"] = "web".into();
    show::result(json, &line, |_| {
        let guests = w["guest_url"].as_str().unwrap_or_default();
        if w["guests"] == "dropbox" {
            say!("Guests on this network can add photos and videos to the drop box until the window closes");
            say!("(each sees only their own; you see everything with your host link):");
        } else {
            say!("Guests on this network can open the gallery until the window closes:");
        }
        say!("  {guests}");
        if let Ok(code) = qr::terminal(guests) {
            say!("{code}");
        }
        say!("View only:  {}", w["viewer_url"].as_str().unwrap_or_default());
        let host = w["host_url"].as_str().unwrap_or_default();
        say!("Your host link (hide, block; keep it to yourself): {host}");
        say!("Slideshow for a TV, with the guests' QR code: {}", w["slideshow_url"].as_str().unwrap_or_default());
        say!();
    });
}

pub async fn run(cli: &Cli, dir: &Path, a: WebArgs<'_>) -> Result<(), Failure> {
    let window = parse_window(a.window)?;
    ops::channel_id(a.channel)?;
    let req = Request::Web {
        channel: a.channel.to_owned(),
        window_ms: u64::try_from(window.as_millis()).unwrap_or(u64::MAX),
        guests: a.guests.to_owned(),
        bind: a.bind,
    };
    let json = cli.json;
    let done = attached(cli, dir, req, a.net, "Closing the gallery…", move |v| {
        if v.get("web").is_some() {
            links(json, v);
        }
    })
    .await?;
    show::result(json, &json!({"event": "closed", "links_revoked": done["links_revoked"]}), |_| {
        say!("The gallery is closed and its links no longer work.");
    });
    Ok(())
}

pub async fn export(
    cli: &Cli,
    dir: &Path,
    channel: &str,
    folder: PathBuf,
    wait_ms: u64,
    net: &NetArgs,
) -> Result<(), Failure> {
    ops::channel_id(channel)?;
    let req = Request::Export { channel: channel.to_owned(), folder, wait_ms };
    let json = cli.json;
    let done = attached(cli, dir, req, net, "Stopping the export…", move |v| {
        if let Some(e) = v.get("exported") {
            let files = e["files"].as_u64().unwrap_or(0);
            show::result(json, &json!({"event": "exported", "post": e["post"], "files": files}), |_| {
                say!("> {} copied", show::count(files, "file", "files"));
            });
        } else if let Some(w) = v.get("warning") {
            eprintln!("swarmroll: {}", w.as_str().unwrap_or_default());
        }
    })
    .await?;
    let n = done["copied"].as_u64().unwrap_or(0);
    show::result(json, &done, |_| {
        if done["complete"].as_bool() == Some(true) {
            say!("Exported: {} copied.", show::count(n, "file", "files"));
        } else if done["stopped"].as_bool() == Some(false) {
            say!("Exported what is here: {} copied (no member was reachable).", show::count(n, "file", "files"));
        } else {
            say!("Stopped: {} copied so far; run it again to go on.", show::count(n, "file", "files"));
        }
    });
    Ok(())
}

/// Runs `req` through the node running on `dir`, or on one started here for as long as
/// it lasts (serving the control socket and printing events meanwhile); Ctrl-C cancels
/// it. `report` sees the reports on the way.
async fn attached(
    cli: &Cli,
    dir: &Path,
    req: Request,
    net: &NetArgs,
    stopping: &'static str,
    report: impl Fn(&Value) + Send + Sync + 'static,
) -> Result<Value, Failure> {
    let interrupt = Interrupt::install(stopping);
    if let Some(v) = control::ask(dir, &req, &report, Some(&interrupt)).await? {
        return Ok(v);
    }
    let _lock = node::lock(dir)?;
    let node = node::open(dir, net)?;
    node.start().await.map_err(node::start_failure)?;
    let notify: ops::Notify = Arc::new(move |v: Value| report(&v));
    let work = ops::exec(&node, req, notify, interrupt.cancel());
    tokio::pin!(work);
    let mut result = None;
    let until = async {
        result = Some(work.as_mut().await);
    };
    let served = node::serve_until(&node, dir, cli.json, Vec::new(), None, until).await;
    let _ = std::fs::remove_file(control::socket_path(dir));
    served?;
    result.unwrap_or_else(|| Err(Failure::other("stopped")))
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
