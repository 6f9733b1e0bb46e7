package app.swarmroll.android.features.gallery

import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.grid.GridCells
import androidx.compose.foundation.lazy.grid.GridItemSpan
import androidx.compose.foundation.lazy.grid.LazyVerticalGrid
import androidx.compose.foundation.lazy.grid.items
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import app.swarmroll.android.core.api.MediaKind
import app.swarmroll.android.designsystem.EmptyState
import app.swarmroll.android.designsystem.ErrorState
import app.swarmroll.android.designsystem.Loading
import app.swarmroll.android.designsystem.Thumbnail
import app.swarmroll.android.designsystem.duration
import app.swarmroll.android.designsystem.mediaCounts
import app.swarmroll.android.designsystem.plural
import app.swarmroll.android.designsystem.str

/** A channel's gallery: day headers over a grid of thumbnails, new ones marked. */
@Composable
fun GalleryScreen(state: GalleryState, onEvent: (GalleryEvent) -> Unit, modifier: Modifier = Modifier) {
    Box(modifier.fillMaxSize()) {
        GalleryContent(state, onEvent)
        if (state.sheet != null) GallerySheetView(state, onEvent)
    }
}

@Composable
private fun GalleryContent(state: GalleryState, onEvent: (GalleryEvent) -> Unit) {
    Column(Modifier.fillMaxSize()) {
        GalleryTopBar(state, onEvent)
        when {
            state.error != null -> ErrorState(state.error, onRetry = { onEvent(GalleryEvent.Retry) })

            state.loading -> Loading(str("gallery_loading"))

            state.empty ->
                EmptyState(
                    title = str("gallery_empty_title"),
                    body = str(if (state.canShare) "gallery_empty_body" else "gallery_empty_viewer", state.channelName),
                    action = if (state.canShare) str("gallery_add_photos") else null,
                    onAction = { onEvent(GalleryEvent.AddPhotos) }
                )

            else -> GalleryGrid(state, onEvent)
        }
    }
}

/**
 * The top bar: back, the channel's name (two lines before it is cut, so a long name
 * still reads at large font sizes) over its counts, then the actions this member has.
 */
@Composable
private fun GalleryTopBar(state: GalleryState, onEvent: (GalleryEvent) -> Unit) {
    Row(
        Modifier.fillMaxWidth().heightIn(min = 64.dp).padding(horizontal = 4.dp, vertical = 4.dp),
        verticalAlignment = Alignment.CenterVertically
    ) {
        ActionIcon(Glyph.Back, str("back")) { onEvent(GalleryEvent.Back) }
        Column(Modifier.weight(1f).padding(horizontal = 8.dp)) {
            Text(
                state.channelName,
                style = MaterialTheme.typography.titleLarge,
                maxLines = 2,
                overflow = TextOverflow.Ellipsis,
                modifier = Modifier.semantics { heading() }
            )
            if (!state.loading && state.error == null && !state.empty) {
                Text(
                    mediaCounts(state.photos, state.videos),
                    style = MaterialTheme.typography.bodySmall,
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                    maxLines = 1,
                    overflow = TextOverflow.Ellipsis
                )
            }
        }
        if (state.canInvite) ActionIcon(Glyph.Invite, str("gallery_invite")) { onEvent(GalleryEvent.Invite) }
        if (state.canShare) ActionIcon(Glyph.Plus, str("gallery_add_photos")) { onEvent(GalleryEvent.AddPhotos) }
        ActionIcon(Glyph.More, str("gallery_menu")) { onEvent(GalleryEvent.Menu) }
    }
}

/** A 48 dp icon button whose description TalkBack reads. */
@Composable
internal fun ActionIcon(glyph: Glyph, description: String, onClick: () -> Unit) {
    IconButton(onClick = onClick, modifier = Modifier.semantics { contentDescription = description }) { GlyphIcon(glyph) }
}

