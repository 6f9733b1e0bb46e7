#!/usr/bin/env bash
# The NAT lab (issue 19): real `swarmroll` nodes in network namespaces this script builds,
# behind the NATs phones and homes have, on a routed "internet" of its own. Nothing
# leaves the machine: every address is in RFC 5737 (198.51.100.0/24, 203.0.113.0/24),
# RFC 6598 (100.64.0.0/24) or 192.168.x.0/24, only inside namespaces made here; nothing
# is attached to the root namespace, and every namespace is deleted on exit.
#
# Topology (after ../shared/notes/reachability.md §6): a core router `inet`; the home
# node `home` (an always-on member with a public address, 198.51.100.10) on it; two
# phones `ha` and `hb`, each behind its own router two hops from the core (router → ISP
# → core), both behind a NAT of the case's kind (each its own):
#   easy       EIM mapping (port-preserving MASQUERADE) and endpoint-independent
#              filtering on the node's ports (what "full cone" home routers do)
#   restricted port-preserving MASQUERADE, conntrack filtering (address+port restricted)
#   symmetric  MASQUERADE --random-fully: a new port per destination (EDM)
#   cgn        a carrier NAT in front of the home NAT (double NAT, 100.64.0.0/24 inside)
#   udpblock   a network that drops every UDP packet its users send (TCP only)
#   mapped     the home node behind a home router of its own (conntrack filtering: no
#              unsolicited connection passes) that runs miniupnpd, the PCP/NAT-PMP/UPnP
#              server of OpenWrt and most firmwares; the node asks it for its ports
#              (`core/src/net/portmap.rs`); phones behind `restricted` NATs. miniupnpd
#              refuses to map for a reserved external address unless STUN (a classic
#              RFC 3489 server, stund, in the core) shows its uplink unfiltered, so the
#              lab's addresses stay in the documentation ranges. Each round also checks
#              that the router refused a phone before the mapping, and that the node
#              deleted its mappings when stopped with Ctrl-C; and, first, that a node
#              started with no default route maps once the route appears.
#   upnp       the same router with PCP and NAT-PMP off (many consumer routers): the
#              node maps its ports over UPnP-IGD instead.
#   natpmp     the same router speaking NAT-PMP only (routers from before PCP;
#              scripts/lib/natpmp.py, as miniupnpd serves PCP and NAT-PMP together or
#              neither): the node's PCP request is refused and it falls back to NAT-PMP.
#   rendezvous phones behind symmetric NATs whose home node is gone (stopped once both
#              joined): they meet at a rendezvous relay in no channel (`swarmroll
#              serve-relay` on the home's host, `--relay-via` on the phones;
#              `core/src/net/rendezvous.rs`), which carries their sync and their sealed
#              swarm. The relayed column counts rounds whose photo took the relay.
#   dht        phones behind easy NATs whose home node is gone and one of which moved to
#              another network since they met (so the address the other remembers is
#              stale): they find each other on the lab internet's DHT (`lab_dht` in the
#              core namespace: a bootstrap node and DHT nodes near the channel's
#              rendezvous keys; the phones run with `--dht-bootstrap`). Each round first
#              runs the phones without the DHT and checks that they stay apart (the
#              control); a round where they meet without it counts as not direct.
#
# For each case it measures, over TRIES rounds: whether each phone reaches the home
# node, whether the phones are connected to each other (directly), the time from A
# writing a comment to B holding it, the time until a photo A shares is whole at B
# (from A, or from the home node, which fetches and seeds it), whether the home node
# reached A's swarm by a call-back (`core/src/sync/callback.rs`), and whether the phones'
# direct connection was punched through their NATs (`core/src/sync/punch.rs`), whether
# B's swarm reached A's directly by punching again (`core/src/sync/direct.rs`), and
# whether the home node relayed swarm bytes between them (`core/src/sync/relay.rs`).
# Prints the matrix.
#
#   scripts/nat-lab.sh [CASE...]            every case when none is named
#   TRIES=20 scripts/nat-lab.sh             the benchmark's 20 rounds (default 3)
#   DELAY_MS=15 LOSS=1 scripts/nat-lab.sh   with latency and loss on the phones' lines
#
# With IROH=1 (scripts/iroh-lab.sh sets it), each round also measures iroh (issue 19) in
# the same case, on a topology built afresh right after ours: the home node hosts an iroh
# relay (labs/iroh-probe `relay`: HTTPS 3443, QUIC address discovery 7842, a self-signed
# certificate the phones trust as their only root), phone B listens and phone A dials B
# by id + relay URL + B's addresses (labs/iroh-probe `dial`); no discovery service. A
# second table gives iroh's columns. IROH_ONLY=1 skips ours (for debugging the probe).
#
# Needs root (namespaces, iptables) and a built `swarmroll` (SWARMROLL_BIN, else
# target/debug/swarmroll). Without root it says so loudly and skips (never green).
# Prints `test result: ...` for scripts/test.sh.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
BIN=${SWARMROLL_BIN:-$root/target/debug/swarmroll}
TRIES=${TRIES:-3}
IROH=${IROH:-0}
IROH_ONLY=${IROH_ONLY:-0}
IROH_BIN=${IROH_BIN:-$root/labs/iroh-probe/target/release/iroh-probe}
DHT_BIN=${DHT_BIN:-$root/target/debug/lab_dht}
# Latency each way and loss (percent) on each phone's line to the core (0: none, as in
# CI); a phone is then 2 × DELAY_MS from the home node and 4 × DELAY_MS from the other.
DELAY_MS=${DELAY_MS:-0}
LOSS=${LOSS:-0}
PHOTO=${PHOTO:-$root/../shared/fixtures/photos/phones/jolla.jpg}
# What phone A shares in each round (2.5 MB), fetched by B from whoever has it.
PHOTO_A=${PHOTO_A:-$root/../shared/fixtures/photos/phones/iphone_hdr_NO.jpg}
CASES=("$@")
[ ${#CASES[@]} -gt 0 ] || CASES=(easy restricted symmetric cgn udpblock mapped upnp natpmp rendezvous dht)

say() { printf '==> nat lab: %s\n' "$*" >&2; }

if [ "$(id -u)" != 0 ] || ! ip netns add "swrprobe$$" 2>/dev/null; then
    printf '\n!!!! NAT LAB SKIPPED: network namespaces cannot be made here (root needed). !!!!\n' >&2
    printf '!!!! The NAT tests did not run; nothing about NAT traversal is shown.       !!!!\n\n' >&2
    printf 'test result: ok. 0 passed; 0 failed; %d ignored (nat lab: not root)\n' "${#CASES[@]}"
    exit 0
fi
ip netns del "swrprobe$$"
command -v iptables >/dev/null || { echo "nat lab: iptables is missing (scripts/ci-setup.sh installs it)" >&2; exit 1; }
[ "$IROH_ONLY" = 1 ] || [ -x "$BIN" ] || { echo "nat lab: no swarmroll at $BIN (cargo build -p swarmroll)" >&2; exit 1; }
[ "$IROH" = 0 ] || [ -x "$IROH_BIN" ] || { echo "nat lab: no iroh probe at $IROH_BIN (scripts/iroh-lab.sh builds it)" >&2; exit 1; }
if [[ " ${CASES[*]} " == *" dht "* ]] && [ "$IROH_ONLY" != 1 ]; then
    [ -x "$DHT_BIN" ] || { echo "nat lab: no lab DHT at $DHT_BIN (cargo build -p swarmroll-tests --bin lab_dht)" >&2; exit 1; }
fi
if [[ " ${CASES[*]} " == *" mapped "* ]] || [[ " ${CASES[*]} " == *" upnp "* ]] || [[ " ${CASES[*]} " == *" natpmp "* ]]; then
    for tool in miniupnpd stund nft; do
        command -v "$tool" >/dev/null ||
            { echo "nat lab: $tool is missing (scripts/ci-setup.sh installs miniupnpd-nftables, stun-server, nftables)" >&2; exit 1; }
    done
fi

P=swr$$
NS=()
WORK=$(mktemp -d)
# shellcheck source=scripts/lib/netlab.sh
. "$root/scripts/lib/netlab.sh"
veth() {
    ip -n "$P-$1" link add "$2" type veth peer name "$4" netns "$P-$3"
    ip -n "$P-$1" link set "$2" up
    ip -n "$P-$3" link set "$4" up
}
fwd() { x "$1" sysctl -qw net.ipv4.ip_forward=1; }
teardown() {
    for n in "${NS[@]}"; do
        ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
        ip netns del "$n" 2>/dev/null || true
    done
    NS=()
}
trap 'teardown; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT

# nat NS LANIF WANIF MODE — a stateful NAT router.
nat() {
    local n=$1 lan=$2 wan=$3 mode=$4
    fwd "$n"
    x "$n" iptables -P FORWARD DROP
    x "$n" iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
    x "$n" iptables -A FORWARD -i "$lan" -o "$wan" -j ACCEPT
    # Unsolicited packets to the router itself are dropped, not answered with a reset:
    # what home routers' firewalls do, and what RFC 5382 REQ-4 asks of a NAT (no answer
    # to an unsolicited SYN for 6 s, so that a simultaneous open can complete).
    x "$n" iptables -A INPUT -i "$wan" -m conntrack --ctstate NEW,INVALID -j DROP
    case $mode in
        easy | restricted | cgn) x "$n" iptables -t nat -A POSTROUTING -o "$wan" -j MASQUERADE ;;
        symmetric) x "$n" iptables -t nat -A POSTROUTING -o "$wan" -j MASQUERADE --random-fully ;;
        udpblock)
            x "$n" iptables -t nat -A POSTROUTING -o "$wan" -j MASQUERADE
            x "$n" iptables -I FORWARD -i "$lan" -p udp -j DROP
            ;;
    esac
}

