//! Encrypted, authenticated, framed connections between members of one channel.
//!
//! The dialler opens with `SWRL | version` and the first message of a Noise
//! `XXpsk0_25519_ChaChaPoly_BLAKE2s` handshake whose pre-shared key comes from the
//! channel's secret. The listener finds the channel by trying the PSK of each channel it
//! holds (hashing only, no key agreement), so the opening names no channel: a listener
//! without that channel, or a prober without any secret, gets no answer at all — the
//! listener closes without a byte, and never reveals its device key. The rest of the
//! handshake authenticates both devices: their Noise static keys are the X25519 forms of
//! their ed25519 device keys, checked against the device id each one states.
//!
//! After the handshake, records (`u16` length, at most 65,535 bytes of ciphertext) carry
//! frames (`u32` length, then the message); every frame has a size limit, every read a
//! timeout, and a frame rate limit stops floods.

use crate::identity::{x25519_public, DeviceKey};
use crate::types::{ChannelId, DeviceId};
use serde::{Deserialize, Serialize};
use snow::{HandshakeState, StatelessTransportState};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// The opening's magic bytes.
pub const MAGIC: &[u8; 4] = b"SWRL";
/// The protocol version in the opening.
pub const VERSION: u8 = 1;
/// Binds the opening bytes into the handshake.
const PROLOGUE: &[u8] = b"SWRL\x01";
const NOISE: &str = "Noise_XXpsk0_25519_ChaChaPoly_BLAKE2s";
/// The most bytes of one Noise message (and so of one record).
const MAX_RECORD: usize = 65_535;
const AEAD_TAG: usize = 16;
const MAX_PLAIN: usize = MAX_RECORD - AEAD_TAG;
/// The first handshake message with an empty payload: ephemeral key + tag.
const FIRST_MSG_LEN: usize = 32 + AEAD_TAG;

/// Limits on one connection.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest frame accepted (one event is at most 512 KiB; batches are split below this).
    pub max_frame: usize,
    /// Time for the whole handshake.
    pub handshake: Duration,
    /// Longest silence between frames (peers ping well within it).
    pub idle: Duration,
    /// Time for one frame once its first byte has arrived (slow senders are dropped).
    pub frame: Duration,
    /// Frames a peer may send at once…
    pub burst: u32,
    /// …and per second after that.
    pub per_second: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_frame: 1024 * 1024,
            handshake: Duration::from_secs(5),
            idle: Duration::from_secs(60),
            frame: Duration::from_secs(15),
            burst: 512,
            per_second: 256,
        }
    }
}

/// Why a connection failed or was dropped. Never carries what the peer sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NetError {
    /// The socket failed or closed.
    #[error("connection error ({0:?})")]
    Io(std::io::ErrorKind),
    /// Nothing arrived for too long.
    #[error("timed out")]
    Timeout,
    /// A handshake or frame began and did not finish in time (a slow-loris peer).
    #[error("stalled mid-message")]
    Stalled,
    /// The peer does not speak this protocol.
    #[error("not a Swarmroll peer")]
    NotSwarmroll,
    /// The peer speaks another version.
    #[error("unsupported protocol version {0}")]
    UnsupportedVersion(u8),
    /// No channel held here matches the opening (or the peer holds none of ours).
    #[error("no shared channel")]
    NoSharedChannel,
    /// The handshake failed (wrong secret, tampering, or a malformed message).
    #[error("handshake failed")]
    Handshake,
    /// The peer's static key is not the device it claims to be.
    #[error("peer key does not match its device id")]
    WrongKey,
    /// A frame over the size limit was announced.
    #[error("oversize frame ({0} bytes)")]
    Oversize(u64),
    /// A record or frame that does not decode.
    #[error("malformed frame")]
    Malformed,
    /// Frames faster than the rate limit.
    #[error("too many frames")]
    Flood,
}

impl From<std::io::Error> for NetError {
    fn from(e: std::io::Error) -> Self {
        NetError::Io(e.kind())
    }
}

impl NetError {
    /// Whether the peer misbehaved (as opposed to a network failure): such peers are
    /// penalised.
    pub fn is_misbehaviour(&self) -> bool {
        matches!(
            self,
            NetError::NotSwarmroll
                | NetError::Stalled
                | NetError::Handshake
                | NetError::WrongKey
                | NetError::Oversize(_)
                | NetError::Malformed
                | NetError::Flood
        )
    }
}

