//! A device's replica of its channels: author events, ingest events from peers, and read
//! the views.
//!
//! This is the workflow that ties the domain together: every event — authored here or
//! received — goes through the same [`log::db::ingest_checked`] validation, and accepted events
//! are applied to the [`catalog`] and [`comment`] views in the same transaction, so the
//! log and the views can never disagree, even if the process is killed midway.
//! Events waiting for a dependency are retried as soon as it arrives.

use crate::catalog::{self, ChannelSummary, Cursor, Member, Page};
use crate::channel::{
    self, seal, Capability, Certificate, EpochKeys, Invite, InviteError, Issuer, OwnerKey, Role, Secret, Window,
};
use crate::comment::{self, Thread};
use crate::identity::{self, DeviceKey};
use crate::log::body::{Body, MediaItem, ModAction, RemovedMember, SealedKeys};
use crate::log::db::{Accepted, Outcome};
use crate::log::event::{Event, Header, Kind, WIRE_VERSION};
use crate::log::validate::{IngestError, Rejection};
use crate::log::{self};
use crate::store::{Store, StoreError};
use crate::types::{ChannelId, DeviceId, EventId, Timestamp};
use rusqlite::Transaction;
use std::net::SocketAddr;
use std::sync::Arc;

/// Why a replica operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The event was refused by the log's rules.
    #[error(transparent)]
    Rejected(#[from] Rejection),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// This device is not in that channel.
    #[error("unknown channel")]
    UnknownChannel,
    /// Only the owner's device can do this.
    #[error("only the channel owner can do this")]
    NotOwner,
    /// The channel's keys for this role are not held here.
    #[error("this device does not hold the keys needed")]
    MissingKeys,
    /// An invite could not be made or used.
    #[error(transparent)]
    Invite(#[from] InviteError),
    /// An argument is out of bounds (names the field).
    #[error("invalid {0}")]
    Invalid(&'static str),
    /// The post or comment acted on is not in this channel on this device.
    #[error("no such post or comment in this channel")]
    UnknownTarget,
    /// This device left the channel and joined again, and its earlier events in it
    /// have not arrived from the members yet (writing now would fork its feed).
    #[error("still catching up with this channel")]
    CatchingUp,
    /// This device's identity key could not be loaded.
    #[error(transparent)]
    Identity(identity::VaultError),
}

impl From<identity::VaultError> for Error {
    fn from(e: identity::VaultError) -> Self {
        match e {
            identity::VaultError::Store(s) => Error::Store(s),
            other => Error::Identity(other),
        }
    }
}

impl From<IngestError> for Error {
    fn from(e: IngestError) -> Self {
        match e {
            IngestError::Rejected(r) => Error::Rejected(r),
            IngestError::Store(s) => Error::Store(s),
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Store(e.into())
    }
}

/// What a batch of received events did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IngestReport {
    /// Events accepted (including earlier pending events they unblocked).
    pub accepted: Vec<EventId>,
    /// Events kept waiting for a dependency.
    pub pending: usize,
    /// Refused events: index in the batch and why.
    pub rejected: Vec<(usize, Rejection)>,
}

/// An event newly accepted into a channel's log, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEvent {
    /// Its author.
    pub author: DeviceId,
    /// Its position in the author's feed.
    pub seq: u64,
    /// Its encoding.
    pub raw: Vec<u8>,
}

/// Events that entered a channel's log in one committed transaction (authored here or
/// received), in acceptance order. Sync pushes them to connected members at once.
#[derive(Debug, Clone)]
pub struct LogChange {
    /// The channel.
    pub channel: ChannelId,
    /// The accepted events.
    pub events: Arc<Vec<FeedEvent>>,
}

/// How many unread changes a slow subscriber may lag behind before it misses some (it
/// then reconciles again).
const CHANGE_BACKLOG: usize = 1024;

/// All channels of one device.
pub struct Replica {
    store: Arc<Store>,
    device: Arc<DeviceKey>,
    changes: tokio::sync::broadcast::Sender<LogChange>,
}

impl Replica {
    /// Opens the replica in `store`, creating this device's identity on first run.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn open(store: Arc<Store>) -> Result<Self, Error> {
        Self::open_with(store, None)
    }

    /// [`Replica::open`] with the identity key kept in the platform's `vault` (moved
    /// there from the store if it was still in it).
    ///
    /// # Errors
    /// [`Error::Store`]; [`Error::Identity`] when the vault fails or lost the key, or the
    /// key is in a vault and none was given.
    pub fn open_with(store: Arc<Store>, vault: Option<&dyn identity::KeyVault>) -> Result<Self, Error> {
        let device = match vault {
            Some(v) => store.write(|tx| identity::db::load_or_create_in(tx, v))?,
            None => store.write(identity::db::load_or_create)?,
        };
        // Owner secrets from before they were sealed are sealed now, once.
        store.write(|tx| channel::at_rest::seal_bare(tx, &channel::at_rest::SealingKey::of(&device)))?;
        let (changes, _) = tokio::sync::broadcast::channel(CHANGE_BACKLOG);
        Ok(Replica { store, device: Arc::new(device), changes })
    }

    /// The key this device's channel-owner secrets are sealed under (`channel::at_rest`).
    fn sealing(&self) -> channel::at_rest::SealingKey {
        channel::at_rest::SealingKey::of(&self.device)
    }

    /// Changes to every channel's log from now on, after they are committed.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<LogChange> {
        self.changes.subscribe()
    }

    /// This device's key (for the sync transport's handshake).
    pub fn device_key(&self) -> &Arc<DeviceKey> {
        &self.device
    }

    /// Runs `f` in one write transaction on `channel`'s log, then announces the events it
    /// accepted.
    fn write<T>(
        &self,
        channel: &ChannelId,
        f: impl FnOnce(&Transaction<'_>, &mut Vec<FeedEvent>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut fresh = Vec::new();
        let out = self.store.write(|tx| f(tx, &mut fresh))?;
        if !fresh.is_empty() {
            // Nobody listening is fine: there is nothing to push to.
            let _ = self.changes.send(LogChange { channel: *channel, events: Arc::new(fresh) });
        }
        Ok(out)
    }

    /// The store.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// This device's id.
    pub fn device_id(&self) -> DeviceId {
        self.device.id()
    }

    /// Creates a channel owned by this device and returns its id.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a bad name or window, [`Error::Store`].
    pub fn create_channel(&self, name: &str, window: Option<Window>, my_name: &str) -> Result<ChannelId, Error> {
        self.create_channel_with(name, window, my_name, false)
    }

    /// Creates a channel whose media travel encrypted on the wire if `private` (for good:
    /// every post must then carry a media key). See [`Replica::create_channel`].
    ///
    /// # Errors
    /// As [`Replica::create_channel`].
    pub fn create_channel_with(
        &self,
        name: &str,
        window: Option<Window>,
        my_name: &str,
        private: bool,
    ) -> Result<ChannelId, Error> {
        if !crate::channel::valid_name(name) {
            return Err(Error::Invalid("channel name"));
        }
        if !crate::channel::valid_name(my_name) {
            return Err(Error::Invalid("display name"));
        }
        if window.is_some_and(|w| w.start >= w.end) {
            return Err(Error::Invalid("event window"));
        }
        let owner = OwnerKey::generate();
        let seed = Secret::random();
        let keys = EpochKeys::from_seed(&seed, 0);
        let ch = owner.channel();
        let me = self.device.id();
        let cert = Certificate::issue(owner.signing(), Issuer::Owner, ch, 0, me, Role::Owner)
            .map_err(|_| Error::Invalid("certificate"))?;
        let contributor_key = keys.contributor_public().ok_or(Error::MissingKeys)?;
        self.write(&ch, |tx, fresh| {
            channel::db::insert_owned(tx, &owner, &seed, name, window, &self.sealing())?;
            log::db::save_keys(tx, &ch, &keys)?;
            self.author_in(tx, fresh, &ch, Body::Profile { name: my_name.to_owned(), cert: Some(cert) })?;
            self.author_in(tx, fresh, &ch, Body::Channel { name: name.to_owned(), window, contributor_key, private })?;
            Ok::<_, Error>(())
        })?;
        Ok(ch)
    }

    /// Makes an invite to `channel` granting `role` (viewer or contributor), carrying
    /// `addresses` where this device can be reached.
    ///
    /// # Errors
    /// [`Error::MissingKeys`] if this device cannot grant `role`; [`Error::Invite`].
    pub fn invite(
        &self,
        channel: &ChannelId,
        role: Role,
        addresses: Vec<SocketAddr>,
        expires: Option<Timestamp>,
    ) -> Result<(Invite, String), Error> {
        let me = self.device.id();
        let (name, my_name, keys) = self.store.read(|c| {
            Ok::<_, Error>((
                channel::db::name(c, channel)?,
                catalog::db::member_name(c, channel, &me)?,
                log::db::current_keys(c, channel)?,
            ))
        })?;
        let (Some(name), Some(keys)) = (name, keys) else {
            return Err(Error::UnknownChannel);
        };
        let capability = Capability::from_keys(&keys, role).ok_or(Error::MissingKeys)?;
        let invite = Invite {
            channel: *channel,
            name,
            epoch: keys.epoch,
            capability,
            inviter: self.device.id(),
            inviter_name: my_name.unwrap_or_default(),
            addresses,
            expires,
        };
        let link = invite.link(&self.device)?;
        Ok((invite, link))
    }

    /// Joins the channel of `invite` under `my_name`: stores its keys and publishes this
    /// device's profile with a self-issued certificate. The rest of the log arrives by sync.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a bad name, [`Error::Store`].
    pub fn join(&self, invite: &Invite, my_name: &str) -> Result<ChannelId, Error> {
        if !crate::channel::valid_name(my_name) {
            return Err(Error::Invalid("display name"));
        }
        let ch = invite.channel;
        let keys = invite.capability.keys(invite.epoch);
        let role = invite.capability.role();
        let me = self.device.id();
        let cert = match keys.contributor_signing() {
            Some(k) => Certificate::issue(&k, Issuer::Contributor, ch, keys.epoch, me, role),
            None => Certificate::issue(&keys.viewer_signing(), Issuer::Viewer, ch, keys.epoch, me, role),
        }
        .map_err(|_| Error::Invalid("certificate"))?;
        self.write(&ch, |tx, fresh| {
            if !channel::db::upsert_joined(tx, &ch, &invite.name, role)? {
                return Ok::<_, Error>(());
            }
            log::db::save_keys(tx, &ch, &keys)?;
            if let Some(pk) = keys.contributor_public() {
                log::db::save_provisional_epoch(tx, &ch, keys.epoch, &pk)?;
            }
            // Joining again after leaving: this device's profile and certificate come
            // back with its earlier feed, which its next events continue.
            if log::db::rejoining(tx, &ch, &me)?.is_some() {
                return Ok(());
            }
            self.author_in(tx, fresh, &ch, Body::Profile { name: my_name.to_owned(), cert: Some(cert) })?;
            Ok(())
        })?;
        Ok(ch)
    }

    /// Seals, signs and stores a new event by this device.
    fn author_in(
        &self,
        tx: &Transaction<'_>,
        fresh: &mut Vec<FeedEvent>,
        ch: &ChannelId,
        body: Body,
    ) -> Result<EventId, Error> {
        let me = self.device.id();
        let keys = log::db::current_keys(tx, ch)?.ok_or(Error::UnknownChannel)?;
        if log::db::rejoining(tx, ch, &me)?.is_some() {
            return Err(Error::CatchingUp);
        }
        let (seq, prev, time) = log::db::next_position(tx, ch, &me)?;
        let header = Header {
            version: WIRE_VERSION,
            channel: *ch,
            author: me,
            seq,
            prev,
            epoch: keys.epoch,
            time,
            kind: body.kind(),
        };
        let ev = Event::seal(header, &body, &keys.read_key, &self.device).map_err(Rejection::from)?;
        let mut report = IngestReport::default();
        let raw = ev.encode();
        let mut facts = log::facts::Facts::default();
        let one = (raw.as_slice(), log::precheck::Prechecked::one(&raw));
        ingest_one(tx, &self.device, ch, one, (0, &mut facts), &mut report, fresh)?;
        // Our own events depend only on what we hold, so they never wait.
        if !report.accepted.contains(&ev.id()) {
            return Err(Error::MissingKeys);
        }
        Ok(ev.id())
    }

    /// Authors `body` in `channel` in its own transaction.
    ///
    /// # Errors
    /// [`Error::Rejected`] if the log's rules refuse it (e.g. a viewer posting).
    pub fn author(&self, channel: &ChannelId, body: Body) -> Result<EventId, Error> {
        self.write(channel, |tx, fresh| self.author_in(tx, fresh, channel, body))
    }

    /// [`Replica::author`], with `also` run in the same transaction once the event is
    /// accepted (e.g. settling the share journal with the post that settles it).
    ///
    /// # Errors
    /// As [`Replica::author`], or `also`'s error (nothing is written then).
    pub(crate) fn author_with(
        &self,
        channel: &ChannelId,
        body: Body,
        also: impl FnOnce(&Transaction<'_>) -> Result<(), crate::store::StoreError>,
    ) -> Result<EventId, Error> {
        self.write(channel, |tx, fresh| {
            let id = self.author_in(tx, fresh, channel, body)?;
            also(tx)?;
            Ok(id)
        })
    }

    /// Posts media.
    ///
    /// # Errors
    /// See [`Replica::author`].
    pub fn post(&self, channel: &ChannelId, caption: &str, items: Vec<MediaItem>) -> Result<EventId, Error> {
        self.author(
            channel,
            Body::Post {
                caption: caption.to_owned(),
                items,
                info_hash: [0; 20],
                info: Vec::new(),
                on_behalf_of: None,
                media_key: None,
            },
        )
    }

    /// Comments on a post.
    ///
    /// # Errors
    /// See [`Replica::author`].
    pub fn comment(
        &self,
        channel: &ChannelId,
        post: &EventId,
        text: &str,
        reply_to: Option<EventId>,
    ) -> Result<EventId, Error> {
        let body = Body::Comment { post: *post, reply_to, text: text.to_owned() };
        self.write(channel, |tx, fresh| {
            check_thread(tx, channel, post, reply_to.as_ref())?;
            self.author_in(tx, fresh, channel, body)
        })
    }

    /// Comments on a post for a named guest of the venue web gallery.
    ///
    /// # Errors
    /// See [`Replica::author`].
    pub fn guest_comment(
        &self,
        channel: &ChannelId,
        post: &EventId,
        text: &str,
        reply_to: Option<EventId>,
        guest: &str,
    ) -> Result<EventId, Error> {
        let body = Body::GuestComment { post: *post, reply_to, text: text.to_owned(), guest: guest.to_owned() };
        self.write(channel, |tx, fresh| {
            check_thread(tx, channel, post, reply_to.as_ref())?;
            self.author_in(tx, fresh, channel, body)
        })
    }

    /// Adds or takes back a reaction.
    ///
    /// # Errors
    /// See [`Replica::author`].
    pub fn react(&self, channel: &ChannelId, target: &EventId, emoji: &str, on: bool) -> Result<EventId, Error> {
        let body = Body::Reaction { target: *target, emoji: emoji.to_owned(), on };
        self.write(channel, |tx, fresh| {
            let post = catalog::db::post_origin(tx, target)?.map(|(ch, _)| ch);
            let found = match post {
                Some(ch) => Some(ch),
                None => comment::db::origin(tx, target)?.map(|(ch, _)| ch),
            };
            if found != Some(*channel) {
                return Err(Error::UnknownTarget);
            }
            self.author_in(tx, fresh, channel, body)
        })
    }

    /// Withdraws one of this device's own posts or comments.
    ///
    /// # Errors
    /// See [`Replica::author`].
    pub fn retract(&self, channel: &ChannelId, target: &EventId) -> Result<EventId, Error> {
        self.author(channel, Body::Retract { target: *target })
    }

    /// Hides or shows a post or comment (admins and the owner).
    ///
    /// # Errors
    /// See [`Replica::author`].
    pub fn moderate(&self, channel: &ChannelId, target: &EventId, action: ModAction) -> Result<EventId, Error> {
        self.author(channel, Body::Moderate { target: *target, action })
    }

    /// Whether `channel`'s media travel encrypted on the wire.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn is_private(&self, channel: &ChannelId) -> Result<bool, Error> {
        Ok(self.store.read(|c| log::db::channel_private(c, channel))?)
    }

    /// Changes this device's display name in a channel.
    ///
    /// # Errors
    /// See [`Replica::author`].
    pub fn set_name(&self, channel: &ChannelId, name: &str) -> Result<EventId, Error> {
        self.author(channel, Body::Profile { name: name.to_owned(), cert: None })
    }

    /// Removes `members` from a channel this device owns: starts a new key epoch whose
    /// keys are sealed to every other known member only.
    ///
    /// # Errors
    /// [`Error::NotOwner`], [`Error::Store`].
    pub fn remove_members(&self, channel: &ChannelId, members: &[DeviceId]) -> Result<EventId, Error> {
        self.rotate(channel, members, &[])
    }

    /// Gives `member` the role `role` (viewer, contributor, or admin — a co-host, who may
    /// hide posts and comments) in a channel this device owns: a new key epoch whose
    /// certificates carry the new role. A role is given to a member, never to a link, so
    /// a forwarded invite cannot make strangers co-hosts.
    ///
    /// # Errors
    /// [`Error::NotOwner`]; [`Error::Invalid`] for the owner role or a device that is not
    /// a member; [`Error::Store`].
    pub fn set_role(&self, channel: &ChannelId, member: &DeviceId, role: Role) -> Result<EventId, Error> {
        if role == Role::Owner {
            return Err(Error::Invalid("role"));
        }
        self.rotate(channel, &[], &[(*member, role)])
    }

    /// A new key epoch: `removed` lose access, `roles` get new roles, everyone else keeps
    /// theirs. Keys are sealed to each remaining member.
    fn rotate(&self, channel: &ChannelId, removed: &[DeviceId], roles: &[(DeviceId, Role)]) -> Result<EventId, Error> {
        self.write(channel, |tx, fresh| {
            let (owner, seed) = channel::db::owner_secrets(tx, channel, &self.sealing())?.ok_or(Error::NotOwner)?;
            let current = log::db::current_keys(tx, channel)?.ok_or(Error::UnknownChannel)?;
            let members = log::db::certified_members(tx, channel, current.epoch)?;
            if roles.iter().any(|(d, _)| !members.iter().any(|(m, _)| m == d)) {
                return Err(Error::Invalid("member"));
            }
            let new_epoch = current.epoch + 1;
            let keys = EpochKeys::from_seed(&seed, new_epoch);
            let vv = log::db::version_vector(tx, channel)?;
            let gone: Vec<RemovedMember> = removed
                .iter()
                .map(|d| RemovedMember { device: *d, last_seq: vv.get(d).copied().unwrap_or(0) })
                .collect();
            let closed: Vec<(DeviceId, u64)> =
                vv.iter().filter(|(d, _)| !removed.contains(d)).map(|(d, s)| (*d, *s)).collect();
            let mut certs = Vec::new();
            let mut sealed = Vec::new();
            for (member, role) in members {
                if removed.contains(&member) {
                    continue;
                }
                let role = roles.iter().find(|(d, _)| *d == member).map_or(role, |(_, r)| *r);
                let cert = Certificate::issue(owner.signing(), Issuer::Owner, *channel, new_epoch, member, role)
                    .map_err(|_| Error::Invalid("certificate"))?;
                let plain = postcard::to_allocvec(&keys.for_role(role)).map_err(|_| Error::Invalid("keys"))?;
                let Some(boxed) = seal::seal(&member, &plain) else { continue };
                certs.push(cert);
                sealed.push(SealedKeys { member, sealed: boxed });
            }
            let contributor_key = keys.contributor_public().ok_or(Error::MissingKeys)?;
            let body = Body::Rotate { new_epoch, contributor_key, removed: gone, closed, certs, sealed };
            self.author_in(tx, fresh, channel, body)
        })
    }

    /// Validates and stores events received for `channel`, in one transaction.
    ///
    /// # Errors
    /// [`Error::Store`] only: refused events are reported in the [`IngestReport`].
    pub fn ingest(&self, channel: &ChannelId, events: &[Vec<u8>]) -> Result<IngestReport, Error> {
        // Signatures and decryption (most of the CPU) run on every core, a slice ahead of
        // the one transaction that applies the events in order and decides.
        let precheck = |slice: &[Vec<u8>]| {
            self.store.read(|c| log::precheck::batch(slice, |epoch| log::db::read_key(c, channel, epoch)))
        };
        if events.len() <= PRECHECK_SLICE {
            // One slice (a live event, say): nothing to overlap, so no thread.
            return self.apply_prechecked(channel, events, std::iter::once(precheck(events)));
        }
        let (ready, slices) = std::sync::mpsc::sync_channel(2);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                for slice in events.chunks(PRECHECK_SLICE) {
                    // The writer stopped (a store error): nothing more to do.
                    if ready.send(precheck(slice)).is_err() {
                        return;
                    }
                }
            });
            // The receiver moves in: a write that stops early drops it, which ends the
            // prechecking thread (its next send fails) instead of leaving it blocked.
            self.apply_prechecked(channel, events, slices.into_iter())
        })
    }

    /// Applies `events` in one transaction, given their prechecks slice by slice.
    fn apply_prechecked(
        &self,
        channel: &ChannelId,
        events: &[Vec<u8>],
        slices: impl Iterator<Item = Result<Vec<log::precheck::Prechecked>, StoreError>>,
    ) -> Result<IngestReport, Error> {
        self.write(channel, move |tx, fresh| {
            let mut report = IngestReport::default();
            let mut facts = log::facts::Facts::default();
            let mut i = 0;
            for checked in slices.take(events.len().div_ceil(PRECHECK_SLICE)) {
                for pre in checked? {
                    let one = (events[i].as_slice(), pre);
                    match ingest_one(tx, &self.device, channel, one, (i, &mut facts), &mut report, fresh) {
                        Ok(()) => {}
                        Err(IngestError::Rejected(r)) => report.rejected.push((i, r)),
                        Err(IngestError::Store(e)) => return Err(Error::Store(e)),
                    }
                    i += 1;
                }
            }
            Ok(report)
        })
    }

    /// Every accepted event of a channel, encoded, in arrival order.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn export(&self, channel: &ChannelId) -> Result<Vec<Vec<u8>>, Error> {
        Ok(self.store.read(|c| log::db::all_raw(c, channel))?)
    }

    /// A gallery page.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn gallery(&self, channel: &ChannelId, cursor: Option<Cursor>, limit: u32) -> Result<Page, Error> {
        Ok(self.store.read(|c| catalog::db::gallery_page(c, channel, cursor, limit))?)
    }

    /// A post with its comments and reactions.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn thread(&self, post: &EventId) -> Result<Option<Thread>, Error> {
        let me = self.device.id();
        Ok(self.store.read(|c| comment::db::thread(c, post, &me))?)
    }

    /// The channel's members.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn members(&self, channel: &ChannelId) -> Result<Vec<Member>, Error> {
        Ok(self.store.read(|c| catalog::db::members(c, channel))?)
    }

    /// The channel's name and event window, once its owner's settings have arrived.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn settings(&self, channel: &ChannelId) -> Result<Option<catalog::Settings>, Error> {
        Ok(self.store.read(|c| catalog::db::settings(c, channel))?)
    }

    /// Every channel with unread counts.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn channels(&self) -> Result<Vec<ChannelSummary>, Error> {
        let me = self.device.id();
        Ok(self.store.read(|c| catalog::db::channels(c, &me))?)
    }

    /// Marks a channel read.
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn mark_read(&self, channel: &ChannelId) -> Result<(), Error> {
        Ok(self.store.write(|tx| catalog::db::mark_read(tx, channel))?)
    }

    /// The newest epoch keys this device holds for a channel (tests and diagnostics).
    ///
    /// # Errors
    /// [`Error::Store`].
    pub fn keys(&self, channel: &ChannelId) -> Result<Option<EpochKeys>, Error> {
        Ok(self.store.read(|c| log::db::current_keys(c, channel))?)
    }
}