# fullcone NS WANIF HOST — endpoint-independent filtering for the node's ports: anyone
# may send to the mapped port (the mapping is port-preserving, so it is the node's own).
fullcone() {
    local n=$1 wan=$2 host=$3
    for proto in tcp udp; do
        for port in 51417 42000; do
            x "$n" iptables -t nat -A PREROUTING -i "$wan" -p "$proto" --dport "$port" -j DNAT --to-destination "$host"
            x "$n" iptables -A FORWARD -i "$wan" -p "$proto" -d "$host" --dport "$port" -j ACCEPT
        done
    done
}

# offloads_off NS IF — one packet per frame, as the delay line needs.
offloads_off() { x "$1" ethtool -K "$2" gro off gso off tso off tx off rx off >/dev/null 2>&1 || true; }

SLOT=0
# uplink NS — NS (interface wan0) hangs off the core through its own ISP router.
uplink() {
    local n=$1
    SLOT=$((SLOT + 1))
    local k=$SLOT b=$((16 * SLOT))
    ns "isp$k"
    fwd "isp$k"
    if [ "$DELAY_MS" = 0 ] && [ "$LOSS" = 0 ]; then
        veth inet "c$k" "isp$k" up0
    else
        # The ISP's line to the core runs through a delay line (this kernel has no netem).
        ns "dl$k"
        veth inet "c$k" "dl$k" l0
        veth "isp$k" up0 "dl$k" l1
        offloads_off inet "c$k"
        offloads_off "isp$k" up0
        offloads_off "dl$k" l0
        offloads_off "dl$k" l1
        x "dl$k" python3 "$root/scripts/lib/delayline.py" l0 l1 "$DELAY_MS" "$LOSS" 2>/dev/null &
    fi
    ip -n "$P-inet" addr add "203.0.113.$((b + 1))/30" dev "c$k"
    ip -n "$P-isp$k" addr add "203.0.113.$((b + 2))/30" dev up0
    ip -n "$P-isp$k" route add default via "203.0.113.$((b + 1))"
    veth "isp$k" down0 "$n" wan0
    ip -n "$P-isp$k" addr add "203.0.113.$((b + 5))/30" dev down0
    ip -n "$P-$n" addr add "203.0.113.$((b + 6))/30" dev wan0
    ip -n "$P-$n" route add default via "203.0.113.$((b + 5))"
    ip -n "$P-inet" route add "203.0.113.$((b + 4))/30" via "203.0.113.$((b + 2))"
}

