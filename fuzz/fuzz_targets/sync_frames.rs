//! The sync protocol on arbitrary input, as a peer on the network can send it:
//!
//! * every input is a sync message frame for `sync::state::decode` (then the
//!   reconciliation `Engine` reacts to what decodes) and a LAN beacon datagram for
//!   `net::beacon::Beacon::decode`; what decodes must encode back to itself;
//! * inputs whose first byte is `0 mod 4` are sent, after that byte, to a listener's
//!   `net::secure::answer` over a loopback TCP connection: what a prober without the
//!   channel's secret can make a node do with the opening and the Noise handshake;
//! * inputs whose first byte is `1 mod 4` come from a dialler that holds the secret and
//!   runs the Noise handshake properly, but states a fuzzed `Hello` in its last handshake
//!   message and then sends fuzzed records (sealed with the session's keys, so they
//!   open): the listener's `check_peer`, `FrameReader::next` (record and frame lengths,
//!   the frame size limit) and `sync::state::decode` of each frame it returns (the first
//!   of which a node expects to be the admission's `Msg::Access`).
//!
//! Layout after the first byte, for the dialler: a flags byte (bit 0: the `Hello` starts
//! with the dialler's real device id, so it is believed), the `Hello`'s length `n` and
//! its `n` bytes, then records, each a big-endian `u16` length and that many plaintext
//! bytes (a frame is a big-endian `u32` length and the message, split over records).
//!
//! With `SWARMROLL_FUZZ_SEEDS=<dir>` set, the first run writes seed inputs there: one of
//! each message kind, bare and sent by the dialler.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::net::SocketAddr;
use std::time::Duration;
use swarmroll_core::identity::DeviceKey;
use swarmroll_core::net::beacon::Beacon;
use swarmroll_core::net::secure::{answer, ChannelAccess, Limits, Ports, MAGIC, VERSION};
use swarmroll_core::sync::state::{decode, encode, Engine, Msg, Vector};
use swarmroll_core::types::DeviceId;
use swarmroll_core::ChannelId;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// As `core/src/net/secure.rs` sets up the handshake.
const NOISE: &str = "Noise_XXpsk0_25519_ChaChaPoly_BLAKE2s";
const PROLOGUE: &[u8] = b"SWRL\x01";
const SECRET: [u8; 32] = [7; 32];
const LISTENER_KEY: [u8; 32] = [11; 32];
const DIALLER_KEY: [u8; 32] = [13; 32];

fn psk() -> [u8; 32] {
    blake3::derive_key("swarmroll/sync/psk/v1", &SECRET)
}

struct World {
    rt: tokio::runtime::Runtime,
    listener: TcpListener,
    addr: SocketAddr,
    me: DeviceKey,
    access: ChannelAccess,
    limits: Limits,
}

fn world() -> World {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("listen");
    let addr = listener.local_addr().expect("address");
    let limits = Limits {
        handshake: Duration::from_secs(2),
        idle: Duration::from_secs(2),
        frame: Duration::from_secs(2),
        burst: 1_000_000,
        per_second: 1_000_000,
        ..Limits::default()
    };
    World {
        rt,
        listener,
        addr,
        me: DeviceKey::from_secret(&LISTENER_KEY),
        access: ChannelAccess { channel: ChannelId([3; 32]), secret: SECRET },
        limits,
    }
}

fn record(msg: &[u8]) -> Vec<u8> {
    let len = u16::try_from(msg.len()).unwrap_or(u16::MAX);
    let mut out = len.to_be_bytes().to_vec();
    out.extend_from_slice(&msg[..usize::from(len)]);
    out
}

/// The dialler's part of an input: its `Hello` payload and its records' plaintexts.
fn dialler_input(data: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let flags = data.first().copied().unwrap_or(0);
    let n = usize::from(data.get(1).copied().unwrap_or(0));
    let rest = data.get(2..).unwrap_or_default();
    let (hello_part, mut rest) = rest.split_at(n.min(rest.len()));
    let mut hello = Vec::new();
    if flags & 1 == 1 {
        hello.extend_from_slice(&DeviceKey::from_secret(&DIALLER_KEY).id().0);
    }
    hello.extend_from_slice(hello_part);
    let mut records = Vec::new();
    while rest.len() >= 2 {
        let len = usize::from(u16::from_be_bytes([rest[0], rest[1]])).min(65_535 - 16);
        let body = &rest[2..];
        let (r, tail) = body.split_at(len.min(body.len()));
        records.push(r.to_vec());
        rest = tail;
    }
    (hello, records)
}

/// Dials with the channel's secret, states `hello` and sends `records`; `None` when the
/// listener hung up first.
async fn hostile_dialler(addr: SocketAddr, hello: &[u8], records: &[Vec<u8>]) -> Option<()> {
    let mut s = TcpStream::connect(addr).await.ok()?;
    let psk = psk();
    let key = ed25519_dalek::SigningKey::from_bytes(&DIALLER_KEY).to_scalar_bytes();
    let mut hs = snow::Builder::new(NOISE.parse().ok()?)
        .local_private_key(&key)
        .psk(0, &psk)
        .prologue(PROLOGUE)
        .build_initiator()
        .ok()?;
    let mut buf = vec![0u8; 65_535];
    let n = hs.write_message(&[], &mut buf).ok()?;
    let mut opening = MAGIC.to_vec();
    opening.push(VERSION);
    opening.extend_from_slice(&buf[..n]);
    s.write_all(&opening).await.ok()?;
    let len = usize::from(s.read_u16().await.ok()?);
    let mut msg2 = vec![0u8; len];
    s.read_exact(&mut msg2).await.ok()?;
    let mut payload = vec![0u8; 65_535];
    hs.read_message(&msg2, &mut payload).ok()?;
    let hello = &hello[..hello.len().min(65_535 - 64)];
    let n = hs.write_message(hello, &mut buf).ok()?;
    let mut wire = record(&buf[..n]);
    let transport = hs.into_stateless_transport_mode().ok()?;
    for (nonce, plain) in records.iter().enumerate() {
        let mut ct = vec![0u8; plain.len() + 16];
        let n = transport.write_message(nonce as u64, plain, &mut ct).ok()?;
        wire.extend_from_slice(&record(&ct[..n]));
    }
    s.write_all(&wire).await.ok()?;
    s.shutdown().await.ok()?;
    let mut sink = Vec::new();
    let _ = s.read_to_end(&mut sink).await;
    Some(())
}

