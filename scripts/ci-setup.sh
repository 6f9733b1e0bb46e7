#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine. Idempotent: installs only
# what is missing, so running it again is quick. Runs as root without a terminal (CI=true).
#
# To add a system package for a new test, add it to APT_PACKAGES.
set -euo pipefail

# Debian packages the tests and benchmarks need:
# - nasm: libjpeg-turbo's SIMD code for the JPEG fast path (built without it, it is slower);
# - libvips-tools: vipsthumbnail, the reference in the import benchmark;
# - aria2: a stock BitTorrent client for the interop tests; python3-libtorrent: the
#   engine of qBittorrent and Deluge, which opens a post from `swarmroll torrent`;
# - ffmpeg, heif-thumbnailer: the terminal node's posters for videos and HEIC photos;
# - libheif-examples (heif-convert), libimage-exiftool-perl (exiftool): the location
#   tests check the shared copies of HEIF, MP4/MOV, PNG and WebP files with them;
# - maven: fetches the Android app's JVM test libraries (Compose desktop, coroutines,
#   JUnit) from Maven Central for scripts/android-jvm.sh;
# - iproute2, iptables: the NAT lab's namespaces, cables and NAT routers (scripts/nat-lab.sh);
# - ethtool: turns off the offloads of the link benchmark's veths (scripts/link-bench.sh);
# - miniupnpd-nftables, stun-server (stund), nftables: the NAT lab's home router that
#   maps ports over PCP/NAT-PMP, and the STUN server its uplink test needs.
APT_PACKAGES=(nasm libvips-tools aria2 ffmpeg heif-thumbnailer libheif-examples libimage-exiftool-perl python3-libtorrent maven iproute2 iptables ethtool miniupnpd-nftables stun-server nftables)

log() {
    printf '==> ci-setup: %s\n' "$*"
}

# shellcheck source=scripts/lib/apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"

# ensure_rust_components — rustfmt and clippy, which scripts/test.sh runs.
ensure_rust_components() {
    if cargo fmt --version >/dev/null 2>&1 && cargo clippy --version >/dev/null 2>&1; then
        return 0
    fi
    log "adding rustup components rustfmt and clippy"
    rustup component add rustfmt clippy
}

main() {
    if ! command -v cargo >/dev/null 2>&1; then
        echo "ci-setup: cargo is not on PATH; install Rust with rustup first" >&2
        exit 1
    fi
    ensure_rust_components
    apt_install "${APT_PACKAGES[@]}"
    log "done"
}

main "$@"
