//! Event storage and the membership state that validation needs: certificates, epochs,
//! removals, epoch closures, this device's epoch keys, and the pending queue.
//!
//! [`ingest_checked`] applies the rules listed in [`super::validate`] inside the caller's write
//! transaction; a refused event leaves no trace.

use super::body::{Body, SealedKeys};
use super::event::{Event, Kind};
use super::facts::Facts;
use super::precheck::Prechecked;
use super::validate::{required_role, IngestError, Rejection};
use crate::channel::{derive_read_key, Certificate, EpochKeys, Issuer, Role, Secret};
use crate::identity::DeviceKey;
use crate::store::{blob32, exec, row, StoreError};
use crate::types::{ChannelId, DeviceId, EventId, Timestamp};
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::BTreeMap;

/// Most events a channel may hold waiting for their dependencies.
pub const MAX_PENDING: i64 = 100_000;

/// What became of an ingested event.
#[derive(Debug)]
pub enum Outcome {
    /// Valid and stored.
    Accepted(Box<Accepted>),
    /// Plausible but waiting for an earlier event or epoch keys; kept in the pending queue.
    Pending,
}

/// An accepted event, decrypted, for the views to apply.
#[derive(Debug)]
pub struct Accepted {
    /// Its id.
    pub id: EventId,
    /// Local arrival number.
    pub seqno: i64,
    /// The event.
    pub event: Event,
    /// Its decrypted body.
    pub body: Body,
    /// Earlier events this one invalidated (a rotation cutting off a removed member);
    /// they are already gone from the log and must leave the views.
    pub purged: Vec<EventId>,
}

/// Validates `raw`, already [prechecked](super::precheck), and, if valid, stores it. See
/// [`super::validate`] for the rules. `facts` holds what this transaction already looked
/// up about the channel.
///
/// # Errors
/// [`IngestError::Rejected`] with the rule that failed, or [`IngestError::Store`].
pub fn ingest_checked(
    tx: &Transaction<'_>,
    me: &DeviceKey,
    expected: &ChannelId,
    raw: &[u8],
    pre: Prechecked,
    facts: &mut Facts,
) -> Result<Outcome, IngestError> {
    let (id, signed) = (pre.id, pre.signed);
    let (ev, opened) = pre.take().map_err(Rejection::from)?;
    let h = &ev.header;
    if h.channel != *expected {
        return Err(Rejection::WrongChannel.into());
    }
    if !facts.known(|| channel_known(tx, expected))? {
        return Err(Rejection::UnknownChannel.into());
    }
    if !signed {
        return Err(Rejection::BadSignature.into());
    }
    // The author's events at this seq and the one before, in one look.
    let (here, before) = feed_pair(tx, &h.channel, &h.author, h.seq)?;
    // The same bytes have the same header, so an accepted copy is the one at this seq.
    if here.is_some_and(|(at, _)| at == id) || is_pending(tx, &id)? {
        return Err(Rejection::Duplicate.into());
    }
    if here.is_some() {
        return Err(Rejection::Fork.into());
    }
    // Before deciding to wait for a predecessor: a cut-off author's event never becomes valid.
    if facts.cut_offs(|| any_cut_offs(tx, &h.channel))? {
        check_not_cut_off(tx, &ev)?;
    }
    match (h.seq, h.prev) {
        (0, _) | (1, Some(_)) => return Err(Rejection::BrokenChain.into()),
        (1, None) => {}
        (_, None) => return Err(Rejection::BrokenChain.into()),
        (_, Some(prev)) => match before {
            None => return pend(tx, &ev, &id, raw, facts),
            Some((pid, pepoch)) if pid != prev || h.epoch < pepoch => return Err(Rejection::BrokenChain.into()),
            Some(_) => {}
        },
    }
    let Some(read_key) = facts.key(h.epoch, || read_key(tx, &h.channel, h.epoch))? else {
        return pend(tx, &ev, &id, raw, facts);
    };
    let body = opened.open(&ev, &read_key).map_err(Rejection::from)?;
    body.check_limits().map_err(Rejection::Limits)?;
    let Some(role) = author_role(tx, &ev, &body, &read_key)? else {
        return pend(tx, &ev, &id, raw, facts);
    };
    if role < required_role(h.kind) {
        return Err(Rejection::RoleForbids { role, kind: h.kind }.into());
    }
    if let Body::Rotate { .. } = &body {
        check_rotation(tx, &ev, &body)?;
    }
    if let Body::Post { media_key: None, .. } = &body {
        if facts.private(|| channel_private(tx, &h.channel))? {
            return Err(Rejection::UnencryptedPost.into());
        }
    }
    exec(
        tx,
        "INSERT INTO events (id, channel, author, seq, epoch, kind, time_ms, raw)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id.0, h.channel.0, h.author.0, h.seq as i64, h.epoch, h.kind.as_i64(), h.time.0, raw],
    )?;
    let seqno = tx.last_insert_rowid();
    let purged = apply_membership(tx, me, &ev, &id, &body)?;
    if matches!(h.kind, Kind::Profile | Kind::Channel | Kind::Rotate) {
        facts.forget();
    }
    Ok(Outcome::Accepted(Box::new(Accepted { id, seqno, event: ev, body, purged })))
}

