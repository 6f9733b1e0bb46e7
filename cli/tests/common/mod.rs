//! What the `swarmroll` process tests share: running the command on a data folder, the
//! real photos, reading what a long-running command prints, and plain HTTP.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// Flags that keep a node to this machine.
pub const LOOPBACK: [&str; 6] = ["--listen", "127.0.0.1:0", "--swarm-listen", "127.0.0.1:0", "--no-lan", "--no-dht"];

/// Flags that keep a node to this machine, its sync port fixed at `port` (0: any).
pub fn net(port: u16) -> Vec<String> {
    ["--listen", &format!("127.0.0.1:{port}"), "--swarm-listen", "127.0.0.1:0", "--no-lan", "--no-dht"]
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// A loopback port free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The command, with no data folder or log level from the environment.
pub fn swarmroll() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_swarmroll"));
    c.env_remove("SWARMROLL_DATA_DIR").env_remove("RUST_LOG");
    c
}

/// The command on the data folder `dir`.
pub fn on(dir: &Path) -> Command {
    let mut c = swarmroll();
    c.arg("--data-dir").arg(dir);
    c
}

/// Runs the command on `dir` to its end.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    on(dir).args(args).output().unwrap()
}

/// The one JSON value a successful command printed.
pub fn ok_json(out: &Output) -> Value {
    assert!(out.status.success(), "{}\n{}", text(&out.stdout), text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The shared real photos (`../shared/fixtures/photos`, or `$SWARMROLL_SHARED`).
pub fn photos() -> PathBuf {
    std::env::var_os("SWARMROLL_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
        .join("fixtures/photos")
}

/// Starts a long-running command and returns it with the first JSON line for which
/// `wanted` holds; the rest of its output is read and dropped, as a terminal would. If
/// it ends first, the panic says what it wrote on stderr.
pub fn spawn_until(mut cmd: Command, wanted: impl Fn(&Value) -> bool) -> (Child, Value) {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut err = child.stderr.take().unwrap();
    let stderr = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut err, &mut s);
        s
    });
    let found = loop {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap() == 0 {
            let _ = child.wait();
            let said = stderr.join().unwrap_or_default();
            panic!("the command ended before printing what was expected; stderr:\n{}", text(&said));
        }
        if let Ok(v) = serde_json::from_str::<Value>(&line) {
            if wanted(&v) {
                break v;
            }
        }
    };
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    (child, found)
}

/// The control socket of the node running on `dir`.
pub fn control_socket(dir: &Path) -> PathBuf {
    dir.join("node.sock")
}

/// `swarmroll web` on loopback for `window`: the process and its links.
pub fn open_web(dir: &Path, channel: &str, window: &str) -> (Child, Value) {
    let mut cmd = on(dir);
    cmd.args(["--json", "web", channel, "--for", window, "--bind", "127.0.0.1:0"]).args(LOOPBACK);
    spawn_until(cmd, |v| v["guest_url"].is_string())
}

/// The status of a GET of `url` (`http://IP:PORT/path`); 0 when nothing listens there.
pub fn http_status(url: &str) -> u16 {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (addr, path) = rest.split_at(rest.find('/').unwrap());
    let Ok(mut s) = std::net::TcpStream::connect(addr) else { return 0 };
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out.split(' ').nth(1).unwrap().parse().unwrap()
}

/// Kills the process when dropped (a failing test leaves no node behind).
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
