//! A switched network of slow, lossy links for benchmarks, built from network namespaces.
//!
//! Node `i` lives in its own namespace with one interface, `198.18.0.(i+1)/24` (RFC 2544's
//! benchmarking range; nothing is attached to the root namespace, so nothing leaves the
//! machine). Its cable runs to a bridge in a hub namespace through
//! `scripts/lib/delayline.py`, which holds every frame for the link's one-way delay and
//! drops a share of them: this kernel has no `netem`. Between two nodes a frame crosses
//! two such cables, so a lab of `one_way_ms` and `loss_pct` gives each cable half of each.
//!
//! Code runs inside a node's namespace on a [`runtime_in`] runtime (its threads enter the
//! namespace as they start, so every socket a task opens is the node's), and programs
//! through [`Lab::command`]. Building needs root; [`Lab::build`] says why it could not.

use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A lab of `nodes` namespaces joined through delay lines. Torn down on drop.
pub struct Lab {
    prefix: String,
    nodes: usize,
    lines: Vec<Child>,
}

fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip").args(args).output().map_err(|e| format!("ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("ip {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()))
    }
}

/// Turns off the offloads that would hand the delay line frames larger than the MTU.
fn no_offloads(ns: &str, dev: &str) {
    let _ = Command::new("ip")
        .args(["netns", "exec", ns, "ethtool", "-K", dev, "gro", "off", "gso", "off", "tso", "off", "tx", "off"])
        .args(["rx", "off"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

impl Lab {
    /// Builds the lab. `one_way_ms` and `loss_pct` are between any two nodes.
    pub fn build(nodes: usize, one_way_ms: f64, loss_pct: f64) -> Result<Lab, String> {
        let prefix = format!("swlab{}", std::process::id());
        let mut lab = Lab { prefix, nodes, lines: Vec::new() };
        let hub = lab.hub();
        ip(&["netns", "add", &hub]).map_err(|e| format!("cannot create network namespaces (needs root): {e}"))?;
        ip(&["-n", &hub, "link", "add", "br0", "type", "bridge"])?;
        ip(&["-n", &hub, "link", "set", "br0", "up"])?;
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/lib/delayline.py");
        // Per cable: the delay, and the loss that makes `loss_pct` over two cables.
        let delay = format!("{}", one_way_ms / 2.0);
        let loss = format!("{}", 100.0 * (1.0 - (1.0 - loss_pct / 100.0).sqrt()));
        for i in 0..nodes {
            let ns = lab.netns(i);
            ip(&["netns", "add", &ns])?;
            let (a, b, c) = (format!("a{i}"), format!("b{i}"), format!("c{i}"));
            ip(&["-n", &hub, "link", "add", &a, "type", "veth", "peer", "name", "eth0", "netns", &ns])?;
            ip(&["-n", &hub, "link", "add", &b, "type", "veth", "peer", "name", &c])?;
            ip(&["-n", &hub, "link", "set", &c, "master", "br0"])?;
            for dev in [&a, &b, &c] {
                ip(&["-n", &hub, "link", "set", dev, "up"])?;
                no_offloads(&hub, dev);
            }
            ip(&["-n", &ns, "link", "set", "lo", "up"])?;
            ip(&["-n", &ns, "link", "set", "eth0", "up"])?;
            ip(&["-n", &ns, "addr", "add", &format!("{}/24", lab.addr(i)), "dev", "eth0"])?;
            no_offloads(&ns, "eth0");
            let line = Command::new("ip")
                .args(["netns", "exec", &hub, "python3"])
                .arg(&script)
                .args([&a, &b, &delay, &loss, &format!("{}", 19 + i)])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .map_err(|e| format!("delay line: {e}"))?;
            lab.lines.push(line);
        }
        lab.carries()?;
        Ok(lab)
    }

    /// The median of `tries` round trips from node `from` to node `to`, in ms: the time a
    /// connection attempt takes to be refused (SYN out, RST back). Lost probes are left out.
    pub fn round_trip_ms(&self, from: usize, to: usize, tries: usize) -> Option<f64> {
        let probe = format!(
            "import socket,time\nfor _ in range({tries}):\n s=socket.socket(); s.settimeout(2); t=time.monotonic()\n \
             if s.connect_ex(('{}', 9)) == 111: print((time.monotonic()-t)*1000)",
            self.addr(to)
        );
        let out = self.command(from, "python3").args(["-c", &probe]).output().ok()?;
        let mut ms: Vec<f64> = String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.parse().ok()).collect();
        ms.sort_by(f64::total_cmp);
        ms.get(ms.len() / 2).copied()
    }

    /// Stops the delay lines and returns the frames they carried and dropped, all
    /// cables together (the loss that was actually applied).
    pub fn stop(&mut self) -> (u64, u64) {
        let (mut carried, mut dropped) = (0, 0);
        for line in self.lines.drain(..) {
            let _ = Command::new("kill").args(["-TERM", &line.id().to_string()]).status();
            let Ok(out) = line.wait_with_output() else { continue };
            // "delayline: N frames carried, M dropped"
            let text = String::from_utf8_lossy(&out.stderr);
            let numbers: Vec<u64> = text.split(|c: char| !c.is_ascii_digit()).filter_map(|w| w.parse().ok()).collect();
            if let [c, d] = numbers[..] {
                carried += c;
                dropped += d;
            }
        }
        (carried, dropped)
    }

    /// Waits until a connection attempt from the last node to the first is refused (the
    /// delay lines carry), or says the lab does not carry.
    fn carries(&self) -> Result<(), String> {
        let probe = format!(
            "import socket,sys; s=socket.socket(); s.settimeout(2); sys.exit(s.connect_ex(('{}', 9)) != 111)",
            self.addr(0)
        );
        for _ in 0..20 {
            let refused = self.command(self.nodes - 1, "python3").args(["-c", &probe]).status();
            if refused.is_ok_and(|s| s.success()) {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
        Err("the lab's links do not carry".into())
    }

    fn hub(&self) -> String {
        format!("{}-hub", self.prefix)
    }

    /// The namespace of node `i`.
    pub fn netns(&self, i: usize) -> String {
        format!("{}-n{i}", self.prefix)
    }

    /// The address of node `i`.
    pub fn addr(&self, i: usize) -> Ipv4Addr {
        Ipv4Addr::new(198, 18, 0, u8::try_from(i + 1).expect("at most 254 nodes"))
    }

    /// `program` to run in node `i`'s namespace.
    pub fn command(&self, i: usize, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.netns(i), program]);
        c
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        for line in &mut self.lines {
            let _ = line.kill();
            let _ = line.wait();
        }
        for i in 0..self.nodes {
            let _ = ip(&["netns", "del", &self.netns(i)]);
        }
        let _ = ip(&["netns", "del", &self.hub()]);
    }
}

/// A runtime whose threads (workers and blocking pool) all live in namespace `ns`.
pub fn runtime_in(ns: &str, workers: usize) -> std::io::Result<tokio::runtime::Runtime> {
    let path = format!("/var/run/netns/{ns}");
    std::fs::metadata(&path)?;
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .on_thread_start(move || {
            let entered = std::fs::File::open(&path)
                .map_err(|e| e.to_string())
                .and_then(|f| nix::sched::setns(f, nix::sched::CloneFlags::CLONE_NEWNET).map_err(|e| e.to_string()));
            // A thread outside the namespace would open sockets on the host's network.
            if let Err(e) = entered {
                eprintln!("lab: a runtime thread cannot enter {path}: {e}");
                std::process::abort();
            }
        })
        .build()
}
