package app.swarmroll.android.features.gallery

import app.swarmroll.android.core.api.ChannelRoom
import app.swarmroll.android.core.api.Person
import app.swarmroll.android.core.test.FakeChannelRoom
import app.swarmroll.android.core.test.FakeSwarmrollClient
import java.time.ZoneOffset
import java.util.Locale
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.UnconfinedTestDispatcher
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

@OptIn(ExperimentalCoroutinesApi::class)
class ViewerPresenterTest {
    private val client = FakeSwarmrollClient()
    private val room = client.addChannel("Garden party")
    private val ben = Person("b1".repeat(32), "Ben")
    private val formats = Formats(ZoneOffset.UTC, Locale.UK) { 1_780_000_000_000 }
    private val older = room.receivePost(ben, "Speeches", listOf("image/jpeg", "video/mp4"))
    private val newer = room.receivePost(ben, "First dance", listOf("image/jpeg"))

    private fun tile(postId: String, index: Int) = room.tiles.value.first { it.postId == postId && it.index == index }

    @Test
    fun theViewerOpensOnTheTappedTileWithItsPostsThread() = runTest(UnconfinedTestDispatcher()) {
        val p = ViewerPresenter(OriginalsLater(room, arrivesAfter = 99), tile(older, 1), backgroundScope, formats = formats)
        assertEquals(older, p.state.value.page!!.tile.postId)
        assertEquals(1, p.state.value.page!!.tile.index)
        assertEquals("Speeches", p.state.value.thread.post!!.caption)
    }

    @Test
    fun aPageShowsThePreviewUntilTheOriginalsArriveThenTheOriginal() = runTest(UnconfinedTestDispatcher()) {
        val later = OriginalsLater(room, arrivesAfter = 2)
        val p = ViewerPresenter(later, tile(newer, 0), backgroundScope, formats = formats, pollMs = 1_000)
        assertNull(p.state.value.page!!.originalPath)
        advanceTimeBy(1_001)
        assertNull(p.state.value.page!!.originalPath)
        advanceTimeBy(1_000)
        runCurrent()
        assertEquals("/data/originals/$newer/0.jpg", p.state.value.page!!.originalPath)
    }

    @Test
    fun movingToAnotherPostSwitchesTheThread() = runTest(UnconfinedTestDispatcher()) {
        val p = ViewerPresenter(OriginalsLater(room, arrivesAfter = 99), tile(newer, 0), backgroundScope, formats = formats)
        assertEquals("First dance", p.state.value.thread.post!!.caption)
        p.handle(ViewerEvent.PageChanged(1))
        assertEquals("Speeches", p.state.value.thread.post!!.caption)
        room.receiveComment(ben, older, "Great speech")
        assertEquals(listOf("Great speech"), p.state.value.thread.comments.map { it.text })
    }

    @Test
    fun playingAVideoWaitsForItsFileThenAsksTheAppsPlayer() = runTest(UnconfinedTestDispatcher()) {
        val later = OriginalsLater(room, arrivesAfter = 1)
        val p = ViewerPresenter(later, tile(older, 1), backgroundScope, formats = formats, pollMs = 1_000)
        val seen = mutableListOf<ViewerEffect>()
        backgroundScope.launch { p.effects.toList(seen) }
        p.handle(ViewerEvent.Play)
        assertTrue(p.state.value.videoNotHereYet)
        assertTrue(seen.isEmpty())

        advanceTimeBy(1_001)
        p.handle(ViewerEvent.Play)
        assertEquals(listOf(ViewerEffect.PlayVideo(tile(older, 1), "/data/originals/$older/1.mp4")), seen)
    }

    @Test
    fun aHiddenPostLeavesThePagerAndTheViewerStaysNearby() = runTest(UnconfinedTestDispatcher()) {
        val p = ViewerPresenter(OriginalsLater(room, arrivesAfter = 99), tile(newer, 0), backgroundScope, formats = formats)
        assertEquals(3, p.state.value.pages.size)
        room.setHidden(newer, true)
        assertEquals(2, p.state.value.pages.size)
        assertEquals(older, p.state.value.page!!.tile.postId)
        assertEquals("Speeches", p.state.value.thread.post!!.caption)
    }

    /** Originals that arrive after [arrivesAfter] asks, as a background fetch would deliver them. */
    private class OriginalsLater(private val inner: FakeChannelRoom, private val arrivesAfter: Int) : ChannelRoom by inner {
        private var asks = 0

        override suspend fun originals(postId: String): List<String>? {
            if (++asks <= arrivesAfter) return null
            val files = inner.tiles.value.filter { it.postId == postId }.sortedBy { it.index }
            return files.map { "/data/originals/$postId/${it.index}.${if (it.mime.startsWith("video/")) "mp4" else "jpg"}" }
        }
    }
}