/// Events prechecked at a time while the transaction applies the slice before.
const PRECHECK_SLICE: usize = 128;

/// Ingests one event and everything it unblocks, applying accepted events to the views.
fn ingest_one(
    tx: &Transaction<'_>,
    me: &DeviceKey,
    ch: &ChannelId,
    (raw, pre): (&[u8], log::precheck::Prechecked),
    (index, facts): (usize, &mut log::facts::Facts),
    report: &mut IngestReport,
    fresh: &mut Vec<FeedEvent>,
) -> Result<(), IngestError> {
    let first = match log::db::ingest_checked(tx, me, ch, raw, pre, facts)? {
        Outcome::Accepted(a) => a,
        Outcome::Pending => {
            report.pending += 1;
            return Ok(());
        }
    };
    let mut queue = vec![(first, raw.to_vec())];
    while let Some((a, raw)) = queue.pop() {
        apply_views(tx, &a)?;
        report.accepted.push(a.id);
        fresh.push(FeedEvent { author: a.event.header.author, seq: a.event.header.seq, raw });
        let mut waiting = log::db::take_unblocked(tx, &a, facts)?;
        while let Some(raw) = waiting.pop() {
            let pre = log::precheck::Prechecked::stored(&raw);
            let feed = pre.event.as_ref().ok().map(|ev| (ev.header.author, ev.header.seq));
            match log::db::ingest_checked(tx, me, ch, &raw, pre, facts) {
                Ok(Outcome::Accepted(next)) => queue.push((next, raw)),
                Ok(Outcome::Pending) => {}
                // An event that waited and now fails a rule is dropped, as if refused on
                // arrival; the events of its feed that waited for it are judged now too.
                Err(IngestError::Rejected(r)) => {
                    tracing::debug!(index, reason = %r, "dropped a pending event");
                    if let Some((author, seq)) = feed {
                        waiting.extend(log::db::take_next(tx, ch, &author, seq, facts)?);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

fn apply_views(tx: &Transaction<'_>, a: &Accepted) -> Result<(), StoreError> {
    for id in &a.purged {
        catalog::db::remove(tx, id)?;
        comment::db::remove(tx, id)?;
    }
    match a.event.header.kind {
        Kind::Post | Kind::Retract | Kind::Moderate => catalog::db::apply(tx, a),
        Kind::Comment | Kind::Reaction => comment::db::apply(tx, a),
        Kind::Profile | Kind::Channel | Kind::Rotate => Ok(()),
    }
}

/// A comment must answer a post of this channel (and, as a reply, a comment on that post):
/// the log would accept one naming anything, and nobody would ever see it.
fn check_thread(tx: &Transaction<'_>, channel: &ChannelId, post: &EventId, reply_to: Option<&EventId>) -> Result<(), Error> {
    if catalog::db::post_origin(tx, post)?.map(|(ch, _)| ch) != Some(*channel) {
        return Err(Error::UnknownTarget);
    }
    if let Some(reply) = reply_to {
        if comment::db::origin(tx, reply)? != Some((*channel, *post)) {
            return Err(Error::UnknownTarget);
        }
    }
    Ok(())
}
