#!/usr/bin/env bash
# Runs the fuzz targets in fuzz/ (cargo-fuzz, libFuzzer) for a bounded time each and
# prints, per target, the executions, executions per second, corpus size and crashes.
#
#   scripts/fuzz.sh [seconds-per-target] [targets...]
#
# Defaults: 60 s each, every target (invite event sync_frames import_media web_request).
# Needs the nightly toolchain (`rustup toolchain install nightly`); installs cargo-fuzz
# from crates.io if it is missing. Corpora grow in fuzz/corpus/<target>/ (not committed;
# seeded on each run from tests/vectors, tests/fixtures, ../shared/fixtures/photos and
# fuzz/seeds), crashing inputs land in fuzz/artifacts/<target>/. Exits 1 if any target
# crashed, 2 if nightly is missing. Built without a sanitizer (`-s none`: the core
# forbids `unsafe`, and the C libraries are not instrumented by cargo-fuzz anyway) and
# with overflow checks and debug assertions in swarmroll-core and swarmroll-web
# (fuzz/Cargo.toml). Results are recorded by hand in docs/reliability.md (## Fuzzing).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
fuzz="$root/fuzz"
all_targets=(invite event sync_frames import_media web_request)

secs="${1:-60}"
if ! [[ "$secs" =~ ^[0-9]+$ ]] || [ "$secs" -lt 1 ]; then
    echo "usage: scripts/fuzz.sh [seconds-per-target] [targets...]  (targets: ${all_targets[*]})" >&2
    exit 64
fi
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
    if [[ ! " ${all_targets[*]} " =~ " $t " ]]; then
        echo "unknown target '$t' (targets: ${all_targets[*]})" >&2
        exit 64
    fi
done

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz.sh: the nightly Rust toolchain is missing; cargo-fuzz needs it." >&2
    echo "         install it with: rustup toolchain install nightly" >&2
    exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

shared="${SWARMROLL_SHARED:-$root/../shared}"
photos="$shared/fixtures/photos"

echo "== building the fuzz targets (nightly, release, no sanitizer)"
(cd "$fuzz" && nice -n 10 cargo +nightly fuzz build -s none)
bin_dir="$fuzz/target/x86_64-unknown-linux-gnu/release"

# Copies files under `max` bytes from the given folders (recursively) into a corpus.
copy_seeds() {
    local corpus="$1" max="$2"
    shift 2
    local d
    for d in "$@"; do
        [ -d "$d" ] || continue
        find "$d" -type f -size -"$max"c ! -name '*.md' -exec cp -f {} "$corpus"/ \;
    done
}

seed() {
    local t="$1" corpus="$fuzz/corpus/$1"
    mkdir -p "$corpus"
    case "$t" in
        invite)
            # Each link of the test vectors, valid and invalid, one per file.
            local i=0
            grep -o '"link": *"[^"]*"' "$root/tests/vectors/invites.json" | sed 's/.*: *"\(.*\)"/\1/' |
                while IFS= read -r link; do
                    printf '%s' "$link" >"$corpus/vector-$i"
                    i=$((i + 1))
                done
            ;;
        event | sync_frames)
            # The targets write their own seeds: real encodings from the code under test.
            SWARMROLL_FUZZ_SEEDS="$corpus" "$bin_dir/$t" -runs=0 "$corpus" >/dev/null 2>&1 || true
            ;;
        import_media)
            copy_seeds "$corpus" 1048576 "$root/tests/fixtures" "$photos"
            ;;
        web_request)
            copy_seeds "$corpus" 65536 "$fuzz/seeds/web_request"
            ;;
    esac
}

max_len() {
    case "$1" in
        invite) echo 4096 ;;
        import_media) echo 1048576 ;;
        *) echo 65536 ;;
    esac
}

# Crashing, leaking, out-of-memory and timed-out inputs (not libFuzzer's slow-unit notes).
findings() {
    find "$1" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) | wc -l
}

failed=0
summary=()
for t in "${targets[@]}"; do
    corpus="$fuzz/corpus/$t"
    artifacts="$fuzz/artifacts/$t"
    mkdir -p "$artifacts"
    seed "$t"
    log="$fuzz/artifacts/$t.log"
    before=$(findings "$artifacts")
    echo "== $t: ${secs} s"
    status=0
    (cd "$root" && nice -n 10 "$bin_dir/$t" "$corpus" \
        -max_total_time="$secs" -max_len="$(max_len "$t")" -timeout=30 -rss_limit_mb=4096 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1) || status=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    size=$(find "$corpus" -maxdepth 1 -type f | wc -l)
    after=$(findings "$artifacts")
    crashes=$((after - before))
    if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then
        crashes=1
    fi
    line=$(printf '%-13s %6s s  %12s execs  %8s exec/s  corpus %6s  crashes %s' \
        "$t" "$secs" "${execs:-?}" "${rate:-?}" "$size" "$crashes")
    echo "$line"
    summary+=("$line")
    if [ "$crashes" -ne 0 ]; then
        failed=1
        echo "   crash: see $log and $artifacts/" >&2
        grep -m3 -E 'panicked at|ERROR: libFuzzer|SUMMARY' "$log" >&2 || true
    fi
done

echo
echo "== fuzzing summary"
printf '%s\n' "${summary[@]}"
exit "$failed"
