package app.swarmroll.android.features.gallery

import app.swarmroll.android.core.api.ChannelRoom
import app.swarmroll.android.core.api.GalleryTile
import app.swarmroll.android.core.api.Person
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.api.ShareSource
import app.swarmroll.android.core.api.SwarmrollFailure
import app.swarmroll.android.core.test.FakeChannelRoom
import app.swarmroll.android.core.test.FakeSwarmrollClient
import java.time.LocalDate
import java.time.ZoneOffset
import java.util.Locale
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.UnconfinedTestDispatcher
import kotlinx.coroutines.test.runTest
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

@OptIn(ExperimentalCoroutinesApi::class)
class GalleryPresenterTest {
    private val client = FakeSwarmrollClient()
    private val room = client.addChannel("Garden party")
    private val ben = Person("b1".repeat(32), "Ben")

    /** 2026-06-13 20:00 UTC. */
    private val saturdayEvening = 1_781_380_800_000L
    private val formats = Formats(ZoneOffset.UTC, Locale.UK) { saturdayEvening + DAY }

    private fun at(ms: Long) {
        room.clock = ms - 60_000
    }

    @Test
    fun tilesAreGroupedByDayNewestFirstWithTodayAndYesterdayNamed() = runTest(UnconfinedTestDispatcher()) {
        at(saturdayEvening - 3 * DAY)
        room.receivePost(ben, "Rehearsal", listOf("image/jpeg"))
        at(saturdayEvening)
        room.receivePost(ben, "First dance", listOf("image/jpeg", "video/mp4"))
        at(saturdayEvening + DAY)
        room.receivePost(ben, "Brunch", listOf("image/jpeg"))
        val p = GalleryPresenter(room, "Garden party", Role.Owner, client.deviceId, null, backgroundScope, formats)

        val days = p.state.value.days
        assertEquals(listOf(DayRelative.Today, DayRelative.Yesterday, DayRelative.Earlier), days.map { it.relative })
        assertEquals(listOf(LocalDate.of(2026, 6, 14), LocalDate.of(2026, 6, 13), LocalDate.of(2026, 6, 10)), days.map { it.date })
        assertEquals("Wednesday 10 June", days[2].label)
        assertEquals(listOf(1, 2, 1), days.map { it.items.size })
        assertEquals(3, p.state.value.photos)
        assertEquals(1, p.state.value.videos)
        assertFalse(p.state.value.loading)
    }

    @Test
    fun onlyTilesOthersSharedAfterTheLastVisitAreNew() = runTest(UnconfinedTestDispatcher()) {
        at(saturdayEvening - 3_600_000)
        room.receivePost(ben, "Before", listOf("image/jpeg"))
        at(saturdayEvening + 3_600_000)
        room.receivePost(ben, "After", listOf("image/jpeg", "image/jpeg"))
        room.share("Mine, after", listOf(ShareSource("/sdcard/DCIM/mine.jpg")))
        val p = GalleryPresenter(room, "Garden party", Role.Owner, client.deviceId, saturdayEvening, backgroundScope, formats)

        assertEquals(2, p.state.value.newCount)
        val items = p.state.value.days.flatMap { it.items }
        val newCaptions = items.filter { it.isNew }.map { it.tile.sharedBy.single().name }.distinct()
        assertEquals(listOf("Ben"), newCaptions)
    }

    @Test
    fun withoutALastVisitNothingIsMarkedNew() = runTest(UnconfinedTestDispatcher()) {
        room.receivePost(ben, "Hello", listOf("image/jpeg"))
        val p = GalleryPresenter(room, "Garden party", Role.Owner, client.deviceId, null, backgroundScope, formats)
        assertEquals(0, p.state.value.newCount)
    }

    @Test
    fun theChannelIsMarkedReadWhenShownAndWhenMoreArriveWhileOpen() = runTest(UnconfinedTestDispatcher()) {
        room.receivePost(ben, "One", listOf("image/jpeg"))
        room.receivePost(ben, "Two", listOf("image/jpeg"))
        assertEquals(2L, room.unread)
        GalleryPresenter(room, "Garden party", Role.Viewer, client.deviceId, null, backgroundScope, formats)
        assertEquals(0L, room.unread)
        assertEquals(0L, client.channels().first().single().unread)

        room.receivePost(ben, "Three", listOf("image/jpeg"))
        assertEquals(0L, room.unread)
    }

    @Test
    fun anEmptyChannelIsEmptyNotLoading() = runTest(UnconfinedTestDispatcher()) {
        val p = GalleryPresenter(room, "Garden party", Role.Contributor, client.deviceId, null, backgroundScope, formats)
        assertTrue(p.state.value.empty)
        assertTrue(p.state.value.canShare)
    }

