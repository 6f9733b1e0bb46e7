import com.android.build.api.dsl.LibraryExtension
import org.gradle.api.JavaVersion
import org.gradle.api.Plugin
import org.gradle.api.Project
import org.gradle.kotlin.dsl.configure
import org.jetbrains.kotlin.gradle.dsl.KotlinAndroidProjectExtension

/** Java 17, as the app module and AGP require. */
private const val JAVA_VERSION = 17

/** Android 16, the SDK the app is built against (as app/build.gradle.kts). */
private const val COMPILE_SDK = 36

/** Android 8.0, the oldest the app supports (as app/build.gradle.kts). */
private const val MIN_SDK = 26

/**
 * `swarmroll.android.library`: an Android library module the way every module of the app is
 * set up (compile SDK 36, min SDK 26, Java 17, sources in src/main/kotlin and
 * src/test/kotlin), so a module's build script keeps only its namespace and its own
 * dependencies. Modules may add source directories (core/impl adds its generated bindings).
 */
class AndroidLibraryConventionPlugin : Plugin<Project> {
    override fun apply(target: Project) {
        with(target) {
            pluginManager.apply("com.android.library")
            pluginManager.apply("org.jetbrains.kotlin.android")

            extensions.configure<LibraryExtension> {
                compileSdk = COMPILE_SDK
                defaultConfig { minSdk = MIN_SDK }
                compileOptions {
                    sourceCompatibility = JavaVersion.VERSION_17
                    targetCompatibility = JavaVersion.VERSION_17
                }
                sourceSets.getByName("main").java.srcDirs("src/main/kotlin")
                sourceSets.getByName("test").java.srcDirs("src/test/kotlin")
            }
            extensions.configure<KotlinAndroidProjectExtension> { jvmToolchain(JAVA_VERSION) }
        }
    }
}
