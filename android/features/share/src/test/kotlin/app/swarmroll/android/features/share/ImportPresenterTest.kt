package app.swarmroll.android.features.share

import app.swarmroll.android.core.api.ChannelRoom
import app.swarmroll.android.core.api.NodeEvent
import app.swarmroll.android.core.api.ShareOutcome
import app.swarmroll.android.core.api.ShareSource
import app.swarmroll.android.core.api.SwarmrollFailure
import app.swarmroll.android.core.api.ThreadEntry
import app.swarmroll.android.core.test.FakeChannelRoom
import app.swarmroll.android.core.test.FakeSwarmrollClient
import java.time.ZoneOffset
import java.util.Locale
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.UnconfinedTestDispatcher
import kotlinx.coroutines.test.runTest
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

@OptIn(ExperimentalCoroutinesApi::class)
class ImportPresenterTest {
    private val client = FakeSwarmrollClient()
    private val room = client.addChannel("Garden party")
    private val source = FakeSource()

    /** Saturday 13 June 2026, 20:00 UTC. */
    private var now = 1_781_380_800_000L
    private val clock = WindowClock(ZoneOffset.UTC, Locale.UK) { now }

    private fun TestScope.presenter(r: ChannelRoom = room) =
        ImportPresenter(r, "Garden party", client.events(), source, backgroundScope, clock)

    private fun photo(n: Int, takenMs: Long = now) = Candidate("ms:$n", "/cache/IMG_$n.jpg", "IMG_$n.jpg", "image/jpeg", takenMs, 3_000_000)

    private fun video(n: Int) = Candidate("ms:$n", "/cache/VID_$n.mp4", "VID_$n.mp4", "video/mp4", now, 40_000_000, durationMs = 38_000)

    private fun test(body: suspend TestScope.() -> Unit) = runTest(UnconfinedTestDispatcher()) { body() }

    @Test
    fun pickedFilesAreReviewedAndNothingIsPostedBeforeShare() = test {
        val p = presenter()
        p.handle(ImportEvent.Picked(listOf(photo(1), photo(2), video(3))))
        assertEquals(ImportStage.Review, p.state.value.stage)
        assertEquals(2, p.state.value.selectedPhotos)
        assertEquals(1, p.state.value.selectedVideos)
        assertTrue(room.tiles.value.isEmpty())
    }

    @Test
    fun onlySelectedFilesAreSharedWithTheCaption() = test {
        val p = presenter()
        p.handle(ImportEvent.Picked(listOf(photo(1), photo(2), video(3))))
        p.handle(ImportEvent.Toggle("ms:2"))
        assertEquals(1, p.state.value.selectedPhotos)
        p.handle(ImportEvent.CaptionChanged("  Cake!  "))
        p.handle(ImportEvent.Share)

        assertEquals(ImportStage.Result, p.state.value.stage)
        assertEquals(ImportResult(2, 1, 1, 0, emptyList(), 0), p.state.value.result)
        val post = room.thread(room.tiles.value.first().postId).first().first() as ThreadEntry.Post
        assertEquals("Cake!", post.caption)
        assertEquals(listOf("image/jpeg", "video/mp4"), post.files.map { it.mime })
    }

    @Test
    fun nothingSelectedCannotBeShared() = test {
        val p = presenter()
        p.handle(ImportEvent.Picked(listOf(photo(1))))
        p.handle(ImportEvent.Toggle("ms:1"))
        assertFalse(p.state.value.canShare)
        p.handle(ImportEvent.Share)
        assertEquals(ImportStage.Review, p.state.value.stage)
    }

    @Test
    fun progressFollowsTheCoresImportProgressEvents() = test {
        val gate = Gated(room)
        val p = presenter(gate)
        p.handle(ImportEvent.Picked((1..14).map { photo(it) }))
        p.handle(ImportEvent.Share)
        assertEquals(ImportStage.Sharing, p.state.value.stage)
        assertEquals(0L to 14L, p.state.value.done to p.state.value.total)

        client.emit(NodeEvent.ImportProgress(3, 14))
        assertEquals(3L to 14L, p.state.value.done to p.state.value.total)
        gate.open.complete(Unit)
        assertEquals(ImportStage.Result, p.state.value.stage)
        client.emit(NodeEvent.ImportProgress(1, 5))
        assertEquals(14L, p.state.value.done)
    }

    @Test
    fun theResultSaysWhatWasAlreadyThereAndWhyEachFileWasLeftOut() = test {
        room.share("Earlier", listOf(ShareSource("/cache/IMG_1.jpg")))
        val notes = Candidate("ms:9", "/cache/notes.pdf", "notes.pdf", "application/pdf", now, 20_000)
        val p = presenter()
        p.handle(ImportEvent.Picked(listOf(photo(1), notes, photo(2))))
        p.handle(ImportEvent.Share)

        val r = p.state.value.result!!
        assertEquals(1, r.shared)
        assertEquals(1, r.alreadyThere)
        assertEquals(listOf(SkippedFile(notes, "not a photo or video")), r.skipped)
        // One of the two photos was already there, and the core does not say which.
        assertNull(r.photos)
    }

    @Test
    fun aFailedShareGoesBackToTheReviewWithTheCoresMessage() = test {
        val p = presenter(Full(room))
        p.handle(ImportEvent.Picked(listOf(photo(1))))
        p.handle(ImportEvent.Share)
        assertEquals(ImportStage.Review, p.state.value.stage)
        assertEquals("the phone's storage is full", p.state.value.error)
        assertEquals(1, p.state.value.items.size)
    }

