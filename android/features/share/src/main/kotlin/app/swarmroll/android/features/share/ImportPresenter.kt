package app.swarmroll.android.features.share

import app.swarmroll.android.core.api.ChannelRoom
import app.swarmroll.android.core.api.NodeEvent
import app.swarmroll.android.core.api.ShareSource
import app.swarmroll.android.core.api.SwarmrollFailure
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Job
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.filterIsInstance
import kotlinx.coroutines.flow.receiveAsFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/** Where the import flow is: choosing a time window, reviewing, sharing, or done. */
enum class ImportStage { Window, Review, Sharing, Result }

data class ReviewItem(val candidate: Candidate, val selected: Boolean = true)

/** The event window: its two ends as values, with labels for people. */
data class ImportWindow(
    val startMs: Long,
    val endMs: Long,
    val startLabel: String,
    val endLabel: String,
    val searching: Boolean = false,
    /** Set after a search that found nothing, so the screen can say so. */
    val foundNothing: Boolean = false
) {
    val valid: Boolean get() = endMs > startMs
}

/** A file the core left out, with its reason written for people. */
data class SkippedFile(val candidate: Candidate, val reason: String)

data class ImportResult(
    val shared: Int,
    /** Photos and videos apart, when the core's answer allows knowing which were posted. */
    val photos: Int?,
    val videos: Int?,
    val alreadyThere: Int,
    val skipped: List<SkippedFile>,
    /** Files not handled because sharing stopped part way. */
    val notShared: Int
)

data class ImportState(
    val stage: ImportStage,
    val channelName: String,
    val window: ImportWindow? = null,
    val items: List<ReviewItem> = emptyList(),
    val caption: String = "",
    /** Photos taken in the window since it was opened, not yet added ("3 new photos since you started"). */
    val offered: List<Candidate> = emptyList(),
    val done: Long = 0,
    val total: Long = 0,
    val result: ImportResult? = null,
    val error: String? = null
) {
    private val chosen: List<Candidate> get() = items.filter { it.selected }.map { it.candidate }
    val selectedPhotos: Int get() = chosen.count { !it.isVideo }
    val selectedVideos: Int get() = chosen.count { it.isVideo }
    val canShare: Boolean get() = stage == ImportStage.Review && chosen.isNotEmpty()
}

sealed interface ImportEvent {
    /** Files from the Photo Picker: straight to review. */
    data class Picked(val candidates: List<Candidate>) : ImportEvent
    data object OpenWindow : ImportEvent
    data class SetStart(val ms: Long) : ImportEvent
    data class SetEnd(val ms: Long) : ImportEvent
    data object FindInWindow : ImportEvent
    data class Toggle(val id: String) : ImportEvent
    data class CaptionChanged(val text: String) : ImportEvent
    data object Share : ImportEvent
    data object AddOffered : ImportEvent
    data object DismissOffered : ImportEvent

    /** From the result: review what arrived in the window since (the offered photos). */
    data object ShareOffered : ImportEvent
    data object Back : ImportEvent
    data object Done : ImportEvent
}

sealed interface ImportEffect {
    data object Close : ImportEffect
}

/**
 * The import flow: nothing is posted until the user has reviewed it. Files come from
 * the Photo Picker ([ImportEvent.Picked]) or from an event window — "everything I shot
 * between 6 pm and midnight" — found through [source]; while that window is open, photos
 * taken since are offered rather than added behind the user's back. Sharing reports the
 * core's [NodeEvent.ImportProgress] and ends with what the core did with every file.
 */
