package app.swarmroll.android.features.host

import app.swarmroll.android.core.api.ChannelRoom
import app.swarmroll.android.core.api.Member
import app.swarmroll.android.core.api.Person
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.api.SwarmrollFailure
import app.swarmroll.android.core.api.WebGallerySession
import app.swarmroll.android.core.api.WebGuestAccess
import app.swarmroll.android.core.test.FakeChannelRoom
import app.swarmroll.android.core.test.FakeSwarmrollClient
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.UnconfinedTestDispatcher
import kotlinx.coroutines.test.runTest
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

@OptIn(ExperimentalCoroutinesApi::class)
class HostPresenterTest {
    private val client = FakeSwarmrollClient(myName = "Ana")
    private val room = client.addChannel("Garden party")
    private val ben = Member("b1".repeat(32), "Ben", Role.Contributor, removed = false)
    private val carla = Member("c1".repeat(32), "Carla", Role.CoHost, removed = false)
    private val dev = Member("e1".repeat(32), "Dev", Role.Viewer, removed = false)
    private val eve = Member("f1".repeat(32), "Eve", Role.Contributor, removed = true)

    init {
        room.memberList.value = room.memberList.value + listOf(dev, ben, eve, carla)
    }

    private fun TestScope.presenter(role: Role = Role.Owner, r: ChannelRoom = room) =
        HostPresenter(r, "Garden party", client.deviceId, role, backgroundScope) { "at $it" }

    @Test
    fun membersAreListedByRoleWithRemovedOnesApartAndTheOwnerManagesOthers() = runTest(UnconfinedTestDispatcher()) {
        val s = presenter().state.value
        assertEquals(listOf("Ana", "Carla", "Ben", "Dev"), s.members.map { it.member.name })
        assertEquals(listOf(true, false, false, false), s.members.map { it.isMe })
        assertEquals(listOf(false, true, true, true), s.members.map { it.canManage })
        assertEquals(listOf("Eve"), s.removed.map { it.name })
    }

    @Test
    fun aCoHostSeesTheMembersButCannotChangeThem() = runTest(UnconfinedTestDispatcher()) {
        val p = presenter(Role.CoHost)
        assertFalse(p.state.value.isOwner)
        assertTrue(p.state.value.members.none { it.canManage })
        p.handle(HostEvent.SetRole(ben.deviceId, Role.CoHost))
        p.handle(HostEvent.AskRemove(ben.deviceId))
        assertEquals(Role.Contributor, room.members().first { it.deviceId == ben.deviceId }.role)
        assertNull(p.state.value.confirmRemove)
    }

    @Test
    fun makingACoHostReachesTheCoreAndTheListFollows() = runTest(UnconfinedTestDispatcher()) {
        val p = presenter()
        p.handle(HostEvent.SetRole(dev.deviceId, Role.CoHost))
        assertEquals(Role.CoHost, room.members().first { it.deviceId == dev.deviceId }.role)
        assertEquals(listOf("Ana", "Carla", "Dev", "Ben"), p.state.value.members.map { it.member.name })
        assertEquals(HostNotice.RoleChanged, p.state.value.notice)
    }

    @Test
    fun removingAMemberAsksFirstAndOnlyConfirmationRemoves() = runTest(UnconfinedTestDispatcher()) {
        val p = presenter()
        p.handle(HostEvent.AskRemove(ben.deviceId))
        assertEquals(ben, p.state.value.confirmRemove)
        p.handle(HostEvent.CancelRemove)
        assertNull(p.state.value.confirmRemove)
        assertFalse(room.members().first { it.deviceId == ben.deviceId }.removed)

        p.handle(HostEvent.AskRemove(ben.deviceId))
        p.handle(HostEvent.ConfirmRemove)
        assertTrue(room.members().first { it.deviceId == ben.deviceId }.removed)
        assertEquals(listOf("Ben", "Eve"), p.state.value.removed.map { it.name })
        assertEquals(HostNotice.MemberRemoved, p.state.value.notice)
    }

    @Test
    fun theOwnerCannotBeAskedToBeRemoved() = runTest(UnconfinedTestDispatcher()) {
        val p = presenter()
        p.handle(HostEvent.AskRemove(client.deviceId))
        assertNull(p.state.value.confirmRemove)
    }

    @Test
    fun hidingAPostHidesItForEveryMember() = runTest(UnconfinedTestDispatcher()) {
        val post = room.receivePost(Person(ben.deviceId, "Ben"), "Oops", listOf("image/jpeg"))
        val p = presenter(Role.CoHost)
        p.handle(HostEvent.HidePost(post))
        assertTrue(room.tiles.value.isEmpty())
        assertEquals(HostNotice.PostHidden, p.state.value.notice)
    }

    @Test
    fun theWebGalleryOpensForTheChosenTimeAndAccessShowsItsLinkAndCloses() = runTest(UnconfinedTestDispatcher()) {
        val spy = Spy(room)
        val p = presenter(r = spy)
        p.handle(HostEvent.SetMinutes(30))
        p.handle(HostEvent.SetAccess(WebGuestAccess.DropBox))
        p.handle(HostEvent.OpenWeb)
        assertEquals(30 to WebGuestAccess.DropBox, spy.opened)
        val web = p.state.value.web!!
        assertEquals("http://192.168.1.20:8080/g/guest", web.info.guestUrl)
        assertEquals("at ${room.clock + 30 * 60_000}", web.closesLabel)
        assertNotNull(room.web)

        p.handle(HostEvent.CloseWeb)
        assertNull(room.web)
        assertNull(p.state.value.web)
    }

    @Test
    fun whatTheCoreRefusesIsShownInItsWords() = runTest(UnconfinedTestDispatcher()) {
        val p = presenter()
        p.handle(HostEvent.SetRole(ben.deviceId, Role.Owner))
        assertEquals("a channel has one owner", p.state.value.error)
        assertFalse(p.state.value.busy)
    }

    @Test
    fun membersThatCannotBeReadShowAnErrorAndRetryLoadsThem() = runTest(UnconfinedTestDispatcher()) {
        val flaky = Flaky(room)
        val p = presenter(r = flaky)
        assertEquals("the channel is not on this device", p.state.value.error)
        p.handle(HostEvent.Retry)
        assertNull(p.state.value.error)
        assertEquals(4, p.state.value.members.size)
    }

    @Test
    fun backIsLeftToTheApp() = runTest(UnconfinedTestDispatcher()) {
        val p = presenter()
        val seen = mutableListOf<HostEffect>()
        backgroundScope.launch { p.effects.toList(seen) }
        p.handle(HostEvent.Back)
        assertEquals(listOf<HostEffect>(HostEffect.Back), seen)
    }

    private class Spy(private val inner: FakeChannelRoom) : ChannelRoom by inner {
        var opened: Pair<Int, WebGuestAccess>? = null

        override suspend fun openWebGallery(minutes: Int, access: WebGuestAccess): WebGallerySession {
            opened = minutes to access
            return inner.openWebGallery(minutes, access)
        }
    }

    private class Flaky(private val inner: FakeChannelRoom) : ChannelRoom by inner {
        private var failures = 1

        override suspend fun members(): List<Member> {
            if (failures-- > 0) throw SwarmrollFailure(SwarmrollFailure.Kind.NotFound, "the channel is not on this device")
            return inner.members()
        }
    }
}