HN=0
# phone NAME MODE — router rNAME and phone hNAME (192.168.<n>.2) behind it.
phone() {
    local n=$1 mode=$2
    HN=$((HN + 1))
    ns "r$n"
    ns "h$n"
    if [ "$mode" = cgn ]; then
        # The carrier's NAT, then the home router's, both port-preserving.
        ns "cg$n"
        uplink "cg$n"
        veth "cg$n" in0 "r$n" wan0
        ip -n "$P-cg$n" addr add 100.64.0.1/24 dev in0
        ip -n "$P-r$n" addr add 100.64.0.2/24 dev wan0
        ip -n "$P-r$n" route add default via 100.64.0.1
        nat "cg$n" in0 wan0 cgn
    else
        uplink "r$n"
    fi
    veth "r$n" lan0 "h$n" eth0
    ip -n "$P-r$n" addr add "192.168.$HN.1/24" dev lan0
    ip -n "$P-h$n" addr add "192.168.$HN.2/24" dev eth0
    ip -n "$P-h$n" route add default via "192.168.$HN.1"
    nat "r$n" lan0 wan0 "$mode"
    if [ "$mode" = easy ]; then fullcone "r$n" wan0 "192.168.$HN.2"; fi
}

# mapped_home NATPMP — the home node (192.168.100.2) behind router rhm (198.51.100.10),
# which filters like a home router and runs miniupnpd (PCP and NAT-PMP on when NATPMP is
# yes; UPnP-IGD always; stund in the core answers its STUN test), or, when NATPMP is
# only, scripts/lib/natpmp.py (NAT-PMP and nothing else).
mapped_home() {
    ns rhm
    fwd rhm
    veth inet chome rhm wan0
    veth rhm lan0 home eth0
    ip -n "$P-inet" addr add 198.51.100.1/24 dev chome
    ip -n "$P-inet" addr add 198.51.100.2/24 dev chome
    ip -n "$P-rhm" addr add 198.51.100.10/24 dev wan0
    ip -n "$P-rhm" route add default via 198.51.100.1
    ip -n "$P-rhm" addr add 192.168.100.1/24 dev lan0
    ip -n "$P-home" addr add 192.168.100.2/24 dev eth0
    ip -n "$P-home" route add default via 192.168.100.1
    # One nftables table, with the chains miniupnpd fills in (no iptables rules here:
    # a packet must pass every table's base chains).
    x rhm nft -f - <<'NFT'
table inet lab {
  chain input {
    type filter hook input priority 0; policy accept;
    ct state established,related accept
    iifname "wan0" ip saddr { 198.51.100.1, 198.51.100.2 } udp sport { 3478, 3479 } accept
    iifname "wan0" drop
  }
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
    iifname "lan0" oifname "wan0" accept
    jump miniupnpd
  }
  chain miniupnpd {
  }
  chain prerouting {
    type nat hook prerouting priority -100; policy accept;
    jump prerouting_miniupnpd
  }
  chain prerouting_miniupnpd {
  }
  chain postrouting {
    type nat hook postrouting priority 100; policy accept;
    jump postrouting_miniupnpd
    oifname "wan0" masquerade
  }
  chain postrouting_miniupnpd {
  }
}
NFT
    if [ "$1" = only ]; then
        rm -f "$WORK/natpmp.log"
        x rhm python3 "$root/scripts/lib/natpmp.py" 192.168.100.1 198.51.100.10 wan0 2>"$WORK/natpmp.log" &
        for _ in $(seq 50); do
            grep -q "natpmp: ready" "$WORK/natpmp.log" 2>/dev/null && return 0
            sleep 0.1
        done
        say "the NAT-PMP router did not come up: $(tail -3 "$WORK/natpmp.log")"
        return 0
    fi
    cat >"$WORK/miniupnpd.conf" <<CONF
