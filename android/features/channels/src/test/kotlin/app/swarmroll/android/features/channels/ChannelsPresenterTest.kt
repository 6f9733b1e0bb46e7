package app.swarmroll.android.features.channels

import app.swarmroll.android.core.api.ChannelSummary
import app.swarmroll.android.core.api.Person
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.core.api.SwarmrollFailure
import app.swarmroll.android.core.test.FakeSwarmrollClient
import java.time.LocalDate
import java.time.ZoneOffset
import java.util.Locale
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.UnconfinedTestDispatcher
import kotlinx.coroutines.test.runTest
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Test

/** The channel list and the everything timeline follow the core live, against the fake. */
@OptIn(ExperimentalCoroutinesApi::class)
class ChannelsPresenterTest {
    private val maya = Person("d1".repeat(32), "Maya")
    private val jon = Person("d2".repeat(32), "Jon")

    /** Collections run in the test's background scope, eagerly, and stop when the test ends. */
    private fun TestScope.presenter(client: SwarmrollClient, today: LocalDate = LocalDate.of(2026, 6, 28)) =
        ChannelsPresenter(client, backgroundScope, ZoneOffset.UTC, Locale.UK) { today }

    @Test
    fun theListIsLoadingThenEmptyWhenThereAreNoChannels() = runTest(UnconfinedTestDispatcher()) {
        val client = FakeSwarmrollClient()
        val p = presenter(client)
        assertEquals(emptyList<Any>(), p.state.value.channels)
        assertNull(p.state.value.error)
    }

    @Test
    fun theChannelListUpdatesLiveWhenAPostArrives() = runTest(UnconfinedTestDispatcher()) {
        val client = FakeSwarmrollClient()
        val garden = client.addChannel("Garden party")
        val p = presenter(client)
        assertEquals(0L, p.state.value.channels!!.single().items)
        garden.receivePost(maya, "Cake!", listOf("image/jpeg", "image/jpeg", "video/mp4"))
        val row = p.state.value.channels!!.single()
        assertEquals(2L, row.photos)
        assertEquals(1L, row.videos)
        assertEquals(1L, row.unread)
        client.addChannel("Maya & Jon's wedding", Role.Contributor)
        assertEquals(listOf("Garden party", "Maya & Jon's wedding"), p.state.value.channels!!.map { it.name })
    }

    @Test
    fun theTimelineIsCollectedOnlyOnceOpenedAndMergesChannelsNewestFirst() = runTest(UnconfinedTestDispatcher()) {
        val client = FakeSwarmrollClient()
        val garden = client.addChannel("Garden party")
        val wedding = client.addChannel("Maya & Jon's wedding")
        // The fake's rooms keep their own clocks: set them so the posts interleave in time.
        garden.clock = 1_782_640_800_000 // 2026-06-28 10:00 UTC
        wedding.clock = 1_782_554_400_000 // 2026-06-27 10:00 UTC
        val p = presenter(client)
        garden.receivePost(maya, "", listOf("image/jpeg"))
        assertNull("not read before the tab is opened", p.state.value.timeline)
        p.handle(ChannelsEvent.SelectTab(ChannelsTab.Everything))
        wedding.receivePost(jon, "", listOf("video/mp4"))
        wedding.clock = 1_782_648_000_000 // 2026-06-28 12:00 UTC, after the garden's
        wedding.receivePost(jon, "", listOf("image/jpeg"))
        val days = p.state.value.timeline!!
        assertEquals(listOf<DayLabel>(DayLabel.Today, DayLabel.Yesterday), days.map { it.label })
        assertEquals(listOf("Maya & Jon's wedding", "Garden party"), days[0].tiles.map { it.channelName })
        assertEquals(listOf("Maya & Jon's wedding"), days[1].tiles.map { it.channelName })
        assertEquals(1, days[1].videos)
        assertEquals(0, days[1].photos)
    }

    @Test
    fun olderDaysAreLabelledWithTheirDate() = runTest(UnconfinedTestDispatcher()) {
        val client = FakeSwarmrollClient()
        val garden = client.addChannel("Garden party")
        garden.clock = 1_780_000_000_000 // 2026-05-28 UTC
        garden.receivePost(maya, "", listOf("image/jpeg"))
        val p = presenter(client)
        p.handle(ChannelsEvent.SelectTab(ChannelsTab.Everything))
        val label = p.state.value.timeline!!.single().label
        assertEquals(DayLabel.Date("Thursday, 28 May 2026"), label)
    }

    @Test
    fun aFailingListShowsTheCoresMessageAndRetryCollectsAgain() = runTest(UnconfinedTestDispatcher()) {
        val fake = FakeSwarmrollClient()
        fake.addChannel("Garden party")
        var fail = true
        val client =
            object : SwarmrollClient by fake {
                override fun channels(): Flow<List<ChannelSummary>> = if (fail) {
                    flow { throw SwarmrollFailure(SwarmrollFailure.Kind.Storage, "the phone's storage could not be read") }
                } else {
                    fake.channels()
                }
            }
        val p = presenter(client)
        assertEquals("the phone's storage could not be read", p.state.value.error)
        fail = false
        p.handle(ChannelsEvent.Retry)
        assertNull(p.state.value.error)
        assertEquals(listOf("Garden party"), p.state.value.channels!!.map { it.name })
    }
}
