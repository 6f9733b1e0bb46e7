package app.swarmroll.android.features.invite

import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.test.FakeSwarmrollClient
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.test.UnconfinedTestDispatcher
import kotlinx.coroutines.test.runTest
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertSame
import org.junit.Assert.assertTrue
import org.junit.Test

/** Invites per role from the core, the QR on demand, failures with the core's message. */
@OptIn(ExperimentalCoroutinesApi::class)
class InvitePresenterTest {
    private val client = FakeSwarmrollClient()

    @Test
    fun aContributorInviteIsMadeAtOnceAndNamesTheChannel() = runTest(UnconfinedTestDispatcher()) {
        val id = client.addChannel("Garden party").id
        val p = InvitePresenter(client, id, backgroundScope)
        val s = p.state.value
        assertEquals("Garden party", s.channelName)
        assertEquals(Role.Contributor, s.role)
        assertEquals(listOf(Role.Viewer, Role.Contributor), s.roles)
        assertEquals(Role.Contributor, s.invite!!.preview.role)
        assertEquals("the link reads back as this channel", id, client.parseInvite(s.invite!!.link)!!.channelId)
    }

    @Test
    fun choosingViewerMakesAViewerLinkAndSwitchingBackReusesTheFirst() = runTest(UnconfinedTestDispatcher()) {
        val id = client.addChannel("Garden party").id
        val p = InvitePresenter(client, id, backgroundScope)
        val contributor = p.state.value.invite!!
        p.handle(InviteEvent.SelectRole(Role.Viewer))
        assertEquals(Role.Viewer, p.state.value.invite!!.preview.role)
        assertNotEquals(contributor.link, p.state.value.invite!!.link)
        p.handle(InviteEvent.SelectRole(Role.Contributor))
        assertSame(contributor, p.state.value.invite)
    }

    @Test
    fun coHostIsNeverOfferedAndAViewerCanOnlyInviteViewers() = runTest(UnconfinedTestDispatcher()) {
        val id = client.addChannel("Maya & Jon's wedding", Role.Viewer).id
        val p = InvitePresenter(client, id, backgroundScope)
        assertEquals(listOf(Role.Viewer), p.state.value.roles)
        assertEquals(Role.Viewer, p.state.value.invite!!.preview.role)
        p.handle(InviteEvent.SelectRole(Role.CoHost))
        assertEquals(Role.Viewer, p.state.value.role)
    }

    @Test
    fun theQrIsShownOnlyOnceThereIsAnInviteAndHides() = runTest(UnconfinedTestDispatcher()) {
        val id = client.addChannel("Garden party").id
        val p = InvitePresenter(client, id, backgroundScope)
        p.handle(InviteEvent.ShowQr)
        assertTrue(p.state.value.showQr)
        p.handle(InviteEvent.HideQr)
        assertFalse(p.state.value.showQr)
    }

    @Test
    fun aChannelTheCoreDoesNotKnowShowsItsMessageAndRetryTriesAgain() = runTest(UnconfinedTestDispatcher()) {
        val p = InvitePresenter(client, "c-gone", backgroundScope)
        assertEquals("no such channel on this device", p.state.value.error)
        assertNull(p.state.value.invite)
        p.handle(InviteEvent.ShowQr)
        assertFalse("no QR without an invite", p.state.value.showQr)
        client.addChannel("Garden party", id = "c-gone")
        p.handle(InviteEvent.Retry)
        assertNull(p.state.value.error)
        assertEquals("Garden party", p.state.value.channelName)
        assertEquals(Role.Contributor, p.state.value.invite!!.preview.role)
    }
}
