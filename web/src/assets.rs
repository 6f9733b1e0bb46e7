//! The pages, scripts and styles, compiled into the binary: the gallery works on a venue
//! Wi-Fi with no internet, and what a guest runs is exactly what this build ships.

/// A static file: its name under `/assets/` and its type.
pub struct Asset {
    pub body: &'static [u8],
    pub mime: &'static str,
}

macro_rules! assets {
    ($($name:literal => $mime:literal),* $(,)?) => {
        /// Looks up `/assets/<name>`.
        pub fn get(name: &str) -> Option<Asset> {
            match name {
                $($name => Some(Asset { body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/", $name)), mime: $mime }),)*
                _ => None,
            }
        }
    };
}

assets! {
    "gallery.html" => "text/html; charset=utf-8",
    "gallery.js" => "text/javascript; charset=utf-8",
    "slideshow.html" => "text/html; charset=utf-8",
    "slideshow.js" => "text/javascript; charset=utf-8",
    "style.css" => "text/css; charset=utf-8",
    "join.html" => "text/html; charset=utf-8",
    "join.js" => "text/javascript; charset=utf-8",
    "join.css" => "text/css; charset=utf-8",
    "lib/api.js" => "text/javascript; charset=utf-8",
    "lib/upload.js" => "text/javascript; charset=utf-8",
    "lib/blake3.js" => "text/javascript; charset=utf-8",
    "lib/invite.js" => "text/javascript; charset=utf-8",
    "lib/qr.js" => "text/javascript; charset=utf-8",
    "lib/seal.js" => "text/javascript; charset=utf-8",
}
