//! The journal of guests' uploads: announced, complete (every byte arrived and checked),
//! posted. The bytes live in the web front end's folders; the rows here say what they
//! are, so that a restart resumes each upload and posts each one once.

use super::{db, Announced, Upload, Venue};
use crate::node::NodeError;
use crate::store::StoreError;
use crate::types::{ChannelId, ContentHash, EventId};

/// What an upload is announced with.
#[derive(Clone, Debug)]
pub struct Announcement {
    /// The guest sending it.
    pub guest: i64,
    /// The channel it is for.
    pub channel: ChannelId,
    /// BLAKE3 of the whole file.
    pub hash: ContentHash,
    /// Its length.
    pub size: u64,
    /// Its cleaned file name.
    pub name: String,
}

impl Venue {
    /// Announces an upload: [`Announced::Duplicate`] for bytes the channel shows, the
    /// guest's unfinished upload of the same bytes and size to resume, or a new one if the
    /// guest has fewer than `max_active` unfinished uploads touched in the last `idle_ms`.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn announce(&self, a: &Announcement, max_active: i64, idle_ms: i64) -> Result<Announced, NodeError> {
        Ok(self.store().write::<_, StoreError>(|tx| {
            if db::known_bytes(tx, &a.channel, &a.hash)? {
                return Ok(Announced::Duplicate);
            }
            if let Some(up) = db::open_upload(tx, a.guest, &a.hash)? {
                if up.size == a.size {
                    return Ok(Announced::Resume(up));
                }
            } else if db::active_uploads(tx, a.guest, idle_ms)? >= max_active {
                return Ok(Announced::TooMany);
            }
            let id = db::insert_upload(tx, a.guest, &a.channel, &a.hash, a.size, &a.name)?;
            db::upload(tx, id)?.map(Announced::New).ok_or(StoreError::Corrupt("upload"))
        })?)
    }

    /// Upload `id`.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn upload(&self, id: i64) -> Result<Option<Upload>, NodeError> {
        Ok(self.store().read::<_, StoreError>(|c| db::upload(c, id))?)
    }

    /// Notes that bytes of upload `id` arrived now (unfinished uploads left alone expire).
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn touch_upload(&self, id: i64) -> Result<(), NodeError> {
        Ok(self.store().write::<_, StoreError>(|tx| db::touch_upload(tx, id))?)
    }

    /// Marks upload `id` complete: every byte arrived and passed the checks.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn complete_upload(&self, id: i64) -> Result<(), NodeError> {
        Ok(self.store().write::<_, StoreError>(|tx| db::complete_upload(tx, id))?)
    }

    /// Forgets upload `id` (refused, or unusable).
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn drop_upload(&self, id: i64) -> Result<(), NodeError> {
        Ok(self.store().write::<_, StoreError>(|tx| db::delete_upload(tx, id))?)
    }

    /// Records how uploads ended, in one transaction: posted in a post, or (`None`)
    /// dropped.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn settle_uploads(&self, settled: &[(i64, Option<EventId>)]) -> Result<(), NodeError> {
        Ok(self.store().write::<_, StoreError>(|tx| {
            for (id, post) in settled {
                match post {
                    Some(p) => db::set_upload_post(tx, *id, p)?,
                    None => db::delete_upload(tx, *id)?,
                }
            }
            Ok(())
        })?)
    }

    /// Complete uploads never posted and untouched for `idle_ms`, by channel and guest:
    /// `(channel, guest's name, uploads)`. Blocked and unnamed guests' are left out.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn stale_uploads(&self, idle_ms: i64) -> Result<Vec<(ChannelId, String, Vec<Upload>)>, NodeError> {
        Ok(self.store().read::<_, StoreError>(|c| db::stale_uploads(c, idle_ms))?)
    }

    /// Forgets unfinished uploads untouched for `ttl_ms`; returns their ids (their bytes
    /// are the caller's to remove).
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn expire_partial_uploads(&self, ttl_ms: i64) -> Result<Vec<i64>, NodeError> {
        Ok(self.store().write::<_, StoreError>(|tx| db::expire_partial_uploads(tx, ttl_ms))?)
    }

    /// Which of `ids` are uploads still on record (the bytes of the others — a channel
    /// left, an upload expired while the server was down — are the caller's to remove).
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn known_uploads(&self, ids: Vec<i64>) -> Result<std::collections::HashSet<i64>, NodeError> {
        Ok(self.store().read::<_, StoreError>(|c| db::known_uploads(c, &ids))?)
    }

    /// Marks posted the complete uploads whose bytes their channel shows by now (a commit
    /// cut off by the node stopping, finished by the share journal at its next start);
    /// returns them as `(upload, post)`.
    ///
    /// # Errors
    /// [`NodeError::Store`].
    pub fn mark_posted(&self) -> Result<Vec<(i64, EventId)>, NodeError> {
        Ok(self.store().write::<_, StoreError>(|tx| {
            let found = db::posted_meanwhile(tx)?;
            for (id, post) in &found {
                db::set_upload_post(tx, *id, post)?;
            }
            Ok(found)
        })?)
    }
}
