#!/usr/bin/env bash
# The long crash loop (issue 20): real `swarmroll` processes killed with SIGKILL at
# random moments during import, a download from another node, log sync with a busy peer
# and web uploads — KILLS per scenario (default 60: 240 in all) — each restarted and
# checked (cli/tests/crash_loop). Prints each scenario's kills survived and anything lost,
# then the totals. `.ci/run` runs the short version (5 per scenario) within `cargo test`.
#
#   bash scripts/crash-loop.sh [KILLS]      SWARMROLL_CRASH_SEED=N repeats a run
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
kills=${1:-60}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
SWARMROLL_CRASH_KILLS=$kills cargo test --release --locked -p swarmroll --test crash_loop -- --nocapture --test-threads 1 \
    2>&1 | tee "$log" | grep -E "^crash loop|LOST|panicked|^test " || true
awk '/^crash loop .* kills survived/ { k += $4; for (i = 1; i <= NF; i++) if ($i == "lost,") l += $(i-1) }
     END { printf "crash loop: %d kills survived in all, %d lost\n", k, l }' "$log"
grep -q "test result: ok" "$log" || { echo "crash loop failed" >&2; exit 1; }
