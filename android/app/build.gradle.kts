// The Android application: MainActivity, the Application that opens the node, the
// platform glue (Keystore, posters, MediaStore, WorkManager, party mode, notifications,
// Media3 playback) behind features/home's Platform; home wires every feature's screen.
// Debug and release (unsigned here; sign with your own key).
plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

android {
    namespace = "app.swarmroll.android"
    compileSdk = 36

    defaultConfig {
        applicationId = "app.swarmroll.android"
        // 26: adaptive icons, notification channels, java.time; HEIC posters need 28.
        minSdk = 26
        targetSdk = 36
        versionCode = 1
        versionName = "0.1.0"
        testInstrumentationRunner = "androidx.test.runner.AndroidJUnitRunner"
    }

    buildTypes {
        debug {
            applicationIdSuffix = ".debug"
        }
        release {
            isMinifyEnabled = true
            isShrinkResources = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
            // Unsigned: CI has no key; sign the APK/AAB with your own for a store.
            signingConfig = null
        }
    }

    buildFeatures {
        compose = true
        buildConfig = true
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    packaging {
        // Native libraries stored uncompressed and page aligned, loaded in place (16 KB pages).
        jniLibs.useLegacyPackaging = false
    }

    lint {
        abortOnError = true
        checkDependencies = true
        sarifReport = true
        // New SDK releases and library versions are bumped on purpose, not by lint.
        disable += setOf("GradleDependency", "NewerVersionAvailable", "AndroidGradlePluginVersion", "OldTargetApi")
    }

    sourceSets["main"].java.srcDirs("src/main/kotlin")
    sourceSets["test"].java.srcDirs("src/test/kotlin")
}

kotlin { jvmToolchain(17) }

dependencies {
    implementation(project(":libraries:core:api"))
    implementation(project(":libraries:core:impl"))
    implementation(project(":libraries:designsystem"))
    rootDir.resolve("features").listFiles().orEmpty()
        .filter { it.resolve("build.gradle.kts").isFile }
        .sortedBy { it.name }
        .forEach { implementation(project(":features:${it.name}")) }

    implementation(platform(libs.androidx.compose.bom))
    implementation(libs.androidx.compose.foundation)
    implementation(libs.androidx.compose.material3)
    implementation(libs.androidx.compose.ui)
    implementation(libs.androidx.activity.compose)
    implementation(libs.androidx.core.ktx)
    implementation(libs.androidx.lifecycle.process)
    implementation(libs.androidx.lifecycle.runtime.compose)
    implementation(libs.androidx.work.runtime)
    implementation(libs.androidx.camera.core)
    implementation(libs.androidx.camera.camera2)
    implementation(libs.androidx.camera.lifecycle)
    implementation(libs.androidx.camera.view)
    implementation(libs.androidx.media3.exoplayer)
    implementation(libs.androidx.media3.ui)
    implementation(libs.zxing.core)
    implementation(libs.kotlinx.coroutines.android)
    debugImplementation(libs.androidx.compose.ui.tooling)

    testImplementation(libs.junit4)
    testImplementation(libs.kotlinx.coroutines.test)
    testImplementation(project(":libraries:core:test"))
}
