package app.swarmroll.android.media

import android.Manifest
import android.content.ContentResolver
import android.content.ContentUris
import android.content.Context
import android.content.pm.PackageManager
import android.database.ContentObserver
import android.net.Uri
import android.os.Build
import android.provider.MediaStore
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.callbackFlow

/** The query's columns, in the projection's order. */
private const val COL_ID = 0
private const val COL_MIME = 1
private const val COL_SIZE = 2
private const val COL_TAKEN = 3
private const val COL_ADDED = 4
private const val COL_MODIFIED = 5
private const val COL_NAME = 6
private const val COL_DATA = 7

/** MediaStore's DATE_ADDED is in seconds, DATE_TAKEN in milliseconds. */
private const val MS_PER_SECOND = 1000L

/** A photo or video the phone took inside an event window. */
data class WindowItem(
    val id: Long,
    val uri: Uri,
    val mime: String,
    val size: Long,
    val takenMs: Long,
    val modifiedSec: Long,
    val name: String,
    /** The file itself when the app may read it directly (Android 11+ media access), else null. */
    val path: String?
)

/** How much of the library the user let the app see. */
enum class MediaAccess { Full, Partial, None }

/**
 * "Add everything I shot between 6 pm and midnight": the photos and videos MediaStore
 * dates inside a window (DATE_TAKEN, or DATE_ADDED for files without one), for the review
 * screen. On Android 14+ the user may grant only some photos
 * (READ_MEDIA_VISUAL_USER_SELECTED); the query then returns those, and the screen offers
 * to pick more. While a window is open, [watch] offers new items as the camera saves them
 * (a ContentObserver on MediaStore), querying only the window and skipping what
 * [SeenMedia] already offered, so a large library is never walked again.
 */
class EventWindowSource(private val context: Context) {
    private val resolver: ContentResolver = context.contentResolver
    private val collection: Uri = MediaStore.Files.getContentUri(MediaStore.VOLUME_EXTERNAL)

    /** What the user granted. */
    fun access(): MediaAccess {
        fun granted(p: String) = context.checkSelfPermission(p) == PackageManager.PERMISSION_GRANTED
        return when {
            Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU &&
                granted(Manifest.permission.READ_MEDIA_IMAGES) && granted(Manifest.permission.READ_MEDIA_VIDEO) -> MediaAccess.Full

            Build.VERSION.SDK_INT >= Build.VERSION_CODES.UPSIDE_DOWN_CAKE &&
                granted(Manifest.permission.READ_MEDIA_VISUAL_USER_SELECTED) -> MediaAccess.Partial

            Build.VERSION.SDK_INT < Build.VERSION_CODES.TIRAMISU && granted(Manifest.permission.READ_EXTERNAL_STORAGE) -> MediaAccess.Full

            else -> MediaAccess.None
        }
    }

    /** The items dated in [startMs, endMs], oldest first. */
    fun query(startMs: Long, endMs: Long): List<WindowItem> {
        val projection =
            arrayOf(
                MediaStore.MediaColumns._ID,
                MediaStore.MediaColumns.MIME_TYPE,
                MediaStore.MediaColumns.SIZE,
                MediaStore.MediaColumns.DATE_TAKEN,
                MediaStore.MediaColumns.DATE_ADDED,
                MediaStore.MediaColumns.DATE_MODIFIED,
                MediaStore.MediaColumns.DISPLAY_NAME,
                // Deprecated for writing, still the readable path of a media file the app may see.
                @Suppress("DEPRECATION") MediaStore.MediaColumns.DATA
            )
        val selection =
            "${MediaStore.Files.FileColumns.MEDIA_TYPE} IN (?, ?) AND " +
                "((${MediaStore.MediaColumns.DATE_TAKEN} BETWEEN ? AND ?) OR " +
                "(${MediaStore.MediaColumns.DATE_TAKEN} IS NULL AND ${MediaStore.MediaColumns.DATE_ADDED} BETWEEN ? AND ?))"
        val args =
            arrayOf(
                MediaStore.Files.FileColumns.MEDIA_TYPE_IMAGE.toString(),
                MediaStore.Files.FileColumns.MEDIA_TYPE_VIDEO.toString(),
                startMs.toString(),
                endMs.toString(),
                (startMs / MS_PER_SECOND).toString(),
                (endMs / MS_PER_SECOND).toString()
            )
        val items = ArrayList<WindowItem>()
        resolver.query(collection, projection, selection, args, "${MediaStore.MediaColumns.DATE_TAKEN} ASC")?.use { c ->
            while (c.moveToNext()) {
                val id = c.getLong(COL_ID)
                val mime = c.getString(COL_MIME) ?: continue
                val taken = if (c.isNull(COL_TAKEN)) c.getLong(COL_ADDED) * MS_PER_SECOND else c.getLong(COL_TAKEN)
                val contentUri =
                    if (mime.startsWith(
                            "video/"
                        )
                    ) {
                        MediaStore.Video.Media.EXTERNAL_CONTENT_URI
                    } else {
                        MediaStore.Images.Media.EXTERNAL_CONTENT_URI
                    }
                val path = c.getString(COL_DATA)?.takeIf { java.io.File(it).canRead() }
                items +=
                    WindowItem(
                        id,
                        ContentUris.withAppendedId(contentUri, id),
                        mime,
                        c.getLong(COL_SIZE),
                        taken,
                        c.getLong(COL_MODIFIED),
                        c.getString(COL_NAME) ?: "",
                        path
                    )
            }
        }
        return items
    }

    /**
     * Items in the window not offered before, as they appear: the first emission is what
     * is there now; later ones follow MediaStore changes. Each emitted item is recorded in
     * [seen]. Collect it only while the window is open.
     */
    fun watch(startMs: Long, endMs: Long, seen: SeenMedia): Flow<List<WindowItem>> = callbackFlow {
        fun offerNew() {
            val fresh = query(startMs, endMs).filterNot { seen.contains(it.id, it.size, it.modifiedSec) }
            if (fresh.isNotEmpty()) {
                seen.add(fresh.map { Triple(it.id, it.size, it.modifiedSec) })
                trySend(fresh)
            }
        }
        // No handler: changes arrive on a binder thread, so the (bounded) query never
        // runs on the main thread.
        val observer =
            object : ContentObserver(null) {
                override fun onChange(selfChange: Boolean) = offerNew()
            }
        resolver.registerContentObserver(collection, true, observer)
        offerNew()
        awaitClose { resolver.unregisterContentObserver(observer) }
    }

    companion object {
        /** The permissions to ask for, by Android version (partial access on 14+). */
        fun permissions(sdk: Int = Build.VERSION.SDK_INT): Array<String> = when {
            sdk >= Build.VERSION_CODES.UPSIDE_DOWN_CAKE ->
                arrayOf(
                    Manifest.permission.READ_MEDIA_IMAGES,
                    Manifest.permission.READ_MEDIA_VIDEO,
                    Manifest.permission.READ_MEDIA_VISUAL_USER_SELECTED
                )

            sdk >= Build.VERSION_CODES.TIRAMISU -> arrayOf(Manifest.permission.READ_MEDIA_IMAGES, Manifest.permission.READ_MEDIA_VIDEO)

            else -> arrayOf(Manifest.permission.READ_EXTERNAL_STORAGE)
        }
    }
}
