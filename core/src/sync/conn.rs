//! One connection per member and channel: accept or dial, register (one connection per
//! pair survives), reconcile, push, keep alive; drop and penalise peers that misbehave.

use super::state::{self, Action, Engine, Msg, ProtocolError, Vector};
use super::{admission, callback, db, direct, lock, punch, relay, rendezvous, AbortOnDrop, ConnEntry, Inner, SyncError, SyncEvent};
use crate::log::event::Event;
use crate::log::validate::Rejection;
use crate::net::{self, Established, FrameReader, FrameWriter, NetError};
use crate::replica::{self, LogChange};
use crate::types::{ChannelId, DeviceId};
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, mpsc};

/// Bytes of events per `Events` frame while reconciling (a larger single event goes
/// alone): within the 1 MiB frame limit (`net::secure::Limits`) with room for the
/// message's own encoding (at most 3 bytes per event of length prefix).
const BATCH_BYTES: usize = 768 * 1024;
/// Frames read ahead of the one being handled.
const READ_AHEAD: usize = 4;
/// Bytes of events received in a row that are ingested in one transaction at most.
const INGEST_BYTES: usize = 4 * 1024 * 1024;
/// Events read from the store at a time while reconciling.
const PAGE: u32 = 1024;

/// Why a connection ended.
#[derive(Debug)]
pub(super) enum Ended {
    /// The transport failed or the peer broke a limit.
    Net(NetError),
    /// The peer sent a message that breaks the protocol.
    Protocol(ProtocolError),
    /// The peer sent an event no honest member would relay.
    Forged(Rejection),
    /// The store failed.
    Store,
    /// The peer closed the connection, or we did.
    Closed,
}

impl fmt::Display for Ended {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ended::Net(e) => write!(f, "{e}"),
            Ended::Protocol(e) => write!(f, "{e}"),
            Ended::Forged(r) => write!(f, "forged or foreign event: {r}"),
            Ended::Store => write!(f, "store failure"),
            Ended::Closed => write!(f, "closed"),
        }
    }
}

impl Ended {
    fn is_misbehaviour(&self) -> bool {
        match self {
            Ended::Net(e) => e.is_misbehaviour(),
            Ended::Protocol(_) | Ended::Forged(_) => true,
            Ended::Store | Ended::Closed => false,
        }
    }
}

impl From<NetError> for Ended {
    fn from(e: NetError) -> Self {
        Ended::Net(e)
    }
}

impl From<replica::Error> for Ended {
    fn from(e: replica::Error) -> Self {
        tracing::warn!(error = %e, "store failure during sync");
        Ended::Store
    }
}

/// Refusals that an honest member can never cause: it relays only events it accepted,
/// which decode, verify, decrypt and belong to the channel.
fn is_forgery(r: &Rejection) -> bool {
    matches!(
        r,
        Rejection::Malformed
            | Rejection::TooLarge
            | Rejection::WrongChannel
            | Rejection::BadSignature
            | Rejection::Undecryptable
            | Rejection::KindMismatch
            | Rejection::Limits(_)
    )
}

/// Counts a connection against the total and per-address limits while it lives.
pub(super) struct Slot {
    inner: Arc<Inner>,
    ip: IpAddr,
}

impl Slot {
    fn take(inner: &Arc<Inner>, ip: IpAddr) -> Option<Slot> {
        let mut m = lock(&inner.per_ip);
        let total: usize = m.values().sum();
        let here = m.get(&ip).copied().unwrap_or(0);
        if total >= inner.cfg.max_connections || here >= inner.cfg.max_per_ip {
            return None;
        }
        m.insert(ip, here + 1);
        Some(Slot { inner: inner.clone(), ip })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut m = lock(&self.inner.per_ip);
        if let Some(n) = m.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                m.remove(&self.ip);
            }
        }
    }
}

pub(super) async fn accesses(inner: &Inner) -> Result<Vec<net::ChannelAccess>, Ended> {
    Ok(inner.replica.store().read_async(|c| db::accesses(c).map_err(replica::Error::from)).await?)
}