    @Test
    fun theEventWindowStartsAsThisEveningAndFindsWhatWasShotInIt() = test {
        val p = presenter()
        p.handle(ImportEvent.OpenWindow)
        val w = p.state.value.window!!
        assertEquals(ImportStage.Window, p.state.value.stage)
        assertEquals("Sat 13 Jun, 18:00" to "Sun 14 Jun, 00:00", w.startLabel to w.endLabel)
        p.handle(ImportEvent.SetStart(w.startMs - 30 * 60_000))
        source.library = listOf(photo(1, now - 3 * HOUR), photo(2, now - HOUR), photo(3, now))
        p.handle(ImportEvent.FindInWindow)

        assertEquals(listOf(w.startMs - 30 * 60_000 to w.endMs), source.asked)
        assertEquals(ImportStage.Review, p.state.value.stage)
        assertEquals(listOf("ms:2", "ms:3"), p.state.value.items.map { it.candidate.id })
    }

    @Test
    fun beforeNoonTheWindowIsLastNight() = test {
        now += 14 * HOUR
        val p = presenter()
        p.handle(ImportEvent.OpenWindow)
        assertEquals("Sat 13 Jun, 18:00", p.state.value.window!!.startLabel)
    }

    @Test
    fun aWindowEndingBeforeItStartsCannotBeSearched() = test {
        val p = presenter()
        p.handle(ImportEvent.OpenWindow)
        val w = p.state.value.window!!
        p.handle(ImportEvent.SetEnd(w.startMs - HOUR))
        assertFalse(p.state.value.window!!.valid)
        p.handle(ImportEvent.FindInWindow)
        assertTrue(source.asked.isEmpty())
    }

    @Test
    fun anEmptyWindowSaysNothingWasFound() = test {
        val p = presenter()
        p.handle(ImportEvent.OpenWindow)
        p.handle(ImportEvent.FindInWindow)
        assertEquals(ImportStage.Window, p.state.value.stage)
        assertTrue(p.state.value.window!!.foundNothing)
    }

    @Test
    fun photosTakenWhileTheWindowIsOpenAreOfferedOnceAndAddedOnlyWhenAsked() = test {
        source.library = listOf(photo(1))
        val p = presenter()
        p.handle(ImportEvent.OpenWindow)
        p.handle(ImportEvent.FindInWindow)
        source.arrivals.emit(listOf(photo(1), photo(2), photo(3)))
        source.arrivals.emit(listOf(photo(3)))
        assertEquals(listOf("ms:2", "ms:3"), p.state.value.offered.map { it.id })
        assertEquals(1, p.state.value.items.size)

        p.handle(ImportEvent.AddOffered)
        assertEquals(listOf("ms:1", "ms:2", "ms:3"), p.state.value.items.map { it.candidate.id })
        assertTrue(p.state.value.offered.isEmpty())
    }

    @Test
    fun afterSharingNewArrivalsCanBeReviewedAsTheNextPost() = test {
        source.library = listOf(photo(1))
        val p = presenter()
        p.handle(ImportEvent.OpenWindow)
        p.handle(ImportEvent.FindInWindow)
        p.handle(ImportEvent.Share)
        source.arrivals.emit(listOf(photo(4)))
        assertEquals(ImportStage.Result, p.state.value.stage)
        assertEquals(1, p.state.value.offered.size)

        p.handle(ImportEvent.ShareOffered)
        assertEquals(ImportStage.Review, p.state.value.stage)
        assertEquals(listOf("ms:4"), p.state.value.items.map { it.candidate.id })
    }

    @Test
    fun backFromAWindowsReviewReturnsToTheWindowAndDoneCloses() = test {
        source.library = listOf(photo(1))
        val p = presenter()
        val effects = mutableListOf<ImportEffect>()
        backgroundScope.launch { p.effects.toList(effects) }
        p.handle(ImportEvent.OpenWindow)
        p.handle(ImportEvent.FindInWindow)
        p.handle(ImportEvent.Back)
        assertEquals(ImportStage.Window, p.state.value.stage)
        assertTrue(effects.isEmpty())
        p.handle(ImportEvent.Back)
        assertEquals(listOf<ImportEffect>(ImportEffect.Close), effects)
    }

    /** A photo library: [between] filters by time, [arrivals] is driven by the test. */
    class FakeSource : CandidateSource {
        var library: List<Candidate> = emptyList()
        val asked = mutableListOf<Pair<Long, Long>>()
        val arrivals = MutableSharedFlow<List<Candidate>>()

        override suspend fun between(startMs: Long, endMs: Long): List<Candidate> {
            asked += startMs to endMs
            return library.filter { (it.takenMs ?: 0) in startMs until endMs }
        }

        override fun arrivals(startMs: Long, endMs: Long): Flow<List<Candidate>> = arrivals
    }

    /** Shares only once the test opens the gate, as a long import would take a while. */
    private class Gated(private val inner: FakeChannelRoom) : ChannelRoom by inner {
        val open = CompletableDeferred<Unit>()

        override suspend fun share(caption: String, files: List<ShareSource>): ShareOutcome {
            open.await()
            return inner.share(caption, files)
        }
    }

    private class Full(private val inner: FakeChannelRoom) : ChannelRoom by inner {
        override suspend fun share(caption: String, files: List<ShareSource>): ShareOutcome =
            throw SwarmrollFailure(SwarmrollFailure.Kind.Storage, "the phone's storage is full")
    }

    companion object {
        const val HOUR = 3_600_000L
    }
}
