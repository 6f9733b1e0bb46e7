# shellcheck shell=bash
# Installing Debian packages idempotently; sourced by the scripts that need it (they
# define `log`). Runs as root without a terminal (CI=true).

APT_UPDATED=0

# apt_install PKG... — installs the packages not already installed (per `dpkg -s`),
# running `apt-get update` at most once per run.
apt_install() {
    local missing=() pkg
    for pkg in "$@"; do
        if ! dpkg -s "$pkg" >/dev/null 2>&1; then
            missing+=("$pkg")
        fi
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        return 0
    fi
    if [ "$APT_UPDATED" -eq 0 ]; then
        log "apt-get update"
        apt-get update -q
        APT_UPDATED=1
    fi
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}
