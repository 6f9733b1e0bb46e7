#!/usr/bin/env bash
# The Android app's checks that run on a Linux machine without the Android SDK, Gradle or
# Google's Maven (see ../shared/notes/mobile-build.md):
#
# 1. the bridge (`android/libraries/core/{api,impl}`), the fakes (`libraries/core/test`)
#    and every feature's presenters and Compose screens are compiled with the real Kotlin
#    compiler (and its Compose plugin) against Maven Central's artifacts: kotlinx
#    coroutines, JUnit 4, and Compose Multiplatform's desktop builds of the same
#    `androidx.compose.*` APIs;
# 2. their tests run on the JVM with JUnit: presenter tests against the fakes, bridge
#    tests driving two real nodes through the generated bindings and the host library,
#    the screens rendered headlessly to PNG and compared with the goldens in
#    docs/screenshots/android/, and a click-through of the app's screens;
# 3. presenters and screens are checked to import no `android.*`.
#
# Versions come from android/gradle/libs.versions.toml (the Gradle version catalog), so
# this and the APK build use the same libraries. Maven artifacts are cached in ~/.m2 and
# their jars listed under target/tools/android-jvm-<hash>/.
#
#   scripts/android-jvm.sh            build and test
#   SWARMROLL_BLESS_SCREENSHOTS=1 scripts/android-jvm.sh   rewrite the goldens
#
# Prints `test result: ok. N passed; M failed; 0 ignored (android jvm)` for scripts/test.sh.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
android=$root/android
catalog=$android/gradle/libs.versions.toml

log() {
    printf '==> android jvm: %s\n' "$*"
}

die() {
    printf 'android jvm: %s\n' "$*" >&2
    exit 1
}

# version NAME — a version from the catalog's [versions].
version() {
    local v
    v=$(sed -nE "s/^$1 = \"([^\"]+)\".*/\\1/p" "$catalog")
    [ -n "$v" ] || die "no version '$1' in ${catalog#"$root"/}"
    printf '%s' "$v"
}

eval "$(bash scripts/ffi-toolchain.sh)"
# The emoji font: reactions render in the screenshots as on phones (the goldens have it;
# without it every emoji is a box and the viewer screenshots differ).
# shellcheck source=scripts/lib/apt.sh
. "$root/scripts/lib/apt.sh"
apt_install fonts-noto-color-emoji >&2
[ "$(version kotlin)" = "$(basename "$KOTLIN_HOME" | sed 's/^kotlin-//')" ] ||
    die "the catalog's kotlin ($(version kotlin)) is not the compiler scripts/ffi-toolchain.sh installs"

# --- Maven Central: the libraries, resolved with their dependencies once per catalog ---
dep() {
    printf '    <dependency><groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version></dependency>\n' "$1" "$2" "$3"
}
pom() {
    local cmp m3 rt
    cmp=$(version compose-multiplatform)
    m3=$(version compose-material3-multiplatform)
    rt=$(version androidx-compose-runtime-desktop)
    # material3's stable desktop build asks for older animation, ripple and back-handler
    # modules; Maven would take those (nearest wins) and screens with text fields would
    # fail at run time (NoSuchMethodError), so they are held at Compose's own version.
    cat <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>app.swarmroll</groupId><artifactId>android-jvm-checks</artifactId><version>1</version>
  <dependencyManagement><dependencies>
$(dep androidx.compose.runtime runtime-desktop "$rt")
$(dep androidx.compose.runtime runtime-saveable-desktop "$rt")
$(dep org.jetbrains.compose.animation animation-core-desktop "$cmp")
$(dep org.jetbrains.compose.animation animation-desktop "$cmp")
$(dep org.jetbrains.compose.material material-ripple-desktop "$cmp")
$(dep org.jetbrains.compose.ui ui-backhandler-desktop "$cmp")
  </dependencies></dependencyManagement>
  <dependencies>
$(dep org.jetbrains.kotlinx kotlinx-coroutines-core-jvm "$(version kotlinx-coroutines)")
$(dep org.jetbrains.kotlinx kotlinx-coroutines-test-jvm "$(version kotlinx-coroutines)")
$(dep org.jetbrains.kotlinx kotlinx-coroutines-swing "$(version kotlinx-coroutines)")
$(dep junit junit "$(version junit4)")
$(dep org.jetbrains.compose.ui ui-desktop "$cmp")
$(dep org.jetbrains.compose.foundation foundation-desktop "$cmp")
$(dep org.jetbrains.compose.material3 material3-desktop "$m3")
$(dep org.jetbrains.compose.ui ui-test-junit4-desktop "$cmp")
$(dep org.jetbrains.skiko skiko-awt-runtime-linux-x64 "$(version skiko)")
  </dependencies>
</project>
EOF
}
stamp=$(pom | sha256sum | cut -c1-12)
libs=$root/target/tools/android-jvm-$stamp
if [ ! -f "$libs/.complete" ]; then
    log "fetching the libraries from Maven Central (Compose desktop, coroutines, JUnit)"
    rm -rf "$libs"
    mkdir -p "$libs"
    pom >"$libs/pom.xml"
    mvn -q -B -f "$libs/pom.xml" dependency:copy-dependencies -DoutputDirectory="$libs/jars" >&2 ||
        die "Maven could not resolve the libraries in $libs/pom.xml"
    touch "$libs/.complete"
fi
maven_cp=$(find "$libs/jars" -name '*.jar' | sort | tr '\n' ':')
coroutines_cp=$(find "$libs/jars" -name 'kotlinx-coroutines-core-jvm-*.jar' -o -name 'annotations-*.jar' | tr '\n' ':')

