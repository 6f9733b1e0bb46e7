#!/usr/bin/env bash
# Throughput over a shaped internet link (issue 19): a 64 MB post between two `swarmroll`
# nodes on either side of a link of RATE with DELAY_MS each way and LOSS percent lost,
# against plain HTTP (curl from a static server) on the same link in the same run.
#
# The link: namespaces s (198.51.100.1) and c (198.51.100.2), each shaped by `tbf` on its
# way out, joined through namespace f, where scripts/lib/delayline.py carries the frames
# between two veths over AF_PACKET after DELAY_MS (this kernel has no netem). Offloads
# are off on every veth, so every frame is one packet. Addresses are RFC 5737, only
# inside namespaces made here; everything is deleted on exit.
#
# Measured, each as seconds, Mbit/s and the fraction of the link's rate:
#   delay line   curl with no shaping: the forwarder's own ceiling (it must be far above RATE)
#   http         curl on the shaped link: the reference
#   direct       c fetches s's post, its librqbit dialling s's
#   call-back    s fetches c's post: c dialled s, so s reaches c's swarm by asking c to call
#                back (core/src/sync/callback.rs): the path of every phone behind a NAT
#   relayed      c fetches the post of a (namespace a, on s's side, no route to c) through
#                s's relay (core/src/sync/relay.rs); s fetches no originals itself
#   rendezvous   the same, with s's member node gone and a relay in no channel on s
#                (`swarmroll serve-relay`): the swarm sealed end to end through it
# and each swarm figure as a fraction of HTTP's.
#
#   scripts/link-bench.sh                          20 Mbit/s, 15 ms each way (30 ms RTT)
#   RATE=20mbit DELAY_MS=15 LOSS=1 scripts/link-bench.sh
#
# Needs root, ffmpeg (the 64 MB video), curl, ethtool, python3, and a built `swarmroll`
# (SWARMROLL_BIN, else target/debug/swarmroll).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
BIN=${SWARMROLL_BIN:-$root/target/debug/swarmroll}
RATE=${RATE:-20mbit}
DELAY_MS=${DELAY_MS:-15}
LOSS=${LOSS:-0}
SECONDS_OF_VIDEO=${SECONDS_OF_VIDEO:-5}

