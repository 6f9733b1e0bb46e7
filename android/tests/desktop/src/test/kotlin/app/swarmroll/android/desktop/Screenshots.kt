package app.swarmroll.android.desktop

import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.runtime.Composable
import androidx.compose.ui.ImageComposeScene
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.toComposeImageBitmap
import androidx.compose.ui.unit.Density
import app.swarmroll.android.designsystem.ImageDecoder
import app.swarmroll.android.designsystem.SwarmrollTheme
import app.swarmroll.android.designsystem.XmlStrings
import java.io.File
import kotlin.math.abs
import org.jetbrains.skia.Bitmap
import org.jetbrains.skia.EncodedImageFormat
import org.jetbrains.skia.Image

/**
 * Renders a screen headlessly with Compose Multiplatform's desktop renderer (the same
 * `androidx.compose.*` code the phone runs) and compares it with its golden PNG in
 * docs/screenshots/android/. A render that differs in more than [TOLERANCE] of its pixels
 * (a pixel differs when a channel is off by more than [CHANNEL_SLACK]) fails, and the
 * render is written beside the build as `<name>.actual.png` to look at. With
 * `SWARMROLL_BLESS_SCREENSHOTS=1` (or a golden missing outside CI) the golden is written.
 */
object Screenshots {
    /** A phone: 360 × 780 dp at density 2. */
    const val WIDTH_DP = 360
    const val HEIGHT_DP = 780
    const val DENSITY = 2f
    const val TOLERANCE = 0.005
    const val CHANNEL_SLACK = 24

    private val goldens = File(System.getProperty("swarmroll.screenshots") ?: "docs/screenshots/android")
    private val actuals = File("target/android-screenshots")
    private val bless = !System.getProperty("swarmroll.bless").isNullOrEmpty()
    private val ci = !System.getenv("CI").isNullOrEmpty()

    /** Every module's strings.xml, as the phone would read them. */
    val strings: XmlStrings by lazy {
        val root = File(System.getProperty("swarmroll.android") ?: "android")
        XmlStrings(
            root.walkTopDown().filter {
                it.name == "strings.xml" && it.parentFile.name == "values"
            }.map { it.inputStream() }.toList()
        )
    }

    /** Skia's JPEG/PNG decoder, standing in for Android's BitmapFactory. */
    val decoder = ImageDecoder { bytes -> runCatching { Image.makeFromEncoded(bytes).toComposeImageBitmap() }.getOrNull() }

    /**
     * Renders [content] in the app's theme as `<name>.png` and checks it against the
     * golden. [fontScale] 1.3 is "large font"; [dark] the dark theme.
     */
    fun check(name: String, dark: Boolean = false, fontScale: Float = 1f, heightDp: Int = HEIGHT_DP, content: @Composable () -> Unit) {
        val png = render(dark, fontScale, heightDp, content)
        val golden = File(goldens, "$name.png")
        if (bless || (!golden.exists() && !ci)) {
            golden.parentFile.mkdirs()
            golden.writeBytes(png)
            return
        }
        check(golden.exists()) { "no golden for $name: run scripts/android-jvm.sh with SWARMROLL_BLESS_SCREENSHOTS=1 and look at it" }
        val differing = difference(golden.readBytes(), png)
        if (differing > TOLERANCE) {
            actuals.mkdirs()
            File(actuals, "$name.actual.png").writeBytes(png)
            throw AssertionError(
                "$name differs from its golden in ${"%.2f".format(differing * 100)}% of pixels; " +
                    "see ${File(actuals, "$name.actual.png").absolutePath}"
            )
        }
    }

    /** The PNG of [content] as it draws after its first frames have settled. */
    fun render(dark: Boolean, fontScale: Float, heightDp: Int, content: @Composable () -> Unit): ByteArray {
        val scene =
            ImageComposeScene(
                width = (WIDTH_DP * DENSITY).toInt(),
                height = (heightDp * DENSITY).toInt(),
                density = Density(DENSITY, fontScale)
            ) {
                SwarmrollTheme(dark = dark, decoder = decoder, strings = strings) {
                    Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background, content = content)
                }
            }
        try {
            // Frames at fixed times: animations (progress, ripples) are drawn the same each run.
            scene.render(0)
            scene.render(500_000_000)
            val image = scene.render(1_000_000_000)
            return requireNotNull(image.encodeToData(EncodedImageFormat.PNG)).bytes
        } finally {
            scene.close()
        }
    }

    /** The share of pixels that differ between two PNGs (1.0 when their sizes differ). */
    fun difference(a: ByteArray, b: ByteArray): Double {
        val x = Bitmap.makeFromImage(Image.makeFromEncoded(a))
        val y = Bitmap.makeFromImage(Image.makeFromEncoded(b))
        if (x.width != y.width || x.height != y.height) return 1.0
        var off = 0L
        for (row in 0 until x.height) {
            for (col in 0 until x.width) {
                val p = x.getColor(col, row)
                val q = y.getColor(col, row)
                if ((0..24 step 8).any { s -> abs(((p shr s) and 0xff) - ((q shr s) and 0xff)) > CHANNEL_SLACK }) off++
            }
        }
        return off.toDouble() / (x.width.toLong() * x.height)
    }
}
