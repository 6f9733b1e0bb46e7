//! What the platform must supply, as foreign traits the apps implement: posters for
//! formats the core does not decode (HEIC, video), and secure storage for the device's
//! identity key.

use crate::error::PlatformError;
use std::path::Path;
use std::sync::Arc;
use swarmroll_core::identity::{KeyVault, VaultError};
use swarmroll_core::media::Kind;
use zeroize::Zeroizing;

/// The platform's media decoders (ImageIO/AVFoundation on iOS, ImageDecoder/
/// MediaMetadataRetriever on Android).
#[uniffi::export(with_foreign)]
pub trait PosterMaker: Send + Sync {
    /// A JPEG poster (any size; the core scales it) for the HEIC image or video at
    /// `path`, of MIME type `mime`; `null`/`nil` if the platform cannot decode it either
    /// (that file is then skipped with a reason).
    fn poster(&self, path: String, mime: String) -> Option<Vec<u8>>;
}

/// The platform's secure storage (iOS Keychain, Android Keystore-wrapped storage).
#[uniffi::export(with_foreign)]
pub trait SecureStorage: Send + Sync {
    /// The bytes saved under `name`, or `null`/`nil` if none.
    ///
    /// # Errors
    /// The storage cannot be read now (device locked, access revoked).
    fn load(&self, name: String) -> Result<Option<Vec<u8>>, PlatformError>;
    /// Saves `secret` under `name`, replacing what was there.
    ///
    /// # Errors
    /// The storage cannot be written.
    fn save(&self, name: String, secret: Vec<u8>) -> Result<(), PlatformError>;
}

/// [`SecureStorage`] as the core's key vault.
pub(crate) struct Vault(pub(crate) Arc<dyn SecureStorage>);

impl KeyVault for Vault {
    fn load(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, VaultError> {
        self.0.load(name.to_owned()).map(|o| o.map(Zeroizing::new)).map_err(|e| VaultError::Platform(e.to_string()))
    }

    fn save(&self, name: &str, secret: &[u8]) -> Result<(), VaultError> {
        self.0.save(name.to_owned(), secret.to_vec()).map_err(|e| VaultError::Platform(e.to_string()))
    }
}

/// [`PosterMaker`] as the core's poster source: asked only for files whose content the
/// core cannot decode.
pub(crate) struct Posters(pub(crate) Arc<dyn PosterMaker>);

impl swarmroll_core::import::Posters for Posters {
    fn poster(&self, path: &Path, kind: Kind) -> Option<Vec<u8>> {
        self.0.poster(path.to_string_lossy().into_owned(), kind.mime().to_owned())
    }
}
