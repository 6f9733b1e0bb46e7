#!/usr/bin/env bash
# Type-checks the crates the apps ship (swarmroll-core and swarmroll-ffi) for Android and
# iOS: `cargo check --target aarch64-linux-android` and `--target aarch64-apple-ios`, so
# `#[cfg(target_os = "android" | "ios")]` code the host build never sees is compiled too.
# It never links: real app libraries are built only by the GitHub Actions workflows.
#
#   scripts/mobile-check.sh [TARGET...]    (default: both targets)
#
# Installs what it needs, idempotently (a second run installs nothing and is quick):
# - the targets' std with `rustup target add`; if that fails (no network, no rustup) the
#   target is reported as "skipped: <reason>" and does not fail the script;
# - PyPI `ziglang` (pinned, ZIGLANG_VERSION) with `pip install --target` into
#   target/tools/ziglang-<version>, outside any Python environment (works with Debian's
#   PEP 668 "externally managed" Python as well);
# - generated helper scripts in target/mobile/tools (see below).
#
# CHECK-ONLY C COMPILER. Build scripts of some dependencies compile C and assembly for the
# target (rusqlite's bundled SQLite, mozjpeg-sys, aws-lc-sys, ring), and this machine has no
# Android NDK and no Xcode. The stand-in is `python -m ziglang cc` for a close enough
# target (Android: aarch64-linux-musl, iOS: aarch64-macos), behind wrappers that drop the
# arguments zig rejects (cc-rs's `--target=`, `-arch X`, `-isysroot X`, the OS
# version-minimum flags) and compile at -O0 without debug info (nothing is linked, and
# SQLite, aws-lc and mozjpeg then compile several times faster), and `python -m ziglang
# ar`. They are set through CC_<target>, AR_<target> and CFLAGS_<target>, only in this
# script's cargo invocations. The C objects they produce are for the wrong libc/SDK: they
# only let the build scripts finish so rustc can type-check. NEVER link them, ship them,
# or reuse target/mobile for a real build.
# aws-lc-sys's build script also runs `xcrun --show-sdk-path` for iOS: where there is no
# xcrun, a stub answering with an empty folder is put first on PATH (again only here).
#
# iOS needs one fix in a dependency: librqbit-dualstack-sockets 0.7.0 calls
# socket2's Socket::bind_device, which socket2 does not have on iOS. We do not vendor the
# crate: patches/librqbit-dualstack-sockets-0.7.0-ios.patch is applied (`patch -p1`) to a
# copy of the registry source in target/mobile/patched/, which the iOS check uses through
# a cargo *path override* (`--config 'paths=[...]'`). Unlike `[patch.crates-io]`, a path
# override replaces only the package's source, not its identity, so Cargo.lock is neither
# rewritten nor needed to change and every invocation keeps `--locked`. The script checks
# that Cargo.lock is byte-identical before and after.
#
# Output goes to CARGO_TARGET_DIR=target/mobile (the host build in target/ is untouched).
# Set CARGO_BUILD_JOBS to limit parallelism. Prints one line per target:
#   mobile-check: <target> ok | skipped: <reason> | FAILED
# and exits non-zero only if a check failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

ZIGLANG_VERSION=${ZIGLANG_VERSION:-0.15.2}
PYTHON=${PYTHON:-python3}
ZIG_DIR=$ROOT/target/tools/ziglang-$ZIGLANG_VERSION
MOBILE_DIR=$ROOT/target/mobile
TOOLS=$MOBILE_DIR/tools
PATCH_FILE=$ROOT/patches/librqbit-dualstack-sockets-0.7.0-ios.patch
PATCHED_CRATE=librqbit-dualstack-sockets
PATCHED_VERSION=0.7.0

ALL_TARGETS=(aarch64-linux-android aarch64-apple-ios)
CRATES=(-p swarmroll-core -p swarmroll-ffi)

log() {
    printf '==> mobile-check: %s\n' "$*" >&2
}

SUMMARY=()
FAILED=0
LOCK_COPY=

# result TARGET TEXT — records a summary line, printed at the end.
result() {
    SUMMARY+=("mobile-check: $1 $2")
    log "$1 $2"
}

# zig_triple TARGET — the zig target whose libc headers stand in for the Rust target's.
zig_triple() {
    case $1 in
        aarch64-linux-android) echo aarch64-linux-musl ;;
        aarch64-apple-ios) echo aarch64-macos ;;
        *) return 1 ;;
    esac
}

# target_cflags TARGET — CFLAGS_<target> for the stand-in, if any (musl hides some of
# what bionic declares by default).
target_cflags() {
    case $1 in
        aarch64-linux-android) echo -D_GNU_SOURCE ;;
        *) ;;
    esac
}

# ensure_rust_target TARGET — installs the target's std; prints the reason on failure.
ensure_rust_target() {
    local target=$1 sysroot
    if command -v rustup >/dev/null 2>&1; then
        if rustup target list --installed 2>/dev/null | grep -qx "$target"; then
            return 0
        fi
        log "rustup target add $target"
        if ! rustup target add "$target" >&2; then
            echo "rustup target add $target failed (no network?)"
            return 1
        fi
        return 0
    fi
    sysroot=$(rustc --print sysroot)
    if [ -d "$sysroot/lib/rustlib/$target/lib" ]; then
        return 0
    fi
    echo "no rustup, and the toolchain at $sysroot has no std for $target"
    return 1
}