@Composable
private fun GalleryGrid(state: GalleryState, onEvent: (GalleryEvent) -> Unit) {
    LazyVerticalGrid(
        columns = GridCells.Adaptive(minSize = 104.dp),
        modifier = Modifier.fillMaxSize(),
        horizontalArrangement = Arrangement.spacedBy(2.dp),
        verticalArrangement = Arrangement.spacedBy(2.dp)
    ) {
        if (state.newCount > 0) {
            item(span = { GridItemSpan(maxLineSpan) }, key = "new") {
                Surface(
                    color = MaterialTheme.colorScheme.primaryContainer,
                    contentColor = MaterialTheme.colorScheme.onPrimaryContainer,
                    shape = RoundedCornerShape(12.dp),
                    modifier = Modifier.padding(12.dp, 8.dp)
                ) {
                    Text(
                        plural("gallery_new_since", state.newCount, state.newCount),
                        style = MaterialTheme.typography.labelLarge,
                        modifier = Modifier.padding(16.dp, 12.dp)
                    )
                }
            }
        }
        for (day in state.days) {
            item(span = { GridItemSpan(maxLineSpan) }, key = "day-${day.date}") { DayHeader(day) }
            items(day.items, key = { "${it.tile.postId}/${it.tile.index}" }) { item ->
                GalleryTileView(item) { onEvent(GalleryEvent.Open(item.tile)) }
            }
        }
    }
}

@Composable
private fun DayHeader(day: GalleryDay) {
    val title =
        when (day.relative) {
            DayRelative.Today -> str("gallery_today")
            DayRelative.Yesterday -> str("gallery_yesterday")
            DayRelative.Earlier -> day.label
        }
    Row(Modifier.fillMaxWidth().padding(start = 16.dp, end = 16.dp, top = 20.dp, bottom = 8.dp), verticalAlignment = Alignment.Bottom) {
        Text(title, style = MaterialTheme.typography.titleMedium, modifier = Modifier.weight(1f).semantics { heading() })
        val photos = day.items.count { it.tile.kind == MediaKind.Photo }
        Text(
            mediaCounts(photos, day.items.size - photos),
            style = MaterialTheme.typography.bodySmall,
            color = MaterialTheme.colorScheme.onSurfaceVariant
        )
    }
}

@Composable
private fun GalleryTileView(item: GalleryItem, onClick: () -> Unit) {
    val tile = item.tile
    val who = tile.sharedBy.joinToString(", ") { it.display }
    val base =
        if (tile.kind == MediaKind.Video) {
            str("gallery_tile_video", duration(tile.durationMs ?: 0), who, item.timeLabel)
        } else {
            str("gallery_tile_photo", who, item.timeLabel)
        }
    val description = if (item.isNew) "$base, ${str("gallery_tile_new")}" else base
    Box(Modifier.aspectRatio(1f).clickable(onClickLabel = str("gallery_open_action"), onClick = onClick)) {
        Thumbnail(tile.thumbnail, tile.mime, description, Modifier.fillMaxSize())
        if (tile.kind == MediaKind.Video) {
            Row(
                Modifier.align(Alignment.BottomEnd).padding(6.dp).background(Color.Black.copy(alpha = 0.6f), RoundedCornerShape(6.dp))
                    .padding(horizontal = 6.dp, vertical = 2.dp),
                verticalAlignment = Alignment.CenterVertically
            ) {
                GlyphIcon(Glyph.Play, size = 12.dp, color = Color.White)
                Text(
                    duration(tile.durationMs ?: 0),
                    color = Color.White,
                    style = MaterialTheme.typography.labelSmall,
                    modifier = Modifier.padding(start = 2.dp)
                )
            }
        }
        if (item.isNew) {
            Text(
                str("gallery_new_badge"),
                color = MaterialTheme.colorScheme.onPrimary,
                style = MaterialTheme.typography.labelSmall,
                modifier = Modifier.align(
                    Alignment.TopStart
                ).padding(6.dp).background(MaterialTheme.colorScheme.primary, RoundedCornerShape(6.dp))
                    .padding(horizontal = 6.dp, vertical = 2.dp)
            )
        }
    }
}
