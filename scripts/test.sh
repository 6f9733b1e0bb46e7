#!/usr/bin/env bash
# Runs every check the repository has: formatting, lints, then all tests.
# This is the README's test command; `.ci/run` installs what it needs and then runs it.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

section() {
    printf '\n==== %s ====\n' "$*"
}

section "cargo fmt --all --check"
cargo fmt --all --check

section "cargo clippy --workspace --all-targets --locked -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

section "cargo test --workspace --locked"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace --locked 2>&1 | tee "$log"

# One closing line over every test binary (cargo prints one per binary, and the last is
# often an empty doc-test run).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1); if ($i ~ /^ignored/) s += $(i-1) } }
     END { printf "\ntests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