/// Accepts members' connections until aborted.
pub(super) async fn accept_loop(inner: Arc<Inner>, listener: TcpListener) {
    loop {
        let (stream, from) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                tracing::debug!(error = %e, "accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        if inner.is_penalised(from.ip()) {
            continue;
        }
        let Some(slot) = Slot::take(&inner, from.ip()) else {
            tracing::debug!("connection refused: limit reached");
            continue;
        };
        let inner = inner.clone();
        tokio::spawn(async move {
            match opening(&stream, inner.cfg.limits.handshake).await {
                // Its token is checked before a byte is carried; it holds no slot after.
                Opening::CallBack => {
                    drop(slot);
                    return callback::arrived(&inner, stream).await;
                }
                Opening::Punch => {
                    drop(slot);
                    return punch::arrived(&inner, stream).await;
                }
                Opening::Sync => {}
            }
            let Ok(channels) = accesses(&inner).await else { return };
            let key = inner.replica.device_key().clone();
            match net::secure::answer(stream, &key, &channels, inner.ports(), &inner.cfg.limits).await {
                Ok(est) => run(inner, est, from.ip(), None, Side::Answered, slot).await,
                Err(e) if e.is_misbehaviour() => inner.penalise(from.ip(), &e),
                Err(e) => tracing::debug!(error = %e, "incoming handshake failed"),
            }
        });
    }
}

/// What a new stream on the sync port is.
enum Opening {
    /// A member's sync connection (or anything else: the handshake judges it).
    Sync,
    /// A call-back (`sync::callback`).
    CallBack,
    /// One side of a punch (`sync::punch`).
    Punch,
}

