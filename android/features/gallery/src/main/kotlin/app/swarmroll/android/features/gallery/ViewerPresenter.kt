package app.swarmroll.android.features.gallery

import app.swarmroll.android.core.api.ChannelRoom
import app.swarmroll.android.core.api.GalleryTile
import app.swarmroll.android.core.api.MediaKind
import app.swarmroll.android.core.api.SwarmrollFailure
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.cancel
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.receiveAsFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/** One page of the viewer: the tile (its thumbnail is the preview) and its original once here. */
data class ViewerPage(val tile: GalleryTile, val originalPath: String? = null)

data class ViewerState(
    val loading: Boolean = true,
    val pages: List<ViewerPage> = emptyList(),
    val current: Int = 0,
    val thread: ThreadState = ThreadState(),
    /** Shown when the user asks to play a video whose file has not arrived yet. */
    val videoNotHereYet: Boolean = false,
    val error: String? = null
) {
    val page: ViewerPage? get() = pages.getOrNull(current)
}

sealed interface ViewerEvent {
    data class PageChanged(val index: Int) : ViewerEvent
    data object Play : ViewerEvent
    data object Close : ViewerEvent
    data class Thread(val event: ThreadEvent) : ViewerEvent
}

sealed interface ViewerEffect {
    /** Play [path] with the app's Media3 player. */
    data class PlayVideo(val tile: GalleryTile, val path: String) : ViewerEffect
    data class HidePost(val postId: String) : ViewerEffect
    data object Close : ViewerEffect
}

/**
 * The full-screen viewer: a pager over the channel's tiles (live, so a hidden post goes
 * and a new one comes), each showing its thumbnail at once and its original as soon as
 * the core has all of the post's originals on this device ([ChannelRoom.originals], asked
 * again every [pollMs] while that page is shown, since originals arrive in the background).
 * Under it, the current post's thread ([ThreadPresenter]), replaced when the page moves
 * to another post.
 */
class ViewerPresenter(
    private val room: ChannelRoom,
    start: GalleryTile,
    private val scope: CoroutineScope,
    private val canModerate: Boolean = false,
    private val formats: Formats = Formats(),
    private val pollMs: Long = 3_000
) {
    private val mutable = MutableStateFlow(ViewerState())
    val state: StateFlow<ViewerState> = mutable.asStateFlow()
    private val effectChannel = Channel<ViewerEffect>(Channel.BUFFERED)
    val effects: Flow<ViewerEffect> = effectChannel.receiveAsFlow()
    private val originals = HashMap<String, List<String>>()
    private var fetching: Job? = null
    private var thread: ThreadPresenter? = null
    private var threadScope: CoroutineScope? = null
    private var followed: String? = null
    private var current: Pair<String, Int> = start.postId to start.index

    init {
        scope.followGallery(room, fail = { message ->
            mutable.update { it.copy(loading = false, error = message) }
        }) { tiles -> show(tiles) }
    }

    fun handle(event: ViewerEvent) {
        when (event) {
            is ViewerEvent.PageChanged -> {
                val page = state.value.pages.getOrNull(event.index) ?: return
                current = page.tile.postId to page.tile.index
                mutable.update { it.copy(current = event.index, videoNotHereYet = false) }
                follow(page.tile.postId)
            }

            ViewerEvent.Play -> play()

            ViewerEvent.Close -> effectChannel.trySend(ViewerEffect.Close)

            is ViewerEvent.Thread -> thread?.handle(event.event)
        }
    }

    private fun play() {
        val page = state.value.page ?: return
        if (page.tile.kind != MediaKind.Video) return
        val path = page.originalPath
        if (path == null) {
            mutable.update { it.copy(videoNotHereYet = true) }
        } else {
            effectChannel.trySend(ViewerEffect.PlayVideo(page.tile, path))
        }
    }

    private fun show(tiles: List<GalleryTile>) {
        val pages = tiles.map { ViewerPage(it, originals[it.postId]?.getOrNull(it.index)) }
        val (postId, index) = current
        val at =
            pages.indexOfFirst { it.tile.postId == postId && it.tile.index == index }.takeIf { it >= 0 }
                ?: state.value.current.coerceAtMost(pages.size - 1).coerceAtLeast(0)
        mutable.update { it.copy(loading = false, error = null, pages = pages, current = at) }
        pages.getOrNull(at)?.let {
            current = it.tile.postId to it.tile.index
            follow(it.tile.postId)
        }
    }

    /** Starts (or keeps) the thread and the originals' watch for the post on screen. */
    private fun follow(postId: String) {
        if (followed == postId) return
        followed = postId
        threadScope?.cancel()
        fetching?.cancel()
        // The thread lives in a child scope, so moving to another post stops its collection.
        val child = CoroutineScope(scope.coroutineContext + Job(scope.coroutineContext[Job]))
        threadScope = child
        val presenter = ThreadPresenter(room, postId, child, canModerate, formats)
        thread = presenter
        child.launch { presenter.state.collect { t -> mutable.update { it.copy(thread = t) } } }
        child.launch {
            presenter.effects.collect { e -> if (e is ThreadEffect.HidePost) effectChannel.send(ViewerEffect.HidePost(e.postId)) }
        }
        if (originals.containsKey(postId)) return
        fetching =
            scope.launch {
                while (true) {
                    val paths =
                        try {
                            room.originals(postId)
                        } catch (ignored: SwarmrollFailure) {
                            null // not here yet: the preview shows meanwhile
                        }
                    if (paths != null) {
                        originals[postId] = paths
                        mutable.update { s ->
                            s.copy(
                                pages = s.pages.map { p ->
                                    if (p.tile.postId ==
                                        postId
                                    ) {
                                        p.copy(originalPath = paths.getOrNull(p.tile.index))
                                    } else {
                                        p
                                    }
                                }
                            )
                        }
                        return@launch
                    }
                    delay(pollMs)
                }
            }
    }
}