fn pend(tx: &Transaction<'_>, ev: &Event, id: &EventId, raw: &[u8], facts: &mut Facts) -> Result<Outcome, IngestError> {
    let ch = ev.header.channel;
    // Counted once per transaction, then kept: a count per event made a catch-up that
    // waits for one feed quadratic in the events waiting.
    if facts.pending(|| pending_count(tx, &ch))? >= MAX_PENDING {
        return Err(Rejection::TooManyPending.into());
    }
    exec(
        tx,
        "INSERT INTO pending (id, channel, author, seq, raw, received_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id.0, ch.0, ev.header.author.0, ev.header.seq as i64, raw, Timestamp::now().0],
    )?;
    facts.pending_changed(1);
    Ok(Outcome::Pending)
}

/// Removes and returns the pending events that `accepted` may have unblocked: the next
/// event of its feed, or — after a membership change — the first pending event of every
/// feed. (An event further down a feed waits for the one before it, which is pending
/// too: it comes out as "the next event" once that one is accepted. Taking every
/// pending event here re-checked the whole backlog after each profile: a member joining
/// a channel of 50,000 events whose owner's feed came last stalled until its
/// connection timed out.)
///
/// # Errors
/// [`StoreError`].
pub fn take_unblocked(tx: &Transaction<'_>, accepted: &Accepted, facts: &mut Facts) -> Result<Vec<Vec<u8>>, StoreError> {
    let h = &accepted.event.header;
    if !matches!(h.kind, Kind::Profile | Kind::Channel | Kind::Rotate) {
        return take_next(tx, &h.channel, &h.author, h.seq, facts);
    }
    // Feed by feed, one index seek each.
    let mut rows = Vec::new();
    let mut after: Vec<u8> = Vec::new();
    while let Some((author, seq)) = row(
        tx,
        "SELECT author, seq FROM pending WHERE channel = ?1 AND author > ?2 ORDER BY author, seq LIMIT 1",
        params![h.channel.0, after],
        |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?)),
    )
    .optional()?
    {
        rows.extend(pending_at(tx, &h.channel, &author, seq)?);
        after = author;
    }
    take(tx, rows, facts)
}

/// Removes and returns the pending events that come after `author`'s event `seq`: they
/// waited for it, and are judged now that it was accepted — or refused, which for a
/// cut-off author refuses them too instead of leaving them waiting for good.
///
/// # Errors
/// [`StoreError`].
pub fn take_next(
    tx: &Transaction<'_>,
    ch: &ChannelId,
    author: &DeviceId,
    seq: u64,
    facts: &mut Facts,
) -> Result<Vec<Vec<u8>>, StoreError> {
    let rows = pending_at(tx, ch, &author.0, seq as i64 + 1)?;
    take(tx, rows, facts)
}