/// Tells what a new stream is by its first bytes, without taking them.
async fn opening(stream: &TcpStream, limit: std::time::Duration) -> Opening {
    let mut head = [0u8; 4];
    let magics = [(callback::MAGIC, Opening::CallBack), (punch::MAGIC, Opening::Punch)];
    let looked = tokio::time::timeout(limit, async {
        loop {
            let n = match stream.peek(&mut head).await {
                Ok(n) if n > 0 => n.min(head.len()),
                _ => return Opening::Sync,
            };
            let mut maybe = false;
            for (magic, _) in &magics {
                if head[..n] == magic[..n] {
                    maybe = true;
                }
            }
            if n == head.len() || !maybe {
                break;
            }
            // Fewer bytes so far: a prefix of a magic may still become it.
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        magics.into_iter().find(|(m, _)| head == **m).map_or(Opening::Sync, |(_, o)| o)
    });
    looked.await.unwrap_or(Opening::Sync)
}

/// Whether a stream opens like a call-back (`sync::callback`), without taking its bytes.
pub(super) async fn opens_like_a_call_back(stream: &TcpStream, limit: std::time::Duration) -> bool {
    matches!(opening(stream, limit).await, Opening::CallBack)
}

/// Dials `addr` for `channel`; the connection then runs in its own task.
pub(super) async fn dial(inner: &Arc<Inner>, channel: ChannelId, addr: SocketAddr) -> Result<DeviceId, SyncError> {
    let access = accesses(inner)
        .await
        .map_err(|_| SyncError::UnknownChannel)?
        .into_iter()
        .find(|a| a.channel == channel)
        .ok_or(SyncError::UnknownChannel)?;
    if inner.is_penalised(addr.ip()) {
        return Err(SyncError::Penalised);
    }
    let slot = Slot::take(inner, addr.ip()).ok_or(SyncError::TooManyConnections)?;
    let limits = &inner.cfg.limits;
    let stream = tokio::time::timeout(limits.handshake, TcpStream::connect(addr))
        .await
        .map_err(|_| NetError::Timeout)?
        .map_err(NetError::from)?;
    let key = inner.replica.device_key().clone();
    let est = match net::secure::dial(stream, &key, &access, inner.ports(), limits).await {
        Ok(est) => est,
        Err(e) => {
            if e.is_misbehaviour() {
                inner.penalise(addr.ip(), &e);
            }
            return Err(e.into());
        }
    };
    let peer = est.peer.device;
    tokio::spawn(run(inner.clone(), est, addr.ip(), Some(addr), Side::Dialled, slot));
    Ok(peer)
}

/// A punch (`sync::punch`) opened `stream` to the member at `to`: the leader opens the
/// handshake, the other answers; the connection then runs like any other.
pub(super) async fn punched(inner: &Arc<Inner>, channel: ChannelId, stream: TcpStream, to: SocketAddr, lead: bool) {
    let Some((est, slot)) = lead_or_answer(inner, channel, stream, to.ip(), lead).await else { return };
    match est {
        Ok(est) => run(inner.clone(), est, to.ip(), Some(to), Side::Punched { lead }, slot).await,
        Err(e) if e.is_misbehaviour() => inner.penalise(to.ip(), &e),
        Err(e) => tracing::debug!(error = %e, "punched handshake failed"),
    }
}

/// The handshake on a stream opened for `channel` by a punch or a relay, from `from`:
/// the leader opens it, the other answers. `None` where the channel is gone or `from`
/// has no connection slot left.
async fn lead_or_answer(
    inner: &Arc<Inner>,
    channel: ChannelId,
    stream: TcpStream,
    from: IpAddr,
    lead: bool,
) -> Option<(Result<net::Established, net::NetError>, Slot)> {
    let access = accesses(inner).await.ok()?.into_iter().find(|a| a.channel == channel)?;
    let slot = Slot::take(inner, from)?;
    let key = inner.replica.device_key().clone();
    let limits = &inner.cfg.limits;
    let est = if lead {
        net::secure::dial(stream, &key, &access, inner.ports(), limits).await
    } else {
        net::secure::answer(stream, &key, &[access], inner.ports(), limits).await
    };
    Some((est, slot))
}

/// Why a connection through a rendezvous relay ended.
pub(super) enum RelayedEnd {
    /// The member (this device) is connected to us another way: this circuit was not kept.
    AlreadyConnected(DeviceId),
    /// It ran and ended, or its handshake failed.
    Ended,
}

/// A circuit through a rendezvous relay (`sync::rendezvous`) reached a waiter of
/// `channel`: the side that opened it opens the handshake. Runs the connection until it
/// ends. The relay's address is never penalised for what a member does through it.
pub(super) async fn relayed(
    inner: &Arc<Inner>,
    channel: ChannelId,
    stream: TcpStream,
    via: rendezvous::Via,
    lead: bool,
) -> RelayedEnd {
    let Some((est, slot)) = lead_or_answer(inner, channel, stream, via.relay.ip(), lead).await else {
        return RelayedEnd::Ended;
    };
    let est = match est {
        Ok(est) => est,
        Err(e) => {
            tracing::debug!(error = %e, "handshake through a rendezvous relay failed");
            return RelayedEnd::Ended;
        }
    };
    let peer = est.peer.device;
    if lock(&inner.conns).contains_key(&(channel, peer)) {
        return RelayedEnd::AlreadyConnected(peer);
    }
    lock(&inner.routes).connected(channel, peer, via);
    inner.rendezvous_stats.connected();
    run(inner.clone(), est, via.relay.ip(), None, Side::Relayed { lead }, slot).await;
    lock(&inner.routes).ended(channel, peer, via);
    RelayedEnd::Ended
}

/// How a connection came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// We dialled the member.
    Dialled,
    /// The member dialled us.
    Answered,
    /// Both dialled at once (`sync::punch`); the leader opened the handshake.
    Punched { lead: bool },
    /// Through a rendezvous relay (`sync::rendezvous`); the leader opened the circuit.
    Relayed { lead: bool },
}

impl Side {
    fn initiator(self) -> bool {
        matches!(self, Side::Dialled | Side::Punched { lead: true } | Side::Relayed { lead: true })
    }
}

