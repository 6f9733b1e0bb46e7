// The bridge: the app's SwarmrollClient over the UniFFI bindings of swarmroll-ffi. The only
// module that sees the generated code. Its Rust library is built here for the phone ABIs
// with cargo-ndk, and its Kotlin bindings are generated from that library at build time
// with `android = true` (the repo's uniffi/uniffi.toml keeps `android = false`, which the
// JVM tests on Linux need). Neither output is committed.
//
// Needs: Rust with the Android targets, cargo-ndk and an NDK r28+ (ANDROID_NDK_HOME).
// With -Pswarmroll.prebuiltRust=true the jniLibs already in src/main/jniLibs are used and
// only the bindings are generated (from the arm64-v8a library there).
import org.gradle.api.tasks.Exec

plugins {
    id("swarmroll.android.library")
}

val repoRoot: File = rootDir.parentFile
val jniLibsDir: File = file("src/main/jniLibs")
val bindingsDir: Provider<Directory> = layout.buildDirectory.dir("generated/uniffi/kotlin")
val bindgenConfig: Provider<RegularFile> = layout.buildDirectory.file("generated/uniffi/uniffi-android.toml")
val prebuiltRust: Boolean = providers.gradleProperty("swarmroll.prebuiltRust").orNull.toBoolean()
val abis = listOf("arm64-v8a", "armeabi-v7a", "x86_64")

// SDK levels, Java 17 and src/*/kotlin: swarmroll.android.library (android/build-logic).
android {
    namespace = "app.swarmroll.android.core.impl"
    sourceSets["main"].java.srcDirs(bindingsDir)
    sourceSets["main"].jniLibs.srcDirs(jniLibsDir)
}

// The Rust library for each ABI, 16 KB page aligned: NDK r28+ links that way by default,
// and the flag below makes sure of it with an older NDK too (Play requires it for
// Android 15+ devices with 16 KB pages).
val cargoNdk by tasks.registering(Exec::class) {
    group = "rust"
    description = "Builds libswarmroll_ffi.so for ${abis.joinToString()} with cargo-ndk."
    onlyIf { !prebuiltRust }
    workingDir = repoRoot
    val rustflags = listOfNotNull(System.getenv("RUSTFLAGS"), "-C link-arg=-Wl,-z,max-page-size=16384")
    environment("RUSTFLAGS", rustflags.joinToString(" "))
    commandLine(
        buildList {
            addAll(listOf("cargo", "ndk"))
            abis.forEach { addAll(listOf("-t", it)) }
            addAll(listOf("--platform", "26", "-o", jniLibsDir.absolutePath))
            addAll(listOf("build", "--release", "--locked", "-p", "swarmroll-ffi"))
        }
    )
}

// Kotlin bindings from the built library (library mode reads the metadata UniFFI put in
// it), with a config that turns `android = true` on for this crate only.
val generateBindings by tasks.registering(Exec::class) {
    group = "rust"
    description = "Generates the Kotlin bindings (android = true) from the arm64-v8a library."
    dependsOn(cargoNdk)
    val library = jniLibsDir.resolve("arm64-v8a/libswarmroll_ffi.so")
    val config = bindgenConfig.get().asFile
    val out = bindingsDir.get().asFile
    inputs.file(library)
    outputs.dir(out)
    workingDir = repoRoot
    doFirst {
        check(library.isFile) { "$library is missing: run cargoNdk or drop -Pswarmroll.prebuiltRust" }
        out.deleteRecursively()
        out.mkdirs()
        config.parentFile.mkdirs()
        config.writeText("[crates.swarmroll_ffi.bindings.kotlin]\nandroid = true\n")
    }
    commandLine(
        "cargo", "run", "--locked", "-p", "swarmroll-ffi", "--features", "bindgen", "--bin", "uniffi-bindgen", "--",
        "generate", "--library", library.absolutePath, "--language", "kotlin",
        "--config", config.absolutePath, "--out-dir", out.absolutePath, "--no-format"
    )
    doLast {
        val generated = out.resolve("app/swarmroll/core/swarmroll_ffi.kt")
        check(generated.isFile) { "uniffi-bindgen wrote no $generated" }
        // The override must have taken: Android bindings import android.os.Build.
        check(generated.readText().contains("android.os.Build")) {
            "the bindings were generated with android = false: the override in $config did not apply"
        }
    }
}

tasks.named("preBuild") { dependsOn(generateBindings) }

dependencies {
    api(project(":libraries:core:api"))
    implementation(libs.kotlinx.coroutines.core)
    // The Android build of JNA (its .so for each ABI), not the desktop jar.
    implementation(libs.jna) { artifact { type = "aar" } }
    // The `android = true` bindings use @RequiresApi.
    implementation(libs.androidx.annotation)
    testImplementation(libs.junit4)
    testImplementation(libs.kotlinx.coroutines.test)
}

// This module's tests (src/test) drive two real nodes through the host build of the
// library and the shared photo fixtures: scripts/android-jvm.sh runs them on Linux. The
// Android unit-test task has neither the host library nor the fixtures, so it compiles
// them (they stay in step with the code) but does not run them.
tasks.withType<Test>().configureEach { enabled = false }
