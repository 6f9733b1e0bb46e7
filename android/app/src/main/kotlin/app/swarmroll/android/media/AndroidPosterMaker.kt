package app.swarmroll.android.media

import android.graphics.Bitmap
import android.graphics.ImageDecoder
import android.media.MediaMetadataRetriever
import android.os.Build
import app.swarmroll.core.PosterMaker
import java.io.ByteArrayOutputStream
import java.io.File
import kotlin.math.max
import kotlin.math.roundToInt

/** The poster frame: a second in, or the middle of a shorter clip. */
private const val POSTER_AT_MS = 1_000L
private const val MICROS_PER_MILLI = 1_000L

/**
 * Posters the core cannot make itself: HEIC/HEIF and AVIF photos (decoded by the
 * platform's ImageDecoder, API 28+) and video frames (MediaMetadataRetriever, a frame
 * about a second in, where the first is often black). Returns a JPEG at most [maxEdge]
 * pixels on its long side; the core scales it to its thumbnail sizes. `null` tells the
 * core the phone cannot decode the file either, and it skips the file with a reason.
 */
class AndroidPosterMaker(private val maxEdge: Int = 1280, private val quality: Int = 85) : PosterMaker {
    override fun poster(path: String, mime: String): ByteArray? {
        val file = File(path)
        return if (file.isFile) decode(file, mime)?.let(::jpeg) else null
    }

    /** The picture, or null for a file the platform's codecs reject (the core then skips it, saying why). */
    private fun decode(file: File, mime: String): Bitmap? = try {
        if (mime.startsWith("video/")) videoFrame(file) else image(file)
    } catch (ignored: java.io.IOException) {
        null // ImageDecoder's DecodeException among them
    } catch (ignored: IllegalArgumentException) {
        null // MediaMetadataRetriever: not a source it can open
    } catch (ignored: IllegalStateException) {
        null
    } catch (ignored: SecurityException) {
        null // a file the app may no longer read
    }

    private fun jpeg(bitmap: Bitmap): ByteArray = try {
        ByteArrayOutputStream().use { out ->
            bitmap.compress(Bitmap.CompressFormat.JPEG, quality, out)
            out.toByteArray()
        }
    } finally {
        bitmap.recycle()
    }

    private fun image(file: File): Bitmap? {
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.P) return null
        val source = ImageDecoder.createSource(file)
        return ImageDecoder.decodeBitmap(source) { decoder, info, _ ->
            val (w, h) = fit(info.size.width, info.size.height)
            decoder.setTargetSize(w, h)
            // Software memory: the bitmap is compressed right away, never drawn.
            decoder.allocator = ImageDecoder.ALLOCATOR_SOFTWARE
        }
    }

    private fun videoFrame(file: File): Bitmap? {
        val retriever = MediaMetadataRetriever()
        try {
            retriever.setDataSource(file.absolutePath)
            val durationMs = retriever.extractMetadata(MediaMetadataRetriever.METADATA_KEY_DURATION)?.toLongOrNull() ?: 0L
            val atUs = minOf(POSTER_AT_MS, durationMs / 2) * MICROS_PER_MILLI
            val w = retriever.extractMetadata(MediaMetadataRetriever.METADATA_KEY_VIDEO_WIDTH)?.toIntOrNull() ?: 0
            val h = retriever.extractMetadata(MediaMetadataRetriever.METADATA_KEY_VIDEO_HEIGHT)?.toIntOrNull() ?: 0
            val frame =
                if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.O_MR1 && w > 0 && h > 0) {
                    val (tw, th) = fit(w, h)
                    retriever.getScaledFrameAtTime(atUs, MediaMetadataRetriever.OPTION_CLOSEST_SYNC, tw, th)
                } else {
                    retriever.getFrameAtTime(atUs, MediaMetadataRetriever.OPTION_CLOSEST_SYNC)
                }
            return frame?.let { scaled(it) }
        } finally {
            retriever.release()
        }
    }

    private fun scaled(bitmap: Bitmap): Bitmap {
        val (w, h) = fit(bitmap.width, bitmap.height)
        if (w == bitmap.width && h == bitmap.height) return bitmap
        return Bitmap.createScaledBitmap(bitmap, w, h, true).also { if (it !== bitmap) bitmap.recycle() }
    }

    /** The size within [maxEdge] on the long side, never enlarged. */
    private fun fit(width: Int, height: Int): Pair<Int, Int> {
        val long = max(width, height)
        if (long <= maxEdge || long == 0) return width to height
        val scale = maxEdge.toFloat() / long
        return max(1, (width * scale).roundToInt()) to max(1, (height * scale).roundToInt())
    }
}