/// Exchanges access proofs (`sync::admission`): admits a member on our roster, or a
/// device proving it holds our current read key.
async fn admitted(inner: &Arc<Inner>, est: &mut Established, side: Side) -> bool {
    let (ch, peer, session) = (est.channel, est.peer.device, est.session);
    let looked = inner
        .replica
        .store()
        .read_async(move |c| {
            let keys = crate::log::db::current_keys(c, &ch)?;
            Ok::<_, crate::store::StoreError>((keys, db::is_member(c, &ch, &peer)?))
        })
        .await;
    let Ok((Some(keys), member)) = looked else { return false };
    let current = (keys.epoch, &keys.read_key);
    let ours = admission::proofs(&ch, current, &session, side.initiator());
    match admission::exchange(&mut est.reader, &mut est.writer, ours, inner.cfg.limits.handshake).await {
        Ok(Some(theirs)) => member || admission::proves(&ch, current, &session, !side.initiator(), &theirs),
        _ => false,
    }
}

/// Registers and drives one established connection until it ends.
async fn run(
    inner: Arc<Inner>,
    mut est: Established,
    ip: IpAddr,
    dialled: Option<SocketAddr>,
    side: Side,
    slot: Slot,
) {
    let (ch, peer) = (est.channel, est.peer.device);
    if peer == inner.me {
        return;
    }
    let removed = inner.replica.store().read_async(move |c| db::is_removed(c, &ch, &peer)).await;
    if !matches!(removed, Ok(false)) {
        return;
    }
    if !admitted(&inner, &mut est, side).await {
        tracing::debug!("a device without the channel's current key was turned away");
        return;
    }
    // A punched member's sync port is where the punch reached it (its NAT's, which the
    // member's own port need not be).
    let punched = matches!(side, Side::Punched { .. });
    let relayed = matches!(side, Side::Relayed { .. });
    let listen = if punched || relayed {
        dialled
    } else {
        (est.peer.listen_port != 0).then(|| SocketAddr::new(ip, est.peer.listen_port)).or(dialled)
    };
    // A punched member's swarm sits behind its NAT like its sync port did: it is reached
    // by punching again (`sync::direct`), or through the member that introduced us
    // (`sync::relay`), not at its address.
    let mut swarm =
        (est.peer.swarm_port != 0 && !punched && !relayed).then(|| SocketAddr::new(ip, est.peer.swarm_port));
    let (outbox, outgoing) = mpsc::channel(64);
    // A member beyond the LAN may be behind a NAT: it is introduced to the others to
    // punch through (and relayed); if it dialled us, we may not be able to dial it, so its
    // swarm is reached by asking it to call back.
    // Through a rendezvous relay, `ip` is the relay's: the member has no address of its own
    // here, nobody is introduced to it, and its swarm is reached through the relay too.
    let beyond = callback::wanted(inner.cfg.reverse, ip) && !relayed;
    let stand_in = match swarm {
        _ if relayed && est.peer.swarm_port != 0 => rendezvous::stand_in(&inner, peer, outbox.clone()).await,
        Some(_) if beyond && side == Side::Answered => callback::stand_in(&inner, peer, outbox.clone()).await,
        _ => None,
    };
    if let Some(s) = &stand_in {
        swarm = Some(s.addr);
    }
    let initiator_dev = if side.initiator() { inner.me } else { peer };
    let id = inner.next_id();
    let task = tokio::spawn(drive(inner.clone(), est.reader, est.writer, outgoing, ch, peer));
    let entry = ConnEntry {
        id,
        initiator: initiator_dev,
        addr: listen,
        swarm,
        task: task.abort_handle(),
        outbox,
        beyond,
        punched,
        _stand_in: stand_in,
    };
    if !register(&inner, ch, peer, entry) {
        task.abort();
        return;
    }
    if let Some(addr) = listen {
        let _ = inner.replica.store().write_async(move |tx| db::remember(tx, &ch, addr, 0)).await;
    }
    inner.emit(SyncEvent::Connected { channel: ch, peer });
    let ended = match task.await {
        Ok(Err(e)) => e,
        Ok(Ok(())) | Err(_) => Ended::Closed,
    };
    drop(slot);
    let gone = {
        let mut conns = lock(&inner.conns);
        let gone = conns.get(&(ch, peer)).is_some_and(|e| e.id == id);
        if gone {
            conns.remove(&(ch, peer));
        }
        gone
    };
    if gone {
        lock(&inner.relayed).relay_gone(&ch, &peer);
    }
    tracing::debug!(reason = %ended, "connection ended");
    if ended.is_misbehaviour() && !relayed {
        inner.penalise(ip, &ended);
    }
    inner.emit(SyncEvent::Disconnected { channel: ch, peer });
    inner.dial_wake.notify_one();
}