/// A channel as the transport sees it: its id and the secret all its members hold.
#[derive(Clone)]
pub struct ChannelAccess {
    /// The channel.
    pub channel: ChannelId,
    /// The channel's access secret (see `sync::keys`).
    pub secret: [u8; 32],
}

/// What each side states inside the handshake (encrypted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    /// The sender's device.
    pub device: DeviceId,
    /// The port it accepts sync connections on (0: none).
    pub listen_port: u16,
    /// The port its BitTorrent session accepts peers on (0: none), so members can fetch
    /// originals from each other.
    pub swarm_port: u16,
}

/// An authenticated connection, split for concurrent reading and writing.
pub struct Established {
    /// Incoming frames.
    pub reader: FrameReader,
    /// Outgoing frames.
    pub writer: FrameWriter,
    /// The channel the connection is for.
    pub channel: ChannelId,
    /// What the peer stated (its device is authenticated).
    pub peer: Hello,
    /// The handshake hash: names this session, for proofs bound to it
    /// (`sync::admission`).
    pub session: [u8; 32],
}

fn psk(secret: &[u8; 32]) -> [u8; 32] {
    blake3::derive_key("swarmroll/sync/psk/v1", secret)
}

fn builder<'a>(static_key: &'a [u8], psk: &'a [u8; 32]) -> Result<snow::Builder<'a>, NetError> {
    let params = NOISE.parse().map_err(|_| NetError::Handshake)?;
    Ok(snow::Builder::new(params).local_private_key(static_key).psk(0, psk).prologue(PROLOGUE))
}

async fn read_record(r: &mut (impl AsyncReadExt + Unpin)) -> Result<Vec<u8>, NetError> {
    let len = usize::from(r.read_u16().await?);
    let mut buf = vec![0u8; len];
    r.read_exact(&mut buf).await?;
    Ok(buf)
}

fn record(msg: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 + msg.len());
    // Noise messages are at most 65,535 bytes.
    out.extend_from_slice(&(msg.len() as u16).to_be_bytes());
    out.extend_from_slice(msg);
    out
}

fn check_peer(hs: &HandshakeState, payload: &[u8]) -> Result<Hello, NetError> {
    let hello: Hello = postcard::from_bytes(payload).map_err(|_| NetError::Handshake)?;
    let expected = x25519_public(&hello.device).ok_or(NetError::WrongKey)?;
    if hs.get_remote_static() != Some(expected.as_bytes().as_slice()) {
        return Err(NetError::WrongKey);
    }
    Ok(hello)
}

fn hello_bytes(me: &DeviceKey, ports: Ports) -> Vec<u8> {
    postcard::to_allocvec(&Hello { device: me.id(), listen_port: ports.sync, swarm_port: ports.swarm })
        .unwrap_or_default()
}

/// The ports this node tells members about in the handshake.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ports {
    /// Where it accepts sync connections (0: none).
    pub sync: u16,
    /// Where its BitTorrent session accepts peers (0: none).
    pub swarm: u16,
}

/// Opens a connection for `access`'s channel over `stream`.
///
/// # Errors
/// [`NetError::NoSharedChannel`] if the listener does not answer (it lacks the channel),
/// or the [`NetError`] for what failed.
pub async fn dial(
    stream: TcpStream,
    me: &DeviceKey,
    access: &ChannelAccess,
    ports: Ports,
    limits: &Limits,
) -> Result<Established, NetError> {
    timeout(limits.handshake, dial_inner(stream, me, access, ports, limits)).await.map_err(|_| NetError::Timeout)?
}

async fn dial_inner(
    mut stream: TcpStream,
    me: &DeviceKey,
    access: &ChannelAccess,
    ports: Ports,
    limits: &Limits,
) -> Result<Established, NetError> {
    stream.set_nodelay(true)?;
    let sk = me.x25519_secret().to_bytes();
    let psk = psk(&access.secret);
    let mut hs = builder(&sk, &psk)?.build_initiator().map_err(|_| NetError::Handshake)?;
    let mut buf = vec![0u8; MAX_RECORD];
    let n = hs.write_message(&[], &mut buf).map_err(|_| NetError::Handshake)?;
    let mut opening = MAGIC.to_vec();
    opening.push(VERSION);
    opening.extend_from_slice(&buf[..n]);
    stream.write_all(&opening).await?;
    let msg2 = match read_record(&mut stream).await {
        Ok(m) => m,
        // The listener closes without a word when it lacks the channel.
        Err(NetError::Io(std::io::ErrorKind::UnexpectedEof)) => return Err(NetError::NoSharedChannel),
        Err(e) => return Err(e),
    };
    let mut payload = vec![0u8; MAX_RECORD];
    let n = hs.read_message(&msg2, &mut payload).map_err(|_| NetError::Handshake)?;
    let peer = check_peer(&hs, &payload[..n])?;
    let n = hs.write_message(&hello_bytes(me, ports), &mut buf).map_err(|_| NetError::Handshake)?;
    stream.write_all(&record(&buf[..n])).await?;
    finish(stream, hs, access.channel, peer, limits)
}

