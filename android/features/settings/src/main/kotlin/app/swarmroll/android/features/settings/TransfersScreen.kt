package app.swarmroll.android.features.settings

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.Card
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.draw.clip
import androidx.compose.ui.semantics.clearAndSetSemantics
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.unit.dp
import app.swarmroll.android.designsystem.BackTopBar
import app.swarmroll.android.designsystem.EmptyState
import app.swarmroll.android.designsystem.ErrorState
import app.swarmroll.android.designsystem.Loading
import app.swarmroll.android.designsystem.Thumbnail
import app.swarmroll.android.designsystem.plural
import app.swarmroll.android.designsystem.str

/** Transfers of originals: the total first, then each post's progress and speed. */
@Composable
fun TransfersScreen(state: TransfersState, onEvent: (SettingsEvent) -> Unit, modifier: Modifier = Modifier) {
    Column(modifier.fillMaxSize()) {
        BackTopBar(str("transfers_title")) { onEvent(SettingsEvent.Back) }
        when {
            state.error != null -> ErrorState(state.error)

            state.loading -> Loading(str("transfers_loading"))

            state.rows.isEmpty() -> EmptyState(str("transfers_empty_title"), str("transfers_empty_body"))

            else ->
                LazyColumn(Modifier.fillMaxSize()) {
                    item(key = "total") { Total(state) }
                    items(state.rows, key = { it.channelId + "/" + it.postId }) { TransferRowView(it) }
                }
        }
    }
}

@Composable
private fun Total(state: TransfersState) {
    Card(Modifier.fillMaxWidth().padding(16.dp, 8.dp)) {
        Column(Modifier.padding(16.dp)) {
            Text(plural("transfers_posts", state.rows.size, state.rows.size), style = MaterialTheme.typography.titleMedium)
            Text(str("transfers_of", size(state.haveBytes), size(state.totalBytes)), style = MaterialTheme.typography.bodyLarge)
            LinearProgressIndicator(
                progress = { if (state.totalBytes == 0L) 1f else state.haveBytes.toFloat() / state.totalBytes },
                modifier = Modifier.fillMaxWidth().padding(vertical = 8.dp).height(8.dp).clip(RoundedCornerShape(4.dp))
            )
            val left = state.secondsLeft
            val eta =
                when {
                    left == null -> str("transfers_waiting")
                    left < 60 -> str("transfers_under_a_minute")
                    else -> plural("transfers_minutes_left", ((left + 59) / 60).toInt(), ((left + 59) / 60).toInt())
                }
            Text(
                str("speed", size(state.bytesPerSecond)) + " · " + eta,
                style = MaterialTheme.typography.bodyMedium,
                color = MaterialTheme.colorScheme.onSurfaceVariant
            )
        }
    }
}

@Composable
private fun TransferRowView(row: TransferRow) {
    val what =
        when {
            row.videos == 0 -> plural("transfers_photos", row.photos, row.photos)

            row.photos == 0 -> plural("transfers_videos", row.videos, row.videos)

            else -> str(
                "transfers_counts",
                plural("transfers_photos", row.photos, row.photos),
                plural("transfers_videos", row.videos, row.videos)
            )
        }
    val speed = if (row.bytesPerSecond > 0) str("speed", size(row.bytesPerSecond)) else str("transfers_waiting")
    val description = str("transfers_row_description", row.channelName, what, (row.fraction * 100).toInt())
    Row(
        Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 8.dp).clearAndSetSemantics { contentDescription = description },
        verticalAlignment = Alignment.CenterVertically
    ) {
        Thumbnail(row.thumbnail, row.mime, "", Modifier.size(56.dp).clip(RoundedCornerShape(8.dp)))
        Column(Modifier.weight(1f).padding(start = 12.dp)) {
            Text(row.channelName, style = MaterialTheme.typography.bodyLarge, maxLines = 1)
            Text(what, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            LinearProgressIndicator(progress = { row.fraction }, modifier = Modifier.fillMaxWidth().padding(vertical = 6.dp))
            Text(
                str("transfers_row_progress", size(row.haveBytes), size(row.totalBytes), speed),
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSurfaceVariant
            )
        }
    }
}