/// Keeps one connection per member and channel. When both dialled each other at once,
/// both sides keep the one dialled by the smaller device id.
fn register(inner: &Inner, ch: ChannelId, peer: DeviceId, entry: ConnEntry) -> bool {
    let preferred = inner.me.min(peer);
    let mut conns = lock(&inner.conns);
    if let Some(old) = conns.get(&(ch, peer)) {
        if old.initiator != entry.initiator && old.initiator == preferred {
            return false;
        }
        old.task.abort();
    }
    conns.insert((ch, peer), entry);
    true
}

struct Driver {
    inner: Arc<Inner>,
    writer: FrameWriter,
    engine: Engine,
    ch: ChannelId,
    peer: DeviceId,
}

async fn drive(
    inner: Arc<Inner>,
    mut reader: FrameReader,
    writer: FrameWriter,
    mut outgoing: mpsc::Receiver<Msg>,
    ch: ChannelId,
    peer: DeviceId,
) -> Result<(), Ended> {
    // A few frames read ahead at most: a member cannot make us hold more than ~4 MiB
    // (`READ_AHEAD` frames of at most 1 MiB).
    let (tx, mut frames) = mpsc::channel::<Result<Vec<u8>, NetError>>(READ_AHEAD);
    let reading = tokio::spawn(async move {
        loop {
            let r = reader.next().await;
            let stop = r.is_err();
            if tx.send(r).await.is_err() || stop {
                return;
            }
        }
    });
    let _reading = AbortOnDrop(reading);
    let mut changes = inner.replica.subscribe();
    // Members connecting later are introduced to this one too, not only it to them: the
    // side that can be reached then gets dialled whichever came first.
    let mut arrivals = inner.events.subscribe();
    let mut d = Driver { inner: inner.clone(), writer, engine: Engine::new(), ch, peer };
    d.open_round().await?;
    d.send_peers().await?;
    let mut ping = tokio::time::interval(inner.cfg.ping);
    ping.tick().await;
    loop {
        tokio::select! {
            frame = frames.recv() => {
                let mut next = Some(frame.ok_or(Ended::Closed)?);
                while let Some(frame) = next.take() {
                    match state::decode(&frame?) {
                        Ok(Msg::Events { mut events }) => {
                            next = take_more_events(&mut frames, &mut events);
                            d.on_msg(Msg::Events { events }).await?;
                        }
                        Ok(msg) => d.on_msg(msg).await?,
                        Err(ProtocolError::Unknown) => {}
                        Err(e) => return Err(Ended::Protocol(e)),
                    }
                }
            }
            Some(m) = outgoing.recv() => d.send(&m).await?,
            change = changes.recv() => match change {
                Ok(LogChange { channel, events }) if channel == ch => {
                    if let Some(m) = d.engine.push(&events) {
                        d.send(&m).await?;
                    }
                }
                Ok(_) => {}
                // Missed some changes: reconcile again.
                Err(broadcast::error::RecvError::Lagged(_)) => d.open_round().await?,
                Err(broadcast::error::RecvError::Closed) => return Ok(()),
            },
            arrival = arrivals.recv() => match arrival {
                Ok(SyncEvent::Connected { channel, peer: other }) if channel == ch && other != peer => {
                    d.send_peers().await?;
                    d.introduce(other).await?;
                }
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return Ok(()),
            },
            _ = ping.tick() => d.send(&Msg::Ping).await?,
        }
    }
}

