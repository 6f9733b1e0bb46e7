package app.swarmroll.android.desktop

import app.swarmroll.android.core.api.ChannelRoom
import app.swarmroll.android.core.api.NodeEvent
import app.swarmroll.android.core.api.ShareOutcome
import app.swarmroll.android.core.api.ShareSource
import app.swarmroll.android.core.api.SwarmrollFailure
import app.swarmroll.android.core.test.FakeChannelRoom
import app.swarmroll.android.core.test.FakeSwarmrollClient
import app.swarmroll.android.features.share.Candidate
import app.swarmroll.android.features.share.CandidateSource
import app.swarmroll.android.features.share.ImportEvent
import app.swarmroll.android.features.share.ImportPresenter
import app.swarmroll.android.features.share.ImportScreen
import app.swarmroll.android.features.share.ImportState
import app.swarmroll.android.features.share.WindowClock
import java.time.ZoneOffset
import java.util.Locale
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Test

/** The import flow's screens, driven through the presenter over the fakes with real thumbnails. */
class ShareScreenshotsTest {
    private val scope = CoroutineScope(Dispatchers.Unconfined)
    private val client = FakeSwarmrollClient()
    private val room = client.addChannel("Lena & Sam's wedding")
    private val source = Library()
    private val clock = WindowClock(ZoneOffset.UTC, Locale.UK) { SATURDAY_11PM }

    @After
    fun stop() = scope.cancel()

    private fun presenter(r: ChannelRoom = room) = ImportPresenter(r, "Lena & Sam's wedding", client.events(), source, scope, clock)

    /** 12 photos and 2 videos from the evening, with thumbnails made from the fixture photos. */
    private val evening: List<Candidate> =
        (0 until 14).map { i ->
            val video = i == 4 || i == 9
            val taken = SATURDAY_11PM - (5 * HOUR) + i * 17 * MINUTE
            Candidate(
                id = "content://media/external/images/${1000 + i}",
                path = "/data/cache/import/${if (video) "VID" else "IMG"}_20260613_${1800 + i}.${if (video) "mp4" else "jpg"}",
                name = "${if (video) "VID" else "IMG"}_20260613_${1800 + i}.${if (video) "mp4" else "jpg"}",
                mime = if (video) "video/mp4" else "image/jpeg",
                takenMs = taken,
                sizeBytes = if (video) 48_000_000 else 3_200_000,
                durationMs = if (video) (if (i == 4) 38_000 else 95_000) else null,
                thumbnail = FixturePhotos.thumbnail(i + 3)
            )
        }

    private fun reviewing(): ImportPresenter = presenter().also {
        source.photos = evening
        it.handle(ImportEvent.OpenWindow)
        it.handle(ImportEvent.FindInWindow)
        it.handle(ImportEvent.Toggle(evening[6].id))
        it.handle(ImportEvent.CaptionChanged("The party after the first dance"))
        runBlocking { source.arrivals.emit(evening.take(3).map { c -> c.copy(id = c.id + "-new", takenMs = SATURDAY_11PM) }) }
    }

    private fun shot(name: String, state: ImportState, dark: Boolean = false, fontScale: Float = 1f) =
        Screenshots.check(name, dark = dark, fontScale = fontScale) { ImportScreen(state, {}) }

    @Test
    fun reviewWithNewPhotosOffered() = shot("share-review", reviewing().state.value)

    @Test
    fun reviewDark() = shot("share-review-dark", reviewing().state.value, dark = true)

    @Test
    fun reviewLargeFont() = shot("share-review-large-font", reviewing().state.value, fontScale = 1.3f)

    @Test
    fun reviewWithNothingSelected() {
        val p = presenter()
        p.handle(ImportEvent.Picked(evening.take(2)))
        evening.take(2).forEach { p.handle(ImportEvent.Toggle(it.id)) }
        shot("share-review-empty", p.state.value)
    }