ext_ifname=wan0
listening_ip=lan0
enable_natpmp=$1
enable_upnp=yes
ext_perform_stun=yes
ext_stun_host=198.51.100.1
ext_stun_port=3478
secure_mode=yes
system_uptime=yes
upnp_table_name=lab
upnp_nat_table_name=lab
upnp_forward_chain=miniupnpd
upnp_nat_chain=prerouting_miniupnpd
upnp_nat_postrouting_chain=postrouting_miniupnpd
uuid=5d1f3c9e-8b7a-4e21-9c3d-2a6b0f4e8d17
allow 1024-65535 192.168.100.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
CONF
    x inet stund -h 198.51.100.1 -a 198.51.100.2 >/dev/null 2>&1 &
    sleep 0.3
    x rhm miniupnpd -f "$WORK/miniupnpd.conf" -d >"$WORK/miniupnpd.log" 2>&1 &
    # Up once its STUN test is over and it serves NAT-PMP/PCP.
    for _ in $(seq 50); do
        grep -q "Port forwarding is now enabled\|STUN: ... done" "$WORK/miniupnpd.log" 2>/dev/null && return 0
        sleep 0.1
    done
    say "miniupnpd did not come up: $(tail -3 "$WORK/miniupnpd.log")"
}

build() {
    SLOT=0
    HN=0
    ns inet
    fwd inet
    ns home
    local phones=$1
    [ "$1" = rendezvous ] && phones=symmetric
    [ "$1" = dht ] && phones=easy
    if [ "$1" = mapped ] || [ "$1" = upnp ] || [ "$1" = natpmp ]; then
        mapped_home "$(case $1 in mapped) echo yes ;; upnp) echo no ;; *) echo only ;; esac)"
        phones=restricted
        HOME_NET=(--listen 0.0.0.0:51417 --swarm-listen 0.0.0.0:42000 --no-lan --no-dht)
    else
        veth inet chome home eth0
        ip -n "$P-inet" addr add 198.51.100.1/24 dev chome
        ip -n "$P-home" addr add 198.51.100.10/24 dev eth0
        ip -n "$P-home" route add default via 198.51.100.1
        HOME_NET=(--listen 198.51.100.10:51417 --swarm-listen 198.51.100.10:42000 --no-lan --no-dht)
    fi
    phone a "$phones"
    phone b "$phones"
}

# sr NS DIR ARGS... — the node in namespace NS on data folder DIR (no LAN or DHT: the lab
# has neither, and nothing may try to leave it).
NET=(--listen 0.0.0.0:51417 --swarm-listen 0.0.0.0:42000 --no-lan --no-dht)
sr() {
    local n=$1 dir=$2
    shift 2
    x "$n" env RUST_LOG="${LAB_LOG:-warn}" "$BIN" --data-dir "$dir" "$@"
}

# wait_for WHAT SECONDS CMD... — polls CMD until it succeeds; prints the seconds it took.
wait_for() {
    local what=$1 secs=$2
    shift 2
    local start
    start=$(now_ms)
    while ! "$@" >/dev/null 2>&1; do
        if [ $(($(now_ms) - start)) -gt $((secs * 1000)) ]; then
            say "timed out ($secs s) waiting for $what"
            return 1
        fi
        sleep 0.1
    done
    local ms=$(($(now_ms) - start))
    printf '%d.%03d\n' $((ms / 1000)) $((ms % 1000))
}

