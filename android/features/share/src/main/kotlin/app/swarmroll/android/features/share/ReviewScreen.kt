package app.swarmroll.android.features.share

import androidx.compose.foundation.background
import androidx.compose.foundation.border
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.lazy.grid.GridCells
import androidx.compose.foundation.lazy.grid.GridItemSpan
import androidx.compose.foundation.lazy.grid.LazyVerticalGrid
import androidx.compose.foundation.lazy.grid.items
import androidx.compose.foundation.selection.toggleable
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.draw.alpha
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.unit.dp
import app.swarmroll.android.designsystem.BackTopBar
import app.swarmroll.android.designsystem.CheckIcon
import app.swarmroll.android.designsystem.Thumbnail
import app.swarmroll.android.designsystem.duration
import app.swarmroll.android.designsystem.mediaCounts
import app.swarmroll.android.designsystem.plural
import app.swarmroll.android.designsystem.str

/** The review before anything is posted: what will be shared, a caption, and Share. */
@Composable
fun ReviewScreen(state: ImportState, onEvent: (ImportEvent) -> Unit, modifier: Modifier = Modifier) {
    Column(modifier.fillMaxSize()) {
        BackTopBar(str("share_review_title"), str("share_to_channel", state.channelName)) { onEvent(ImportEvent.Back) }
        LazyVerticalGrid(
            columns = GridCells.Adaptive(96.dp),
            modifier = Modifier.weight(1f).fillMaxWidth(),
            horizontalArrangement = Arrangement.spacedBy(3.dp),
            verticalArrangement = Arrangement.spacedBy(3.dp)
        ) {
            if (state.offered.isNotEmpty()) {
                item(span = { GridItemSpan(maxLineSpan) }, key = "offered") { OfferedBanner(state.offered.size, onEvent) }
            }
            items(state.items, key = { it.candidate.id }) { ReviewTile(it, onEvent) }
        }
        ReviewFooter(state, onEvent)
    }
}

@Composable
private fun OfferedBanner(count: Int, onEvent: (ImportEvent) -> Unit) {
    Surface(
        color = MaterialTheme.colorScheme.primaryContainer,
        contentColor = MaterialTheme.colorScheme.onPrimaryContainer,
        shape = RoundedCornerShape(12.dp),
        modifier = Modifier.padding(12.dp, 8.dp)
    ) {
        Column(Modifier.padding(start = 16.dp, top = 12.dp, end = 8.dp, bottom = 4.dp)) {
            Text(plural("share_offered", count, count), style = MaterialTheme.typography.titleSmall)
            Row(Modifier.align(Alignment.End)) {
                TextButton(onClick = { onEvent(ImportEvent.DismissOffered) }) { Text(str("share_offered_dismiss")) }
                TextButton(onClick = { onEvent(ImportEvent.AddOffered) }) { Text(str("share_offered_add")) }
            }
        }
    }
}

@Composable
private fun ReviewTile(item: ReviewItem, onEvent: (ImportEvent) -> Unit) {
    val c = item.candidate
    val what = if (c.isVideo) str("share_item_video", c.name, duration(c.durationMs ?: 0)) else str("share_item_photo", c.name)
    val description = str(if (item.selected) "share_item_selected" else "share_item_not_selected", what)
    Box(
        Modifier.aspectRatio(1f).toggleable(item.selected, role = Role.Checkbox) { onEvent(ImportEvent.Toggle(c.id)) }
    ) {
        Thumbnail(c.thumbnail, c.mime, description, Modifier.fillMaxSize().alpha(if (item.selected) 1f else 0.4f))
        if (c.isVideo) {
            Text(
                duration(c.durationMs ?: 0),
                color = Color.White,
                style = MaterialTheme.typography.labelSmall,
                modifier = Modifier.align(
                    Alignment.BottomEnd
                ).padding(6.dp).background(Color.Black.copy(alpha = 0.6f), RoundedCornerShape(6.dp))
                    .padding(horizontal = 6.dp, vertical = 2.dp)
            )
        }
        val mark = Modifier.align(Alignment.TopEnd).padding(6.dp).size(24.dp)
        if (item.selected) {
            Box(mark.background(MaterialTheme.colorScheme.primary, CircleShape), contentAlignment = Alignment.Center) {
                CheckIcon(size = 18.dp, color = MaterialTheme.colorScheme.onPrimary)
            }
        } else {
            Box(mark.border(2.dp, Color.White, CircleShape).background(Color.Black.copy(alpha = 0.3f), CircleShape))
        }
    }
}

@Composable
private fun ReviewFooter(state: ImportState, onEvent: (ImportEvent) -> Unit) {
    Surface(tonalElevation = 2.dp, modifier = Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp, 12.dp)) {
            state.error?.let { Text(it, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium) }
            OutlinedTextField(
                value = state.caption,
                onValueChange = { onEvent(ImportEvent.CaptionChanged(it)) },
                label = { Text(str("share_caption_label")) },
                placeholder = { Text(str("share_caption_hint")) },
                maxLines = 3,
                modifier = Modifier.fillMaxWidth()
            )
            Row(Modifier.fillMaxWidth().padding(top = 12.dp), verticalAlignment = Alignment.CenterVertically) {
                Column(Modifier.weight(1f)) {
                    if (state.canShare) {
                        Text(mediaCounts(state.selectedPhotos, state.selectedVideos), style = MaterialTheme.typography.titleMedium)
                        Text(
                            str("share_nothing_posted_yet"),
                            style = MaterialTheme.typography.bodySmall,
                            color = MaterialTheme.colorScheme.onSurfaceVariant
                        )
                    } else {
                        Text(str("share_nothing_selected"), style = MaterialTheme.typography.bodyMedium)
                    }
                }
                Button(onClick = { onEvent(ImportEvent.Share) }, enabled = state.canShare, modifier = Modifier.padding(start = 12.dp)) {
                    Text(str("share_button"))
                }
            }
        }
    }
}
