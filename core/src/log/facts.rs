//! What a write transaction has already looked up about a channel while ingesting a
//! batch: whether it is known and private, its epochs' read keys, whether any member
//! was ever cut off, and how many of its events wait for others. The same for every
//! event of a catch-up, these were a third of the statements each event ran. Forgotten
//! after every event that can change them (profiles, channel settings, rotations), so a
//! decision never rests on a stale fact.

use crate::channel::Secret;
use crate::store::StoreError;
use std::collections::HashMap;

/// Facts of one channel, valid within one write transaction.
#[derive(Default)]
pub struct Facts {
    known: Option<bool>,
    private: Option<bool>,
    cut_offs: Option<bool>,
    keys: HashMap<u32, Option<Secret>>,
    /// Events of the channel waiting in `pending`.
    pending: Option<i64>,
}

/// `slot`'s value, looked up with `look` the first time.
fn cached<T: Clone>(slot: &mut Option<T>, look: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
    if let Some(v) = slot {
        return Ok(v.clone());
    }
    let v = look()?;
    *slot = Some(v.clone());
    Ok(v)
}

impl Facts {
    /// Whether this device holds the channel.
    pub fn known(&mut self, look: impl FnOnce() -> Result<bool, StoreError>) -> Result<bool, StoreError> {
        cached(&mut self.known, look)
    }

    /// Whether the channel is private.
    pub fn private(&mut self, look: impl FnOnce() -> Result<bool, StoreError>) -> Result<bool, StoreError> {
        cached(&mut self.private, look)
    }

    /// Whether any member was ever removed or any epoch closed (else nobody is cut off).
    pub fn cut_offs(&mut self, look: impl FnOnce() -> Result<bool, StoreError>) -> Result<bool, StoreError> {
        cached(&mut self.cut_offs, look)
    }

    /// The read key of `epoch`.
    pub fn key(
        &mut self,
        epoch: u32,
        look: impl FnOnce() -> Result<Option<Secret>, StoreError>,
    ) -> Result<Option<Secret>, StoreError> {
        if let Some(k) = self.keys.get(&epoch) {
            return Ok(k.clone());
        }
        let k = look()?;
        self.keys.insert(epoch, k.clone());
        Ok(k)
    }

    /// How many of the channel's events are waiting.
    pub fn pending(&mut self, look: impl FnOnce() -> Result<i64, StoreError>) -> Result<i64, StoreError> {
        cached(&mut self.pending, look)
    }

    /// `by` events were added to (or, negative, taken from) the waiting ones.
    pub fn pending_changed(&mut self, by: i64) {
        if let Some(n) = &mut self.pending {
            *n += by;
        }
    }

    /// Forgets everything (an event that may change it was accepted).
    pub fn forget(&mut self) {
        *self = Facts::default();
    }
}