# ensure_ziglang — PyPI ziglang in $ZIG_DIR; prints the reason on failure.
ensure_ziglang() {
    if ! command -v "$PYTHON" >/dev/null 2>&1; then
        echo "$PYTHON not found (needed for PyPI ziglang)"
        return 1
    fi
    if [ "$(PYTHONPATH=$ZIG_DIR "$PYTHON" -m ziglang version 2>/dev/null)" = "$ZIGLANG_VERSION" ]; then
        return 0
    fi
    log "pip install ziglang==$ZIGLANG_VERSION into ${ZIG_DIR#"$ROOT"/}"
    rm -rf "$ZIG_DIR.tmp"
    if ! PIP_ROOT_USER_ACTION=ignore "$PYTHON" -m pip install --quiet --disable-pip-version-check \
        --no-warn-script-location --target "$ZIG_DIR.tmp" "ziglang==$ZIGLANG_VERSION" >&2; then
        rm -rf "$ZIG_DIR.tmp"
        echo "pip install ziglang==$ZIGLANG_VERSION failed (no network, or no pip for $PYTHON?)"
        return 1
    fi
    rm -rf "$ZIG_DIR"
    mv "$ZIG_DIR.tmp" "$ZIG_DIR"
}

# write_tools — the generated helpers in $TOOLS (rewritten each run; cheap, and keeps them
# in step with this script).
write_tools() {
    local target zt python
    # The interpreter itself, not a shim (pyenv's cost a fork or two per compiler call).
    python=$("$PYTHON" -c 'import sys; print(sys.executable)')
    mkdir -p "$TOOLS/bin" "$MOBILE_DIR/zig-cache"

    for target in "${ALL_TARGETS[@]}"; do
        zt=$(zig_triple "$target")
        cat >"$TOOLS/cc-$target" <<EOF
#!/usr/bin/env bash
# Generated by scripts/mobile-check.sh. CHECK-ONLY C compiler stand-in for $target:
# zig cc for $zt. Its objects must never be linked or shipped.
set -euo pipefail
args=()
skip=0
for arg in "\$@"; do
    if [ "\$skip" -eq 1 ]; then
        skip=0
        continue
    fi
    case \$arg in
        --target=* | -mmacosx-version-min=* | -miphoneos-version-min=* | -mios-version-min=* \\
            | -mios-simulator-version-min=* | -mtargetos=*) ;;
        # Never linked: no optimisation, no debug info (SQLite alone compiles several
        # times faster at -O0).
        -O | -O[0-9sz] | -Ofast | -g | -g[0-9] | -gdwarf*) ;;
        -target | -arch | -isysroot) skip=1 ;;
        *) args+=("\$arg") ;;
    esac
done
export PYTHONPATH='$ZIG_DIR'
export ZIG_GLOBAL_CACHE_DIR='$MOBILE_DIR/zig-cache' ZIG_LOCAL_CACHE_DIR='$MOBILE_DIR/zig-cache'
exec '$python' -m ziglang cc -target $zt "\${args[@]}" -O0
EOF
        chmod +x "$TOOLS/cc-$target"
    done

    cat >"$TOOLS/ar" <<EOF
#!/usr/bin/env bash
# Generated by scripts/mobile-check.sh: zig's ar, for the check-only C objects.
export PYTHONPATH='$ZIG_DIR'
export ZIG_GLOBAL_CACHE_DIR='$MOBILE_DIR/zig-cache' ZIG_LOCAL_CACHE_DIR='$MOBILE_DIR/zig-cache'
exec '$python' -m ziglang ar "\$@"
EOF
    chmod +x "$TOOLS/ar"

    # Only where there is no real xcrun (that is, everywhere but macOS).
    rm -f "$TOOLS/bin/xcrun"
    if ! command -v xcrun >/dev/null 2>&1; then
        mkdir -p "$TOOLS/fake-sdk"
        cat >"$TOOLS/bin/xcrun" <<EOF
#!/usr/bin/env bash
# Generated by scripts/mobile-check.sh: an xcrun stub for build scripts that ask for the
# SDK path (aws-lc-sys). The folder is empty: nothing may link against it.
for arg in "\$@"; do
    case \$arg in
        --show-sdk-path) echo '$TOOLS/fake-sdk'; exit 0 ;;
        --show-sdk-version) echo '18.0'; exit 0 ;;
    esac
done
echo "xcrun stub (scripts/mobile-check.sh): unsupported: \$*" >&2
exit 1
EOF
        chmod +x "$TOOLS/bin/xcrun"
    fi
}

# locked_version NAME — the version of package NAME in Cargo.lock (first match), or "".
locked_version() {
    awk -v name="$1" '$1 == "name" && $3 == "\"" name "\"" { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock
}