class ImportPresenter(
    private val room: ChannelRoom,
    channelName: String,
    private val events: Flow<NodeEvent>,
    private val source: CandidateSource,
    private val scope: CoroutineScope,
    private val clock: WindowClock = WindowClock()
) {
    private val mutable = MutableStateFlow(ImportState(ImportStage.Review, channelName))
    val state: StateFlow<ImportState> = mutable.asStateFlow()
    private val effectChannel = Channel<ImportEffect>(Channel.BUFFERED)
    val effects: Flow<ImportEffect> = effectChannel.receiveAsFlow()
    private var watching: Job? = null

    /** Everything reviewed, shared or dismissed in this flow, so it is not offered again. */
    private val known = HashSet<Triple<String, Long, Long?>>()

    fun handle(event: ImportEvent) {
        when (event) {
            is ImportEvent.Picked -> review(event.candidates)

            ImportEvent.OpenWindow -> openWindow()

            is ImportEvent.SetStart -> setWindow(start = event.ms)

            is ImportEvent.SetEnd -> setWindow(end = event.ms)

            ImportEvent.FindInWindow -> find()

            is ImportEvent.Toggle ->
                mutable.update { s ->
                    s.copy(
                        items = s.items.map {
                            if (it.candidate.id ==
                                event.id
                            ) {
                                it.copy(selected = !it.selected)
                            } else {
                                it
                            }
                        }
                    )
                }

            is ImportEvent.CaptionChanged -> mutable.update { it.copy(caption = event.text) }

            ImportEvent.Share -> share()

            ImportEvent.AddOffered ->
                mutable.update { s -> s.copy(items = s.items + s.offered.map { ReviewItem(it) }, offered = emptyList()) }

            ImportEvent.DismissOffered -> mutable.update { it.copy(offered = emptyList()) }

            ImportEvent.ShareOffered -> mutable.update { s ->
                s.copy(
                    stage = ImportStage.Review,
                    items = s.offered.map {
                        ReviewItem(it)
                    },
                    offered = emptyList(),
                    caption = "",
                    result = null
                )
            }

            ImportEvent.Back -> back()

            ImportEvent.Done -> close()
        }
    }

    private fun review(candidates: List<Candidate>) {
        known += candidates.map { it.key }
        mutable.update { it.copy(stage = ImportStage.Review, items = candidates.map { c -> ReviewItem(c) }, error = null) }
    }

    private fun openWindow() {
        val (start, end) = clock.thisEvening()
        mutable.update { it.copy(stage = ImportStage.Window, window = window(start, end)) }
    }

    private fun window(start: Long, end: Long) = ImportWindow(start, end, clock.label(start), clock.label(end))

    private fun setWindow(start: Long? = null, end: Long? = null) {
        val w = state.value.window ?: return
        mutable.update { it.copy(window = window(start ?: w.startMs, end ?: w.endMs)) }
    }

    private fun find() {
        val w = state.value.window ?: return
        if (!w.valid || w.searching) return
        mutable.update { it.copy(window = w.copy(searching = true), error = null) }
        scope.launch {
            val found =
                try {
                    source.between(w.startMs, w.endMs)
                } catch (e: SwarmrollFailure) {
                    mutable.update { it.copy(window = w, error = e.message) }
                    return@launch
                }
            if (found.isEmpty()) {
                mutable.update { it.copy(window = w.copy(foundNothing = true)) }
                return@launch
            }
            review(found)
            watch(w)
        }
    }

    /** Offers what the source reports in the window from now on, each file once. */
    private fun watch(w: ImportWindow) {
        watching?.cancel()
        watching =
            scope.launch {
                source.arrivals(w.startMs, w.endMs).collect { batch ->
                    val fresh = batch.filter { known.add(it.key) }
                    if (fresh.isNotEmpty()) mutable.update { it.copy(offered = it.offered + fresh) }
                }
            }
    }

    private fun share() {
        val s = state.value
        if (!s.canShare) return
        val chosen = s.items.filter { it.selected }.map { it.candidate }
        mutable.update { it.copy(stage = ImportStage.Sharing, done = 0, total = chosen.size.toLong(), error = null) }
        scope.launch {
            val progress =
                launch(start = CoroutineStart.UNDISPATCHED) {
                    events.filterIsInstance<NodeEvent.ImportProgress>().collect { p ->
                        mutable.update { it.copy(done = p.done, total = p.total) }
                    }
                }
            try {
                val outcome = room.share(s.caption.trim(), chosen.map { ShareSource(it.path, it.id, it.takenMs) })
                val skippedIdx = outcome.skipped.map { it.index }.toSet()
                val skipped = outcome.skipped.mapNotNull { k -> chosen.getOrNull(k.index)?.let { SkippedFile(it, k.reason) } }
                // The core counts shared files without naming them; photos and videos apart
                // are only exact when everything not skipped was posted.
                val posted = chosen.filterIndexed { i, _ -> i !in skippedIdx }.takeIf { it.size == outcome.shared }
                val result =
                    ImportResult(
                        outcome.shared,
                        posted?.count {
                            !it.isVideo
                        },
                        posted?.count { it.isVideo },
                        outcome.duplicates,
                        skipped,
                        outcome.notShared
                    )
                mutable.update { it.copy(stage = ImportStage.Result, result = result, done = it.total) }
            } catch (e: SwarmrollFailure) {
                mutable.update { it.copy(stage = ImportStage.Review, error = e.message) }
            } finally {
                progress.cancel()
            }
        }
    }

    private fun back() {
        val s = state.value
        when {
            s.stage == ImportStage.Review && s.window != null -> mutable.update {
                it.copy(stage = ImportStage.Window, items = emptyList(), offered = emptyList())
            }

            s.stage == ImportStage.Sharing -> Unit

            // the core is posting; the result follows
            else -> close()
        }
    }

    private fun close() {
        watching?.cancel()
        effectChannel.trySend(ImportEffect.Close)
    }
}
