//! The `uniffi-bindgen` command, pinned to the UniFFI version this crate is built with.
//!
//! ```text
//! cargo build -p swarmroll-ffi
//! cargo run -p swarmroll-ffi --features bindgen --bin uniffi-bindgen -- \
//!     generate --library target/debug/libswarmroll_ffi.so --language kotlin --out-dir out/
//! ```

fn main() {
    uniffi::uniffi_bindgen_main();
}