connected_to() { # NS DIR NAME — the running node in NS lists NAME among connected members
    sr "$1" "$2" --json status | grep -q "\"$3\""
}

no_router() { # NS DIR — the running node's port mapper knows no router
    sr "$1" "$2" --json status | grep -q '"gateway":null'
}

mapped_at() { # NS DIR — the running node holds a mapping for its sync port on the router
    sr "$1" "$2" --json status | grep -q '"external":"198.51.100.10:51417"'
}

# follows_gateway DIR — a home node started with no default route (a laptop not yet on a
# network) maps its ports once the route to the router appears (`portmap` follows the
# gateway), and deletes them when stopped. Prints yes or no.
follows_gateway() {
    local d=$1 ok=no
    ip -n "$P-home" route del default
    sr home "$d/moved" run "${HOME_NET[@]}" >/dev/null 2>"$d/moved.err" &
    if wait_for "the node to find no router" 10 no_router home "$d/moved" >/dev/null; then
        ip -n "$P-home" route add default via 192.168.100.1
        wait_for "a mapping once the route is back" 20 mapped_at home "$d/moved" >/dev/null && ok=yes
    else
        ip -n "$P-home" route add default via 192.168.100.1
    fi
    ip netns pids "$P-home" | xargs -r kill -INT
    for _ in $(seq 50); do
        [ -z "$(ip netns pids "$P-home")" ] && break
        sleep 0.1
    done
    if x rhm nft list chain inet lab prerouting_miniupnpd | grep -q dnat; then
        say "the moved node left a mapping on the router"
        ok=no
    fi
    echo "$ok"
}

stop_ns() { # NS — Ctrl-C to everything running in namespace NS; waits until it ended
    ip netns pids "$P-$1" | xargs -r kill -INT
    for _ in $(seq 50); do
        [ -z "$(ip netns pids "$P-$1")" ] && break
        sleep 0.1
    done
}
stop_home() { stop_ns home; }

# move_phone NAME SLOT — the phone's router gets another address from its ISP (a phone
# that went home from the party): the next /30 of the uplink's block (`uplink`).
move_phone() {
    local n=$1 b=$((16 * $2))
    ip -n "$P-isp$2" addr add "203.0.113.$((b + 9))/30" dev down0
    ip -n "$P-r$n" addr flush dev wan0
    ip -n "$P-r$n" addr add "203.0.113.$((b + 10))/30" dev wan0
    ip -n "$P-r$n" route add default via "203.0.113.$((b + 9))"
    ip -n "$P-inet" route add "203.0.113.$((b + 8))/30" via "203.0.113.$((b + 2))"
}

# lab_dht DIR — the lab internet's DHT (in the core namespace, 198.51.100.1:6881), near
# the rendezvous keys of the channels of the stopped node on DIR.
lab_dht() {
    x inet "$DHT_BIN" "$1" 198.51.100.1 6881 >"$1.dht.out" 2>"$1.dht.err" &
    for _ in $(seq 100); do
        grep -q '^ready' "$1.dht.out" 2>/dev/null && return 0
        sleep 0.1
    done
    say "the lab DHT did not start: $(tail -3 "$1.dht.err")"
    return 1
}

has_comment() { # NS DIR POST TEXT
    sr "$1" "$2" --json thread "$3" | grep -q "$4"
}


# median VALUES... — the middle value, "-" for none.
median() {
    printf '%s\n' "$@" | sort -n | awk 'NF && $1 != "-" { a[n++] = $1 } END { if (n) printf "%.2f", a[int((n - 1) / 2)]; else print "-" }'
}

