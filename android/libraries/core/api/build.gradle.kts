// The app's view of the core: plain Kotlin values and interfaces with Flows. A JVM module
// (no Android), so presenters and their tests compile anywhere.
plugins {
    alias(libs.plugins.kotlin.jvm)
}

kotlin { jvmToolchain(17) }

dependencies {
    api(libs.kotlinx.coroutines.core)
}