/// Appends to `events` the events of frames already read behind them, up to
/// [`INGEST_BYTES`], so a catch-up is stored in a few large transactions rather than
/// one per frame (per event, a 45-event transaction costs ~1.5× a 1,000-event one: its
/// signatures are checked before, not while, the previous slice is written, and every
/// commit rewrites the indexes' pages). Returns the first frame that is not an `Events`
/// message (or a read error), to be handled next, in order.
fn take_more_events(
    frames: &mut mpsc::Receiver<Result<Vec<u8>, NetError>>,
    events: &mut Vec<Vec<u8>>,
) -> Option<Result<Vec<u8>, NetError>> {
    let mut bytes: usize = events.iter().map(Vec::len).sum();
    while bytes < INGEST_BYTES {
        let frame = match frames.try_recv().ok()? {
            Ok(frame) => frame,
            Err(e) => return Some(Err(e)),
        };
        match state::decode(&frame) {
            Ok(Msg::Events { events: more }) => {
                bytes += more.iter().map(Vec::len).sum::<usize>();
                events.extend(more);
            }
            _ => return Some(Ok(frame)),
        }
    }
    None
}

impl Driver {
    async fn send(&mut self, m: &Msg) -> Result<(), Ended> {
        Ok(self.writer.send(&state::encode(m)).await?)
    }

    async fn vector(&self) -> Result<Vector, Ended> {
        let ch = self.ch;
        Ok(self
            .inner
            .replica
            .store()
            .read_async(move |c| crate::log::db::version_vector(c, &ch).map_err(replica::Error::from))
            .await?)
    }

    async fn open_round(&mut self) -> Result<(), Ended> {
        let v = self.vector().await?;
        let Action::Send(m) = self.engine.start_round(v) else { return Ok(()) };
        self.send(&m).await
    }

    /// Tells the peer where other members of the channel were reached.
    async fn send_peers(&mut self) -> Result<(), Ended> {
        if !self.inner.cfg.exchange {
            return Ok(());
        }
        let addrs: Vec<SocketAddr> = lock(&self.inner.conns)
            .iter()
            .filter(|((c, d), _)| *c == self.ch && *d != self.peer)
            .filter_map(|(_, e)| e.addr)
            .take(state::MAX_PEER_ADDRS)
            .collect();
        if addrs.is_empty() {
            return Ok(());
        }
        self.send(&Msg::Peers { addrs }).await
    }

    /// Members both beyond the LAN (this one, and `other`, who just
    /// connected) may not be able to dial each other: tell both to punch (`sync::punch`).
    async fn introduce(&mut self, other: DeviceId) -> Result<(), Ended> {
        let pair = {
            let conns = lock(&self.inner.conns);
            let this = conns.get(&(self.ch, self.peer)).filter(|e| e.beyond).and_then(|e| e.addr);
            let that = conns.get(&(self.ch, other)).filter(|e| e.beyond).and_then(|e| Some((e.addr?, e.outbox.clone())));
            this.zip(that)
        };
        let Some((this, (that, that_outbox))) = pair else { return Ok(()) };
        if this.ip() == that.ip() && self.inner.cfg.reverse == super::Reverse::BeyondLan {
            // Behind one NAT: they find each other on their own network.
            return Ok(());
        }
        let token = callback::token();
        let lead = self.peer < other;
        let to_that = Msg::Punch { token, addr: this, lead: !lead, device: self.peer };
        if that_outbox.try_send(to_that).is_err() {
            return Ok(());
        }
        self.inner.punch_stats.introduced();
        self.send(&Msg::Punch { token, addr: that, lead, device: other }).await
    }

