#!/usr/bin/env bash
# Checks that each vendored crate is exactly the version published on crates.io plus its
# patch file, and nothing else: a change made in a vendored tree without the patch file
# (or the reverse) fails here, so the patch stays the one true record of how we differ
# from upstream. The crates and why they are patched:
#   vendor/librqbit     patches/librqbit-9.1.0-swarm.patch
#                       (ARCHITECTURE.md, "The swarm patch to librqbit")
#   vendor/mozjpeg-sys  patches/mozjpeg-sys-2.2.3-chroma.patch
#                       (ARCHITECTURE.md, "The chroma patch to libjpeg-turbo")
#
# The published .crate is taken from cargo's registry cache if it is there, else downloaded
# from static.crates.io; either way its SHA-256 must be the one crates.io published (it is
# the checksum Cargo.lock held before the [patch]).
#
#   bash scripts/vendor-check.sh            check; exit 1 on any difference
#   bash scripts/vendor-check.sh --update   rewrite the patch files from vendor/
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

log() {
    printf 'vendor-check: %s\n' "$*" >&2
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# check NAME VERSION SHA256 PATCH_NAME KEPT...: KEPT are what vendor/NAME keeps of the
# published crate (its VENDORED.md says why).
check() {
    local name=$1 version=$2 sha256=$3 patch_file=$ROOT/patches/$4
    shift 4
    local kept=("$@")
    local vendor=$ROOT/vendor/$name
    local dir=$work/$name
    mkdir -p "$dir"
    local crate=$dir/$name-$version.crate cached
    cached=$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$name-$version.crate" 2>/dev/null | head -n 1 || true)
    if [ -n "$cached" ]; then
        cp "$cached" "$crate"
    else
        log "downloading $name $version from static.crates.io"
        curl -sSfL --retry 3 -o "$crate" "https://static.crates.io/crates/$name/$name-$version.crate"
    fi
    if ! echo "$sha256  $crate" | sha256sum --check --status; then
        log "FAILED: $name-$version.crate does not have the published SHA-256 $sha256"
        exit 1
    fi
    tar -xzf "$crate" -C "$dir"
    local upstream=$dir/$name-$version
    mkdir -p "$dir/a" "$dir/b"
    for f in "${kept[@]}"; do
        cp -r "$upstream/$f" "$dir/a/"
        cp -r "$vendor/$f" "$dir/b/"
    done

    if [ "$UPDATE" = 1 ]; then
        # Relative a/ b/ paths, no timestamps: the file is stable and applies with `patch -p1`.
        # diff exits 1 when the trees differ (the point) and 2 on trouble (which must stop us).
        local status=0
        (cd "$dir" && diff -ruN a b) >"$dir/patch" || status=$?
        if [ "$status" -gt 1 ]; then
            log "FAILED: diff could not compare the trees of $name"
            exit 1
        fi
        sed -E 's/^((---|\+\+\+) [^\t]+)\t.*$/\1/' "$dir/patch" >"$patch_file"
        log "wrote ${patch_file#"$ROOT"/}"
        return
    fi

    (cd "$dir/a" && patch -p1 --quiet --no-backup-if-mismatch <"$patch_file")
    if ! diff -r "$dir/a" "$dir/b" >"$dir/diff" 2>&1; then
        log "FAILED: vendor/$name differs from $name $version + ${patch_file#"$ROOT"/}:"
        head -n 40 "$dir/diff" >&2
        log "if the change in vendor/$name is meant, run: bash scripts/vendor-check.sh --update"
        exit 1
    fi
    # Nothing else may have been added beside the kept files.
    local allowed=()
    for f in "${kept[@]}" VENDORED.md; do
        allowed+=(-e "$f")
    done
    local extra
    extra=$(cd "$vendor" && ls -A | grep -v -x -F "${allowed[@]}" || true)
    if [ -n "$extra" ]; then
        log "FAILED: vendor/$name holds files that are not in the published crate: $extra"
        exit 1
    fi
    log "vendor/$name = $name $version + ${patch_file#"$ROOT"/} ($(grep -c '^+++ ' "$patch_file") files patched)"
}

UPDATE=0
if [ "${1:-}" = --update ]; then
    UPDATE=1
fi

check librqbit 9.1.0 4e35a06e481e854f69141928d067406397b3ad7a47bfdc095bc31325f44f5d13 \
    librqbit-9.1.0-swarm.patch src build.rs Cargo.toml README.md
check mozjpeg-sys 2.2.3 7f0dc668bf9bf888c88e2fb1ab16a406d2c380f1d082b20d51dd540ab2aa70c1 \
    mozjpeg-sys-2.2.3-chroma.patch src vendor Cargo.toml LICENSE README.md
