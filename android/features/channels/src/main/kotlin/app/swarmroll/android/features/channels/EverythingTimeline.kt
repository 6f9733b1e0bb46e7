package app.swarmroll.android.features.channels

import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.lazy.grid.GridCells
import androidx.compose.foundation.lazy.grid.GridItemSpan
import androidx.compose.foundation.lazy.grid.LazyVerticalGrid
import androidx.compose.foundation.lazy.grid.items
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Brush
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.semantics.clearAndSetSemantics
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import app.swarmroll.android.core.api.MediaKind
import app.swarmroll.android.designsystem.EmptyState
import app.swarmroll.android.designsystem.Loading
import app.swarmroll.android.designsystem.Thumbnail
import app.swarmroll.android.designsystem.duration
import app.swarmroll.android.designsystem.str

/** Every channel's photos and videos in one grid, by day, newest first; a tile opens the viewer. */
@Composable
internal fun EverythingTimeline(days: List<TimelineDay>?, onEvent: (ChannelsEvent) -> Unit) {
    when {
        days == null -> Loading(str("channels_timeline_loading"))

        days.isEmpty() -> EmptyState(str("channels_timeline_empty_title"), str("channels_timeline_empty_body"))

        else ->
            LazyVerticalGrid(
                columns = GridCells.Adaptive(minSize = 110.dp),
                modifier = Modifier.fillMaxSize(),
                contentPadding = PaddingValues(2.dp),
                horizontalArrangement = Arrangement.spacedBy(2.dp),
                verticalArrangement = Arrangement.spacedBy(2.dp)
            ) {
                for (day in days) {
                    item(key = "day-${day.epochDay}", span = { GridItemSpan(maxLineSpan) }) { DayHeader(day) }
                    items(day.tiles, key = { "${it.tile.channelId}/${it.tile.postId}/${it.tile.index}" }) { t ->
                        TimelineTileView(t, onClick = { onEvent(ChannelsEvent.OpenTile(t.tile.channelId, t.tile.postId)) })
                    }
                }
            }
    }
}

@Composable
private fun DayHeader(day: TimelineDay) {
    val title =
        when (val label = day.label) {
            DayLabel.Today -> str("channels_today")
            DayLabel.Yesterday -> str("channels_yesterday")
            is DayLabel.Date -> label.text
        }
    Column(Modifier.fillMaxWidth().padding(start = 12.dp, end = 12.dp, top = 16.dp, bottom = 8.dp)) {
        Text(title, style = MaterialTheme.typography.titleMedium, modifier = Modifier.semantics { heading() })
        Text(
            counts(day.photos, day.videos),
            style = MaterialTheme.typography.bodySmall,
            color = MaterialTheme.colorScheme.onSurfaceVariant
        )
    }
}

@Composable
private fun TimelineTileView(t: TimelineTile, onClick: () -> Unit) {
    val tile = t.tile
    val by = tile.sharedBy.joinToString(", ") { it.display }
    val description =
        when (tile.kind) {
            MediaKind.Photo -> str("channels_tile_photo", t.channelName, by)
            MediaKind.Video -> str("channels_tile_video", t.channelName, by, duration(tile.durationMs))
        }
    Box(Modifier.aspectRatio(1f).clickable(onClick = onClick).clearAndSetSemantics { contentDescription = description }) {
        Thumbnail(tile.thumbnail, tile.mime, description, Modifier.fillMaxSize())
        // A scrim so the channel name reads on any photo.
        Box(
            Modifier.align(Alignment.BottomStart).fillMaxWidth()
                .background(Brush.verticalGradient(listOf(Color.Transparent, Color.Black.copy(alpha = 0.6f))))
                .padding(horizontal = 6.dp, vertical = 4.dp)
        ) {
            Text(
                t.channelName,
                color = Color.White,
                style = MaterialTheme.typography.labelSmall,
                maxLines = 1,
                overflow = TextOverflow.Ellipsis,
                modifier = Modifier.padding(end = if (tile.kind == MediaKind.Video) 44.dp else 0.dp)
            )
        }
        if (tile.kind == MediaKind.Video) VideoBadge(duration(tile.durationMs), Modifier.align(Alignment.BottomEnd).padding(4.dp))
    }
}

@Composable
private fun VideoBadge(text: String, modifier: Modifier) {
    Row(
        modifier.background(Color.Black.copy(alpha = 0.7f), RoundedCornerShape(4.dp)).padding(horizontal = 4.dp, vertical = 2.dp),
        verticalAlignment = Alignment.CenterVertically
    ) {
        PlayIcon(Color.White)
        Box(Modifier.width(3.dp))
        Text(text, color = Color.White, style = MaterialTheme.typography.labelSmall)
    }
}
