package app.swarmroll.android.desktop

import java.io.File
import kotlin.math.max
import kotlin.math.roundToInt
import org.jetbrains.skia.EncodedImageFormat
import org.jetbrains.skia.FilterMipmap
import org.jetbrains.skia.FilterMode
import org.jetbrains.skia.Image
import org.jetbrains.skia.MipmapMode
import org.jetbrains.skia.Rect
import org.jetbrains.skia.Surface

/**
 * Real photos for screenshots: the JPEGs under `swarmroll.photos` (the repository's
 * fixtures, shared with the core's tests), made into ~320 px JPEG thumbnails with Skia as
 * the core's poster maker would, so galleries look like galleries rather than grey boxes.
 */
object FixturePhotos {
    private val dir = File(System.getProperty("swarmroll.photos") ?: "../shared/fixtures/photos")

    /** Photos that decode, in a fixed order (so screenshots are the same each run). */
    private val files: List<File> by lazy {
        listOf("gps", "cameras", "phones", "orientation")
            .flatMap { sub -> File(dir, sub).listFiles().orEmpty().filter { it.extension.equals("jpg", true) }.sortedBy { it.name } }
            .filter { runCatching { Image.makeFromEncoded(it.readBytes()) }.isSuccess }
    }

    /** Every fixture photo as a thumbnail. */
    val thumbnails: List<ByteArray> by lazy { files.map { thumbnail(it.readBytes()) } }

    /** The [i]th thumbnail, wrapping around. */
    fun thumbnail(i: Int): ByteArray = thumbnails[i % thumbnails.size]

    /** [jpeg] scaled so its longer side is [size] px, as JPEG bytes. */
    fun thumbnail(jpeg: ByteArray, size: Int = 320): ByteArray {
        val image = Image.makeFromEncoded(jpeg)
        val scale = size.toFloat() / max(image.width, image.height)
        val w = (image.width * scale).roundToInt().coerceAtLeast(1)
        val h = (image.height * scale).roundToInt().coerceAtLeast(1)
        val surface = Surface.makeRasterN32Premul(w, h)
        surface.canvas.drawImageRect(
            image,
            Rect.makeWH(image.width.toFloat(), image.height.toFloat()),
            Rect.makeWH(w.toFloat(), h.toFloat()),
            FilterMipmap(FilterMode.LINEAR, MipmapMode.LINEAR),
            null,
            true
        )
        return requireNotNull(surface.makeImageSnapshot().encodeToData(EncodedImageFormat.JPEG, 82)).bytes
    }
}
