#!/usr/bin/env bash
# iroh in the NAT lab (issue 19): builds labs/iroh-probe (its own workspace, iroh 1.4.1;
# never part of the main build or of CI) and runs scripts/nat-lab.sh with IROH=1, so each
# round measures iroh phone to phone in the same case right after ours: an iroh relay on
# the home node, B listening, A dialling B by id, relay URL and B's addresses.
#
#   sudo scripts/iroh-lab.sh                         easy restricted symmetric cgn udpblock
#   sudo TRIES=20 scripts/iroh-lab.sh easy cgn       the benchmark's 20 rounds, some cases
#   sudo IROH_ONLY=1 scripts/iroh-lab.sh symmetric   iroh alone (debugging the probe)
#
# Needs what scripts/nat-lab.sh needs, and crates.io for the probe's first build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
(cd labs/iroh-probe && cargo build --release --locked)
[ $# -gt 0 ] || set -- easy restricted symmetric cgn udpblock
IROH=1 exec bash scripts/nat-lab.sh "$@"
