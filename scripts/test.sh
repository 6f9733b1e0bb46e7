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
cargo test --workspace --locked

section "all checks passed"