# iroh_round CASE ROUND — iroh phone to phone in CASE's topology, built afresh: a relay on
# the home node, B listening, A dialling B. Prints "connected path_at_connect
# path_after_5s connect_s first_byte_s first_direct_s" ("-" where there is none).
IROH_RELAY=https://198.51.100.10:3443
iroh_round() {
    local case=$1 r=$2 d=$WORK/iroh-$1-$2
    mkdir -p "$d"
    build "$case"
    x home "$IROH_BIN" relay --ip 198.51.100.10 --cert-dir "$d/relay" >"$d/relay.out" 2>"$d/relay.err" &
    local i
    for i in $(seq 100); do
        grep -q '"event":"relay"' "$d/relay.out" 2>/dev/null && break
        sleep 0.1
    done
    if ! grep -q '"event":"relay"' "$d/relay.out" 2>/dev/null; then
        say "iroh relay did not start: $(tail -3 "$d/relay.err")"
        teardown
        echo "no - - - - -"
        return
    fi
    x hb env RUST_LOG="${IROH_LOG:-warn}" "$IROH_BIN" listen --relay "$IROH_RELAY" --cert "$d/relay/cert.der" --port 42000 \
        >"$d/b.out" 2>"$d/b.err" &
    for i in $(seq 200); do
        grep -q '"event":"listening"' "$d/b.out" 2>/dev/null && break
        sleep 0.1
    done
    local listening id addrs=()
    listening=$(grep '"event":"listening"' "$d/b.out" 2>/dev/null | head -1 || true)
    if [ -z "$listening" ]; then
        say "iroh listener did not start: $(tail -3 "$d/b.err")"
        teardown
        echo "no - - - - -"
        return
    fi
    id=$(jq -r .id <<<"$listening")
    local a
    for a in $(jq -r '.addrs[]' <<<"$listening"); do addrs+=(--addr "$a"); done
    x ha env RUST_LOG="${IROH_LOG:-warn}" timeout 60 "$IROH_BIN" dial --relay "$IROH_RELAY" --cert "$d/relay/cert.der" --port 42000 \
        --id "$id" "${addrs[@]}" --watch-secs 5 >"$d/a.out" 2>"$d/a.err" || true
    local dialled
    dialled=$(grep '"event":"dial"' "$d/a.out" 2>/dev/null | tail -1 || true)
    teardown
    if [ -z "$dialled" ] || [ "$(jq -r .connected <<<"$dialled")" != true ]; then
        say "iroh $case round $r: not connected: $(jq -r '.error // empty' <<<"$dialled" 2>/dev/null) $(tail -2 "$d/a.err")"
        echo "no - - - - -"
        return
    fi
    say "iroh $case round $r: B at $(jq -c .addrs <<<"$listening"), A at $(jq -c .own_addrs <<<"$dialled"), path $(jq -r .path_at_connect_addr <<<"$dialled") then $(jq -r .path_after_watch_addr <<<"$dialled")"
    jq -r '[ "yes", .path_at_connect, .path_after_watch,
             (.connect_s * 1000 | round / 1000), (.first_byte_s * 1000 | round / 1000),
             (if .first_direct_s == null then "-" else (.first_direct_s * 1000 | round / 1000) end) ]
           | map(tostring) | join(" ")' <<<"$dialled"
}

