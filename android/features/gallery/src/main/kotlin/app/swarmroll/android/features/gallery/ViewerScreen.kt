package app.swarmroll.android.features.gallery

import androidx.compose.foundation.Image
import androidx.compose.foundation.background
import androidx.compose.foundation.gestures.detectTapGestures
import androidx.compose.foundation.gestures.rememberTransformableState
import androidx.compose.foundation.gestures.transformable
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.pager.HorizontalPager
import androidx.compose.foundation.pager.rememberPagerState
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.FilledIconButton
import androidx.compose.material3.IconButtonDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableFloatStateOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.graphics.graphicsLayer
import androidx.compose.ui.input.pointer.pointerInput
import androidx.compose.ui.layout.ContentScale
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import app.swarmroll.android.core.api.MediaKind
import app.swarmroll.android.designsystem.ErrorState
import app.swarmroll.android.designsystem.Loading
import app.swarmroll.android.designsystem.LocalImageDecoder
import app.swarmroll.android.designsystem.Thumbnail
import app.swarmroll.android.designsystem.duration
import app.swarmroll.android.designsystem.str

/**
 * The viewer: a pager over the gallery's tiles with the current post's thread under it.
 * A page shows the thumbnail at once and the original once [originalImage] can load it
 * (the app passes a loader that decodes at screen size; null keeps the preview).
 */
@Composable
fun ViewerScreen(
    state: ViewerState,
    onEvent: (ViewerEvent) -> Unit,
    modifier: Modifier = Modifier,
    originalImage: (path: String) -> ImageBitmap? = { null }
) {
    when {
        state.error != null -> ErrorState(state.error, modifier)

        state.loading || state.pages.isEmpty() -> Loading(str("gallery_loading"), modifier)

        else ->
            Column(modifier.fillMaxSize()) {
                Box(Modifier.fillMaxWidth().weight(0.48f).background(Color.Black)) {
                    Pager(state, onEvent, originalImage)
                    ViewerOverlay(state, onEvent)
                }
                ThreadScreen(state.thread, { onEvent(ViewerEvent.Thread(it)) }, Modifier.weight(0.52f))
            }
    }
}

@Composable
private fun Pager(state: ViewerState, onEvent: (ViewerEvent) -> Unit, originalImage: (String) -> ImageBitmap?) {
    val pager = rememberPagerState(initialPage = state.current) { state.pages.size }
    LaunchedEffect(pager.settledPage) { if (pager.settledPage != state.current) onEvent(ViewerEvent.PageChanged(pager.settledPage)) }
    LaunchedEffect(state.current) { if (pager.currentPage != state.current) pager.scrollToPage(state.current) }
    HorizontalPager(pager, Modifier.fillMaxSize(), key = { "${state.pages[it].tile.postId}/${state.pages[it].tile.index}" }) { i ->
        val page = state.pages[i]
        ZoomablePage(page, originalImage)
    }
}

@Composable
private fun ZoomablePage(page: ViewerPage, originalImage: (String) -> ImageBitmap?) {
    var scale by remember { mutableFloatStateOf(1f) }
    var offset by remember { mutableStateOf(Offset.Zero) }
    val transform =
        rememberTransformableState { zoom, pan, _ ->
            scale = (scale * zoom).coerceIn(1f, 5f)
            offset = if (scale > 1f) offset + pan * scale else Offset.Zero
        }
    val tile = page.tile
    val who = tile.sharedBy.joinToString(", ") { it.display }
    val description =
        if (tile.kind ==
            MediaKind.Video
        ) {
            str("gallery_tile_video", duration(tile.durationMs ?: 0), who, "")
        } else {
            str("gallery_tile_photo", who, "")
        }
    val decoder = LocalImageDecoder.current
    val image = remember(page.originalPath, tile.thumbnail) {
        page.originalPath?.let(originalImage)
            ?: tile.thumbnail.takeIf { it.isNotEmpty() }?.let(decoder::decode)
    }
    val zoom =
        Modifier.fillMaxSize()
            .pointerInput(Unit) {
                detectTapGestures(onDoubleTap = {
                    scale = if (scale > 1f) 1f else 2.5f
                    offset = Offset.Zero
                })
            }
            .transformable(transform, canPan = { scale > 1f })
            .graphicsLayer(scaleX = scale, scaleY = scale, translationX = offset.x, translationY = offset.y)
    if (image != null) {
        Image(image, description.trimEnd(',', ' '), zoom, contentScale = ContentScale.Fit)
    } else {
        Thumbnail(tile.thumbnail, tile.mime, description.trimEnd(',', ' '), zoom)
    }
}

@Composable
private fun ViewerOverlay(state: ViewerState, onEvent: (ViewerEvent) -> Unit) {
    val page = state.page ?: return
    val scrim = Modifier.background(Color.Black.copy(alpha = 0.55f), RoundedCornerShape(8.dp)).padding(horizontal = 8.dp, vertical = 4.dp)
    Box(Modifier.fillMaxSize()) {
        Row(Modifier.fillMaxWidth().padding(4.dp), verticalAlignment = Alignment.CenterVertically) {
            val close = str("viewer_close")
            FilledIconButton(
                onClick = { onEvent(ViewerEvent.Close) },
                colors = IconButtonDefaults.filledIconButtonColors(
                    containerColor = Color.Black.copy(alpha = 0.55f),
                    contentColor = Color.White
                ),
                modifier = Modifier.semantics { contentDescription = close }
            ) { GlyphIcon(Glyph.Close) }
            Text(
                str("viewer_position", state.current + 1, state.pages.size),
                color = Color.White,
                style = MaterialTheme.typography.labelLarge,
                modifier = Modifier.padding(start = 8.dp).then(scrim)
            )
        }
        if (page.tile.kind == MediaKind.Video) {
            val play = str("viewer_play")
            FilledIconButton(
                onClick = { onEvent(ViewerEvent.Play) },
                shape = CircleShape,
                colors = IconButtonDefaults.filledIconButtonColors(
                    containerColor = Color.Black.copy(alpha = 0.6f),
                    contentColor = Color.White
                ),
                modifier = Modifier.align(Alignment.Center).size(72.dp).semantics { contentDescription = play }
            ) { GlyphIcon(Glyph.Play, size = 40.dp) }
        }
        val note =
            when {
                state.videoNotHereYet -> str("viewer_video_not_here")
                page.originalPath == null -> str("viewer_preview")
                else -> null
            }
        if (note != null) {
            Text(
                note,
                color = Color.White,
                style = MaterialTheme.typography.labelMedium,
                modifier = Modifier.align(Alignment.BottomStart).padding(8.dp).then(scrim)
            )
        }
    }
}