    @Test
    fun reviewAfterAFailedShare() {
        val p = presenter(Failing(room))
        p.handle(ImportEvent.Picked(evening.take(5)))
        p.handle(ImportEvent.Share)
        shot("share-review-error", p.state.value)
    }

    @Test
    fun progress() {
        val gated = Gated(room)
        val p = presenter(gated)
        p.handle(ImportEvent.Picked(evening))
        p.handle(ImportEvent.Share)
        client.emit(NodeEvent.ImportProgress(3, 14))
        shot("share-progress", p.state.value)
        shot("share-progress-dark", p.state.value, dark = true)
    }

    @Test
    fun resultWithDuplicatesAndSkippedFiles() {
        val p = presenter(WithReasons(room))
        p.handle(ImportEvent.Picked(evening))
        p.handle(ImportEvent.Share)
        runBlocking { source.arrivals.emit(emptyList()) }
        shot("share-result", p.state.value)
        shot("share-result-large-font", p.state.value, fontScale = 1.3f)
    }

    @Test
    fun eventWindow() {
        val p = presenter()
        p.handle(ImportEvent.OpenWindow)
        shot("share-window", p.state.value)
        shot("share-window-dark", p.state.value, dark = true)
    }

    @Test
    fun eventWindowFoundNothingLargeFont() {
        val p = presenter()
        p.handle(ImportEvent.OpenWindow)
        p.handle(ImportEvent.FindInWindow)
        shot("share-window-nothing-large-font", p.state.value, fontScale = 1.3f)
    }

    @Test
    fun eventWindowSearching() {
        val slow = Library(CompletableDeferred())
        val p = ImportPresenter(room, "Lena & Sam's wedding", client.events(), slow, scope, clock)
        p.handle(ImportEvent.OpenWindow)
        p.handle(ImportEvent.FindInWindow)
        shot("share-window-loading", p.state.value)
    }

    /** The phone's photos in memory; [gate] holds searches until it completes. */
    private class Library(private val gate: CompletableDeferred<Unit>? = null) : CandidateSource {
        var photos: List<Candidate> = emptyList()
        val arrivals = MutableSharedFlow<List<Candidate>>()

        override suspend fun between(startMs: Long, endMs: Long): List<Candidate> {
            gate?.await()
            return photos.filter { (it.takenMs ?: 0) in startMs until endMs }
        }

        override fun arrivals(startMs: Long, endMs: Long): Flow<List<Candidate>> = arrivals
    }

    private class Gated(private val inner: FakeChannelRoom) : ChannelRoom by inner {
        override suspend fun share(caption: String, files: List<ShareSource>): ShareOutcome = CompletableDeferred<ShareOutcome>().await()
    }

    private class Failing(private val inner: FakeChannelRoom) : ChannelRoom by inner {
        override suspend fun share(caption: String, files: List<ShareSource>): ShareOutcome =
            throw SwarmrollFailure(SwarmrollFailure.Kind.Storage, "The phone's storage is full. Free some space and share again.")
    }

    /** The core's answer for a batch with two already in the channel and two it could not use. */
    private class WithReasons(private val inner: FakeChannelRoom) : ChannelRoom by inner {
        override suspend fun share(caption: String, files: List<ShareSource>): ShareOutcome = ShareOutcome(
            postIds = listOf("p1"),
            shared = files.size - 4,
            duplicates = 2,
            skipped =
                listOf(
                    ShareOutcome.Skipped(7, "the file is incomplete (truncated)"),
                    ShareOutcome.Skipped(11, "its location cannot be removed (GoPro GPS track); share it only with its location kept")
                ),
            notShared = 0
        )
    }

    companion object {
        const val MINUTE = 60_000L
        const val HOUR = 60 * MINUTE

        /** 2026-06-13 23:00 UTC, during the party. */
        const val SATURDAY_11PM = 1_781_391_600_000L
    }
}