/// Removes `rows` from the pending queue and returns their bytes.
fn take(tx: &Transaction<'_>, rows: Vec<Waiting>, facts: &mut Facts) -> Result<Vec<Vec<u8>>, StoreError> {
    for (id, _) in &rows {
        exec(tx, "DELETE FROM pending WHERE id = ?1", [id])?;
    }
    facts.pending_changed(-(rows.len() as i64));
    Ok(rows.into_iter().map(|(_, raw)| raw).collect())
}

/// A pending event's id and bytes, as stored.
type Waiting = (Vec<u8>, Vec<u8>);

/// The pending events of `author` at `seq`: one, or a fork's several.
fn pending_at(tx: &Transaction<'_>, ch: &ChannelId, author: &[u8], seq: i64) -> Result<Vec<Waiting>, StoreError> {
    let mut stmt = tx.prepare_cached("SELECT id, raw FROM pending WHERE channel = ?1 AND author = ?2 AND seq = ?3")?;
    let rows = stmt
        .query_map(params![ch.0, author, seq], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

fn channel_known(tx: &Transaction<'_>, channel: &ChannelId) -> Result<bool, StoreError> {
    Ok(row(tx, "SELECT 1 FROM channels WHERE id = ?1", [channel.0], |_| Ok(())).optional()?.is_some())
}

fn is_pending(tx: &Transaction<'_>, id: &EventId) -> Result<bool, StoreError> {
    Ok(row(tx, "SELECT 1 FROM pending WHERE id = ?1", [id.0], |_| Ok(())).optional()?.is_some())
}

/// An event's id and epoch.
type Entry = (EventId, u32);

/// The author's accepted events at `seq` and at `seq - 1` (id and epoch), if any.
fn feed_pair(
    tx: &Transaction<'_>,
    ch: &ChannelId,
    author: &DeviceId,
    seq: u64,
) -> Result<(Option<Entry>, Option<Entry>), StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT seq, id, epoch FROM events WHERE channel = ?1 AND author = ?2 AND seq IN (?3, ?3 - 1)",
    )?;
    let rows = stmt.query_map(params![ch.0, author.0, seq as i64], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, u32>(2)?))
    })?;
    let (mut here, mut before) = (None, None);
    for r in rows {
        let (at, id, epoch) = r?;
        let entry = Some((EventId(blob32(id)?), epoch));
        if at == seq as i64 {
            here = entry;
        } else {
            before = entry;
        }
    }
    Ok((here, before))
}

/// Whether anyone in `ch` could be cut off: a member removed, or an epoch after the first.
fn any_cut_offs(tx: &Transaction<'_>, ch: &ChannelId) -> Result<bool, StoreError> {
    Ok(row(
        tx,
        "SELECT EXISTS (SELECT 1 FROM removals WHERE channel = ?1)
             OR EXISTS (SELECT 1 FROM epochs WHERE channel = ?1 AND epoch >= 1)",
        [ch.0],
        |r| r.get(0),
    )?)
}

fn check_not_cut_off(tx: &Transaction<'_>, ev: &Event) -> Result<(), IngestError> {
    let h = &ev.header;
    let removed: Option<i64> = row(
        tx,
        "SELECT last_seq FROM removals WHERE channel = ?1 AND device = ?2",
        params![h.channel.0, h.author.0],
        |r| r.get(0),
    )
    .optional()?;
    if removed.is_some_and(|last| h.seq as i64 > last) {
        return Err(Rejection::Removed.into());
    }
    let closed: i64 = row(
        tx,
        "SELECT count(*) FROM epochs e
         LEFT JOIN closures c ON c.channel = e.channel AND c.closed_epoch = e.epoch - 1 AND c.device = ?2
         WHERE e.channel = ?1 AND e.epoch >= 1 AND e.epoch - 1 >= ?3
           AND coalesce(c.carried, 0) = 0 AND ?4 > coalesce(c.last_seq, 0)",
        params![h.channel.0, h.author.0, h.epoch, h.seq as i64],
        |r| r.get(0),
    )?;
    if closed > 0 {
        return Err(Rejection::EpochClosed.into());
    }
    Ok(())
}

