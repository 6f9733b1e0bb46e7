// The settings feature: presenters (plain Kotlin) and Compose screens; see src/main/kotlin.
plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

android {
    namespace = "app.swarmroll.android.features.settings"
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
    implementation(platform(libs.androidx.compose.bom))
    implementation(libs.androidx.compose.foundation)
    implementation(libs.androidx.compose.material3)
    implementation(libs.androidx.compose.ui)
    implementation(libs.kotlinx.coroutines.core)
    testImplementation(project(":libraries:core:test"))
    testImplementation(libs.junit4)
    testImplementation(libs.kotlinx.coroutines.test)
}
