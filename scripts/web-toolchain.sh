#!/usr/bin/env bash
# Installs what the web gallery's browser and script tests need on a fresh Debian machine:
# - Debian's Chromium (headless; playwright-core drives it through executablePath, since a
#   test tool's own browser download is not possible here);
# - playwright-core and jsqr from npm into tests/web/node_modules, exactly as
#   tests/web/package-lock.json pins them (integrity-checked by `npm ci`).
# Idempotent: does nothing when both are in place and the lock file has not changed.
# Runs as root without a terminal (CI=true).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WEB="$ROOT/tests/web"

log() {
    printf '==> web-toolchain: %s\n' "$*" >&2
}

# shellcheck source=scripts/lib/apt.sh
. "$ROOT/scripts/lib/apt.sh"

main() {
    command -v node >/dev/null 2>&1 || { echo "web-toolchain: node is not on PATH" >&2; exit 1; }
    # The emoji font: reactions render in the screenshots as on phones.
    apt_install chromium fonts-noto-color-emoji
    # npm ci again only when the lock changed since the last install.
    local stamp="$WEB/node_modules/.lock-sha256" want
    want=$(sha256sum "$WEB/package-lock.json" | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        log "npm ci (playwright-core, jsqr)"
        (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error >&2)
        printf '%s\n' "$want" >"$stamp"
    fi
    log "done: $(chromium --version 2>/dev/null | head -1), playwright-core $(node -p "require('$WEB/node_modules/playwright-core/package.json').version")"
}

main "$@"
