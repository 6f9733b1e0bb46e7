#!/usr/bin/env bash
# Builds the FFI library for this machine and generates its Kotlin, Swift and Python
# bindings from it (`uniffi-bindgen generate --library`). Generated code is never
# committed: the apps' builds and the binding tests run this.
#
#   scripts/bindings.sh [OUT_DIR]      (default: target/bindings)
#
# Out: OUT_DIR/lib/libswarmroll_ffi.so (with the `testing` hooks, for the binding tests),
#      OUT_DIR/kotlin/app/swarmroll/core/swarmroll_ffi.kt, OUT_DIR/swift/*.swift + header
#      + modulemap, OUT_DIR/python/swarmroll_ffi.py.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-target/bindings}

log() {
    printf '==> bindings: %s\n' "$*"
}

log "building libswarmroll_ffi and uniffi-bindgen"
# The same selection and features as scripts/test.sh's `cargo test`, so after the test
# suite this builds only the library itself (other features would rebuild every
# dependency).
cargo build --locked --workspace --all-targets --all-features
lib=target/debug/libswarmroll_ffi.so

rm -rf "$out"
mkdir -p "$out/lib"
cp "$lib" "$out/lib/"
for lang in kotlin python; do
    log "generating $lang"
    target/debug/uniffi-bindgen generate --library "$lib" --language "$lang" --out-dir "$out/$lang" --no-format
done
# The Python module loads the library from its own folder.
cp "$lib" "$out/python/"
log "generating swift (sources, header, modulemap)"
target/debug/uniffi-bindgen-swift "$lib" "$out/swift" --swift-sources --headers --modulemap \
    --module-name SwarmrollCoreFFI --modulemap-filename module.modulemap
log "done: $out"