/// The read key of `epoch`, derived from the oldest epoch at or after it that we hold.
///
/// # Errors
/// [`StoreError`].
pub fn read_key(tx: &rusqlite::Connection, ch: &ChannelId, epoch: u32) -> Result<Option<Secret>, StoreError> {
    let row = row(
        tx,
        "SELECT epoch, read_key FROM channel_keys WHERE channel = ?1 AND epoch >= ?2 ORDER BY epoch LIMIT 1",
        params![ch.0, epoch],
        |r| Ok((r.get::<_, u32>(0)?, r.get::<_, Vec<u8>>(1)?)),
    )
    .optional()?;
    Ok(match row {
        Some((held, key)) => Some(derive_read_key(&Secret(blob32(key)?), held, epoch)),
        None => None,
    })
}

/// The newest epoch keys this device holds for a channel.
///
/// # Errors
/// [`StoreError`].
pub fn current_keys(tx: &rusqlite::Connection, ch: &ChannelId) -> Result<Option<EpochKeys>, StoreError> {
    let row = row(
        tx,
        "SELECT epoch, read_key, contributor_secret FROM channel_keys WHERE channel = ?1 ORDER BY epoch DESC LIMIT 1",
        [ch.0],
        |r| Ok((r.get::<_, u32>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, Option<Vec<u8>>>(2)?)),
    )
    .optional()?;
    row.map(|(epoch, rk, cs)| {
        Ok(EpochKeys {
            epoch,
            read_key: Secret(blob32(rk)?),
            contributor_secret: cs.map(|c| blob32(c).map(Secret)).transpose()?,
        })
    })
    .transpose()
}

/// Saves epoch keys, keeping a contributor secret already held.
///
/// # Errors
/// [`StoreError`].
pub fn save_keys(tx: &Transaction<'_>, ch: &ChannelId, keys: &EpochKeys) -> Result<(), StoreError> {
    exec(
        tx,
        "INSERT INTO channel_keys (channel, epoch, read_key, contributor_secret) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (channel, epoch) DO UPDATE SET
           contributor_secret = coalesce(excluded.contributor_secret, contributor_secret)",
        params![ch.0, keys.epoch, keys.read_key.0, keys.contributor_secret.as_ref().map(|s| s.0)],
    )?;
    Ok(())
}

