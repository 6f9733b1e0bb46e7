//! A small HTTP/1.1 client for the web gallery's tests and benchmark: one connection per
//! request (`Connection: close`), the guest cookie kept like a browser keeps it, chunked
//! bodies decoded, and a reader for server-sent events. Written on tokio's TCP so that
//! what is measured is the server, not a client library.

use serde_json::Value;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// A response, read whole.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A header's value (names compared without case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`Null` if it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One browser: a server address and the cookie it was given.
#[derive(Clone, Debug)]
pub struct Client {
    pub addr: SocketAddr,
    pub cookie: Option<String>,
    /// The address it connects from (another loopback address stands for another
    /// phone on the Wi-Fi); the system's choice when `None`.
    pub source: Option<std::net::IpAddr>,
}

fn head(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    headers: &[(&str, &str)],
    len: usize,
) -> String {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {len}\r\n");
    if let Some(c) = cookie {
        req.push_str(&format!("Cookie: {c}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req
}

/// A TCP connection to `addr`, from `source` if given.
pub async fn connect(addr: SocketAddr, source: Option<std::net::IpAddr>) -> std::io::Result<TcpStream> {
    match source {
        None => TcpStream::connect(addr).await,
        Some(ip) => {
            let socket = if ip.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
            socket.bind(SocketAddr::new(ip, 0))?;
            socket.connect(addr).await
        }
    }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(pos) = raw.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&raw[..pos]).unwrap_or("0").trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = pos + 2;
        out.extend_from_slice(&raw[start..(start + size).min(raw.len())]);
        raw = &raw[(start + size + 2).min(raw.len())..];
    }
    out
}

impl Client {
    /// A client with no cookie yet.
    pub fn new(addr: SocketAddr) -> Self {
        Client { addr, cookie: None, source: None }
    }

    /// Sends one request and reads the whole response; keeps a `Set-Cookie`.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Response> {
        let mut s = connect(self.addr, self.source).await?;
        let req = head(self.addr, method, path, self.cookie.as_deref(), headers, body.len());
        s.write_all(req.as_bytes()).await?;
        s.write_all(body).await?;
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).await?;
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or(std::io::ErrorKind::InvalidData)?;
        let text = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = text.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|c| c.parse().ok())
            .ok_or(std::io::ErrorKind::InvalidData)?;
        let headers: Vec<(String, String)> =
            lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned())).collect();
        let mut body = raw[split + 4..].to_vec();
        let resp_chunked =
            headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
        if resp_chunked {
            body = dechunk(&body);
        }
        let resp = Response { status, headers, body };
        if let Some(c) = resp.header("set-cookie") {
            self.cookie = c.split(';').next().map(str::to_owned);
        }
        Ok(resp)
    }

    /// GET.
    pub async fn get(&mut self, path: &str) -> Response {
        self.send("GET", path, &[], &[]).await.expect("GET")
    }

    /// A request with a JSON body.
    pub async fn json(&mut self, method: &str, path: &str, v: &Value) -> Response {
        let body = v.to_string();
        self.send(method, path, &[("Content-Type", "application/json")], body.as_bytes()).await.expect("JSON request")
    }

    /// Opens a guest session named `name` on the gallery at `base` (`/g/<token>/`).
    pub async fn session(&mut self, base: &str, name: Option<&str>) -> Response {
        self.json("POST", &format!("{base}api/session"), &serde_json::json!({ "name": name })).await
    }

    /// Uploads `bytes` as `name` the way the page does: announce with the BLAKE3, send
    /// `chunk`-byte pieces from the server's offset. Returns the last upload record, or the
    /// first refusal.
    pub async fn upload(&mut self, base: &str, name: &str, mime: &str, bytes: &[u8], chunk: usize) -> Response {
        let hash = blake3::hash(bytes).to_hex().to_string();
        let announce = serde_json::json!({ "name": name, "size": bytes.len(), "type": mime, "hash": hash });
        let mut r = self.json("POST", &format!("{base}api/uploads"), &announce).await;
        loop {
            if r.status != 200 || r.json()["state"] != "partial" {
                return r;
            }
            let (id, offset) = (
                r.json()["id"].as_str().unwrap_or_default().to_owned(),
                r.json()["offset"].as_u64().unwrap_or(0) as usize,
            );
            let end = (offset + chunk).min(bytes.len());
            let off = offset.to_string();
            r = self
                .send("PATCH", &format!("{base}api/uploads/{id}"), &[("Upload-Offset", &off)], &bytes[offset..end])
                .await
                .expect("PATCH");
        }
    }
}

/// A server-sent event stream.
pub struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// Opens `path` with the client's cookie.
    pub async fn open(client: &Client, path: &str) -> std::io::Result<Events> {
        let mut s = TcpStream::connect(client.addr).await?;
        let req = head(client.addr, "GET", path, client.cookie.as_deref(), &[("Accept", "text/event-stream")], 0);
        s.write_all(req.as_bytes()).await?;
        let mut reader = BufReader::new(s);
        let mut line = String::new();
        reader.read_line(&mut line).await?;
        if !line.contains(" 200 ") {
            return Err(std::io::Error::other(line));
        }
        loop {
            line.clear();
            reader.read_line(&mut line).await?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        Ok(Events { reader })
    }

    /// The next event's name and data, waiting at most `wait`.
    pub async fn next(&mut self, wait: Duration) -> Option<(String, Value)> {
        let read = async {
            let (mut name, mut data) = (String::new(), String::new());
            let mut line = String::new();
            loop {
                line.clear();
                if self.reader.read_line(&mut line).await.ok()? == 0 {
                    return None;
                }
                let l = line.trim_end();
                if let Some(n) = l.strip_prefix("event:") {
                    name = n.trim().to_owned();
                } else if let Some(d) = l.strip_prefix("data:") {
                    data.push_str(d.trim());
                } else if l.is_empty() && !name.is_empty() {
                    // Data that is not JSON (a private gallery's sealed events) comes as a string.
                    return Some((name, serde_json::from_str(&data).unwrap_or(Value::String(data))));
                }
                // Chunk-size lines of the chunked body and keep-alive comments are skipped.
            }
        };
        tokio::time::timeout(wait, read).await.ok().flatten()
    }

    /// The next event named `name`, skipping others, waiting at most `wait` in all.
    pub async fn next_named(&mut self, name: &str, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let (n, data) = self.next(left).await?;
            if n == name {
                return Some(data);
            }
        }
    }
}