    async fn on_msg(&mut self, msg: Msg) -> Result<(), Ended> {
        if let Msg::CallBack { token, .. } = &msg {
            self.call_back(*token);
        }
        if let Msg::Punch { token, addr, lead, device } = &msg {
            direct::introduced(&self.inner, self.ch, *device);
            punch::start(&self.inner, self.ch, *device, *token, *addr, *lead);
            relay::offer(&self.inner, self.ch, self.peer, *device).await;
        }
        if let Msg::Relay { token, device, info_hash } = &msg {
            relay::circuit(&self.inner, self.ch, self.peer, *device, *token, *info_hash);
        }
        if let Msg::PunchBack { token, .. } = &msg {
            if let Some(port) = direct::punch_back(&self.inner, self.ch, self.peer, *token) {
                self.send(&Msg::PunchPort { token: *token, port }).await?;
            }
        }
        if let Msg::Circuit { token, key } = &msg {
            rendezvous::circuit_asked(&self.inner, self.ch, self.peer, *token, *key);
        }
        if let Msg::PunchPort { token, port } = &msg {
            direct::port_named(&self.inner, self.peer, *token, *port);
        }
        if let (Msg::Peers { addrs }, true) = (&msg, self.inner.cfg.exchange) {
            for a in addrs {
                self.inner.add_candidate(self.ch, *a, super::Source::Exchange);
            }
            self.inner.dial_wake.notify_one();
        }
        for action in self.engine.on_msg(msg) {
            match action {
                Action::Send(m) => self.send(&m).await?,
                Action::SendMissing(theirs) => self.send_missing(theirs).await?,
                Action::Ingest(events) => self.ingest(events).await?,
                Action::CaughtUp => self.inner.emit(SyncEvent::CaughtUp { channel: self.ch, peer: self.peer }),
            }
        }
        Ok(())
    }

    /// The peer cannot dial our swarm and asks us to call back (`sync::callback`), on the
    /// sync address we know for it.
    fn call_back(&self, token: callback::Token) {
        if self.inner.cfg.reverse == super::Reverse::Off {
            return;
        }
        let to = lock(&self.inner.conns).get(&(self.ch, self.peer)).and_then(|e| e.addr);
        if let Some(to) = to {
            callback::call_back(&self.inner, to, token);
        }
    }

    async fn ingest(&mut self, events: Vec<Vec<u8>>) -> Result<(), Ended> {
        let heads: Vec<(DeviceId, u64)> = events
            .iter()
            .filter_map(|raw| Event::decode(raw).ok())
            .filter(|e| e.header.channel == self.ch)
            .map(|e| (e.header.author, e.header.seq))
            .collect();
        let (replica, ch) = (self.inner.replica.clone(), self.ch);
        let report =
            tokio::task::spawn_blocking(move || replica.ingest(&ch, &events)).await.map_err(|_| Ended::Store)??;
        if let Some((_, r)) = report.rejected.iter().find(|(_, r)| is_forgery(r)) {
            return Err(Ended::Forged(r.clone()));
        }
        for (author, seq) in heads {
            self.engine.peer_has(author, seq);
        }
        Ok(())
    }

    async fn send_missing(&mut self, theirs: Vector) -> Result<(), Ended> {
        let local = self.vector().await?;
        let ch = self.ch;
        let issuers = self
            .inner
            .replica
            .store()
            .read_async(move |c| crate::log::db::epoch_issuers(c, &ch).map_err(replica::Error::from))
            .await?;
        // The feeds that publish the epochs' keys first: sent in the order of the vector,
        // a joining member held every other feed as pending until the owner's came.
        let feeds = issuers.iter().filter_map(|a| local.get_key_value(a)).chain(local.iter().filter(|(a, _)| !issuers.contains(a)));
        let mut batch: Vec<Vec<u8>> = Vec::new();
        let mut bytes = 0;
        for (author, &have) in feeds {
            let mut from = theirs.get(author).copied().unwrap_or(0);
            while from < have {
                let (ch, author) = (self.ch, *author);
                let page = self
                    .inner
                    .replica
                    .store()
                    .read_async(move |c| db::feed_after(c, &ch, &author, from, PAGE).map_err(replica::Error::from))
                    .await?;
                let Some(&(last, _)) = page.last() else { break };
                from = last;
                for (_, raw) in page {
                    let full = bytes + raw.len() > BATCH_BYTES || batch.len() == state::MAX_EVENTS_PER_MSG;
                    if full && !batch.is_empty() {
                        self.send(&Msg::Events { events: std::mem::take(&mut batch) }).await?;
                        bytes = 0;
                    }
                    bytes += raw.len();
                    batch.push(raw);
                }
            }
        }
        if !batch.is_empty() {
            self.send(&Msg::Events { events: batch }).await?;
        }
        self.send(&Msg::Synced).await?;
        self.engine.sent_up_to(&local);
        Ok(())
    }
}