say() { printf '==> link bench: %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { echo "link bench: needs root (network namespaces)" >&2; exit 1; }
for tool in ffmpeg curl ethtool python3 tc; do
    command -v "$tool" >/dev/null || { echo "link bench: $tool is missing (scripts/ci-setup.sh installs it)" >&2; exit 1; }
done

P=swrl$$
NS=()
WORK=$(mktemp -d)
# shellcheck source=scripts/lib/netlab.sh
. "$root/scripts/lib/netlab.sh"
teardown() {
    for n in "${NS[@]}"; do
        ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null || true
        sleep 0.2
        ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
        ip netns del "$n" 2>/dev/null || true
    done
}
trap 'teardown; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT

ns s
ns f
ns c
ns a
ip -n "$P-s" link add eth0 type veth peer name s0 netns "$P-f"
ip -n "$P-c" link add eth0 type veth peer name c0 netns "$P-f"
# a: a member on s's side (a LAN cable, unshaped) that c cannot reach nor be reached
# by: s does not forward.
ip -n "$P-s" link add eth1 type veth peer name eth0 netns "$P-a"
for end in "s eth0" "c eth0" "f s0" "f c0" "s eth1" "a eth0"; do
    set -- $end
    x "$1" ip link set "$2" up
    x "$1" ethtool -K "$2" gro off gso off tso off tx off rx off >/dev/null 2>&1 || true
done
ip -n "$P-s" addr add 198.51.100.1/24 dev eth0
ip -n "$P-c" addr add 198.51.100.2/24 dev eth0
ip -n "$P-s" addr add 203.0.113.1/24 dev eth1
ip -n "$P-a" addr add 203.0.113.2/24 dev eth0
ip -n "$P-a" route add default via 203.0.113.1
x f python3 "$root/scripts/lib/delayline.py" s0 c0 "$DELAY_MS" "$LOSS" 2>"$WORK/delayline.err" &
sleep 0.5
x c python3 -c "import socket; s=socket.socket(); s.settimeout(3); s.connect_ex(('198.51.100.1', 9))" ||
    { echo "link bench: the link does not carry" >&2; exit 1; }

shape() { for n in s c; do x "$n" tc qdisc replace dev eth0 root tbf rate "$RATE" burst 32kb latency 100ms; done; }
unshape() { for n in s c; do x "$n" tc qdisc del dev eth0 root 2>/dev/null || true; done; }

# The posts: noise videos (no compression gains anywhere), one per side.
seed=0
for side in s c a r; do
    seed=$((seed + 1))
    ffmpeg -loglevel error -y -f lavfi \
        -i "nullsrc=s=640x360:r=30,geq=random(1)*255:random(2)*255:random(3)*255,noise=alls=20:all_seed=$seed" \
        -t "$SECONDS_OF_VIDEO" -c:v mpeg4 -q:v 1 -pix_fmt yuv420p "$WORK/post-$side.mp4"
done
BYTES=$(stat -c %s "$WORK/post-s.mp4")
rate_bits=$(python3 -c "import re,sys; m=re.fullmatch(r'(\d+(?:\.\d+)?)([kmg]?)bit','$RATE'); print(int(float(m[1])*{'':1,'k':1e3,'m':1e6,'g':1e9}[m[2]]))")

# report NAME MILLISECONDS — one line: seconds, Mbit/s, fraction of the link's rate.
declare -A MBPS
report() {
    local name=$1 ms=$2
    local line
    line=$(python3 -c "b=$BYTES; s=$ms/1000; r=b*8/s; print(f'{s:.2f} s  {r/1e6:.2f} Mbit/s  {r/$rate_bits:.3f} of the link')")
    MBPS[$name]=$(python3 -c "print($BYTES*8/($ms/1000)/1e6)")
    printf '%-11s %s\n' "$name" "$line"
}

# HTTP: a static server in s, curl in c.
(cd "$WORK" && x s python3 -m http.server 8080 --bind 198.51.100.1 >/dev/null 2>&1) &
sleep 1
http() {
    local t
    t=$(x c curl -s -o /dev/null -w '%{time_total}' "http://198.51.100.1:8080/post-s.mp4")
    python3 -c "print(int($t*1000))"
}
say "$((BYTES / 1000000)) MB over $RATE, ${DELAY_MS} ms each way, ${LOSS} % loss"
printf '%-11s %s\n' "" "64 MB-class post: $BYTES bytes"
report "delay line" "$(http)"
shape
report http "$(http)"

# Swarmroll: s shares its post and serves; c joins, then runs and fetches it.
NET=(--no-lan --no-dht)
sr() {
    local n=$1 dir=$2
    shift 2
    x "$n" env RUST_LOG="${BENCH_LOG:-warn}" "$BIN" --data-dir "$dir" "$@"
}
wait_whole() { # NS DIR CHANNEL POST — milliseconds until the post is whole there
    local start
    start=$(now_ms)
    until has_original "$@" 2>/dev/null; do
        if [ $(($(now_ms) - start)) -gt 600000 ]; then
            echo "link bench: timed out" >&2
            return 1
        fi
        sleep 0.2
    done
    echo $(($(now_ms) - start))
}
# share_post NS FILE NET... — NS's node shares $WORK/FILE.mp4 into the channel (through
# its running node); prints the post's id, or stops the bench.
share_post() {
    local n=$1 f=$2 shared post
    shift 2
    shared=$(sr "$n" "$WORK/$n" --json share --channel "$channel" --no-serve "$WORK/$f.mp4" "$@" 2>>"$WORK/$n.err")
    post=$(grep -o '"posts":\["[0-9a-f]*"' <<<"$shared" | grep -o '[0-9a-f]\{64\}' | head -1 || true)
    [ -n "$post" ] || { echo "link bench: $n did not share $f: $shared $(tail -3 "$WORK/$n.err")" >&2; exit 1; }
    echo "$post"
}
sr s "$WORK/s" --json share --new "Bench" --as-name S "$WORK/post-s.mp4" \
    --listen 198.51.100.1:51417 --swarm-listen 198.51.100.1:42000 "${NET[@]}" >"$WORK/s.out" 2>"$WORK/s.err" &
shared_ids "$WORK/s.out" 600 || { echo "link bench: s did not share: $(tail -3 "$WORK/s.err")" >&2; exit 1; }
CNET=(--listen 198.51.100.2:51417 --swarm-listen 198.51.100.2:42000 "${NET[@]}")
sr c "$WORK/c" --json join "$link" --as-name C --wait 30 "${CNET[@]}" >/dev/null 2>"$WORK/c.err"
sr c "$WORK/c" run "${CNET[@]}" >/dev/null 2>>"$WORK/c.err" &
report direct "$(wait_whole c "$WORK/c" "$channel" "$post")"

# The other way: c shares, s fetches through c's call-back.
post2=$(share_post c post-c "${CNET[@]}")
report call-back "$(wait_whole s "$WORK/s" "$channel" "$post2")"
calls=$(sr s "$WORK/s" --json status 2>/dev/null | grep -o '"callbacks":{[^}]*}' || true)
say "s's call-backs: $calls"

# Relayed: s goes on as a node that moves no originals itself (--no-originals) and
# relays; a joins and shares; c fetches a's post through s (no route between them).
ip netns pids "$P-s" | xargs -r kill
sleep 1
sr s "$WORK/s" run --no-originals --listen 198.51.100.1:51417 --swarm-listen 198.51.100.1:42000 "${NET[@]}" \
    >/dev/null 2>>"$WORK/s.err" &
ANET=(--listen 203.0.113.2:51417 --swarm-listen 203.0.113.2:42000 "${NET[@]}")
sr a "$WORK/a" --json join "$link" --as-name A --wait 30 "${ANET[@]}" >/dev/null 2>"$WORK/a.err"
sr a "$WORK/a" run "${ANET[@]}" >/dev/null 2>>"$WORK/a.err" &
sleep 3
post3=$(share_post a post-a "${ANET[@]}")
report relayed "$(wait_whole c "$WORK/c" "$channel" "$post3")"
relay=$(sr s "$WORK/s" --json status 2>/dev/null | grep -o '"relay":{[^}]*}' || true)
say "s's relay: $relay"

# Rendezvous: s's member node goes away and s runs a relay in no channel instead
# (core/src/net/rendezvous.rs); a and c, started again naming it, meet there, and c
# fetches a's next post through it, sealed end to end (core/src/net/sealed.rs).
for n in s a c; do ip netns pids "$P-$n" | xargs -r kill 2>/dev/null || true; done
sleep 1
sr s "$WORK/relay" serve-relay --listen 0.0.0.0:51418 >"$WORK/relay.out" 2>"$WORK/relay.err" &
sr a "$WORK/a" run --relay-via 203.0.113.1:51418 "${ANET[@]}" >/dev/null 2>>"$WORK/a.err" &
sr c "$WORK/c" run --relay-via 198.51.100.1:51418 "${CNET[@]}" >/dev/null 2>>"$WORK/c.err" &
sleep 3
post4=$(share_post a post-r "${ANET[@]}")
report rendezvous "$(wait_whole c "$WORK/c" "$channel" "$post4")"
met=$(sr c "$WORK/c" --json status 2>/dev/null | grep -o '"rendezvous":{[^}]*}' || true)
say "c's rendezvous: $met"
grep -q '"swarm":[1-9]' <<<"$met" || { echo "link bench: the post did not take the rendezvous relay" >&2; exit 1; }
unshape

printf '\nswarm / HTTP: direct %s, call-back %s, relayed %s, rendezvous (sealed) %s\n' \
    "$(python3 -c "print(f'{${MBPS[direct]}/${MBPS[http]}:.3f}')")" \
    "$(python3 -c "print(f'{${MBPS[call-back]}/${MBPS[http]}:.3f}')")" \
    "$(python3 -c "print(f'{${MBPS[relayed]}/${MBPS[http]}:.3f}')")" \
    "$(python3 -c "print(f'{${MBPS[rendezvous]}/${MBPS[http]}:.3f}')")"
