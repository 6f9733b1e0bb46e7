// The onboarding feature: presenters (plain Kotlin) and Compose screens, set up by the
// swarmroll.android.feature convention plugin (android/build-logic); see src/main/kotlin.
plugins {
    id("swarmroll.android.feature")
}

android { namespace = "app.swarmroll.android.features.onboarding" }