/// An epoch's contributor public key, and whether the log event that set it (genesis or
/// rotation) has arrived (it may be known provisionally from an invite).
fn epoch_info(tx: &Transaction<'_>, ch: &ChannelId, epoch: u32) -> Result<Option<([u8; 32], bool)>, StoreError> {
    let v: Option<(Vec<u8>, bool)> = row(
        tx,
        "SELECT contributor_key, event IS NOT NULL FROM epochs WHERE channel = ?1 AND epoch = ?2",
        params![ch.0, epoch],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?;
    v.map(|(k, from_log)| Ok((blob32(k)?, from_log))).transpose()
}

fn epoch_contributor_key(tx: &Transaction<'_>, ch: &ChannelId, epoch: u32) -> Result<Option<[u8; 32]>, StoreError> {
    Ok(epoch_info(tx, ch, epoch)?.map(|(k, _)| k))
}

/// Records an epoch's contributor key learned from an invite, until the log confirms it.
///
/// # Errors
/// [`StoreError`].
pub fn save_provisional_epoch(
    tx: &Transaction<'_>,
    ch: &ChannelId,
    epoch: u32,
    key: &[u8; 32],
) -> Result<(), StoreError> {
    exec(
        tx,
        "INSERT OR IGNORE INTO epochs (channel, epoch, contributor_key, event) VALUES (?1, ?2, ?3, NULL)",
        params![ch.0, epoch, key],
    )?;
    Ok(())
}

fn save_epoch(
    tx: &Transaction<'_>,
    ch: &ChannelId,
    epoch: u32,
    key: &[u8; 32],
    event: &EventId,
) -> Result<(), StoreError> {
    exec(
        tx,
        "INSERT INTO epochs (channel, epoch, contributor_key, event) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (channel, epoch) DO UPDATE SET contributor_key = excluded.contributor_key, event = excluded.event
         WHERE event IS NULL",
        params![ch.0, epoch, key, event.0],
    )?;
    Ok(())
}

/// The author's role for the event's epoch: from a certificate in the event itself, or
/// one stored earlier. `Ok(None)` means "not yet knowable" (the issuer's key or the
/// rotation has not arrived), so the event waits.
fn author_role(tx: &Transaction<'_>, ev: &Event, body: &Body, read_key: &Secret) -> Result<Option<Role>, IngestError> {
    let h = &ev.header;
    let stored: Option<i64> = row(
        tx,
        "SELECT role FROM certs WHERE channel = ?1 AND epoch = ?2 AND member = ?3",
        params![h.channel.0, h.epoch, h.author.0],
        |r| r.get(0),
    )
    .optional()?;
    let stored = stored.and_then(Role::from_i64);
    if let Body::Profile { cert: Some(cert), .. } = body {
        if cert.channel != h.channel || cert.epoch != h.epoch || cert.member != h.author {
            return Err(Rejection::NotAMember.into());
        }
        let issuer_key = match cert.issuer {
            Issuer::Owner => Some(h.channel.0),
            Issuer::Viewer => {
                Some(EpochKeys { epoch: h.epoch, read_key: read_key.clone(), contributor_secret: None }.viewer_public())
            }
            Issuer::Contributor => epoch_contributor_key(tx, &h.channel, h.epoch)?,
        };
        let Some(issuer_key) = issuer_key else { return Ok(None) };
        if !cert.verify(&issuer_key) {
            return Err(Rejection::NotAMember.into());
        }
        return Ok(Some(stored.map_or(cert.role, |s| s.max(cert.role))));
    }
    if let Some(role) = stored {
        return Ok(Some(role));
    }
    if h.seq == 1 {
        return Err(Rejection::NotAMember.into());
    }
    // Without a certificate the event can only wait if the epoch's issuing event
    // (genesis for epoch 0, the rotation after) is still missing.
    match epoch_info(tx, &h.channel, h.epoch)? {
        Some((_, true)) => Err(Rejection::NotAMember.into()),
        _ => Ok(None),
    }
}

fn check_rotation(tx: &Transaction<'_>, ev: &Event, body: &Body) -> Result<(), IngestError> {
    let Body::Rotate { new_epoch, removed, certs, sealed, .. } = body else {
        return Ok(());
    };
    let h = &ev.header;
    if *new_epoch != h.epoch + 1 || epoch_info(tx, &h.channel, *new_epoch)?.is_some_and(|(_, from_log)| from_log) {
        return Err(Rejection::BadRotation.into());
    }
    for (cert, sealed) in certs.iter().zip(sealed) {
        let ok = cert.issuer == Issuer::Owner
            && cert.channel == h.channel
            && cert.epoch == *new_epoch
            && cert.member == sealed.member
            && cert.verify(&h.channel.0)
            && !removed.iter().any(|r| r.device == cert.member);
        if !ok {
            return Err(Rejection::BadRotation.into());
        }
    }
    Ok(())
}

fn upsert_cert(tx: &Transaction<'_>, cert: &Certificate) -> Result<(), StoreError> {
    exec(
        tx,
        "INSERT INTO certs (channel, epoch, member, role) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (channel, epoch, member) DO UPDATE SET role = max(role, excluded.role)",
        params![cert.channel.0, cert.epoch, cert.member.0, cert.role.as_i64()],
    )?;
    Ok(())
}

fn apply_membership(
    tx: &Transaction<'_>,
    me: &DeviceKey,
    ev: &Event,
    id: &EventId,
    body: &Body,
) -> Result<Vec<EventId>, IngestError> {
    let h = &ev.header;
    match body {
        Body::Profile { name, cert } => {
            if let Some(cert) = cert {
                upsert_cert(tx, cert)?;
            }
            exec(
                tx,
                "INSERT INTO members (channel, device, name, name_seq) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (channel, device) DO UPDATE SET name = excluded.name, name_seq = excluded.name_seq
                 WHERE excluded.name_seq > name_seq",
                params![h.channel.0, h.author.0, name, h.seq as i64],
            )?;
        }
        Body::Channel { name, window, contributor_key, private } => {
            save_epoch(tx, &h.channel, 0, contributor_key, id)?;
            exec(
                tx,
                "INSERT INTO settings (channel, name, window_start, window_end, time_ms, event)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (channel) DO UPDATE SET name = excluded.name, window_start = excluded.window_start,
                   window_end = excluded.window_end, time_ms = excluded.time_ms, event = excluded.event
                 WHERE (excluded.time_ms, excluded.event) > (time_ms, event)",
                params![h.channel.0, name, window.map(|w| w.start.0), window.map(|w| w.end.0), h.time.0, id.0],
            )?;
            // Private is one-way, whatever the order Channel events arrive in.
            if *private {
                exec(tx, "UPDATE settings SET private = 1 WHERE channel = ?1", [h.channel.0])?;
            }
            exec(
                tx,
                "UPDATE channels SET name = s.name, window_start = s.window_start, window_end = s.window_end
                 FROM settings s WHERE s.channel = channels.id AND channels.id = ?1",
                [h.channel.0],
            )?;
        }
        Body::Rotate { new_epoch, contributor_key, removed, closed, certs, sealed } => {
            return apply_rotation(tx, me, ev, *new_epoch, contributor_key, removed, closed, certs, sealed);
        }
        _ => {}
    }
    Ok(Vec::new())
}

/// Whether a channel's media must travel encrypted (set by its `Channel` event).
///
/// # Errors
/// [`StoreError`].
pub fn channel_private(conn: &rusqlite::Connection, ch: &ChannelId) -> Result<bool, StoreError> {
    let private: Option<i64> =
        row(conn, "SELECT private FROM settings WHERE channel = ?1", [ch.0], |r| r.get(0)).optional()?;
    Ok(private == Some(1))
}

#[allow(clippy::too_many_arguments)]
fn apply_rotation(
    tx: &Transaction<'_>,
    me: &DeviceKey,
    ev: &Event,
    new_epoch: u32,
    contributor_key: &[u8; 32],
    removed: &[super::RemovedMember],
    closed: &[(DeviceId, u64)],
    certs: &[Certificate],
    sealed: &[SealedKeys],
) -> Result<Vec<EventId>, IngestError> {
    let ch = ev.header.channel;
    let closing = ev.header.epoch;
    save_epoch(tx, &ch, new_epoch, contributor_key, &ev.id())?;
    for cert in certs {
        upsert_cert(tx, cert)?;
    }
    let carried = |d: &DeviceId| certs.iter().any(|c| c.member == *d);
    for (device, last) in closed {
        exec(
            tx,
            "INSERT OR REPLACE INTO closures (channel, closed_epoch, device, last_seq, carried) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![ch.0, closing, device.0, *last as i64, carried(device)],
        )?;
    }
    for c in certs {
        exec(
            tx,
            "INSERT INTO closures (channel, closed_epoch, device, last_seq, carried) VALUES (?1, ?2, ?3, 0, 1)
             ON CONFLICT DO UPDATE SET carried = 1",
            params![ch.0, closing, c.member.0],
        )?;
    }
    for r in removed {
        exec(
            tx,
            "INSERT OR REPLACE INTO closures (channel, closed_epoch, device, last_seq, carried) VALUES (?1, ?2, ?3, ?4, 0)",
            params![ch.0, closing, r.device.0, r.last_seq as i64],
        )?;
        exec(
            tx,
            "INSERT INTO removals (channel, device, last_seq) VALUES (?1, ?2, ?3)
             ON CONFLICT DO UPDATE SET last_seq = min(last_seq, excluded.last_seq)",
            params![ch.0, r.device.0, r.last_seq as i64],
        )?;
    }
    if let Some(mine) = sealed.iter().find(|s| s.member == me.id()) {
        let keys = crate::channel::seal::open(me, &mine.sealed)
            .and_then(|plain| postcard::from_bytes::<EpochKeys>(&plain).ok())
            .filter(|k| k.epoch == new_epoch);
        match keys {
            Some(keys) => save_keys(tx, &ch, &keys)?,
            None => tracing::warn!("rotation carried keys for this device that do not open"),
        }
    }
    // Events that the rotation retroactively invalidates leave the log.
    let mut stmt = tx.prepare(
        "SELECT e.id FROM events e
         LEFT JOIN removals r ON r.channel = e.channel AND r.device = e.author
         LEFT JOIN closures c ON c.channel = e.channel AND c.closed_epoch = ?2 AND c.device = e.author
         WHERE e.channel = ?1 AND (
           (r.device IS NOT NULL AND e.seq > r.last_seq)
           OR (e.epoch <= ?2 AND coalesce(c.carried, 0) = 0 AND e.seq > coalesce(c.last_seq, 0)))",
    )?;
    let ids = stmt.query_map(params![ch.0, closing], |r| r.get::<_, Vec<u8>>(0))?.collect::<Result<Vec<_>, _>>()?;
    let mut purged = Vec::with_capacity(ids.len());
    for id in ids {
        exec(tx, "DELETE FROM events WHERE id = ?1", [&id])?;
        purged.push(EventId(blob32(id)?));
    }
    Ok(purged)
}

/// The next feed position for `author` in a channel: `(seq, prev, earliest time)`. The
/// time keeps each feed's clock strictly increasing even within one millisecond.
///
/// # Errors
/// [`StoreError`].
pub fn next_position(
    tx: &rusqlite::Connection,
    ch: &ChannelId,
    author: &DeviceId,
) -> Result<(u64, Option<EventId>, Timestamp), StoreError> {
    let row = row(
        tx,
        "SELECT seq, id, time_ms FROM events WHERE channel = ?1 AND author = ?2 ORDER BY seq DESC LIMIT 1",
        params![ch.0, author.0],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, i64>(2)?)),
    )
    .optional()?;
    let now = Timestamp::now();
    match row {
        None => Ok((1, None, now)),
        Some((seq, id, t)) => Ok((seq as u64 + 1, Some(EventId(blob32(id)?)), now.max(Timestamp(t + 1)))),
    }
}

