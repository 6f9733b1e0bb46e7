#!/usr/bin/env bash
# Checks that vendor/librqbit is exactly librqbit 9.1.0 as published on crates.io plus
# patches/librqbit-9.1.0-swarm.patch, and nothing else: a change made in the vendored tree
# without the patch file (or the reverse) fails here, so the patch stays the one true
# record of how we differ from upstream (see ARCHITECTURE.md, "The swarm patch to librqbit").
#
# The published .crate is taken from cargo's registry cache if it is there, else downloaded
# from static.crates.io; either way its SHA-256 must be the one crates.io published (it is
# the checksum Cargo.lock held before the [patch]).
#
#   bash scripts/vendor-check.sh            check; exit 1 on any difference
#   bash scripts/vendor-check.sh --update   rewrite the patch file from vendor/librqbit
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

NAME=librqbit
VERSION=9.1.0
SHA256=4e35a06e481e854f69141928d067406397b3ad7a47bfdc095bc31325f44f5d13
VENDOR=$ROOT/vendor/$NAME
PATCH_FILE=$ROOT/patches/$NAME-$VERSION-swarm.patch
# What vendor/librqbit keeps of the published crate (VENDORED.md says why).
KEPT=(src build.rs Cargo.toml README.md)

log() {
    printf 'vendor-check: %s\n' "$*" >&2
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

crate=$work/$NAME-$VERSION.crate
cached=$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$NAME-$VERSION.crate" 2>/dev/null | head -n 1 || true)
if [ -n "$cached" ]; then
    cp "$cached" "$crate"
else
    log "downloading $NAME $VERSION from static.crates.io"
    curl -sSfL --retry 3 -o "$crate" "https://static.crates.io/crates/$NAME/$NAME-$VERSION.crate"
fi
if ! echo "$SHA256  $crate" | sha256sum --check --status; then
    log "FAILED: $NAME-$VERSION.crate does not have the published SHA-256 $SHA256"
    exit 1
fi
tar -xzf "$crate" -C "$work"
upstream=$work/$NAME-$VERSION

mkdir -p "$work/a" "$work/b"
for f in "${KEPT[@]}"; do
    cp -r "$upstream/$f" "$work/a/"
    cp -r "$VENDOR/$f" "$work/b/"
done

if [ "${1:-}" = --update ]; then
    # Relative a/ b/ paths, no timestamps: the file is stable and applies with `patch -p1`.
    # diff exits 1 when the trees differ (the point) and 2 on trouble (which must stop us).
    status=0
    (cd "$work" && diff -ruN a b) >"$work/patch" || status=$?
    if [ "$status" -gt 1 ]; then
        log "FAILED: diff could not compare the trees"
        exit 1
    fi
    sed -E 's/^((---|\+\+\+) [^\t]+)\t.*$/\1/' "$work/patch" >"$PATCH_FILE"
    log "wrote ${PATCH_FILE#"$ROOT"/}"
    exit 0
fi

(cd "$work/a" && patch -p1 --quiet --no-backup-if-mismatch <"$PATCH_FILE")
if ! diff -r "$work/a" "$work/b" >"$work/diff" 2>&1; then
    log "FAILED: vendor/$NAME differs from $NAME $VERSION + ${PATCH_FILE#"$ROOT"/}:"
    head -n 40 "$work/diff" >&2
    log "if the change in vendor/$NAME is meant, run: bash scripts/vendor-check.sh --update"
    exit 1
fi
# Nothing else may have been added beside the kept files.
allowed=()
for f in "${KEPT[@]}" VENDORED.md; do
    allowed+=(-e "$f")
done
extra=$(cd "$VENDOR" && ls -A | grep -v -x -F "${allowed[@]}" || true)
if [ -n "$extra" ]; then
    log "FAILED: vendor/$NAME holds files that are not in the published crate: $extra"
    exit 1
fi
log "vendor/$NAME = $NAME $VERSION + ${PATCH_FILE#"$ROOT"/} ($(grep -c '^+++ ' "$PATCH_FILE") files patched)"
