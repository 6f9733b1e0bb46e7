//! The `uniffi-bindgen-swift` command (Swift sources, headers and an XCFramework-ready
//! modulemap), pinned to the UniFFI version this crate is built with.
//!
//! ```text
//! cargo run -p swarmroll-ffi --features bindgen --bin uniffi-bindgen-swift -- \
//!     target/debug/libswarmroll_ffi.a out/ --swift-sources --headers
//! ```

fn main() {
    uniffi::uniffi_bindgen_swift();
}
