//! [`WebGallery`]: a channel opened to guests' browsers on the local network for a while
//! (the core's venue web gallery), as the apps show it: the three links, the guests' QR
//! code, and closing it.

use crate::error::SwarmrollError;
use crate::runtime::{run, runtime};
use std::sync::Arc;
use swarmroll_web::Gallery;

/// An open web gallery. It closes by itself when its window ends, or with [`stop`]
/// (`close` is taken in Kotlin, where every object is `AutoCloseable`).
///
/// [`stop`]: WebGallery::stop
#[derive(uniffi::Object)]
pub struct WebGallery {
    gallery: Arc<tokio::sync::Mutex<Option<Gallery>>>,
    guest_url: String,
    viewer_url: String,
    host_url: String,
    slideshow_url: String,
    closes_ms: i64,
    qr_png: Vec<u8>,
}

impl WebGallery {
    /// Wraps an open gallery and arms its closing at the end of the window.
    pub(crate) fn new(gallery: Gallery) -> Result<Arc<Self>, SwarmrollError> {
        let guest_url = gallery.url(&gallery.guests);
        let qr_png = swarmroll_core::channel::qr::png(&guest_url, 8)
            .map_err(|e| SwarmrollError::Internal { reason: e.to_string() })?;
        let me = WebGallery {
            viewer_url: gallery.url(&gallery.viewers),
            host_url: gallery.url(&gallery.host),
            slideshow_url: gallery.host.page_url(gallery.addr(), "slideshow"),
            closes_ms: gallery.closes.0,
            guest_url,
            qr_png,
            gallery: Arc::new(tokio::sync::Mutex::new(Some(gallery))),
        };
        let (slot, closes) = (me.gallery.clone(), me.closes_ms);
        runtime()?.spawn(async move {
            let left = closes.saturating_sub(swarmroll_core::Timestamp::now().0).max(0);
            tokio::time::sleep(std::time::Duration::from_millis(left as u64)).await;
            close_slot(&slot).await;
        });
        Ok(Arc::new(me))
    }
}

async fn close_slot(slot: &tokio::sync::Mutex<Option<Gallery>>) {
    if let Some(g) = slot.lock().await.take() {
        if let Err(e) = g.close().await {
            tracing::warn!(error = %e, "a web gallery link could not be revoked");
        }
    }
}

#[uniffi::export]
impl WebGallery {
    /// The link guests scan (uploads allowed unless opened view-only).
    pub fn guest_url(&self) -> String {
        self.guest_url.clone()
    }

    /// A view-only link, for a screen or people who should only look.
    pub fn viewer_url(&self) -> String {
        self.viewer_url.clone()
    }

    /// The host's own link: hide uploads, block guests. Not for guests. (On a private
    /// channel every link ends with its key's fragment: append nothing to it.)
    pub fn host_url(&self) -> String {
        self.host_url.clone()
    }

    /// The slideshow for the venue's TV, with the guests' QR code (on the host's link).
    pub fn slideshow_url(&self) -> String {
        self.slideshow_url.clone()
    }

    /// When the links stop working (ms since the epoch).
    pub fn closes_ms(&self) -> i64 {
        self.closes_ms
    }

    /// The guests' link as a QR code (PNG) to show on the host's screen.
    pub fn guest_qr_png(&self) -> Vec<u8> {
        self.qr_png.clone()
    }

    /// Closes the gallery now: open pages are told, the links stop working.
    pub async fn stop(&self) -> Result<(), SwarmrollError> {
        let slot = self.gallery.clone();
        run(async move {
            close_slot(&slot).await;
            Ok(())
        })
        .await
    }
}
