#!/usr/bin/env bash
# Installs what the foreign-language tests of the UniFFI bindings (crate uniffi/,
# swarmroll-ffi) need on a fresh Debian 12 machine, caching it under target/tools/:
# - Kotlin: the full Kotlin distribution (kotlinc, stdlib, kotlinx-coroutines, kotlin-test),
#   from the npm package kotlin-compiler. Debian's kotlinx-coroutines (1.0.1) is too old for
#   UniFFI's generated Kotlin, and no other registry here ships Kotlin;
# - JNA from Debian libjna-java, which the generated Kotlin calls the library through;
# - a Python venv with pytest, for the generated Python bindings.
# Idempotent: installs only what is missing, so running it again takes well under a second.
# Runs as root without a terminal (CI=true).
#
# Use it as either of
#   eval "$(bash scripts/ffi-toolchain.sh)"
#   bash scripts/ffi-toolchain.sh >/dev/null && . target/tools/env.sh
# Both export KOTLINC, KOTLIN_HOME, KOTLIN_STDLIB, KOTLIN_COROUTINES, KOTLIN_TEST*,
# JAVACMD (the Java 17 that kotlinc runs on; kotlinc reads JAVACMD), JNA_JAR and PYTEST.
# Everything but those export lines goes to stderr.
set -euo pipefail

KOTLIN_VERSION=2.4.20
# sha512 of kotlin-compiler-2.4.20.tgz as the npm registry serves it.
KOTLIN_SHA512=205e4854cecba4f840fe7b47410a5a56dd72c6969a428bed11560bcaa58cb9a2ebd177a52cf3e6effb0ce872e1b5c4638e3a12b0aec8ee53f693360990ccbbdf
PYTEST_VERSION=9.2.0

# Debian packages: the JRE that kotlinc and the tests run on (already on our machines), and
# JNA (/usr/share/java/jna.jar, with its native part from libjna-jni).
APT_PACKAGES=(openjdk-17-jre-headless libjna-java)
JNA_JAR=/usr/share/java/jna.jar

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/target/tools"
KOTLIN_HOME="$TOOLS/kotlin-$KOTLIN_VERSION"
VENV="$TOOLS/pyenv"

log() {
    printf '==> ffi-toolchain: %s\n' "$*"
}

die() {
    printf 'ffi-toolchain: %s\n' "$*" >&2
    exit 1
}

# shellcheck source=scripts/lib/apt.sh
. "$ROOT/scripts/lib/apt.sh"

# find_java17 — prints the path of Debian's Java 17 `java`, whatever the architecture and
# whatever `java` on PATH is (another JDK may be installed beside it).
find_java17() {
    local java
    for java in /usr/lib/jvm/java-17-openjdk-*/bin/java; do
        if [ -x "$java" ]; then
            printf '%s\n' "$java"
            return 0
        fi
    done
    return 1
}

# install_kotlin — packs kotlin-compiler@KOTLIN_VERSION from npm into target/tools, checks
# its sha512 and unpacks it as KOTLIN_HOME. A stamp file marks a complete install.
install_kotlin() {
    local stamp="$KOTLIN_HOME/.installed" tmp tarball f
    if [ -f "$stamp" ]; then
        return 0
    fi
    log "fetching kotlin-compiler@$KOTLIN_VERSION from npm (about 90 MB)"
    tmp="$(mktemp -d "$TOOLS/.kotlin.XXXXXX")"
    # shellcheck disable=SC2064 # expand $tmp now: it is local
    trap "rm -rf '$tmp'" EXIT
    tarball="$(cd "$tmp" && npm pack --silent "kotlin-compiler@$KOTLIN_VERSION")"
    tarball="$tmp/$tarball"
    if ! printf '%s  %s\n' "$KOTLIN_SHA512" "$tarball" | sha512sum --quiet -c -; then
        die "kotlin-compiler-$KOTLIN_VERSION.tgz does not match its pinned sha512"
    fi
    log "unpacking into ${KOTLIN_HOME#"$ROOT"/}"
    tar -xzf "$tarball" -C "$tmp"
    for f in bin/kotlinc lib/kotlin-compiler.jar lib/kotlin-stdlib.jar \
        lib/kotlinx-coroutines-core-jvm.jar; do
        [ -e "$tmp/package/$f" ] || die "kotlin-compiler-$KOTLIN_VERSION.tgz has no $f"
    done
    rm -rf "$KOTLIN_HOME"
    mv "$tmp/package" "$KOTLIN_HOME"
    rm -rf "$tmp"
    trap - EXIT
    log "checking that kotlinc runs on $JAVACMD"
    "$KOTLIN_HOME/bin/kotlinc" -version
    printf '%s\n' "$KOTLIN_SHA512" >"$stamp"
}

