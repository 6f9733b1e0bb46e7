//! SQL for the channels this device belongs to and the secrets it holds for them.

use super::at_rest::{self, SealingKey};
use super::{OwnerKey, Role, Secret, Window};
use crate::store::{exec, row, StoreError};
use crate::types::{ChannelId, Timestamp};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// Records a channel this device has just created, with the owner's secrets sealed under
/// `sealing` (`at_rest`).
///
/// # Errors
/// [`StoreError`].
pub fn insert_owned(
    tx: &Transaction<'_>,
    owner: &OwnerKey,
    seed: &Secret,
    name: &str,
    window: Option<Window>,
    sealing: &SealingKey,
) -> Result<(), StoreError> {
    let ch = owner.channel();
    exec(
        tx,
        "INSERT INTO channels (id, name, my_role, owner_secret, chain_seed, window_start, window_end, joined_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            ch.0,
            name,
            Role::Owner.as_i64(),
            at_rest::seal(sealing, &ch, "owner", &owner.secret()),
            at_rest::seal(sealing, &ch, "seed", seed),
            window.map(|w| w.start.0),
            window.map(|w| w.end.0),
            Timestamp::now().0
        ],
    )?;
    Ok(())
}

/// Records joining a channel with `role`. Returns `false` (and changes nothing) if this
/// device already holds that role or a higher one there.
///
/// # Errors
/// [`StoreError`].
pub fn upsert_joined(tx: &Transaction<'_>, ch: &ChannelId, name: &str, role: Role) -> Result<bool, StoreError> {
    let known: Option<i64> = row(tx, "SELECT my_role FROM channels WHERE id = ?1", [ch.0], |r| r.get(0)).optional()?;
    match known {
        Some(r) if r >= role.as_i64() => Ok(false),
        Some(_) => {
            exec(tx, "UPDATE channels SET my_role = ?2 WHERE id = ?1", params![ch.0, role.as_i64()])?;
            Ok(true)
        }
        None => {
            exec(
                tx,
                "INSERT INTO channels (id, name, my_role, joined_ms) VALUES (?1, ?2, ?3, ?4)",
                params![ch.0, name, role.as_i64(), Timestamp::now().0],
            )?;
            Ok(true)
        }
    }
}

/// The channel's name, if this device belongs to it.
///
/// # Errors
/// [`StoreError`].
pub fn name(conn: &Connection, ch: &ChannelId) -> Result<Option<String>, StoreError> {
    Ok(row(conn, "SELECT name FROM channels WHERE id = ?1", [ch.0], |r| r.get(0)).optional()?)
}

/// The owner key and read-key chain seed, on the owner's device only, opened with
/// `sealing` (`at_rest`).
///
/// # Errors
/// [`StoreError`]; [`StoreError::Corrupt`] if they do not open under this device's key.
pub fn owner_secrets(
    conn: &Connection,
    ch: &ChannelId,
    sealing: &SealingKey,
) -> Result<Option<(OwnerKey, Secret)>, StoreError> {
    let row = row(conn, "SELECT owner_secret, chain_seed FROM channels WHERE id = ?1", [ch.0], |r| {
        Ok((r.get::<_, Option<Vec<u8>>>(0)?, r.get::<_, Option<Vec<u8>>>(1)?))
    })
    .optional()?;
    match row {
        Some((Some(owner), Some(seed))) => Ok(Some((
            OwnerKey::from_secret(&at_rest::open(sealing, ch, "owner", &owner)?),
            at_rest::open(sealing, ch, "seed", &seed)?,
        ))),
        _ => Ok(None),
    }
}
