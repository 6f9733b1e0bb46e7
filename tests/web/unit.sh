#!/usr/bin/env bash
# Runs the web pages' script tests (tests/web/unit/*.test.mjs) with Node's test runner and
# prints a cargo-style "test result:" line for scripts/test.sh's summary.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
node --test --test-reporter=tap tests/web/unit/ >"$out" 2>&1 || status=$?
grep -E '^(not ok|# (tests|pass|fail))' "$out" || true
if [ "$status" -ne 0 ]; then
    cat "$out"
fi
pass=$(awk '/^# pass/ {print $3}' "$out")
fail=$(awk '/^# fail/ {print $3}' "$out")
if [ "$status" -eq 0 ]; then verdict=ok; else verdict=FAILED; fi
echo "test result: $verdict. ${pass:-0} passed; ${fail:-0} failed; 0 ignored (web scripts)"
exit "$status"
