//! The running node's control socket: `<data folder>/node.sock`, one JSON request per
//! connection, answered by JSON lines (`{"progress":…}` while importing, then `{"ok":…}`
//! or `{"error":…,"code":…}`). Commands typed while a node runs on the same folder go
//! through it, so what they change is pushed to members at once.
//!
//! The socket sits in the data folder, readable by its owner only: whoever can use it
//! could read the database anyway. Unix only; elsewhere commands work on the database.

use crate::ops::{self, Request};
use crate::Failure;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use swarmroll_core::node::Node;

/// The socket of the node on `dir`.
pub fn socket_path(dir: &Path) -> PathBuf {
    dir.join("node.sock")
}

/// Sends `req` to the node running on `dir`; `None` when none runs there.
#[cfg(unix)]
pub async fn ask(dir: &Path, req: &Request, progress: impl Fn(u64, u64)) -> Result<Option<Value>, Failure> {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let Ok(mut stream) = tokio::net::UnixStream::connect(socket_path(dir)).await else { return Ok(None) };
    let mut line = serde_json::to_vec(req).map_err(|e| Failure::other(e.to_string()))?;
    line.push(b'\n');
    stream
        .write_all(&line)
        .await
        .map_err(|e| Failure::other(format!("the running node did not answer ({})", e.kind())))?;
    let mut lines = BufReader::new(stream).lines();
    while let Some(l) =
        lines.next_line().await.map_err(|e| Failure::other(format!("the running node stopped ({})", e.kind())))?
    {
        let v: Value = serde_json::from_str(&l).map_err(|_| Failure::other("the running node answered garbage"))?;
        if let Some(p) = v.get("progress") {
            progress(p["done"].as_u64().unwrap_or(0), p["total"].as_u64().unwrap_or(0));
        } else if let Some(ok) = v.get("ok") {
            return Ok(Some(ok.clone()));
        } else {
            let code = v["code"].as_u64().and_then(|c| u8::try_from(c).ok()).unwrap_or(1);
            return Err(Failure(code, v["error"].as_str().unwrap_or("the running node failed").to_owned()));
        }
    }
    Err(Failure::other("the running node closed the connection"))
}

#[cfg(not(unix))]
pub async fn ask(_: &Path, _: &Request, _: impl Fn(u64, u64)) -> Result<Option<Value>, Failure> {
    Ok(None)
}

/// Serves requests on `dir`'s socket until the task is aborted.
#[cfg(unix)]
pub async fn serve(dir: PathBuf, node: Node) -> Result<(), Failure> {
    use std::os::unix::fs::PermissionsExt;
    let path = socket_path(&dir);
    // A socket left by a node that was killed: we hold the data folder's lock, so it is stale.
    let _ = std::fs::remove_file(&path);
    let listener = tokio::net::UnixListener::bind(&path)
        .map_err(|e| Failure::other(format!("cannot open the control socket ({})", e.kind())))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| Failure::other(format!("cannot restrict the control socket ({})", e.kind())))?;
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(answer(stream, node.clone()));
            }
            // Out of file descriptors, say: wait instead of spinning.
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(200)).await,
        }
    }
}

#[cfg(not(unix))]
pub async fn serve(_: PathBuf, _: Node) -> Result<(), Failure> {
    std::future::pending().await
}

#[cfg(unix)]
async fn answer(stream: tokio::net::UnixStream, node: Node) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let Ok(Some(line)) = lines.next_line().await else { return };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Value>();
    let work = {
        let tx = tx.clone();
        async move {
            let reply = match serde_json::from_str::<Request>(&line) {
                Err(_) => json!({"error": "not a request this node understands", "code": 2}),
                Ok(req) => {
                    let progress = tx.clone();
                    let report = move |done, total| {
                        let _ = progress.send(json!({"progress": {"done": done, "total": total}}));
                    };
                    match ops::exec(&node, req, report).await {
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
            return;
        }
    }
}
