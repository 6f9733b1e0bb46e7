// Convention plugins for the app's modules (included from ../settings.gradle.kts through
// pluginManagement), so each module's build script says only what is its own. It reads the
// app's version catalog, so the plugins and libraries here have the same versions.
dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
    versionCatalogs {
        create("libs") {
            from(files("../gradle/libs.versions.toml"))
        }
    }
}

rootProject.name = "build-logic"
include(":convention")
