import org.gradle.api.Plugin
import org.gradle.api.Project
import org.gradle.api.artifacts.VersionCatalogsExtension
import org.gradle.kotlin.dsl.dependencies
import org.gradle.kotlin.dsl.getByType

/**
 * `swarmroll.android.feature`: a feature module (android/features/<name>): an Android library
 * ([AndroidLibraryConventionPlugin]) with Compose, depending on the core's api and the design
 * system, with the Compose libraries, coroutines, and for its presenter tests the core's
 * fakes, JUnit 4 and kotlinx-coroutines-test. Versions come from the app's catalog.
 */
class AndroidFeatureConventionPlugin : Plugin<Project> {
    override fun apply(target: Project) {
        with(target) {
            pluginManager.apply("swarmroll.android.library")
            pluginManager.apply("org.jetbrains.kotlin.plugin.compose")

            val libs = extensions.getByType<VersionCatalogsExtension>().named("libs")
            dependencies {
                add("implementation", project(":libraries:core:api"))
                add("implementation", project(":libraries:designsystem"))
                add("implementation", platform(libs.findLibrary("androidx-compose-bom").get()))
                add("implementation", libs.findLibrary("androidx-compose-foundation").get())
                add("implementation", libs.findLibrary("androidx-compose-material3").get())
                add("implementation", libs.findLibrary("androidx-compose-ui").get())
                add("implementation", libs.findLibrary("kotlinx-coroutines-core").get())
                add("testImplementation", project(":libraries:core:test"))
                add("testImplementation", libs.findLibrary("junit4").get())
                add("testImplementation", libs.findLibrary("kotlinx-coroutines-test").get())
            }
        }
    }
}