# prepare_patched_crate — copies the registry source of $PATCHED_CRATE into
# target/mobile/patched and applies $PATCH_FILE; prints the copy's path. Redone only when
# the patch changes, so the copy's mtimes (cargo's fingerprint) stay put between runs.
prepare_patched_crate() {
    local dest=$MOBILE_DIR/patched/$PATCHED_CRATE-$PATCHED_VERSION stamp want src
    stamp=$dest.stamp
    want=$(sha256sum "$PATCH_FILE" | cut -d' ' -f1)
    if [ -d "$dest" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        echo "$dest"
        return 0
    fi
    # cargo metadata downloads any package missing from the registry cache (like
    # `cargo fetch --locked`) and reports where its source is.
    src=$(cargo metadata --locked --format-version 1 --filter-platform aarch64-apple-ios |
        "$PYTHON" -c '
import json, os, sys
name, version = sys.argv[1], sys.argv[2]
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == name and p["version"] == version:
        print(os.path.dirname(p["manifest_path"]))
        break
' "$PATCHED_CRATE" "$PATCHED_VERSION")
    if [ -z "$src" ] || [ ! -f "$src/Cargo.toml" ]; then
        echo "mobile-check: registry source of $PATCHED_CRATE $PATCHED_VERSION not found" >&2
        return 1
    fi
    log "patching a copy of $PATCHED_CRATE $PATCHED_VERSION (${PATCH_FILE#"$ROOT"/})"
    rm -rf "$dest" "$stamp" "$dest.tmp"
    mkdir -p "$(dirname "$dest")"
    cp -R "$src" "$dest.tmp"
    chmod -R u+w "$dest.tmp"
    patch -p1 --quiet --forward -d "$dest.tmp" <"$PATCH_FILE" >&2
    mv "$dest.tmp" "$dest"
    echo "$want" >"$stamp"
    echo "$dest"
}

# check TARGET... — type-checks every TARGET that can be installed in one cargo run, so the
# host-side build scripts and proc-macros are compiled once for all of them.
check() {
    local target reason env_target zt patched cflags
    local extra=() ready=() vars=("CARGO_TARGET_DIR=$MOBILE_DIR" "PATH=$TOOLS/bin:$PATH")

    for target in "$@"; do
        if ! zt=$(zig_triple "$target"); then
            result "$target" "FAILED (unknown target; known: ${ALL_TARGETS[*]})"
            FAILED=1
            continue
        fi
        if ! reason=$(ensure_rust_target "$target"); then
            result "$target" "skipped: $reason"
            continue
        fi
        if [ "$target" = aarch64-apple-ios ]; then
            local version
            version=$(locked_version "$PATCHED_CRATE")
            if [ "$version" = "$PATCHED_VERSION" ]; then
                if ! patched=$(prepare_patched_crate); then
                    result "$target" "FAILED (could not prepare the patched $PATCHED_CRATE)"
                    FAILED=1
                    continue
                fi
                # The patch changes iOS cfgs only: the override is harmless for the others.
                extra+=(--config "paths=[\"$patched\"]")
            elif [ -n "$version" ]; then
                log "Cargo.lock has $PATCHED_CRATE $version, the patch is for $PATCHED_VERSION: not applying it"
            fi
        fi
        # Environment for this invocation only (cc-rs reads CC_<target> etc.).
        env_target=${target//-/_}
        vars+=("CC_$env_target=$TOOLS/cc-$target" "AR_$env_target=$TOOLS/ar")
        cflags=$(target_cflags "$target")
        if [ -n "$cflags" ]; then
            vars+=("CFLAGS_$env_target=$cflags")
        fi
        ready+=(--target "$target")
    done
    if [ "${#ready[@]}" -eq 0 ]; then
        return 0
    fi

    log "cargo check --locked ${ready[*]} ${CRATES[*]}"
    if env "${vars[@]}" cargo check --locked "${extra[@]}" "${ready[@]}" "${CRATES[@]}"; then
        for ((i = 1; i < ${#ready[@]}; i += 2)); do result "${ready[$i]}" ok; done
    else
        for ((i = 1; i < ${#ready[@]}; i += 2)); do result "${ready[$i]}" "FAILED (cargo check, see above)"; done
        FAILED=1
    fi
}

main() {
    local targets=("$@") target reason
    if [ "${#targets[@]}" -eq 0 ]; then
        targets=("${ALL_TARGETS[@]}")
    fi

    if ! reason=$(ensure_ziglang); then
        for target in "${targets[@]}"; do
            result "$target" "skipped: $reason"
        done
        return 0
    fi
    write_tools

    mkdir -p "$MOBILE_DIR"
    LOCK_COPY=$(mktemp "$MOBILE_DIR/Cargo.lock.before.XXXXXX")
    trap 'rm -f "$LOCK_COPY"' EXIT
    cp Cargo.lock "$LOCK_COPY"

    check "${targets[@]}"

    if ! cmp -s Cargo.lock "$LOCK_COPY"; then
        SUMMARY+=("mobile-check: FAILED: Cargo.lock changed during the run (cargo must not change it; or was it edited meanwhile?)")
        FAILED=1
    fi

    printf '\n'
    printf '%s\n' "${SUMMARY[@]}"
    return "$FAILED"
}

main "$@"
