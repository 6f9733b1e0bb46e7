// The convention plugins: swarmroll.android.library (an Android library module with the
// app's SDK levels, Java 17 and src/*/kotlin) and swarmroll.android.feature (that plus
// Compose and what every feature depends on). The Android and Kotlin plugins are
// compileOnly: android/build.gradle.kts puts them on the build's classpath.
plugins {
    `kotlin-dsl`
}

group = "app.swarmroll.android.buildlogic"

kotlin { jvmToolchain(17) }

dependencies {
    compileOnly(libs.android.gradlePlugin)
    compileOnly(libs.kotlin.gradlePlugin)
    compileOnly(libs.compose.gradlePlugin)
}

gradlePlugin {
    plugins {
        register("androidLibrary") {
            id = "swarmroll.android.library"
            implementationClass = "AndroidLibraryConventionPlugin"
        }
        register("androidFeature") {
            id = "swarmroll.android.feature"
            implementationClass = "AndroidFeatureConventionPlugin"
        }
    }
}
