package app.swarmroll.android.features.home

import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateMapOf
import androidx.compose.runtime.remember
import androidx.compose.ui.graphics.ImageBitmap
import app.swarmroll.android.core.api.ChannelSummary
import app.swarmroll.android.core.api.GalleryTile
import app.swarmroll.android.core.api.MediaKind
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.designsystem.Loading
import app.swarmroll.android.designsystem.LocalImageDecoder
import app.swarmroll.android.designsystem.str
import app.swarmroll.android.features.gallery.GalleryEffect
import app.swarmroll.android.features.gallery.GalleryPresenter
import app.swarmroll.android.features.gallery.GalleryScreen
import app.swarmroll.android.features.gallery.ThreadEffect
import app.swarmroll.android.features.gallery.ThreadPresenter
import app.swarmroll.android.features.gallery.ThreadScreen
import app.swarmroll.android.features.gallery.ViewerEffect
import app.swarmroll.android.features.gallery.ViewerPresenter
import app.swarmroll.android.features.gallery.ViewerScreen
import app.swarmroll.android.features.gallery.ViewerState
import app.swarmroll.android.features.host.HostEffect
import app.swarmroll.android.features.host.HostEvent
import app.swarmroll.android.features.host.HostPresenter
import app.swarmroll.android.features.host.HostScreen
import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import kotlinx.coroutines.flow.map

/*
 * A channel's screens wired to their presenters: gallery, viewer, thread and host tools
 * (sharing is in ShareRoute.kt). Each presenter lives while its screen is shown and is
 * keyed by the channel and post it shows; effects become moves of the back stack or
 * calls to the [Platform].
 */

/** The channel's row from the live list (name and my role), or null until it is there. */
@Composable
private fun channelSummary(client: SwarmrollClient, channelId: String): ChannelSummary? {
    val flow = remember(channelId) { client.channels().map { list -> list.find { it.id == channelId } } }
    return flow.collectAsState(null).value
}

private fun ChannelSummary.canModerate(): Boolean = myRole == Role.Owner || myRole == Role.CoHost

@Composable
internal fun GalleryRoute(client: SwarmrollClient, platform: Platform, channelId: String, nav: Navigator) {
    val summary = channelSummary(client, channelId) ?: return Loading(str("gallery_loading"))
    val presenter =
        rememberPresenter("gallery/$channelId") { scope ->
            GalleryPresenter(
                client.channel(channelId),
                summary.name,
                summary.myRole,
                client.deviceId,
                platform.lastVisitMs(channelId),
                scope
            )
        }
    val state by presenter.state.collectAsState()
    LaunchedEffect(presenter) {
        presenter.effects.collect { e ->
            when (e) {
                is GalleryEffect.OpenViewer -> nav.push(Destination.Viewer(channelId, e.tile.postId, e.tile.index))

                GalleryEffect.Invite -> nav.push(Destination.Invite(channelId))

                GalleryEffect.AddPhotos -> nav.push(Destination.Share(channelId))

                GalleryEffect.HostTools -> nav.push(Destination.Host(channelId))

                GalleryEffect.Back -> nav.pop()

                GalleryEffect.Left -> {
                    platform.forgetChannel(channelId)
                    nav.resetTo(Destination.Home)
                }
            }
        }
    }
    // The visit ends when the gallery leaves the back stack (not when the viewer covers it),
    // so "new since last visit" survives looking at the new photos.
    DisposableEffect(channelId) {
        onDispose {
            val open = nav.backStack.value.any { it == Destination.Gallery(channelId) }
            if (!open && !presenter.state.value.left) platform.visited(channelId, System.currentTimeMillis())
        }
    }
    GalleryScreen(state, presenter::handle)
}