    @Test
    fun actionsFollowTheRoleAndBecomeNavigationEffects() = runTest(UnconfinedTestDispatcher()) {
        val viewer = GalleryPresenter(room, "Garden party", Role.Viewer, client.deviceId, null, backgroundScope, formats)
        val owner = GalleryPresenter(room, "Garden party", Role.Owner, client.deviceId, null, backgroundScope, formats)
        assertFalse(viewer.state.value.canShare)
        assertFalse(viewer.state.value.canHost)
        assertTrue(owner.state.value.canHost)
        assertTrue(GalleryPresenter(room, "x", Role.CoHost, client.deviceId, null, backgroundScope, formats).state.value.canShare)

        val seen = mutableListOf<GalleryEffect>()
        backgroundScope.launch { viewer.effects.toList(seen) }
        backgroundScope.launch { owner.effects.toList(seen) }
        viewer.handle(GalleryEvent.AddPhotos)
        viewer.handle(GalleryEvent.HostTools)
        viewer.handle(GalleryEvent.Invite)
        owner.handle(GalleryEvent.HostTools)
        owner.handle(GalleryEvent.AddPhotos)
        assertEquals(listOf(GalleryEffect.Invite, GalleryEffect.HostTools, GalleryEffect.AddPhotos), seen)
    }

    @Test
    fun leavingAsksFirstThenTakesTheChannelOffThePhone() = runTest(UnconfinedTestDispatcher()) {
        room.receivePost(ben, "One", listOf("image/jpeg"))
        val p = GalleryPresenter(room, "Garden party", Role.Owner, client.deviceId, null, backgroundScope, formats)
        val seen = mutableListOf<GalleryEffect>()
        backgroundScope.launch { p.effects.toList(seen) }
        assertTrue(p.state.value.isOwner)
        p.handle(GalleryEvent.Menu)
        assertEquals(GallerySheet.Menu, p.state.value.sheet)
        p.handle(GalleryEvent.DismissSheet)
        assertNull(p.state.value.sheet)
        assertEquals(listOf("Garden party"), client.channels().first().map { it.name })

        // A failure leaves everything as it was and says why, with the question still open.
        p.handle(GalleryEvent.Menu)
        p.handle(GalleryEvent.AskLeave)
        assertEquals(GallerySheet.ConfirmLeave, p.state.value.sheet)
        room.failLeave = SwarmrollFailure(SwarmrollFailure.Kind.Storage, "the disk is full")
        p.handle(GalleryEvent.Leave)
        assertEquals("the disk is full", p.state.value.leaveError)
        assertEquals(GallerySheet.ConfirmLeave, p.state.value.sheet)
        assertFalse(p.state.value.left)
        assertEquals(1, client.channels().first().size)
        assertTrue(seen.isEmpty())

        p.handle(GalleryEvent.Leave)
        assertTrue(p.state.value.left)
        assertNull(p.state.value.sheet)
        assertEquals(listOf<GalleryEffect>(GalleryEffect.Left), seen)
        assertTrue("gone from the channel list", client.channels().first().isEmpty())
        assertTrue("nothing of it kept", room.tiles.value.isEmpty())
    }

    @Test
    fun aGuestSeesNoHostToolsInTheMenuAndNoOwnerWarning() = runTest(UnconfinedTestDispatcher()) {
        val p = GalleryPresenter(room, "Garden party", Role.Contributor, client.deviceId, null, backgroundScope, formats)
        val seen = mutableListOf<GalleryEffect>()
        backgroundScope.launch { p.effects.toList(seen) }
        p.handle(GalleryEvent.Menu)
        p.handle(GalleryEvent.HostTools)
        assertFalse(p.state.value.isOwner)
        assertEquals(GallerySheet.Menu, p.state.value.sheet)
        assertTrue(seen.isEmpty())
    }

    @Test
    fun openingATileAsksTheAppForTheViewer() = runTest(UnconfinedTestDispatcher()) {
        room.receivePost(ben, "One", listOf("video/mp4"))
        val p = GalleryPresenter(room, "Garden party", Role.Owner, client.deviceId, null, backgroundScope, formats)
        val seen = mutableListOf<GalleryEffect>()
        backgroundScope.launch { p.effects.toList(seen) }
        val tile = p.state.value.days.single().items.single().tile
        p.handle(GalleryEvent.Open(tile))
        assertEquals(listOf(GalleryEffect.OpenViewer(tile)), seen)
    }

    @Test
    fun aFailingGalleryShowsTheCoresMessageAndRetryRecovers() = runTest(UnconfinedTestDispatcher()) {
        room.receivePost(ben, "One", listOf("image/jpeg"))
        val flaky = FlakyRoom(room)
        val p = GalleryPresenter(flaky, "Garden party", Role.Owner, client.deviceId, null, backgroundScope, formats)
        assertEquals("the channel's database is busy", p.state.value.error)
        assertFalse(p.state.value.loading)

        p.handle(GalleryEvent.Retry)
        assertNull(p.state.value.error)
        assertEquals(1, p.state.value.photos)
    }

    /** Fails the first gallery collection as the core does when storage is unavailable. */
    private class FlakyRoom(private val inner: FakeChannelRoom) : ChannelRoom by inner {
        private var failures = 1

        override fun gallery(limit: Int): Flow<List<GalleryTile>> = if (failures-- >
            0
        ) {
            flow { throw SwarmrollFailure(SwarmrollFailure.Kind.Storage, "the channel's database is busy") }
        } else {
            inner.gallery(limit)
        }
    }

    companion object {
        const val DAY = 86_400_000L
    }
}
