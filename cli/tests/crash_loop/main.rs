//! The crash loop: real `swarmroll` processes killed with SIGKILL at random moments during
//! import, during a download from another node, during log sync with a busy peer and
//! during web uploads, started again each time. After every kill the database must pass
//! `PRAGMA integrity_check`, its log must have no holes, and nothing half-written may be
//! presented as whole; at the end every photo is in one post, every transfer finished
//! byte for byte, the killed node's log equals its never-killed peer's, and no temporary
//! file is left.
//!
//! `cargo test -p swarmroll --test crash_loop` runs 5 kills per scenario (what `.ci/run`
//! runs); `scripts/crash-loop.sh` runs the long one (`SWARMROLL_CRASH_KILLS`, default 60
//! per scenario) and its figures are in `docs/reliability.md`. Each scenario prints its
//! seed; `SWARMROLL_CRASH_SEED` repeats a run's kill moments.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;
mod fetch;
mod harness;
mod import;
mod sync;
mod upload;
