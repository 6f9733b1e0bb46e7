// Theme, shared components and string lookup by name for every feature's screens
// (an Android library set up by swarmroll.android.library, android/build-logic).
plugins {
    id("swarmroll.android.library")
    alias(libs.plugins.kotlin.compose)
}

android { namespace = "app.swarmroll.android.designsystem" }

dependencies {
    api(platform(libs.androidx.compose.bom))
    api(libs.androidx.compose.foundation)
    api(libs.androidx.compose.material3)
    api(libs.androidx.compose.ui)
    implementation(libs.androidx.compose.ui.tooling.preview)
    debugImplementation(libs.androidx.compose.ui.tooling)
    testImplementation(libs.junit4)
}
