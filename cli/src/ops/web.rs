//! `web`: the venue web gallery, opened by the node that runs on the data folder — the
//! one started here, or the one already running (`swarmroll share` keeps one running),
//! so `swarmroll web` works beside it. Reports its links, then serves until the window
//! ends or the asker stops it; the links are revoked either way.

use super::Notify;
use crate::Failure;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::Duration;
use swarmroll_core::node::Node;
use swarmroll_core::share::Cancel;
use swarmroll_core::ChannelId;
use swarmroll_web::{Gallery, GuestAccess, WebError};

pub(super) async fn web(
    node: &Node,
    ch: &ChannelId,
    window_ms: u64,
    guests: &str,
    bind: Option<SocketAddr>,
    notify: Notify,
    cancel: &Cancel,
) -> Result<Value, Failure> {
    let guests = match guests {
        "upload" => GuestAccess::Upload,
        "view" => GuestAccess::ViewOnly,
        "dropbox" => GuestAccess::DropBox,
        _ => return Err(Failure::input("guests may upload, view or use a drop box")),
    };
    let window = Duration::from_millis(window_ms);
    let bind = bind.unwrap_or_else(swarmroll_web::default_bind);
    let gallery = Gallery::open(node.clone(), *ch, window, guests, bind).await.map_err(|e| match e {
        WebError::UnknownChannel | WebError::ViewOnly => Failure::input(e),
        WebError::Bind(std::io::ErrorKind::AddrInUse) => {
            Failure::other(format!("{bind} is already in use: choose another address with --bind IP:PORT"))
        }
        WebError::Bind(_) => Failure::other(format!("{e}: choose another address with --bind IP:PORT")),
        e => Failure::other(e),
    })?;
    let links = json!({
        "address": gallery.addr().to_string(),
        "guest_url": gallery.url(&gallery.guests),
        "viewer_url": gallery.url(&gallery.viewers),
        "host_url": gallery.url(&gallery.host),
        "slideshow_url": gallery.host.page_url(gallery.addr(), "slideshow"),
        "guests": gallery.guests.role.as_str(),
        "closes_ms": gallery.closes.0,
    });
    notify(json!({ "web": links }));
    let deadline = tokio::time::Instant::now() + window;
    while !cancel.is_cancelled() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let revoked = gallery.close().await.is_ok();
    Ok(json!({ "closed": true, "links_revoked": revoked }))
}
