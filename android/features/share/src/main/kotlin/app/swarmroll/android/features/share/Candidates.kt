package app.swarmroll.android.features.share

import kotlinx.coroutines.flow.Flow

/**
 * A photo or video the user could share, from the system Photo Picker or from MediaStore.
 * [path] is a file the core can read (the app copies a picked `content://` URI first);
 * [thumbnail] a small JPEG for the review grid (empty: the grid shows the file type).
 */
data class Candidate(
    /** MediaStore's id, or the picked URI: with [sizeBytes] and [takenMs] it says "seen before". */
    val id: String,
    val path: String,
    val name: String,
    val mime: String,
    val takenMs: Long?,
    val sizeBytes: Long,
    val durationMs: Long? = null,
    val thumbnail: ByteArray = ByteArray(0)
) {
    val isVideo: Boolean get() = mime.startsWith("video/")

    /** What identifies the same file seen again, without hashing it. */
    val key: Triple<String, Long, Long?> get() = Triple(id, sizeBytes, takenMs)

    override fun equals(other: Any?): Boolean = other is Candidate && other.key == key && other.path == path

    override fun hashCode(): Int = key.hashCode()
}

/**
 * Where an event window finds its photos: the app implements it with MediaStore (with
 * Android 14's partial access, only what the user allowed) and a content observer. Plain
 * Kotlin, so presenters and tests need no Android.
 */
interface CandidateSource {
    /** Photos and videos taken between [startMs] and [endMs], oldest first. */
    suspend fun between(startMs: Long, endMs: Long): List<Candidate>

    /**
     * Photos and videos that appear in the library while the window is open and fall
     * inside it, each emission a batch the source had not reported before (it remembers
     * what it saw by id, size and date rather than re-reading the library).
     */
    fun arrivals(startMs: Long, endMs: Long): Flow<List<Candidate>>
}