async fn prober(addr: SocketAddr, bytes: &[u8]) -> Option<()> {
    let mut s = TcpStream::connect(addr).await.ok()?;
    s.write_all(bytes).await.ok()?;
    s.shutdown().await.ok()?;
    let mut sink = Vec::new();
    let _ = s.read_to_end(&mut sink).await;
    Some(())
}

/// The listener: answers one connection and reads frames until the peer is done.
async fn listener_side(w: &World) {
    let Ok((stream, _)) = w.listener.accept().await else { return };
    let Ok(mut est) = answer(stream, &w.me, std::slice::from_ref(&w.access), Ports::default(), &w.limits).await else {
        return;
    };
    let mut engine = Engine::new();
    let _ = engine.start_round(Vector::new());
    while let Ok(frame) = est.reader.next().await {
        if let Ok(msg) = decode(&frame) {
            let _ = engine.on_msg(msg);
        }
    }
}

fn frames(data: &[u8]) {
    if let Ok(msg) = decode(data) {
        assert_eq!(decode(&encode(&msg)).as_ref(), Ok(&msg), "decode/encode round trip");
        let mut engine = Engine::new();
        let _ = engine.start_round(Vector::from([(DeviceId([1; 32]), 3)]));
        let _ = engine.on_msg(msg);
    }
    if let Some(b) = Beacon::decode(data) {
        assert_eq!(Beacon::decode(&b.encode()).as_ref(), Some(&b), "beacon round trip");
    }
}

fn write_seeds(dir: &std::path::Path) {
    let _ = std::fs::create_dir_all(dir);
    let msgs = [
        Msg::Summary { digest: [5; 32] },
        Msg::Vector { entries: vec![(DeviceId([1; 32]), 2), (DeviceId([2; 32]), 9)] },
        Msg::Events { events: vec![vec![1, 2, 3], vec![4; 40]] },
        Msg::Synced,
        Msg::Peers { addrs: vec!["192.168.1.20:41000".parse().expect("address")] },
        Msg::Ping,
        Msg::Pong,
        Msg::CallBack { token: [1; 16], info_hash: [2; 20] },
        Msg::Punch {
            token: [1; 16],
            addr: "10.0.0.2:41000".parse().expect("address"),
            lead: true,
            device: DeviceId([4; 32]),
        },
        Msg::Relay { token: [1; 16], device: DeviceId([4; 32]), info_hash: [2; 20] },
        Msg::PunchBack { token: [1; 16], info_hash: [2; 20] },
        Msg::PunchPort { token: [1; 16], port: 40000 },
        Msg::Circuit { token: [1; 16], key: [9; 32] },
        Msg::Access { proofs: vec![(1, [8; 32]), (0, [9; 32])] },
    ];
    for (i, m) in msgs.iter().enumerate() {
        let msg = encode(m);
        let _ = std::fs::write(dir.join(format!("msg-{i:02}")), &msg);
        // Sent by the dialler: a believed Hello (ports 41000, 42000), one frame.
        let mut d = vec![1u8, 1, 6, 0xa8, 0xc0, 0x02, 0x90, 0xc8, 0x02];
        let mut frame = u32::try_from(msg.len()).unwrap_or(0).to_be_bytes().to_vec();
        frame.extend_from_slice(&msg);
        d.extend_from_slice(&u16::try_from(frame.len()).unwrap_or(0).to_be_bytes());
        d.extend_from_slice(&frame);
        let _ = std::fs::write(dir.join(format!("dialled-{i:02}")), &d);
    }
    let beacon = Beacon { reply: false, port: 41000, nonce: [6; 16], tags: vec![[1; 8], [2; 8]] };
    let _ = std::fs::write(dir.join("beacon"), beacon.encode());
    let mut opening = MAGIC.to_vec();
    opening.push(VERSION);
    opening.extend_from_slice(&[0; 48]);
    let _ = std::fs::write(dir.join("opening"), [&[0u8][..], &opening].concat());
}

thread_local! {
    static WORLD: std::cell::OnceCell<World> = const { std::cell::OnceCell::new() };
}

static SEEDS: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    SEEDS.call_once(|| {
        if let Some(dir) = std::env::var_os("SWARMROLL_FUZZ_SEEDS") {
            write_seeds(std::path::Path::new(&dir));
        }
    });
    frames(data);
    let Some((&mode, rest)) = data.split_first() else { return };
    WORLD.with(|cell| {
        let w = cell.get_or_init(world);
        match mode % 4 {
            0 => w.rt.block_on(async {
                tokio::join!(listener_side(w), prober(w.addr, rest));
            }),
            1 => {
                let (hello, records) = dialler_input(rest);
                w.rt.block_on(async {
                    tokio::join!(listener_side(w), hostile_dialler(w.addr, &hello, &records));
                });
            }
            _ => {}
        }
    });
});
