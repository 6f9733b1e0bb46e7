package app.swarmroll.android.media

import android.content.ContentResolver
import android.net.Uri
import android.provider.OpenableColumns
import android.webkit.MimeTypeMap
import app.swarmroll.android.core.api.ShareSource
import java.io.File
import java.io.IOException

/** Longest file name kept from what the provider calls the file. */
private const val MAX_NAME_CHARS = 80

/**
 * The core reads files by path; the Photo Picker and MediaStore hand out `content://`
 * URIs. This copies each one byte for byte into the app's cache (so a Motion Photo keeps
 * its embedded video: nothing is decoded or re-encoded) and returns the [ShareSource] the
 * core takes. Copies are named by a hash of the URI, so copying the same item twice reuses
 * the first copy, and [sweep] removes copies once a share is done.
 */
class ContentCopier(private val resolver: ContentResolver, cacheDir: File) {
    private val dir = File(cacheDir, "share-import")

    /** Copies [uri]; [assetId] and [createdMs] go to the core (resume and order). */
    @Throws(IOException::class)
    fun copy(uri: Uri, assetId: String? = null, createdMs: Long? = null): ShareSource {
        dir.mkdirs()
        val target = File(dir, "${Integer.toHexString(uri.toString().hashCode())}-${safeName(uri)}")
        val size = sizeOf(uri)
        if (!(target.isFile && size != null && target.length() == size)) {
            val tmp = File(dir, "${target.name}.part")
            val input = resolver.openInputStream(uri) ?: throw IOException("the picked item can no longer be read")
            input.use { src -> tmp.outputStream().use { dst -> src.copyTo(dst, bufferSize = 256 * 1024) } }
            if (!tmp.renameTo(target)) throw IOException("could not keep the copied item")
        }
        return ShareSource(path = target.absolutePath, assetId = assetId ?: uri.toString(), createdMs = createdMs)
    }

    /** Removes every copy: call once the core has imported them (it keeps its own). */
    fun sweep() {
        dir.listFiles()?.forEach { it.delete() }
    }

    private fun sizeOf(uri: Uri): Long? = resolver.query(uri, arrayOf(OpenableColumns.SIZE), null, null, null)?.use { c ->
        if (c.moveToFirst() && !c.isNull(0)) c.getLong(0) else null
    }

    /** The display name with a sensible extension (the core sniffs content, but names show). */
    private fun safeName(uri: Uri): String {
        val display =
            resolver.query(uri, arrayOf(OpenableColumns.DISPLAY_NAME), null, null, null)?.use { c ->
                if (c.moveToFirst() && !c.isNull(0)) c.getString(0) else null
            }
        val base = (display ?: "item").replace(Regex("[^A-Za-z0-9._-]"), "_").take(MAX_NAME_CHARS)
        if (base.contains('.')) return base
        val ext = resolver.getType(uri)?.let { MimeTypeMap.getSingleton().getExtensionFromMimeType(it) }
        return if (ext != null) "$base.$ext" else base
    }
}
