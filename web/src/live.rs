//! Live updates for the pages: the node's events for the link's channel as server-sent
//! events, ids only (the page fetches what changed). The stream starts with `ready` and
//! ends with `closed` when the window ends, the link is revoked or the server stops.
//! On a private channel's link each event's data is sealed with the link's key.

use super::access::{self, Access};
use super::Shared;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::Stream;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use swarmroll_core::node::events::NodeEvent;
use swarmroll_core::types::EventId;
use tokio::sync::broadcast::error::RecvError;

/// How often an idle stream re-checks that its link is still valid.
const RECHECK: Duration = Duration::from_secs(5);

/// An event; on a private channel's link its data is sealed (`sealing`), as hex.
fn event(seal: Option<&[u8; 32]>, name: &str, data: serde_json::Value) -> Event {
    let text = data.to_string();
    let data = match seal {
        Some(key) => super::seal::seal(key, &super::seal::random_prefix(), text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        None => text,
    };
    Event::default().event(name).data(data)
}

/// The stream for one page.
pub fn stream(shared: Arc<Shared>, access: Access, guest: i64) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let mut events = shared.node.subscribe();
    let mut posted = shared.posted.subscribe();
    let mut stopping = shared.stopping.clone();
    let s = async_stream(move |tx| async move {
        let channel = access.channel;
        let key = access.seal.as_ref();
        let mut tick = tokio::time::interval(RECHECK);
        let stop = async move {
            let _ = stopping.wait_for(|s| *s).await;
        };
        tokio::pin!(stop);
        // At once, so the page knows it is live before the first change.
        if tx.send(event(key, "ready", serde_json::json!({}))).await.is_err() {
            return;
        }
        loop {
            let out = tokio::select! {
                () = &mut stop => {
                    // The host closed the gallery.
                    let _ = tx.send(event(key, "closed", serde_json::json!({}))).await;
                    return;
                }
                _ = tx.closed() => return,
                _ = tick.tick() => {
                    if access::link(&shared, &access.token).await.is_err() {
                        let _ = tx.send(event(key, "closed", serde_json::json!({}))).await;
                        return;
                    }
                    continue;
                }
                p = posted.recv(), if access.own_only() => match p {
                    Ok((g, post)) if g == guest => event(key, "item", serde_json::json!({ "post": post.to_hex() })),
                    Err(RecvError::Lagged(_)) => event(key, "changed", serde_json::json!({})),
                    Err(RecvError::Closed) => return,
                    Ok(_) => continue,
                },
                e = events.recv() => match e {
                    // A drop box hears of its guest's posts once they are theirs (above).
                    Ok(NodeEvent::PostArrived { channel: c, post }) if c == channel && !access.own_only() => {
                        event(key, "item", serde_json::json!({ "post": post.to_hex() }))
                    }
                    Ok(NodeEvent::CommentAdded { channel: c, post, comment }) if c == channel => {
                        if !shown(&shared, &access, guest, &comment).await {
                            continue;
                        }
                        event(key, "comment", serde_json::json!({ "post": post.to_hex(), "comment": comment.to_hex() }))
                    }
                    Ok(NodeEvent::Changed { channel: c, .. }) if c == channel => event(key, "changed", serde_json::json!({})),
                    // Missed events: the page reloads what it shows.
                    Err(RecvError::Lagged(_)) => event(key, "changed", serde_json::json!({})),
                    Err(RecvError::Closed) => return,
                    Ok(_) => continue,
                },
            };
            if tx.send(out).await.is_err() {
                return;
            }
        }
    });
    Sse::new(s).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// Whether the guest's page hears of a comment: always, except on a drop box, which
/// hears only of its guest's own.
async fn shown(shared: &Shared, access: &Access, guest: i64, comment: &EventId) -> bool {
    if !access.own_only() {
        return true;
    }
    let (id, venue) = (*comment, shared.node.venue());
    super::extract::blocking(move || Ok(venue.wrote(guest, &id)?)).await.unwrap_or(false)
}

/// A stream fed by a task through a small channel (ends when the task does or the
/// client goes away).
fn async_stream<F, Fut>(f: F) -> impl Stream<Item = Result<Event, Infallible>>
where
    F: FnOnce(tokio::sync::mpsc::Sender<Event>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(f(tx));
    futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|e| (Ok(e), rx)) })
}
