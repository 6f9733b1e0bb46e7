#!/usr/bin/env bash
# The soak (issue 20): one `swarmroll` node for MINUTES (default 30) while peers join,
# leave and are killed, comments flow and new posts are fetched; its memory, descriptors,
# threads and live tasks are printed every 10 s and must stay flat after the warm-up
# (cli/tests/soak.rs). Not run by `.ci/run`; figures in docs/reliability.md.
#
#   bash scripts/soak.sh [MINUTES]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SWARMROLL_SOAK_MINUTES=${1:-30} cargo test --release --locked -p swarmroll --test soak -- --ignored --nocapture
