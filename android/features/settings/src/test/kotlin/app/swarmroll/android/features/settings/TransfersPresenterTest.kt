package app.swarmroll.android.features.settings

import app.swarmroll.android.core.api.Person
import app.swarmroll.android.core.api.Transfer
import app.swarmroll.android.core.test.FakeSwarmrollClient
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.test.UnconfinedTestDispatcher
import kotlinx.coroutines.test.runTest
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

@OptIn(ExperimentalCoroutinesApi::class)
class TransfersPresenterTest {
    private val client = FakeSwarmrollClient()
    private val party = client.addChannel("Garden party")
    private val ben = Person("b1".repeat(32), "Ben")

    @Test
    fun eachTransferIsNamedByItsChannelAndWhatThePostHolds() = runTest(UnconfinedTestDispatcher()) {
        val post = party.receivePost(ben, "Cake", listOf("image/jpeg", "image/jpeg", "video/mp4"), thumbnail = byteArrayOf(1, 2, 3))
        client.transferList.value = listOf(Transfer(party.id, post, 10L shl 20, 40L shl 20, 2L shl 20))
        val p = TransfersPresenter(client, backgroundScope)

        val row = p.state.value.rows.single()
        assertEquals("Garden party", row.channelName)
        assertEquals(2 to 1, row.photos to row.videos)
        assertTrue(row.thumbnail.contentEquals(byteArrayOf(1, 2, 3)))
        assertEquals(0.25f, row.fraction, 0.001f)
    }

    @Test
    fun theTotalSumsEveryPostAndEstimatesTheTimeLeft() = runTest(UnconfinedTestDispatcher()) {
        val a = party.receivePost(ben, "A", listOf("image/jpeg"))
        val b = party.receivePost(ben, "B", listOf("video/mp4"))
        client.transferList.value =
            listOf(Transfer(party.id, a, 10_000_000, 30_000_000, 1_000_000), Transfer(party.id, b, 0, 100_000_000, 1_000_000))
        val p = TransfersPresenter(client, backgroundScope)
        assertEquals(10_000_000L, p.state.value.haveBytes)
        assertEquals(130_000_000L, p.state.value.totalBytes)
        assertEquals(2_000_000L, p.state.value.bytesPerSecond)
        assertEquals(60L, p.state.value.secondsLeft)
    }

    @Test
    fun theListFollowsTheCoreLiveAndEmptiesWhenDone() = runTest(UnconfinedTestDispatcher()) {
        val post = party.receivePost(ben, "A", listOf("image/jpeg"))
        val p = TransfersPresenter(client, backgroundScope)
        assertFalse(p.state.value.loading)
        assertTrue(p.state.value.rows.isEmpty())
        client.transferList.value = listOf(Transfer(party.id, post, 0, 5_000_000, 0))
        assertEquals(1, p.state.value.rows.size)
        assertNull(p.state.value.secondsLeft)
        client.transferList.value = emptyList()
        assertTrue(p.state.value.rows.isEmpty())
    }
}
