package app.swarmroll.android.features.channels

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

/** Creating a channel: the name checked as the core checks it, the privacy choice passed on, failures shown. */
@OptIn(ExperimentalCoroutinesApi::class)
class CreateChannelPresenterTest {
    private val client = FakeSwarmrollClient()

    @Test
    fun aBlankNameIsRefusedWithoutAskingTheCore() = runTest(UnconfinedTestDispatcher()) {
        val p = CreateChannelPresenter(client, "Ana", backgroundScope)
        p.handle(CreateChannelEvent.NameChanged("  "))
        p.handle(CreateChannelEvent.Create)
        assertEquals(ChannelNameError.Blank, p.state.value.nameError)
        assertEquals(emptyList<String>(), client.calls)
        p.handle(CreateChannelEvent.NameChanged("G"))
        assertNull("typing clears the error", p.state.value.nameError)
    }

    @Test
    fun aNameOverTheCores64BytesIsRefusedAsYouType() = runTest(UnconfinedTestDispatcher()) {
        val p = CreateChannelPresenter(client, "Ana", backgroundScope)
        p.handle(CreateChannelEvent.NameChanged("é".repeat(33)))
        assertEquals(ChannelNameError.TooLong, p.state.value.nameError)
        p.handle(CreateChannelEvent.Create)
        assertEquals(emptyList<String>(), client.calls)
    }

    @Test
    fun privateIsTheDefaultAndIsPassedToTheCoreWithMyName() = runTest(UnconfinedTestDispatcher()) {
        val p = CreateChannelPresenter(client, "Ana", backgroundScope)
        assertTrue(p.state.value.private)
        p.handle(CreateChannelEvent.NameChanged(" Maya & Jon's wedding "))
        p.handle(CreateChannelEvent.Create)
        val made = client.created.single()
        assertEquals(FakeSwarmrollClient.Created(made.id, "Maya & Jon's wedding", "Ana", private = true), made)
        assertEquals(made.id, p.state.value.createdId)
    }

    @Test
    fun choosingOpenCreatesAnOpenChannel() = runTest(UnconfinedTestDispatcher()) {
        val p = CreateChannelPresenter(client, "Ana", backgroundScope)
        p.handle(CreateChannelEvent.NameChanged("Garden party"))
        p.handle(CreateChannelEvent.PrivateChanged(false))
        p.handle(CreateChannelEvent.Create)
        assertFalse(client.created.single().private)
    }

    @Test
    fun showsCreatingWhileTheCoreWorksAndItsMessageWhenItFails() = runTest(UnconfinedTestDispatcher()) {
        val gate = CompletableDeferred<Unit>()
        val slow =
            object : app.swarmroll.android.core.api.SwarmrollClient by client {
                override suspend fun createChannel(name: String, myName: String, private: Boolean): String {
                    gate.await()
                    throw SwarmrollFailure(SwarmrollFailure.Kind.Storage, "the phone is out of space")
                }
            }
        val p = CreateChannelPresenter(slow, "Ana", backgroundScope)
        p.handle(CreateChannelEvent.NameChanged("Garden party"))
        p.handle(CreateChannelEvent.Create)
        assertTrue(p.state.value.creating)
        gate.complete(Unit)
        assertFalse(p.state.value.creating)
        assertEquals("the phone is out of space", p.state.value.error)
        assertNull(p.state.value.createdId)
    }
}
