#!/usr/bin/env bash
# The binding tests: builds the FFI library, generates its bindings (scripts/bindings.sh),
# then drives two real nodes through them from Python (pytest) and from Kotlin on the JVM
# (kotlinc + JNA). Toolchains come from scripts/ffi-toolchain.sh (cached in target/tools).
#
# Prints one `test result:` line per language in cargo's format, so scripts/test.sh counts
# them with the Rust tests.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD

log() {
    printf '==> ffi tests: %s\n' "$*"
}

eval "$(bash scripts/ffi-toolchain.sh)"
# The panic tests panic on purpose: their message is enough, without a backtrace.
export RUST_BACKTRACE=0
bash scripts/bindings.sh target/bindings
bindings=$root/target/bindings
photos=$(cd "$root/../shared/fixtures/photos" && pwd)

log "python (pytest)"
py_log=$(mktemp)
kt_log=$(mktemp)
trap 'rm -f "$py_log" "$kt_log"' EXIT
py_status=0
SWARMROLL_BINDINGS=$bindings/python "$PYTEST" -q -p no:cacheprovider tests/ffi/python 2>&1 | tee "$py_log" || py_status=$?
py_passed=$(grep -oE '[0-9]+ passed' "$py_log" | tail -1 | grep -oE '[0-9]+' || echo 0)
py_failed=$(awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^(failed|errors?),?$/) n += $(i-1) } END { print n + 0 }' "$py_log")
if [ "$py_status" -ne 0 ] && [ "$py_failed" -eq 0 ]; then py_failed=1; fi
printf 'test result: %s. %d passed; %d failed; 0 ignored (python bindings)\n' \
    "$([ "$py_failed" -eq 0 ] && echo ok || echo FAILED)" "$py_passed" "$py_failed"

log "kotlin (JVM): compiling the generated bindings and the test"
classes=$root/target/ffi-kotlin
mkdir -p "$classes"
cp_compile="$JNA_JAR:$KOTLIN_COROUTINES:$KOTLIN_TEST"
# C1 only and the serial collector: about 30% faster for one short compilation.
JAVA_OPTS="-Xmx1G -XX:TieredStopAtLevel=1 -XX:+UseSerialGC" "$KOTLINC" -nowarn -cp "$cp_compile" -d "$classes/test.jar" \
    "$bindings/kotlin/app/swarmroll/core/swarmroll_ffi.kt" tests/ffi/kotlin/BindingTest.kt
log "kotlin (JVM): running"
kt_status=0
"$JAVACMD" -Djna.library.path="$bindings/lib" -Dswarmroll.photos="$photos" \
    -cp "$classes/test.jar:$KOTLIN_STDLIB:$cp_compile" app.swarmroll.bindingtest.BindingTestKt 2>&1 \
    | tee "$kt_log" || kt_status=$?
kt_passed=$(sed -nE 's/^kotlin binding tests: ([0-9]+) passed, ([0-9]+) failed$/\1/p' "$kt_log")
kt_failed=$(sed -nE 's/^kotlin binding tests: ([0-9]+) passed, ([0-9]+) failed$/\2/p' "$kt_log")
kt_passed=${kt_passed:-0}
kt_failed=${kt_failed:-1}
if [ "$kt_status" -ne 0 ] && [ "$kt_failed" -eq 0 ]; then kt_failed=1; fi
printf 'test result: %s. %d passed; %d failed; 0 ignored (kotlin bindings)\n' \
    "$([ "$kt_failed" -eq 0 ] && echo ok || echo FAILED)" "$kt_passed" "$kt_failed"

[ "$py_status" -eq 0 ] && [ "$kt_status" -eq 0 ]
