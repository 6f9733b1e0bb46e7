// The app shell and composition root: navigation, AppState, and every feature's screen wired
// to its presenter; the phone comes in through the Platform interface (android/app).
plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

android {
    namespace = "app.swarmroll.android.features.home"
    compileSdk = 36
    defaultConfig { minSdk = 26 }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    sourceSets["main"].java.srcDirs("src/main/kotlin")
    sourceSets["test"].java.srcDirs("src/test/kotlin")
}

kotlin { jvmToolchain(17) }

dependencies {
    implementation(project(":libraries:core:api"))
    implementation(project(":libraries:designsystem"))
    implementation(project(":features:onboarding"))
    implementation(project(":features:channels"))
    implementation(project(":features:invite"))
    implementation(project(":features:gallery"))
    // Platform names the share feature's Candidate and CandidateSource.
    api(project(":features:share"))
    implementation(project(":features:host"))
    implementation(project(":features:settings"))
    implementation(platform(libs.androidx.compose.bom))
    implementation(libs.androidx.compose.foundation)
    implementation(libs.androidx.compose.material3)
    implementation(libs.androidx.compose.ui)
    implementation(libs.kotlinx.coroutines.core)
    testImplementation(project(":libraries:core:test"))
    testImplementation(libs.junit4)
    testImplementation(libs.kotlinx.coroutines.test)
}
