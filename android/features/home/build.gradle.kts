// The app shell and composition root: navigation, AppState, and every feature's screen wired
// to its presenter; the phone comes in through the Platform interface (android/app).
// Set up by the swarmroll.android.feature convention plugin (android/build-logic).
plugins {
    id("swarmroll.android.feature")
}

android { namespace = "app.swarmroll.android.features.home" }

dependencies {
    implementation(project(":features:onboarding"))
    implementation(project(":features:channels"))
    implementation(project(":features:invite"))
    implementation(project(":features:gallery"))
    // Platform names the share feature's Candidate and CandidateSource.
    api(project(":features:share"))
    implementation(project(":features:host"))
    implementation(project(":features:settings"))
}