/// Answers a connection on `stream` for whichever of `channels` the opening was made for.
///
/// # Errors
/// [`NetError::NoSharedChannel`] (nothing was sent back), or the [`NetError`] for what failed.
pub async fn answer(
    stream: TcpStream,
    me: &DeviceKey,
    channels: &[ChannelAccess],
    ports: Ports,
    limits: &Limits,
) -> Result<Established, NetError> {
    // Silence is a timeout; a handshake begun and not finished in time is a stall.
    let deadline = tokio::time::Instant::now() + limits.handshake;
    let mut first = [0u8; 1];
    let n = tokio::time::timeout_at(deadline, stream.peek(&mut first)).await.map_err(|_| NetError::Timeout)??;
    if n == 0 {
        return Err(NetError::Io(std::io::ErrorKind::UnexpectedEof));
    }
    tokio::time::timeout_at(deadline, answer_inner(stream, me, channels, ports, limits))
        .await
        .map_err(|_| NetError::Stalled)?
}

async fn answer_inner(
    mut stream: TcpStream,
    me: &DeviceKey,
    channels: &[ChannelAccess],
    ports: Ports,
    limits: &Limits,
) -> Result<Established, NetError> {
    stream.set_nodelay(true)?;
    let mut head = [0u8; 5];
    stream.read_exact(&mut head).await?;
    if &head[..4] != MAGIC {
        return Err(NetError::NotSwarmroll);
    }
    if head[4] != VERSION {
        return Err(NetError::UnsupportedVersion(head[4]));
    }
    let mut msg1 = [0u8; FIRST_MSG_LEN];
    stream.read_exact(&mut msg1).await?;
    let sk = me.x25519_secret().to_bytes();
    let mut payload = vec![0u8; MAX_RECORD];
    let mut found = None;
    for access in channels {
        let psk = psk(&access.secret);
        let mut hs = builder(&sk, &psk)?.build_responder().map_err(|_| NetError::Handshake)?;
        if hs.read_message(&msg1, &mut payload).is_ok() {
            found = Some((hs, access.channel));
            break;
        }
    }
    let Some((mut hs, channel)) = found else {
        return Err(NetError::NoSharedChannel);
    };
    let mut buf = vec![0u8; MAX_RECORD];
    let n = hs.write_message(&hello_bytes(me, ports), &mut buf).map_err(|_| NetError::Handshake)?;
    stream.write_all(&record(&buf[..n])).await?;
    let msg3 = read_record(&mut stream).await?;
    let n = hs.read_message(&msg3, &mut payload).map_err(|_| NetError::Handshake)?;
    let peer = check_peer(&hs, &payload[..n])?;
    finish(stream, hs, channel, peer, limits)
}