passed=0
failed=0
declare -A MATRIX
declare -A IMATRIX
one_round() { # CASE ROUND — prints "home_a home_b direct first_event_s original_s called punched swarm relayed mapped"
    local case=$1 r=$2 d=$WORK/$1-$2
    mkdir -p "$d"
    build "$case"
    # Before the home node asks for a mapping, its router lets no phone in.
    local blocked=- followed=yes
    if [ "$case" = mapped ] || [ "$case" = upnp ] || [ "$case" = natpmp ]; then
        blocked=no
        x ha python3 -c "import socket,sys; s=socket.socket(); s.settimeout(2); sys.exit(s.connect_ex(('198.51.100.10', 51417)) == 0)" && blocked=yes
    fi
    if [ "$case" = mapped ]; then
        followed=$(follows_gateway "$d")
    fi
    sr home "$d/home" --json share --new "Lab party" --as-name Home "$PHOTO" "${HOME_NET[@]}" >"$d/home.out" 2>"$d/home.err" &
    local link="" post="" channel=""
    shared_ids "$d/home.out" 100 || { say "the home node did not start: $(tail -3 "$d/home.err")"; teardown; echo "no no no - - no no no no -"; return; }
    local ok_a=no ok_b=no direct=no first=- original=-
    sr ha "$d/a" --json join "$link" --as-name Ana --wait 15 "${NET[@]}" >/dev/null 2>"$d/a.err" && ok_a=yes
    sr hb "$d/b" --json join "$link" --as-name Ben --wait 15 "${NET[@]}" >/dev/null 2>"$d/b.err" && ok_b=yes
    local net=("${NET[@]}")
    if [ "$case" = rendezvous ]; then
        # The home node goes away; a relay in no channel takes its place.
        stop_home
        sr home "$d/relay" --json serve-relay --listen 198.51.100.10:51418 >"$d/relay.out" 2>"$d/relay.err" &
        net+=(--relay-via 198.51.100.10:51418)
    fi
    local apart=yes
    if [ "$case" = dht ]; then
        # The home node goes away, and B moves: A's address for B is stale.
        stop_home
        move_phone b 2
        # The control: without the DHT, nothing brings them together.
        sr hb "$d/b" run "${net[@]}" >/dev/null 2>>"$d/b.err" &
        sr ha "$d/a" run "${net[@]}" >/dev/null 2>>"$d/a.err" &
        if wait_for "the phones to meet without the DHT (they must not)" 8 connected_to hb "$d/b" Ana >/dev/null 2>&1; then
            say "the phones met without the DHT: the round does not show the DHT"
            apart=no
        fi
        stop_ns hb
        stop_ns ha
        lab_dht "$d/home" || apart=no
        net=(--listen 0.0.0.0:51417 --swarm-listen 0.0.0.0:42000 --no-lan --dht-bootstrap 198.51.100.1:6881)
    fi
    # B first, then A: the home node must introduce A to B, who was there before A came
    # (B, behind a restricted NAT, cannot be dialled; only B dialling A works).
    sr hb "$d/b" run "${net[@]}" >/dev/null 2>>"$d/b.err" &
    case $case in rendezvous | dht) ;; *) wait_for "Ben at the home node" 10 connected_to hb "$d/b" Home >/dev/null || true ;; esac
    sr ha "$d/a" run "${net[@]}" >/dev/null 2>>"$d/a.err" &
    # Through the DHT, a first lookup may miss an announce not yet stored (the next comes
    # within a minute).
    local meet=10
    [ "$case" = dht ] && meet=70
    if wait_for "the phones to be connected" "$meet" connected_to hb "$d/b" Ana >/dev/null; then direct=yes; fi
    [ "$apart" = yes ] || direct=no
    if [ "$ok_a" = yes ] && [ "$ok_b" = yes ]; then
        sr ha "$d/a" --json comment "$channel" "$post" "round $r from Ana" >/dev/null 2>>"$d/a.err" || true
        first=$(wait_for "Ana's comment at Ben" 30 has_comment hb "$d/b" "$post" "round $r from Ana" || echo -)
        # A photo from A, fetched by B: from A directly, or from the home node once it has it.
        local shared p2
        shared=$(sr ha "$d/a" --json share --channel "$channel" --no-serve "$PHOTO_A" "${NET[@]}" 2>>"$d/a.err" || true)
        p2=$(grep -o '"posts":\["[0-9a-f]*"' <<<"$shared" | grep -o '[0-9a-f]\{64\}' | head -1 || true)
        if [ -n "$p2" ]; then
            original=$(wait_for "Ana's photo at Ben" 60 has_original hb "$d/b" "$channel" "$p2" || echo -)
        fi
    fi
    # Whether the home node reached A's swarm by asking A to call back, and whether the
    # phones' direct connection was punched.
    local called=no punched=no swarm=no relayed=no home_status
    home_status=$(sr home "$d/home" --json status 2>/dev/null || true)
    if grep -q '"answered":[1-9]' <<<"$home_status"; then called=yes; fi
    if grep -q '"circuits":[1-9]' <<<"$home_status"; then relayed=yes; fi
    if sr ha "$d/a" --json status 2>/dev/null | grep -q '"opened":[1-9]'; then punched=yes; fi
    local b_status
    b_status=$(sr hb "$d/b" --json status 2>/dev/null || true)
    if [ "$case" = rendezvous ]; then
        # Through the rendezvous relay: B's swarm reached A's over a sealed circuit.
        if grep -o '"rendezvous":{[^}]*}' <<<"$b_status" | grep -q '"bytes":[1-9][0-9]\{5\}.*"swarm":[1-9]'; then relayed=yes; fi
    elif grep -o '"direct_swarm":{[^}]*}' <<<"$b_status" | grep -q '"connections":[1-9]'; then swarm=yes; fi
    # The home node held a mapping for its sync port, and deleted its mappings when
    # stopped with Ctrl-C (the router's table is empty again).
    local mapped=-
    if [ "$case" = mapped ] || [ "$case" = upnp ] || [ "$case" = natpmp ]; then
        mapped=no
        local protocol=Pcp
        [ "$case" = upnp ] && protocol=Upnp
        [ "$case" = natpmp ] && protocol=NatPmp
        # (serde_json writes an object's keys sorted)
        if grep -q "\"external\":\"198.51.100.10:51417\",\"port\":51417,\"protocol\":\"$protocol\"" <<<"$home_status"; then
            stop_home
            x rhm nft list chain inet lab prerouting_miniupnpd | grep -q dnat || mapped=yes
        fi
        [ "$blocked" = yes ] && [ "$followed" = yes ] || mapped=no
    fi
    teardown
    echo "$ok_a $ok_b $direct $first $original $called $punched $swarm $relayed $mapped"
}