# install_pytest — a venv at target/tools/pyenv with pytest==PYTEST_VERSION. The venv is made
# again if its interpreter is gone (e.g. the pyenv Python it was made from was removed).
install_pytest() {
    local stamp="$VENV/.installed-pytest-$PYTEST_VERSION"
    if [ -f "$stamp" ] && [ -x "$VENV/bin/python" ] && [ -x "$VENV/bin/pytest" ]; then
        return 0
    fi
    command -v python3 >/dev/null 2>&1 || die "python3 is not on PATH"
    log "creating the venv ${VENV#"$ROOT"/} with pytest $PYTEST_VERSION"
    python3 -m venv --clear "$VENV"
    "$VENV/bin/python" -m pip install -q "pytest==$PYTEST_VERSION"
    touch "$stamp"
}

# write_env — writes target/tools/env.sh and prints the same export lines on fd 3.
write_env() {
    local lines=() name jar
    lines+=("export KOTLIN_HOME=$(printf '%q' "$KOTLIN_HOME")")
    lines+=("export KOTLINC=$(printf '%q' "$KOTLIN_HOME/bin/kotlinc")")
    lines+=("export KOTLIN_STDLIB=$(printf '%q' "$KOTLIN_HOME/lib/kotlin-stdlib.jar")")
    lines+=("export KOTLIN_COROUTINES=$(printf '%q' \
        "$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar")")
    # kotlin-test and its JUnit adapters; these need JUnit itself on the classpath too.
    for name in KOTLIN_TEST:kotlin-test KOTLIN_TEST_JUNIT:kotlin-test-junit \
        KOTLIN_TEST_JUNIT5:kotlin-test-junit5; do
        jar="$KOTLIN_HOME/lib/${name#*:}.jar"
        if [ -f "$jar" ]; then
            lines+=("export ${name%%:*}=$(printf '%q' "$jar")")
        fi
    done
    lines+=("export JAVACMD=$(printf '%q' "$JAVACMD")")
    lines+=("export JNA_JAR=$(printf '%q' "$JNA_JAR")")
    lines+=("export PYTEST=$(printf '%q' "$VENV/bin/pytest")")

    {
        printf '# Written by scripts/ffi-toolchain.sh: source it from bash.\n'
        printf '%s\n' "${lines[@]}"
    } >"$TOOLS/env.sh.tmp"
    mv "$TOOLS/env.sh.tmp" "$TOOLS/env.sh"
    printf '%s\n' "${lines[@]}" >&3
}

main() {
    # Keep stdout for the export lines only; logs and the installers' output go to stderr.
    exec 3>&1 1>&2
    command -v npm >/dev/null 2>&1 || die "npm is not on PATH; it fetches the Kotlin compiler"
    mkdir -p "$TOOLS"
    # One run at a time: a second run waits, then finds everything installed.
    exec 9>"$TOOLS/.lock"
    flock 9

    apt_install "${APT_PACKAGES[@]}"
    JAVACMD="$(find_java17)" || die "no Java 17 under /usr/lib/jvm after installing it"
    export JAVACMD
    [ -f "$JNA_JAR" ] || die "$JNA_JAR is missing although libjna-java is installed"

    install_kotlin
    install_pytest
    write_env
    log "done; variables are in ${TOOLS#"$ROOT"/}/env.sh"
}

main "$@"