fn finish(
    stream: TcpStream,
    hs: HandshakeState,
    channel: ChannelId,
    peer: Hello,
    limits: &Limits,
) -> Result<Established, NetError> {
    let session: [u8; 32] = hs.get_handshake_hash().try_into().map_err(|_| NetError::Handshake)?;
    let transport = Arc::new(hs.into_stateless_transport_mode().map_err(|_| NetError::Handshake)?);
    let (r, w) = stream.into_split();
    let bucket = Bucket { tokens: f64::from(limits.burst), at: Instant::now() };
    Ok(Established {
        reader: FrameReader { stream: r, transport: transport.clone(), nonce: 0, limits: limits.clone(), bucket },
        writer: FrameWriter { stream: w, transport, nonce: 0, timeout: limits.frame },
        channel,
        peer,
        session,
    })
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The receiving half: whole frames, within the limits.
pub struct FrameReader {
    stream: OwnedReadHalf,
    transport: Arc<StatelessTransportState>,
    nonce: u64,
    limits: Limits,
    bucket: Bucket,
}

impl FrameReader {
    /// The next frame.
    ///
    /// # Errors
    /// [`NetError::Timeout`] after `idle` of silence, [`NetError::Stalled`] for a frame
    /// slower than `frame`,
    /// [`NetError::Oversize`], [`NetError::Malformed`], [`NetError::Flood`], or I/O.
    pub async fn next(&mut self) -> Result<Vec<u8>, NetError> {
        let len = timeout(self.limits.idle, self.stream.read_u16()).await.map_err(|_| NetError::Timeout)??;
        let deadline = tokio::time::Instant::now() + self.limits.frame;
        self.take_token()?;
        let first = self.record_body(usize::from(len), deadline).await?;
        if first.len() < 4 {
            return Err(NetError::Malformed);
        }
        let declared = u32::from_be_bytes([first[0], first[1], first[2], first[3]]) as usize;
        if declared > self.limits.max_frame {
            return Err(NetError::Oversize(declared as u64));
        }
        let mut frame = Vec::with_capacity(declared);
        frame.extend_from_slice(&first[4..]);
        while frame.len() < declared {
            let len =
                tokio::time::timeout_at(deadline, self.stream.read_u16()).await.map_err(|_| NetError::Stalled)??;
            let more = self.record_body(usize::from(len), deadline).await?;
            frame.extend_from_slice(&more);
        }
        if frame.len() != declared {
            return Err(NetError::Malformed);
        }
        Ok(frame)
    }

    async fn record_body(&mut self, len: usize, deadline: tokio::time::Instant) -> Result<Vec<u8>, NetError> {
        if len < AEAD_TAG {
            return Err(NetError::Malformed);
        }
        let mut ct = vec![0u8; len];
        tokio::time::timeout_at(deadline, self.stream.read_exact(&mut ct)).await.map_err(|_| NetError::Stalled)??;
        let mut plain = vec![0u8; len];
        let n = self.transport.read_message(self.nonce, &ct, &mut plain).map_err(|_| NetError::Malformed)?;
        self.nonce += 1;
        plain.truncate(n);
        Ok(plain)
    }

    fn take_token(&mut self) -> Result<(), NetError> {
        let now = Instant::now();
        let b = &mut self.bucket;
        let refill = now.duration_since(b.at).as_secs_f64() * f64::from(self.limits.per_second);
        b.tokens = (b.tokens + refill).min(f64::from(self.limits.burst));
        b.at = now;
        if b.tokens < 1.0 {
            return Err(NetError::Flood);
        }
        b.tokens -= 1.0;
        Ok(())
    }
}

/// The sending half.
pub struct FrameWriter {
    stream: OwnedWriteHalf,
    transport: Arc<StatelessTransportState>,
    nonce: u64,
    timeout: Duration,
}

impl FrameWriter {
    /// Sends one frame (split into records), failing if the peer does not take it in time.
    ///
    /// # Errors
    /// [`NetError::Timeout`] or I/O.
    pub async fn send(&mut self, frame: &[u8]) -> Result<(), NetError> {
        let mut plain = Vec::with_capacity(4 + frame.len());
        plain.extend_from_slice(&(frame.len() as u32).to_be_bytes());
        plain.extend_from_slice(frame);
        let mut wire = Vec::with_capacity(plain.len() + plain.len() / MAX_PLAIN * 18 + 18);
        for chunk in plain.chunks(MAX_PLAIN) {
            self.seal_into(chunk, &mut wire)?;
        }
        self.write(&wire).await
    }

    /// Sends one record with exactly `plaintext` in it, whatever it says. For tests that
    /// play a hostile peer; the node itself only uses [`FrameWriter::send`].
    ///
    /// # Errors
    /// As [`FrameWriter::send`].
    pub async fn send_record(&mut self, plaintext: &[u8]) -> Result<(), NetError> {
        let mut wire = Vec::new();
        self.seal_into(plaintext, &mut wire)?;
        self.write(&wire).await
    }

    /// The raw socket, for tests that play a hostile peer.
    pub fn raw(&mut self) -> &mut OwnedWriteHalf {
        &mut self.stream
    }

    fn seal_into(&mut self, chunk: &[u8], wire: &mut Vec<u8>) -> Result<(), NetError> {
        let mut ct = vec![0u8; chunk.len() + AEAD_TAG];
        let n = self.transport.write_message(self.nonce, chunk, &mut ct).map_err(|_| NetError::Malformed)?;
        self.nonce += 1;
        wire.extend_from_slice(&record(&ct[..n]));
        Ok(())
    }

    async fn write(&mut self, wire: &[u8]) -> Result<(), NetError> {
        timeout(self.timeout, self.stream.write_all(wire)).await.map_err(|_| NetError::Timeout)??;
        Ok(())
    }
}
