package app.swarmroll.android.media

import android.content.ContentResolver
import android.graphics.Bitmap
import android.net.Uri
import android.os.Build
import android.provider.OpenableColumns
import android.util.Size
import androidx.activity.ComponentActivity
import androidx.activity.result.PickVisualMediaRequest
import androidx.activity.result.contract.ActivityResultContracts
import app.swarmroll.android.features.share.Candidate
import java.io.ByteArrayOutputStream
import java.io.File
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

/** JPEG quality of the review screen's thumbnails. */
private const val THUMBNAIL_QUALITY = 80

/**
 * The system Photo Picker (photos and videos, many at once, no storage permission): the
 * picked `content://` items are copied byte for byte into the cache ([ContentCopier]) so
 * the core can read them by path, Motion Photos whole, and handed over as [Candidate]s
 * for the share feature's review. Create it while the activity is being constructed (it
 * registers for the picker's result then); [pick] suspends until the user is done.
 */
class PhotoPicker(private val activity: ComponentActivity, maxItems: Int = 200) {
    private var waiting: CompletableDeferred<List<Uri>>? = null
    private val launcher =
        activity.registerForActivityResult(ActivityResultContracts.PickMultipleVisualMedia(maxItems)) { uris: List<Uri> ->
            waiting?.complete(uris)
            waiting = null
        }

    /** Opens the picker; the picked items, copied, or an empty list when the user cancels. */
    suspend fun pick(): List<Candidate> {
        waiting?.complete(emptyList())
        val result = CompletableDeferred<List<Uri>>()
        waiting = result
        launcher.launch(PickVisualMediaRequest(ActivityResultContracts.PickVisualMedia.ImageAndVideo))
        val uris = result.await()
        if (uris.isEmpty()) return emptyList()
        val resolver = activity.contentResolver
        val copier = ContentCopier(resolver, activity.cacheDir)
        return withContext(Dispatchers.IO) {
            uris.mapNotNull { uri ->
                runCatching {
                    val source = copier.copy(uri)
                    Candidate(
                        id = uri.toString(),
                        path = source.path,
                        name = displayName(resolver, uri),
                        mime = resolver.getType(uri) ?: "application/octet-stream",
                        takenMs = null,
                        sizeBytes = File(source.path).length(),
                        thumbnail = thumbnail(resolver, uri)
                    )
                }.getOrNull()
            }
        }
    }
}

/** A small JPEG for the review grid (Android 10+); empty: the grid shows the file type. */
private fun thumbnail(resolver: ContentResolver, uri: Uri): ByteArray {
    if (Build.VERSION.SDK_INT < Build.VERSION_CODES.Q) return ByteArray(0)
    return runCatching {
        val bitmap = resolver.loadThumbnail(uri, Size(THUMB_PX, THUMB_PX), null)
        ByteArrayOutputStream().use { out ->
            bitmap.compress(Bitmap.CompressFormat.JPEG, THUMBNAIL_QUALITY, out)
            bitmap.recycle()
            out.toByteArray()
        }
    }.getOrDefault(ByteArray(0))
}

private const val THUMB_PX = 256

private fun displayName(resolver: ContentResolver, uri: Uri): String =
    resolver.query(uri, arrayOf(OpenableColumns.DISPLAY_NAME), null, null, null)?.use { c ->
        if (c.moveToFirst() && !c.isNull(0)) c.getString(0) else null
    } ?: uri.lastPathSegment.orEmpty()