for case in "${CASES[@]}"; do
    homes=0
    directs=0
    delivered=0
    fetched=0
    calls=0
    punches=0
    swarms=0
    relays=0
    maps=0
    times=()
    otimes=()
    iconn=0
    idirect0=0
    idirect5=0
    itimes=()
    ifirst=()
    for r in $(seq "$TRIES"); do
        if [ "$IROH" = 1 ]; then
            read -r ic ip0 ip5 its ifb _ < <(iroh_round "$case" "$r")
            if [ "$ic" = yes ]; then
                iconn=$((iconn + 1))
                itimes+=("$its")
                ifirst+=("$ifb")
            fi
            [ "$ip0" = direct ] && idirect0=$((idirect0 + 1))
            [ "$ip5" = direct ] && idirect5=$((idirect5 + 1))
            say "iroh $case round $r: connected $ic, path at connect $ip0, after 5 s $ip5, connected in $its s, first byte $ifb s"
        fi
        if [ "$IROH_ONLY" = 1 ]; then continue; fi
        read -r a b direct first original called punched swarm relayed mapped < <(one_round "$case" "$r")
        [ "$swarm" = yes ] && swarms=$((swarms + 1))
        [ "$relayed" = yes ] && relays=$((relays + 1))
        [ "$mapped" = yes ] && maps=$((maps + 1))
        [ "$called" = yes ] && calls=$((calls + 1))
        [ "$punched" = yes ] && punches=$((punches + 1))
        [ "$a" = yes ] && [ "$b" = yes ] && homes=$((homes + 1))
        [ "$direct" = yes ] && directs=$((directs + 1))
        if [ "$first" != - ]; then
            delivered=$((delivered + 1))
            times+=("$first")
        fi
        if [ "$original" != - ]; then
            fetched=$((fetched + 1))
            otimes+=("$original")
        fi
        say "$case round $r: home A=$a B=$b, phones direct=$direct, first event ${first} s, photo ${original} s, call-back $called, punched $punched, swarm direct $swarm, relayed $relayed, mapped $mapped"
    done
    IMATRIX[$case]="$iconn/$TRIES $idirect0/$TRIES $idirect5/$TRIES $(median "${itimes[@]:-}") $(median "${ifirst[@]:-}")"
    if [ "$IROH_ONLY" = 1 ]; then continue; fi
    mapcol=-
    case $case in mapped | upnp | natpmp) mapcol=$maps/$TRIES ;; esac
    MATRIX[$case]="$homes/$TRIES $directs/$TRIES $delivered/$TRIES $(median "${times[@]:-}") $fetched/$TRIES $(median "${otimes[@]:-}") $calls/$TRIES $punches/$TRIES $swarms/$TRIES $relays/$TRIES $mapcol"
    # What the node must do: in every case both phones reach the home node, the log
    # flows between them (directly, or through the home node: store and forward), and
    # A's photo reaches B — the home node fetches it by asking A to call back (nobody
    # can dial A behind its NAT) and B fetches it from the home node. The phones connect
    # directly in every case but the one with a symmetric NAT on both sides: the home
    # node introduces them and they punch through (`core/src/sync/punch.rs`); then B's
    # swarm reaches A's directly too (dialled, or punched again: `core/src/sync/direct.rs`)
    # and nothing goes through the relay.
    # In the mapped case the home node is reached only through its mapping, which it
    # also removes when it stops.
    want=$TRIES
    maxrelays=0
    [ "$case" = symmetric ] && want=0 && maxrelays=$TRIES
    # With the home node gone, the phones connect through the rendezvous relay (counted
    # as connected) and every photo takes it.
    minrelays=0
    [ "$case" = rendezvous ] && maxrelays=$TRIES && minrelays=$TRIES
    wantmaps=0
    case $case in mapped | upnp | natpmp) wantmaps=$TRIES ;; esac
    if [ "$homes" = "$TRIES" ] && [ "$delivered" = "$TRIES" ] && [ "$directs" -ge "$want" ] && [ "$fetched" = "$TRIES" ] &&
        [ "$relays" -le "$maxrelays" ] && [ "$relays" -ge "$minrelays" ] && [ "$maps" -ge "$wantmaps" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
done

[ "$IROH_ONLY" = 1 ] || printf '\n%-11s %-6s %-8s %-8s %-10s %-8s %-10s %-10s %-8s %-8s %-8s %s\n' case home direct comment "median s" photo "median s" call-back punched swarm relayed mapped
for case in "${CASES[@]}"; do
    [ "$IROH_ONLY" = 1 ] && break
    read -r h d v m f o c p s y g <<<"${MATRIX[$case]}"
    printf '%-11s %-6s %-8s %-8s %-10s %-8s %-10s %-10s %-8s %-8s %-8s %s\n' "$case" "$h" "$d" "$v" "$m" "$f" "$o" "$c" "$p" "$s" "$y" "$g"
done
if [ "$IROH" = 1 ]; then
    printf '\niroh (A dials B; relay on the home node)\n%-11s %-10s %-14s %-14s %-14s %s\n' case connected "direct@conn" "direct@5s" "median conn s" "median 1st byte s"
    for case in "${CASES[@]}"; do
        read -r c d0 d5 m f <<<"${IMATRIX[$case]}"
        printf '%-11s %-10s %-14s %-14s %-14s %s\n' "$case" "$c" "$d0" "$d5" "$m" "$f"
    done
fi
printf 'test result: %s. %d passed; %d failed; 0 ignored (nat lab)\n' \
    "$([ "$failed" -eq 0 ] && echo ok || echo FAILED)" "$passed" "$failed"
[ "$failed" -eq 0 ]
