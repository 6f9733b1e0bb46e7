//! Who is asking: the link in the URL and the guest in the cookie, checked on every
//! request against the database (so a revoke or a block takes effect at once).

use super::extract::blocking;
use super::{ApiError, Shared};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use std::sync::Arc;
use swarmroll_core::types::{ChannelId, Timestamp};
use swarmroll_core::venue::{GuestInfo, LinkRole};

/// The guest cookie's name.
pub const COOKIE: &str = "sr_guest";

/// A valid link.
#[derive(Clone, Debug)]
pub struct Access {
    pub link: i64,
    pub channel: ChannelId,
    pub role: LinkRole,
    pub closes: Option<Timestamp>,
    pub token: String,
    /// The key everything on this link is sealed with (a private channel's, `sealing`).
    pub seal: Option<[u8; 32]>,
}

impl Access {
    /// Refuses unless the link allows what `role` allows ([`LinkRole::allows`]).
    pub fn require(&self, role: LinkRole) -> Result<(), ApiError> {
        if self.role.allows(role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// Whether the guest sees only their own uploads and comments (a drop box).
    pub fn own_only(&self) -> bool {
        self.role == LinkRole::DropBox
    }
}

/// A guest with a session on the link.
#[derive(Clone, Debug)]
pub struct Guest {
    pub id: i64,
    pub name: Option<String>,
}

impl Guest {
    /// The guest's name, required for comments and uploads.
    pub fn named(&self) -> Result<&str, ApiError> {
        self.name.as_deref().ok_or(ApiError::NameRequired)
    }
}

/// Tokens and cookies are 26 characters of lower-case base32; anything else is refused
/// before the database is asked.
pub fn well_formed(secret: &str) -> bool {
    secret.len() == 26 && secret.bytes().all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
}

/// The link `token` names, if it is valid now.
pub async fn link(shared: &Shared, token: &str) -> Result<Access, ApiError> {
    if !well_formed(token) {
        return Err(ApiError::NotFound);
    }
    let (venue, t) = (shared.node.venue(), token.to_owned());
    let (row, seal) = blocking(move || {
        let Some(row) = venue.link(&t)? else { return Ok((None, None)) };
        let seal = venue.seal_key(&row.channel, &t)?;
        Ok((Some(row), seal))
    })
    .await?;
    let row = row.filter(|r| !r.revoked).ok_or(ApiError::NotFound)?;
    if row.expires.is_some_and(|e| e <= Timestamp::now()) {
        return Err(ApiError::Closed);
    }
    Ok(Access {
        link: row.id,
        channel: row.channel,
        role: row.role,
        closes: row.expires,
        token: token.to_owned(),
        seal,
    })
}

/// The guest cookie's value, if the request has one.
pub fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == COOKIE && well_formed(v))
        .map(|(_, v)| v.to_owned())
}

/// The guest of this request on `access`'s link, if any (blocked guests included).
pub async fn find_guest(shared: &Shared, access: &Access, headers: &HeaderMap) -> Result<Option<GuestInfo>, ApiError> {
    let Some(secret) = cookie(headers) else { return Ok(None) };
    let venue = shared.node.venue();
    let row = blocking(move || Ok(venue.guest(&secret)?)).await?;
    Ok(row.filter(|g| g.link == access.link))
}

/// The guest on `access`'s link, required.
pub async fn guest(shared: &Shared, access: &Access, headers: &HeaderMap) -> Result<Guest, ApiError> {
    let row = find_guest(shared, access, headers).await?.ok_or(ApiError::NoSession)?;
    if row.blocked {
        return Err(ApiError::Blocked);
    }
    Ok(Guest { id: row.id, name: row.name })
}

/// A request under `/g/<token>/` from a guest with a session: the extractor every
/// guest route starts with (link and guest checked, or the request is refused).
pub struct Visit {
    pub access: Access,
    pub guest: Guest,
}

impl FromRequestParts<Arc<Shared>> for Visit {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, shared: &Arc<Shared>) -> Result<Self, ApiError> {
        let token = parts.uri.path().strip_prefix("/g/").and_then(|rest| rest.split('/').next()).unwrap_or_default();
        // The link as `sealing` already looked it up for this request, if it did.
        let access = match parts.extensions.get::<Access>() {
            Some(a) => a.clone(),
            None => link(shared, token).await?,
        };
        let guest = guest(shared, &access, &parts.headers).await?;
        Ok(Visit { access, guest })
    }
}

/// The `Set-Cookie` value for a new guest secret on `token`'s pages.
pub fn set_cookie(token: &str, secret: &str) -> String {
    format!("{COOKIE}={secret}; Path=/g/{token}/; HttpOnly; SameSite=Strict; Max-Age=604800")
}
