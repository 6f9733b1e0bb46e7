package app.swarmroll.android.media

import android.content.Context
import android.graphics.Bitmap
import android.os.Build
import android.util.Size
import app.swarmroll.android.features.share.Candidate
import app.swarmroll.android.features.share.CandidateSource
import java.io.ByteArrayOutputStream
import java.io.File
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flowOn
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.withContext

/** JPEG quality of the review screen's thumbnails. */
private const val THUMBNAIL_QUALITY = 80

/**
 * The share feature's event-window source on the phone: MediaStore through
 * [EventWindowSource], each item as a [Candidate] with a small thumbnail for the review
 * grid. Files are read where they are when the app may (Android 11+ media access; nothing
 * is copied, so a Motion Photo stays one file with its video), else copied to the cache
 * byte for byte. New photos while the window is open come from [EventWindowSource.watch],
 * which remembers what it offered by id, size and date (per window, in [stateDir]).
 */
class MediaStoreCandidates(private val context: Context, private val stateDir: File) : CandidateSource {
    private val store = EventWindowSource(context)
    private val copier = ContentCopier(context.contentResolver, context.cacheDir)

    override suspend fun between(startMs: Long, endMs: Long): List<Candidate> = withContext(Dispatchers.IO) {
        val items = store.query(startMs, endMs)
        // What the review shows now is "seen": arrivals later only offer newer items.
        seen(startMs, endMs).add(items.map { Triple(it.id, it.size, it.modifiedSec) })
        items.mapNotNull { candidate(it) }
    }

    override fun arrivals(startMs: Long, endMs: Long): Flow<List<Candidate>> = store
        .watch(startMs, endMs, seen(startMs, endMs))
        .map { batch -> batch.mapNotNull { candidate(it) } }
        .flowOn(Dispatchers.IO)

    private fun seen(startMs: Long, endMs: Long) = SeenMedia(File(stateDir, "window-$startMs-$endMs.seen"))

    private fun candidate(item: WindowItem): Candidate? {
        val path = item.path ?: runCatching { copier.copy(item.uri, "ms:${item.id}", item.takenMs).path }.getOrNull() ?: return null
        return Candidate(
            id = "ms:${item.id}",
            path = path,
            name = item.name,
            mime = item.mime,
            takenMs = item.takenMs,
            sizeBytes = item.size,
            thumbnail = thumbnail(item)
        )
    }

    private fun thumbnail(item: WindowItem): ByteArray {
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.Q) return ByteArray(0)
        return runCatching {
            val bitmap = context.contentResolver.loadThumbnail(item.uri, Size(THUMB, THUMB), null)
            ByteArrayOutputStream().use { out ->
                bitmap.compress(Bitmap.CompressFormat.JPEG, THUMBNAIL_QUALITY, out)
                bitmap.recycle()
                out.toByteArray()
            }
        }.getOrDefault(ByteArray(0))
    }

    private companion object {
        const val THUMB = 256
    }
}