@Composable
internal fun ViewerRoute(client: SwarmrollClient, platform: Platform, d: Destination.Viewer, nav: Navigator) {
    val summary = channelSummary(client, d.channelId) ?: return Loading(str("gallery_loading"))
    val presenter =
        rememberPresenter(d) { scope ->
            ViewerPresenter(client.channel(d.channelId), startTile(d), scope, canModerate = summary.canModerate())
        }
    val state by presenter.state.collectAsState()
    LaunchedEffect(presenter) {
        presenter.effects.collect { e ->
            when (e) {
                is ViewerEffect.PlayVideo -> platform.playVideo(e.path)
                is ViewerEffect.HidePost -> nav.push(Destination.Host(d.channelId, hidePostId = e.postId))
                ViewerEffect.Close -> nav.pop()
            }
        }
    }
    val originals = rememberOriginals(state, platform)
    ViewerScreen(originals.shown, presenter::handle, originalImage = { originals.images[it] })
}

/**
 * The viewer is positioned by post and file index only; the tile itself (thumbnail and
 * all) comes from the live gallery, so a tile naming just those is enough to start.
 */
private fun startTile(d: Destination.Viewer) = GalleryTile("", d.postId, d.index, 0, "", 0, 0, null, ByteArray(0), emptyList(), d.channelId)

/** The viewer's state as shown, and the originals decoded so far, by path. */
private class Originals(val shown: ViewerState, val images: Map<String, ImageBitmap>)

/**
 * Decodes the current page's original off the main thread ([Platform.loadImage] at screen
 * size); until it is decoded the page keeps showing the preview and says so.
 */
@Composable
private fun rememberOriginals(state: ViewerState, platform: Platform): Originals {
    val decoder = LocalImageDecoder.current
    val images = remember { mutableStateMapOf<String, ImageBitmap>() }
    val page = state.page
    val path = page?.originalPath?.takeIf { page.tile.kind == MediaKind.Photo }
    LaunchedEffect(path) {
        if (path != null && path !in images) platform.loadImage(path, ORIGINAL_MAX_PX)?.let(decoder::decode)?.let { images[path] = it }
    }
    val shown =
        state.copy(
            pages =
                state.pages.map { p ->
                    val original = p.originalPath
                    if (original != null && p.tile.kind == MediaKind.Photo && original !in images) p.copy(originalPath = null) else p
                }
        )
    return Originals(shown, images)
}

/** Originals are decoded to at most this many pixels on their longer side (zoom stays sharp). */
private const val ORIGINAL_MAX_PX = 2560

@Composable
internal fun ThreadRoute(client: SwarmrollClient, d: Destination.Thread, nav: Navigator) {
    val summary = channelSummary(client, d.channelId) ?: return Loading(str("thread_loading"))
    val presenter = rememberPresenter(d) { scope -> ThreadPresenter(client.channel(d.channelId), d.postId, scope, summary.canModerate()) }
    val state by presenter.state.collectAsState()
    LaunchedEffect(presenter) {
        presenter.effects.collect { e -> if (e is ThreadEffect.HidePost) nav.push(Destination.Host(d.channelId, hidePostId = e.postId)) }
    }
    ThreadScreen(state, presenter::handle)
}

@Composable
internal fun HostRoute(client: SwarmrollClient, d: Destination.Host, nav: Navigator) {
    val summary = channelSummary(client, d.channelId) ?: return Loading(str("host_loading"))
    val presenter =
        rememberPresenter(d) { scope ->
            HostPresenter(client.channel(d.channelId), summary.name, client.deviceId, summary.myRole, scope, ::closingTime).also { p ->
                d.hidePostId?.let { p.handle(HostEvent.HidePost(it)) }
            }
        }
    val state by presenter.state.collectAsState()
    LaunchedEffect(presenter) { presenter.effects.collect { if (it == HostEffect.Back) nav.pop() } }
    HostScreen(state, presenter::handle)
}

/** When the venue web gallery closes, in the phone's zone and language ("23:30", "11:30 PM"). */
private fun closingTime(ms: Long): String =
    DateTimeFormatter.ofLocalizedTime(FormatStyle.SHORT).format(Instant.ofEpochMilli(ms).atZone(ZoneId.systemDefault()))
