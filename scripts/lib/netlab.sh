# shellcheck shell=bash
# Shared by scripts/nat-lab.sh and scripts/link-bench.sh (sourced): namespaces, and
# reading what the `swarmroll` node prints. The caller sets P (the namespace prefix) and
# NS (the namespaces made, for teardown), and defines `sr NS DIR ARGS...` (the node in a
# namespace).

ns() { ip netns add "$P-$1"; NS+=("$P-$1"); ip -n "$P-$1" link set lo up; }
x() {
    local n=$1
    shift
    ip netns exec "$P-$n" "$@"
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# shared_ids FILE TENTHS — waits up to TENTHS tenths of a second for `share --json` to
# write its invite into FILE; sets link, post (the first post) and channel.
shared_ids() {
    local out=$1 tenths=$2
    link="" post="" channel=""
    for _ in $(seq "$tenths"); do
        link=$(grep -o '"link":"[^"]*"' "$out" 2>/dev/null | head -1 | cut -d'"' -f4 || true)
        post=$(grep -o '"posts":\["[0-9a-f]*"' "$out" 2>/dev/null | head -1 | grep -o '[0-9a-f]\{64\}' || true)
        channel=$(grep -o '"channel":"[0-9a-f]*"' "$out" 2>/dev/null | head -1 | cut -d'"' -f4 || true)
        [ -n "$link" ] && [ -n "$post" ] && return 0
        sleep 0.1
    done
    return 1
}

# has_original NS DIR CHANNEL POST — every original of POST is held by the node in NS.
has_original() {
    sr "$1" "$2" --json posts "$3" | tr '{' '\n' | grep "\"$4\"" | grep -q '"originals_here":true'
}
