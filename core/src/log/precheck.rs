//! The part of accepting an event that needs no database: decoding it, checking its
//! signature, hashing its id and — where the epoch's key is known — decrypting its body.
//!
//! That is most of a catch-up's CPU (the curve arithmetic of the signatures, decrypting
//! and hashing bodies that carry thumbnails), and it is the same for every event of a
//! batch, so a batch is prechecked on every core — signatures a batch per core, checked
//! together — before the one write transaction that applies it in order.
//! The transaction still makes every decision: a body opened here is used only if the
//! key the transaction finds for the event's epoch is the one it was opened with.

use super::body::Body;
use super::event::{CodecError, Event};
use crate::channel::Secret;
use crate::types::EventId;
use rayon::prelude::*;
use std::collections::HashMap;

/// An event decoded, its signature checked and, if its key was at hand, its body opened.
pub struct Prechecked {
    /// The event, or why its bytes are not one.
    pub event: Result<Event, CodecError>,
    /// Its id (meaningful when `event` is `Ok`).
    pub id: EventId,
    /// Whether the author's signature is valid.
    pub signed: bool,
    /// The body, and the key it was opened with.
    opened: Option<(Secret, Result<Body, CodecError>)>,
}

impl Prechecked {
    /// Decodes and checks one event, with no key at hand.
    pub fn one(raw: &[u8]) -> Self {
        Self::decoded(raw, Event::signature_valid)
    }

    /// Decodes an event taken back out of `pending`: its signature was checked before it
    /// was stored there (an unsigned event is refused, never kept), so it is not checked
    /// again on the writer's thread — a backlog unblocked at once is thousands of them.
    pub fn stored(raw: &[u8]) -> Self {
        Self::decoded(raw, |_| true)
    }

    /// Decodes `raw`, hashes its id and takes `signed` as its signature's verdict.
    fn decoded(raw: &[u8], signed: impl FnOnce(&Event) -> bool) -> Self {
        let event = Event::decode(raw);
        let (id, signed) = match &event {
            Ok(ev) => (ev.id(), signed(ev)),
            Err(_) => (EventId([0; 32]), false),
        };
        Prechecked { event, id, signed, opened: None }
    }

    /// Takes the event out, with what was opened of it.
    pub fn take(self) -> Result<(Event, Opened), CodecError> {
        Ok((self.event?, Opened(self.opened)))
    }
}

/// A body opened beforehand, if one was.
pub struct Opened(Option<(Secret, Result<Body, CodecError>)>);

impl Opened {
    /// `ev`'s body opened with `key`: the one opened beforehand if it was the same key,
    /// else opened now.
    pub fn open(self, ev: &Event, key: &Secret) -> Result<Body, CodecError> {
        match self.0 {
            Some((used, body)) if used == *key => body,
            _ => ev.open(key),
        }
    }
}

/// Checks the signatures of the decoded events, a batch per core (see
/// [`crate::identity::verify_many`]). The signed messages (a BLAKE3 of each body) are
/// made on every core too, like the decoding before them.
fn verify_signatures(checked: &mut [Prechecked]) {
    let signed: Vec<(usize, &Event, Vec<u8>)> = checked
        .par_iter()
        .enumerate()
        .filter_map(|(i, c)| c.event.as_ref().ok().map(|ev| (i, ev, ev.signed_message())))
        .collect();
    let items: Vec<(&[u8; 32], &[u8], &[u8; 64])> =
        signed.iter().map(|(_, ev, msg)| (&ev.header.author.0, msg.as_slice(), &ev.signature.0)).collect();
    let per_core = items.len().div_ceil(rayon::current_num_threads()).max(MIN_BATCH);
    let verdicts: Vec<Vec<bool>> = items.par_chunks(per_core).map(crate::identity::verify_many).collect();
    let at: Vec<usize> = signed.iter().map(|(i, ..)| *i).collect();
    for (i, ok) in at.into_iter().zip(verdicts.concat()) {
        checked[i].signed = ok;
    }
}

/// Fewer signatures than this are not split between cores: a batch's fixed cost (the
/// base point's share of the multiplication) wants a few dozen to spread over.
const MIN_BATCH: usize = 32;

/// Prechecks a batch on every core: decodes and verifies every event, then opens the
/// bodies of those whose epoch `keys` gives a key for (`keys` is asked once per epoch,
/// on this thread).
pub fn batch<E>(
    raws: &[Vec<u8>],
    mut keys: impl FnMut(u32) -> Result<Option<Secret>, E>,
) -> Result<Vec<Prechecked>, E> {
    let mut checked: Vec<Prechecked> = raws.par_iter().map(|raw| Prechecked::decoded(raw, |_| false)).collect();
    verify_signatures(&mut checked);
    let mut epochs: HashMap<u32, Option<Secret>> = HashMap::new();
    for c in &checked {
        if let Ok(ev) = &c.event {
            if c.signed && !epochs.contains_key(&ev.header.epoch) {
                epochs.insert(ev.header.epoch, keys(ev.header.epoch)?);
            }
        }
    }
    checked.par_iter_mut().for_each(|c| {
        let Ok(ev) = &c.event else { return };
        if let (true, Some(Some(key))) = (c.signed, epochs.get(&ev.header.epoch)) {
            c.opened = Some((key.clone(), ev.open(key)));
        }
    });
    Ok(checked)
}