# --- the host library and its bindings (android = false: they compile on the JVM) ---
bash scripts/bindings.sh target/bindings >&2
bindings=$root/target/bindings

# --- a presenter or screen must not import android.* (they compile on the desktop too) ---
log "presenters and screens import no android.*"
if grep -rlE '^import android\.' "$android/libraries" "$android/features" 2>/dev/null; then
    die "the files above import android.*: move that code into android/app"
fi

out=$root/target/android-jvm
rm -rf "$out"
mkdir -p "$out"
export JAVA_OPTS="-Xmx2G -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
compose_plugin=$KOTLIN_HOME/lib/compose-compiler-plugin.jar

# kt OUT.jar CLASSPATH [--compose] SOURCES... — one compilation unit ($friends: jars whose
# `internal` declarations it may use).
friends=
kt() {
    local jar=$1 cp=$2 plugin=()
    shift 2
    if [ "${1:-}" = --compose ]; then
        plugin=("-Xplugin=$compose_plugin")
        shift
    fi
    log "compiling ${jar#"$out"/}"
    "$KOTLINC" -jvm-target 17 -nowarn "${plugin[@]}" ${friends:+"-Xfriend-paths=$friends"} -cp "$cp" -d "$jar" "$@" ||
        die "${jar#"$out"/} does not compile"
}

# sources DIR... — the Kotlin files under the given folders (that exist).
sources() {
    local d
    for d in "$@"; do
        [ -d "$d" ] && find "$d" -name '*.kt'
    done | sort
}

core=$android/libraries/core
mapfile -t api_src < <(sources "$core/api/src/main/kotlin")
kt "$out/core-api.jar" "$coroutines_cp" "${api_src[@]}"
mapfile -t fakes_src < <(sources "$core/test/src/main/kotlin")
kt "$out/core-fakes.jar" "$out/core-api.jar:$coroutines_cp" "${fakes_src[@]}"
mapfile -t impl_src < <(sources "$core/impl/src/main/kotlin")
kt "$out/core-impl.jar" "$out/core-api.jar:$JNA_JAR:$coroutines_cp" \
    "$bindings/kotlin/app/swarmroll/core/swarmroll_ffi.kt" "${impl_src[@]}"

# Features and the design system: presenters (plain Kotlin) and screens (Compose only).
mapfile -t ui_src < <(sources "$android"/libraries/designsystem/src/main/kotlin "$android"/features/*/src/main/kotlin)
ui_cp="$out/core-api.jar:$maven_cp"
if [ "${#ui_src[@]}" -gt 0 ]; then
    kt "$out/features.jar" "$ui_cp" --compose "${ui_src[@]}"
    ui_cp="$out/features.jar:$ui_cp"
fi

# Tests: every module's src/test, and the desktop-only screenshot and click-through tests.
mapfile -t test_src < <(sources "$core"/*/src/test/kotlin "$android"/libraries/designsystem/src/test/kotlin \
    "$android"/features/*/src/test/kotlin "$android/tests/desktop/src/test/kotlin")
test_cp="$out/core-impl.jar:$out/core-fakes.jar:$ui_cp:$JNA_JAR"
# A module's tests see its `internal` declarations, as Gradle's test source sets do.
friends=$(find "$out" -maxdepth 1 -name '*.jar' | sort | paste -sd, -)
kt "$out/tests.jar" "$test_cp" --compose "${test_src[@]}"
friends=

# --- run them ---
mapfile -t classes < <(grep -lE '@Test' "${test_src[@]}" | while read -r f; do
    pkg=$(sed -nE 's/^package ([a-zA-Z0-9_.]+).*/\1/p' "$f" | head -1)
    printf '%s.%s\n' "$pkg" "$(basename "$f" .kt)"
done)
log "running ${#classes[@]} test classes"
photos=$(cd "$root/../shared/fixtures/photos" && pwd)
run_log=$(mktemp)
trap 'rm -f "$run_log"' EXIT
status=0
"$JAVACMD" -Xmx2G -Djava.awt.headless=true -Djna.library.path="$bindings/lib" \
    -Dswarmroll.photos="$photos" -Dswarmroll.android="$android" -Dswarmroll.screenshots="$root/docs/screenshots/android" \
    -Dswarmroll.bless="${SWARMROLL_BLESS_SCREENSHOTS:-}" \
    -cp "$out/tests.jar:$test_cp:$KOTLIN_STDLIB" org.junit.runner.JUnitCore "${classes[@]}" 2>&1 |
    tee "$run_log" || status=$?
# JUnit 4 ends with "OK (N tests)" or "Tests run: N,  Failures: M".
passed=$(sed -nE 's/^OK \(([0-9]+) tests?\)$/\1/p' "$run_log")
failed=0
if [ -z "$passed" ]; then
    run=$(sed -nE 's/^Tests run: ([0-9]+), +Failures: ([0-9]+).*/\1/p' "$run_log")
    failed=$(sed -nE 's/^Tests run: ([0-9]+), +Failures: ([0-9]+).*/\2/p' "$run_log")
    passed=$((${run:-0} - ${failed:-0}))
    failed=${failed:-1}
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
printf 'test result: %s. %d passed; %d failed; 0 ignored (android jvm)\n' \
    "$([ "$failed" -eq 0 ] && echo ok || echo FAILED)" "$passed" "$failed"
[ "$status" -eq 0 ]
