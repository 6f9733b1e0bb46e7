package app.swarmroll.android.features.invite

import app.swarmroll.android.core.api.InvitePreview
import app.swarmroll.android.core.api.Joined
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.core.api.SwarmrollFailure
import app.swarmroll.android.core.test.FakeSwarmrollClient
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.test.UnconfinedTestDispatcher
import kotlinx.coroutines.test.runTest
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/** Joining: the preview before committing, progress, and the core's own reasons when it fails. */
@OptIn(ExperimentalCoroutinesApi::class)
class JoinPresenterTest {
    private val link = "https://swarmroll.app/join#GARDEN"
    private val garden = InvitePreview("c-garden", "Garden party", Role.Contributor, "Maya", null)
    private val client = FakeSwarmrollClient().apply { invites[link] = garden }

    @Test
    fun aPastedInviteIsPreviewedBeforeJoining() = runTest(UnconfinedTestDispatcher()) {
        val p = JoinPresenter(client, "Jon", backgroundScope)
        assertFalse("nothing to join yet", p.state.value.canJoin)
        p.handle(JoinEvent.LinkChanged("  $link "))
        assertEquals(garden, p.state.value.preview)
        assertEquals(emptyList<String>(), client.calls)
    }

    @Test
    fun anInvalidLinkShowsTheCoresMessageAndCannotBeRetriedAsIs() = runTest(UnconfinedTestDispatcher()) {
        val p = JoinPresenter(client, "Jon", backgroundScope)
        p.handle(JoinEvent.LinkChanged("https://example.com/party"))
        assertNull(p.state.value.preview)
        p.handle(JoinEvent.Join)
        assertEquals(JoinFailure("this is not a Swarmroll invite", retryable = false), p.state.value.failure)
        assertNull(p.state.value.joined)
        p.handle(JoinEvent.LinkChanged(link))
        assertNull("a new link clears the error", p.state.value.failure)
    }

    @Test
    fun nobodyReachableShowsTheCoresMessageAndTryAgainJoins() = runTest(UnconfinedTestDispatcher()) {
        client.failNext =
            SwarmrollFailure(SwarmrollFailure.Kind.Network, "nobody in the channel could be reached; try again when a member is online")
        val p = JoinPresenter(client, "Jon", backgroundScope, initialLink = link)
        p.handle(JoinEvent.Join)
        val failure = p.state.value.failure!!
        assertEquals("nobody in the channel could be reached; try again when a member is online", failure.message)
        assertTrue(failure.retryable)
        p.handle(JoinEvent.Join)
        assertNull(p.state.value.failure)
        assertEquals(Joined("c-garden", synced = true), p.state.value.joined)
    }

    @Test
    fun joiningShowsProgressThenEndsWithTheChannelToOpen() = runTest(UnconfinedTestDispatcher()) {
        val gate = CompletableDeferred<Unit>()
        val names = mutableListOf<String>()
        val slow =
            object : SwarmrollClient by client {
                override suspend fun join(link: String, myName: String, waitMs: Long): Joined {
                    names += myName
                    gate.await()
                    return client.join(link, myName, waitMs)
                }
            }
        val p = JoinPresenter(slow, "Jon", backgroundScope, initialLink = link)
        p.handle(JoinEvent.Join)
        assertTrue(p.state.value.joining)
        assertFalse("no second join while one runs", p.state.value.canJoin)
        p.handle(JoinEvent.LinkChanged("something else"))
        assertEquals("the link stays while joining", link, p.state.value.link)
        gate.complete(Unit)
        assertFalse(p.state.value.joining)
        assertEquals(Joined("c-garden", synced = true), p.state.value.joined)
        assertEquals(listOf("Jon"), names)
    }

    @Test
    fun anAcceptedDeferredInviteJoinsWithoutAnotherTap() = runTest(UnconfinedTestDispatcher()) {
        val p = JoinPresenter(client, "Jon", backgroundScope, initialLink = link, autoJoin = true)
        assertEquals(Joined("c-garden", synced = true), p.state.value.joined)
        assertEquals(listOf("join"), client.calls)
    }
}
