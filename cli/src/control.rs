//! The running node's control socket: `<data folder>/node.sock`, one JSON request per
//! connection, answered by JSON lines (reports on the way such as `{"progress":…}` or
//! `{"web":…}`, then `{"ok":…}` or `{"error":…,"code":…}`). A later line
//! `{"cmd":"cancel"}` stops the request (Ctrl-C in the asking terminal). Commands typed
//! while a node runs on the same folder go through it, so what they change is pushed to
//! members at once, and a web gallery or an export runs beside a `share` that keeps its
//! node running.
//!
//! The socket sits in the data folder, readable by its owner only: whoever can use it
//! could read the database anyway. Unix only; elsewhere commands work on the database.

use crate::interrupt::Interrupt;
use crate::ops::{self, Request};
use crate::Failure;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use swarmroll_core::node::Node;
use swarmroll_core::share::Cancel;

/// The socket of the node on `dir`.
pub fn socket_path(dir: &Path) -> PathBuf {
    dir.join("node.sock")
}

/// Sends `req` to the node running on `dir`; `None` when none runs there. Reports on
/// the way go to `report`; when `interrupt` fires (Ctrl-C here), the running node is
/// asked to stop the request.
#[cfg(unix)]
pub async fn ask(
    dir: &Path,
    req: &Request,
    report: impl Fn(&Value),
    interrupt: Option<&Interrupt>,
) -> Result<Option<Value>, Failure> {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let Ok(stream) = tokio::net::UnixStream::connect(socket_path(dir)).await else { return Ok(None) };
    let (read, mut write) = stream.into_split();
    let gone = |e: std::io::Error| Failure::other(format!("the running node did not answer ({})", e.kind()));
    write.write_all(&line(req)?).await.map_err(gone)?;
    let mut lines = BufReader::new(read).lines();
    let mut cancel_sent = false;
    loop {
        let next = tokio::select! {
            l = lines.next_line() => l,
            () = async { match interrupt { Some(i) if !cancel_sent => i.asked().await, _ => std::future::pending().await } } => {
                cancel_sent = true;
                write.write_all(&line(&Request::Cancel)?).await.map_err(gone)?;
                continue;
            }
        };
        let Some(l) = next.map_err(|e| Failure::other(format!("the running node stopped ({})", e.kind())))? else {
            return Err(Failure::other("the running node closed the connection"));
        };
        let v: Value = serde_json::from_str(&l).map_err(|_| Failure::other("the running node answered garbage"))?;
        if let Some(ok) = v.get("ok") {
            return Ok(Some(ok.clone()));
        }
        if v.get("error").is_some() {
            let code = v["code"].as_u64().and_then(|c| u8::try_from(c).ok()).unwrap_or(1);
            return Err(Failure(code, v["error"].as_str().unwrap_or("the running node failed").to_owned()));
        }
        report(&v);
    }
}

fn line(req: &Request) -> Result<Vec<u8>, Failure> {
    let mut line = serde_json::to_vec(req).map_err(|e| Failure::other(e.to_string()))?;
    line.push(b'\n');
    Ok(line)
}

#[cfg(not(unix))]
pub async fn ask(_: &Path, _: &Request, _: impl Fn(&Value), _: Option<&Interrupt>) -> Result<Option<Value>, Failure> {
    Ok(None)
}

/// The control socket, bound: from this moment a command typed in another terminal
/// reaches the node instead of finding the folder locked. Bound before the node says it
/// runs (or what it shared), so whoever reads that line can use it at once.
pub struct Listener {
    #[cfg(unix)]
    inner: tokio::net::UnixListener,
}

/// Binds `dir`'s socket (owner only), replacing one a killed node left.
#[cfg(unix)]
pub fn bind(dir: &Path) -> Result<Listener, Failure> {
    use std::os::unix::fs::PermissionsExt;
    let path = socket_path(dir);
    // A socket left by a node that was killed: we hold the data folder's lock, so it is stale.
    let _ = std::fs::remove_file(&path);
    let inner = tokio::net::UnixListener::bind(&path)
        .map_err(|e| Failure::other(format!("cannot open the control socket ({})", e.kind())))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| Failure::other(format!("cannot restrict the control socket ({})", e.kind())))?;
    Ok(Listener { inner })
}

#[cfg(not(unix))]
pub fn bind(_: &Path) -> Result<Listener, Failure> {
    Ok(Listener {})
}

/// Serves requests on the bound socket until the task is aborted.
#[cfg(unix)]
pub async fn serve(listener: Listener, node: Node) -> Result<(), Failure> {
    loop {
        match listener.inner.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(answer(stream, node.clone()));
            }
            // Out of file descriptors, say: wait instead of spinning.
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(200)).await,
        }
    }
}

#[cfg(not(unix))]
pub async fn serve(_: Listener, _: Node) -> Result<(), Failure> {
    std::future::pending().await
}

#[cfg(unix)]
async fn answer(stream: tokio::net::UnixStream, node: Node) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let Ok(Some(first)) = lines.next_line().await else { return };
    let request = serde_json::from_str::<Request>(&first);
    let ends_with_asker = request.as_ref().is_ok_and(Request::ends_with_asker);
    let cancel = Cancel::default();
    // Later lines may ask to cancel. The asker going away cancels a web gallery or an
    // export (they belong to that terminal), not a share (journaled, it finishes).
    let listen = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            while let Ok(Some(l)) = lines.next_line().await {
                if matches!(serde_json::from_str::<Request>(&l), Ok(Request::Cancel)) {
                    cancel.cancel();
                }
            }
            if ends_with_asker {
                cancel.cancel();
            }
        })
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Value>();
    let work = {
        let tx = tx.clone();
        async move {
            let reply = match request {
                Err(_) => json!({"error": "not a request this node understands", "code": 2}),
                Ok(req) => {
                    let lines = tx.clone();
                    let notify: ops::Notify = std::sync::Arc::new(move |v| {
                        let _ = lines.send(v);
                    });
                    match ops::exec(&node, req, notify, &cancel).await {
                        Ok(v) => json!({"ok": v}),
                        Err(Failure(code, msg)) => json!({"error": msg, "code": code}),
                    }
                }
            };
            let _ = tx.send(reply);
        }
    };
    drop(tx);
    tokio::spawn(work);
    while let Some(v) = rx.recv().await {
        let mut bytes = v.to_string().into_bytes();
        bytes.push(b'\n');
        if write.write_all(&bytes).await.is_err() {
            break;
        }
    }
    listen.abort();
}
