#!/usr/bin/env bash
# Runs every check the repository has: formatting, lints, then all tests.
# This is the README's test command; `.ci/run` installs what it needs and then runs it.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

section() {
    printf '\n==== %s ====\n' "$*"
}

# finish PID LOG WHAT — waits for a background job, prints its log, and stops the run
# with the job's status if it failed.
finish() {
    local status=0
    wait "$1" || status=$?
    cat "$2"
    if [ "$status" -ne 0 ]; then
        echo "$3 failed" >&2
        exit "$status"
    fi
}

section "cargo fmt --all --check"
cargo fmt --all --check

section "vendored crates = their crates.io releases + patches/"
bash scripts/vendor-check.sh

log=$(mktemp)
mobile_log=$(mktemp)
tools_log=$(mktemp)
trap 'rm -f "$log" "$mobile_log" "$tools_log"' EXIT

# Started now, beside the lints and the build: the type-check for Android and iOS compiles
# every dependency twice more (C included) as an idle-class job (SCHED_IDLE where the
# system allows it, else nice 19), so it takes only the CPU the main build leaves idle;
# the foreign-language toolchains mostly download.
idle=(nice -n 19)
if chrt --idle 0 true 2>/dev/null; then
    idle=(chrt --idle 0)
fi
"${idle[@]}" bash scripts/mobile-check.sh >"$mobile_log" 2>&1 &
mobile_pid=$!
(bash scripts/web-toolchain.sh && bash scripts/ffi-toolchain.sh >/dev/null) >"$tools_log" 2>&1 &
tools_pid=$!
trap 'kill "$mobile_pid" "$tools_pid" 2>/dev/null || true; rm -f "$log" "$mobile_log" "$tools_log"' EXIT

# --all-features: the FFI crate's `bindgen` and `testing` features are linted and built
# once, and the binding tests below reuse this build.
section "cargo clippy --workspace --all-targets --all-features --locked -- -D warnings"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

# The front ends build without the core's `testing` feature (which the component tests
# turn on for the whole workspace above): nothing of theirs reaches below the `Node` facade.
section "front ends without the core's testing feature"
cargo check -p swarmroll -p swarmroll-web --all-targets --locked

section "cargo test --workspace --all-features --locked"
cargo test --workspace --all-features --locked --no-run

# The web gallery's browser tests (run by cargo test) need Chromium and playwright-core;
# the binding tests need Kotlin, JNA and pytest.
finish "$tools_pid" "$tools_log" "installing the test toolchains"
cargo test --workspace --all-features --locked 2>&1 | tee "$log"

section "web scripts: BLAKE3, invite decoder, QR encoder, size budget (node --test)"
bash tests/web/unit.sh 2>&1 | tee -a "$log"

section "binding tests: Python and Kotlin (JVM) through the generated bindings"
bash tests/ffi/run.sh 2>&1 | tee -a "$log"

section "android app on the JVM: bridge with two real nodes, presenters, screens rendered and compared, click-through"
bash scripts/android-jvm.sh 2>&1 | tee -a "$log"

section "android app module: parsed and compiled against the framework jar, manifest, resources, catalog, workflow lint"
bash scripts/android-check.sh 2>&1 | tee -a "$log"

section "NAT lab: real nodes behind NATs in network namespaces (root only; skipped loudly otherwise)"
TRIES=1 bash scripts/nat-lab.sh 2>&1 | tee -a "$log"

section "type-check for Android and iOS (check only, never linked)"
finish "$mobile_pid" "$mobile_log" "mobile-check"

# One closing line over every test binary (cargo prints one per binary, and the last is
# often an empty doc-test run).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1); if ($i ~ /^ignored/) s += $(i-1) } }
     END { printf "\ntests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
