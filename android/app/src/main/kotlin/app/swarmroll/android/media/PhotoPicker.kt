package app.swarmroll.android.media

import android.net.Uri
import android.provider.OpenableColumns
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.PickVisualMediaRequest
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.platform.LocalContext
import app.swarmroll.android.features.share.Candidate
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/**
 * The system Photo Picker (photos and videos, many at once, no storage permission): the
 * picked `content://` items are copied byte for byte into the cache ([ContentCopier]) so
 * the core can read them by path, Motion Photos whole, and handed over as [Candidate]s
 * for the share feature's review. Returns the function that opens the picker.
 */
@Composable
fun rememberPhotoPicker(maxItems: Int = 200, onPicked: (List<Candidate>) -> Unit): () -> Unit {
    val context = LocalContext.current
    val scope = rememberCoroutineScope()
    val copier = remember { ContentCopier(context.contentResolver, context.cacheDir) }
    val launcher =
        rememberLauncherForActivityResult(ActivityResultContracts.PickMultipleVisualMedia(maxItems)) { uris: List<Uri> ->
            if (uris.isEmpty()) return@rememberLauncherForActivityResult
            scope.launch {
                val picked =
                    withContext(Dispatchers.IO) {
                        uris.mapNotNull { uri ->
                            runCatching {
                                val source = copier.copy(uri)
                                Candidate(
                                    id = uri.toString(),
                                    path = source.path,
                                    name = displayName(context.contentResolver, uri),
                                    mime = context.contentResolver.getType(uri) ?: "application/octet-stream",
                                    takenMs = null,
                                    sizeBytes = java.io.File(source.path).length(),
                                )
                            }.getOrNull()
                        }
                    }
                onPicked(picked)
            }
        }
    return {
        launcher.launch(PickVisualMediaRequest(ActivityResultContracts.PickVisualMedia.ImageAndVideo))
    }
}

private fun displayName(resolver: android.content.ContentResolver, uri: Uri): String =
    resolver.query(uri, arrayOf(OpenableColumns.DISPLAY_NAME), null, null, null)?.use { c ->
        if (c.moveToFirst() && !c.isNull(0)) c.getString(0) else null
    } ?: uri.lastPathSegment.orEmpty()