/// The version vector of a channel: each author's highest accepted seq.
///
/// # Errors
/// [`StoreError`].
pub fn version_vector(conn: &rusqlite::Connection, ch: &ChannelId) -> Result<BTreeMap<DeviceId, u64>, StoreError> {
    let mut stmt = conn.prepare("SELECT author, max(seq) FROM events WHERE channel = ?1 GROUP BY author")?;
    let rows = stmt.query_map([ch.0], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (a, s) = row?;
        out.insert(DeviceId(blob32(a)?), s as u64);
    }
    Ok(out)
}

/// The authors of the events that opened the channel's epochs (its genesis, its
/// rotations): a member catching up needs their feeds first, as every other member's
/// first event is certified by a key they published.
///
/// # Errors
/// [`StoreError`].
pub fn epoch_issuers(conn: &rusqlite::Connection, ch: &ChannelId) -> Result<Vec<DeviceId>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT e.author FROM epochs p JOIN events e ON e.id = p.event WHERE p.channel = ?1",
    )?;
    let rows = stmt.query_map([ch.0], |r| r.get::<_, Vec<u8>>(0))?.collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(|a| Ok(DeviceId(blob32(a)?))).collect()
}

/// The stored encodings of a channel's accepted events, in arrival order.
///
/// # Errors
/// [`StoreError`].
pub fn all_raw(conn: &rusqlite::Connection, ch: &ChannelId) -> Result<Vec<Vec<u8>>, StoreError> {
    let mut stmt = conn.prepare("SELECT raw FROM events WHERE channel = ?1 ORDER BY seqno")?;
    let rows = stmt.query_map([ch.0], |r| r.get(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The decrypted body of an accepted event, read from the log: what views do not copy
/// (a post's thumbnails). `None` if the event is not here or no longer opens (its
/// epoch's key is gone).
///
/// # Errors
/// [`StoreError`].
pub fn body(conn: &rusqlite::Connection, id: &EventId) -> Result<Option<Body>, StoreError> {
    let found = row(
        conn,
        "SELECT channel, epoch, raw FROM events WHERE id = ?1",
        [id.0],
        |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, u32>(1)?, r.get::<_, Vec<u8>>(2)?)),
    )
    .optional()?;
    let Some((channel, epoch, raw)) = found else { return Ok(None) };
    let Some(key) = read_key(conn, &ChannelId(blob32(channel)?), epoch)? else { return Ok(None) };
    Ok(Event::decode(&raw).and_then(|ev| ev.open(&key)).ok())
}

/// Whether any event is pending for the channel (for tests and diagnostics).
///
/// # Errors
/// [`StoreError`].
pub fn pending_count(conn: &rusqlite::Connection, ch: &ChannelId) -> Result<i64, StoreError> {
    Ok(row(conn, "SELECT count(*) FROM pending WHERE channel = ?1", [ch.0], |r| r.get(0))?)
}

/// The encodings of a channel's pending events (diagnostics and tests).
///
/// # Errors
/// [`StoreError`].
pub fn pending_raw(conn: &rusqlite::Connection, ch: &ChannelId) -> Result<Vec<Vec<u8>>, StoreError> {
    let mut stmt = conn.prepare("SELECT raw FROM pending WHERE channel = ?1 ORDER BY author, seq")?;
    let rows = stmt.query_map([ch.0], |r| r.get(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Members certified in `epoch`, with their role there.
///
/// # Errors
/// [`StoreError`].
pub fn certified_members(
    conn: &rusqlite::Connection,
    ch: &ChannelId,
    epoch: u32,
) -> Result<Vec<(DeviceId, Role)>, StoreError> {
    let mut stmt = conn.prepare("SELECT member, role FROM certs WHERE channel = ?1 AND epoch = ?2 ORDER BY member")?;
    let rows = stmt
        .query_map(params![ch.0, epoch], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(d, r)| Ok((DeviceId(blob32(d)?), Role::from_i64(r).ok_or(StoreError::Corrupt("role"))?)))
        .collect()
}

/// The `left_feeds` key of a channel: a hash, so the table names no channel.
fn left_tag(ch: &ChannelId) -> [u8; 32] {
    blake3::derive_key("swarmroll/left-feed/v1", &ch.0)
}

/// Forgets every event, pending event and membership record of `ch`, and this device's
/// keys for it (leaving the channel), keeping only how far `me`'s feed in it went
/// ([`rejoining`]). Run last: the views select from `events`.
///
/// # Errors
/// [`StoreError`].
pub fn forget_channel(tx: &Transaction<'_>, ch: &ChannelId, me: &DeviceId) -> Result<(), StoreError> {
    let last: Option<i64> =
        row(tx, "SELECT max(seq) FROM events WHERE channel = ?1 AND author = ?2", params![ch.0, me.0], |r| r.get(0))?;
    if let Some(last) = last {
        exec(
            tx,
            "INSERT INTO left_feeds (tag, last_seq) VALUES (?1, ?2)
             ON CONFLICT (tag) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
            params![left_tag(ch), last],
        )?;
    }
    for table in ["events", "pending", "certs", "channel_keys", "closures", "epochs", "removals", "members", "settings"] {
        exec(tx, &format!("DELETE FROM {table} WHERE channel = ?1"), [ch.0])?;
    }
    exec(tx, "DELETE FROM channels WHERE id = ?1", [ch.0])?;
    Ok(())
}

/// Whether `me` left `ch` before and its earlier feed has not come back from the members
/// yet: `Some(last seq)` while it has not (authoring must wait, or it would fork the
/// feed); once it has, the record is dropped and this is `None`.
///
/// # Errors
/// [`StoreError`].
pub fn rejoining(tx: &Transaction<'_>, ch: &ChannelId, me: &DeviceId) -> Result<Option<u64>, StoreError> {
    let tag = left_tag(ch);
    let last: Option<i64> =
        row(tx, "SELECT last_seq FROM left_feeds WHERE tag = ?1", [tag], |r| r.get(0)).optional()?;
    let Some(last) = last else { return Ok(None) };
    let have: Option<i64> =
        row(tx, "SELECT max(seq) FROM events WHERE channel = ?1 AND author = ?2", params![ch.0, me.0], |r| r.get(0))?;
    if have.unwrap_or(0) >= last {
        exec(tx, "DELETE FROM left_feeds WHERE tag = ?1", [tag])?;
        return Ok(None);
    }
    Ok(Some(last as u64))
}
