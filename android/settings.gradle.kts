// The Swarmroll Android app: one application module over feature modules and one bridge
// module (`libraries/core/impl`, the only code that sees the generated UniFFI bindings).
// Versions live in gradle/libs.versions.toml (read automatically as `libs`), which
// scripts/android-jvm.sh also reads, so the APK and the Linux checks use the same ones.
pluginManagement {
    // The convention plugins (swarmroll.android.library, swarmroll.android.feature).
    includeBuild("build-logic")
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "swarmroll-android"

include(":app")
include(":libraries:core:api")
include(":libraries:core:impl")
include(":libraries:core:test")
include(":libraries:designsystem")

// Every folder under features/ that has a build script is a module, so a new feature needs
// no edit here. (android/tests/desktop is not a Gradle module: its screenshot and
// click-through tests run on the JVM desktop through scripts/android-jvm.sh.)
rootDir
    .resolve("features")
    .listFiles()
    .orEmpty()
    .filter { it.resolve("build.gradle.kts").isFile }
    .sortedBy { it.name }
    .forEach { include(":features:${it.name}") }
