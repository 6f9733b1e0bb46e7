// Fakes of the core's interfaces for presenter tests, screenshots and UI tests.
// A JVM module: features use it as testImplementation.
plugins {
    alias(libs.plugins.kotlin.jvm)
}

kotlin { jvmToolchain(17) }

dependencies {
    api(project(":libraries:core:api"))
    api(libs.kotlinx.coroutines.core)
}
