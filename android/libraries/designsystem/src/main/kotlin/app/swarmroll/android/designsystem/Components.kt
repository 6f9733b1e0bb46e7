package app.swarmroll.android.designsystem

import androidx.compose.foundation.Image
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.layout.ContentScale
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp

/** Why an action failed, in the error colour; TalkBack reads it when it appears. */
@Composable
fun ErrorText(message: String, modifier: Modifier = Modifier) {
    Text(
        message,
        color = MaterialTheme.colorScheme.error,
        style = MaterialTheme.typography.bodyMedium,
        modifier = modifier.semantics { liveRegion = LiveRegionMode.Polite }
    )
}

/** A centred message for an empty list, with an optional action. */
@Composable
fun EmptyState(title: String, body: String, modifier: Modifier = Modifier, action: String? = null, onAction: () -> Unit = {}) {
    Column(
        modifier.fillMaxSize().padding(32.dp),
        verticalArrangement = androidx.compose.foundation.layout.Arrangement.Center,
        horizontalAlignment = Alignment.CenterHorizontally
    ) {
        Text(title, style = MaterialTheme.typography.titleLarge, textAlign = TextAlign.Center)
        Spacer(Modifier.height(8.dp))
        Text(body, style = MaterialTheme.typography.bodyMedium, textAlign = TextAlign.Center)
        if (action != null) {
            Spacer(Modifier.height(24.dp))
            Button(onClick = onAction) { Text(action) }
        }
    }
}

/** A full-screen spinner with what is being waited for, for people and TalkBack. */
@Composable
fun Loading(what: String, modifier: Modifier = Modifier) {
    Box(modifier.fillMaxSize().semantics { contentDescription = what }, contentAlignment = Alignment.Center) {
        CircularProgressIndicator()
    }
}

/** An error with the core's message and, if it may help, "Try again". */
@Composable
fun ErrorState(message: String, modifier: Modifier = Modifier, onRetry: (() -> Unit)? = null) {
    EmptyState(
        title = str("something_went_wrong"),
        body = message,
        modifier = modifier,
        action = if (onRetry != null) str("try_again") else null,
        onAction = { onRetry?.invoke() }
    )
}

/**
 * A thumbnail from JPEG bytes, cropped to fill; when there is none (a HEIC or video
 * without a poster), a tile naming the file type instead of a broken image.
 */
@Composable
fun Thumbnail(bytes: ByteArray, mime: String, description: String, modifier: Modifier = Modifier) {
    val decoder = LocalImageDecoder.current
    val image = remember(bytes) { if (bytes.isEmpty()) null else decoder.decode(bytes) }
    if (image != null) {
        Image(image, contentDescription = description, contentScale = ContentScale.Crop, modifier = modifier)
    } else {
        Box(
            modifier.background(MaterialTheme.colorScheme.surfaceVariant).semantics { contentDescription = description },
            contentAlignment = Alignment.Center
        ) {
            Text(
                typeLabel(mime),
                style = MaterialTheme.typography.labelLarge,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
                modifier = Modifier.fillMaxWidth(),
                textAlign = TextAlign.Center
            )
        }
    }
}

/** The short name of a file type, for tiles and badges: "HEIC", "MP4", "MOV". */
fun typeLabel(mime: String): String = when (mime) {
    "video/quicktime" -> "MOV"
    "image/jpeg" -> "JPEG"
    else -> mime.substringAfter('/').substringBefore(';').uppercase()
}
