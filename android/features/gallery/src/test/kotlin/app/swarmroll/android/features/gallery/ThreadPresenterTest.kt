package app.swarmroll.android.features.gallery

import app.swarmroll.android.core.api.ChannelRoom
import app.swarmroll.android.core.api.Person
import app.swarmroll.android.core.api.SwarmrollFailure
import app.swarmroll.android.core.test.FakeChannelRoom
import app.swarmroll.android.core.test.FakeSwarmrollClient
import java.time.ZoneOffset
import java.util.Locale
import kotlinx.coroutines.ExperimentalCoroutinesApi
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
class ThreadPresenterTest {
    private val client = FakeSwarmrollClient(myName = "Ana")
    private val room = client.addChannel("Garden party")
    private val ben = Person("b1".repeat(32), "Ben")
    private val carla = Person("c1".repeat(32), "Carla")
    private val formats = Formats(ZoneOffset.UTC, Locale.UK) { 1_780_000_000_000 }
    private val post = room.receivePost(ben, "First dance", listOf("image/jpeg", "image/jpeg", "video/mp4"))

    @Test
    fun repliesFollowTheCommentTheyAnswerIndentedAndNameWhoTheyAnswer() = runTest(UnconfinedTestDispatcher()) {
        val first = room.receiveComment(carla, post, "So beautiful")
        val second = room.receiveComment(ben, post, "Who has the cake photos?")
        val reply = room.receiveComment(ben, post, "Thank you!", replyTo = first)
        room.receiveComment(carla, post, "You're welcome", replyTo = reply)
        val p = ThreadPresenter(room, post, backgroundScope, formats = formats)

        val rows = p.state.value.comments
        assertEquals(listOf("So beautiful", "Thank you!", "You're welcome", "Who has the cake photos?"), rows.map { it.text })
        assertEquals(listOf(0, 1, 2, 0), rows.map { it.depth })
        assertEquals(listOf(null, "Carla", "Ben", null), rows.map { it.replyToName })
        assertEquals(second, rows.last().id)
    }

    @Test
    fun theHeaderNamesTheAuthorAndEveryoneElseWhoSharedTheSamePhotos() = runTest(UnconfinedTestDispatcher()) {
        val guest = Person("a".repeat(64), "Ana", guest = "Grandma Rosa")
        room.tiles.value = room.tiles.value.map { if (it.index == 0) it.copy(sharedBy = listOf(ben, carla, guest)) else it }
        val p = ThreadPresenter(room, post, backgroundScope, formats = formats)

        val header = p.state.value.post!!
        assertEquals("Ben", header.author.name)
        assertEquals("First dance", header.caption)
        assertEquals(2, header.photos)
        assertEquals(1, header.videos)
        assertEquals(listOf("Carla", "Grandma Rosa (guest)"), header.alsoSharedBy.map { it.display })
    }

    @Test
    fun aCommentReachesTheCoreAndClearsTheDraftAndTheReply() = runTest(UnconfinedTestDispatcher()) {
        val first = room.receiveComment(carla, post, "So beautiful")
        val p = ThreadPresenter(room, post, backgroundScope, formats = formats)
        p.handle(ThreadEvent.ReplyTo(first))
        assertEquals("Carla", p.state.value.replyTo?.author?.name)
        p.handle(ThreadEvent.DraftChanged("  Agreed!  "))
        p.handle(ThreadEvent.Send)

        val mine = p.state.value.comments.last()
        assertEquals("Agreed!", mine.text)
        assertEquals("Ana", mine.author.name)
        assertEquals(1, mine.depth)
        assertEquals("", p.state.value.draft)
        assertNull(p.state.value.replyTo)
    }

    @Test
    fun aBlankDraftCannotBeSent() = runTest(UnconfinedTestDispatcher()) {
        val p = ThreadPresenter(room, post, backgroundScope, formats = formats)
        p.handle(ThreadEvent.DraftChanged("   "))
        assertFalse(p.state.value.canSend)
        p.handle(ThreadEvent.Send)
        assertTrue(p.state.value.comments.isEmpty())
    }

    @Test
    fun aFailedCommentKeepsTheDraftAndShowsWhy() = runTest(UnconfinedTestDispatcher()) {
        val p = ThreadPresenter(Offline(room), post, backgroundScope, formats = formats)
        p.handle(ThreadEvent.DraftChanged("See you at the party"))
        p.handle(ThreadEvent.Send)
        assertEquals("See you at the party", p.state.value.draft)
        assertEquals("no members reachable", p.state.value.error)
        assertFalse(p.state.value.sending)
    }

    @Test
    fun aReactionChipTogglesThisDevicesReactionOnAndOff() = runTest(UnconfinedTestDispatcher()) {
        val comment = room.receiveComment(carla, post, "So beautiful")
        val p = ThreadPresenter(room, post, backgroundScope, formats = formats)
        p.handle(ThreadEvent.React(post, "❤️"))
        assertEquals(listOf(Triple("❤️", 1L, true)), p.state.value.post!!.reactions.map { Triple(it.emoji, it.count, it.mine) })
        p.handle(ThreadEvent.React(comment, "🎉"))
        assertEquals(1L, p.state.value.comments.single().reactions.single().count)

        p.handle(ThreadEvent.React(post, "❤️"))
        assertTrue(p.state.value.post!!.reactions.isEmpty())
    }

    @Test
    fun onlyAModeratorCanAskToHideThePost() = runTest(UnconfinedTestDispatcher()) {
        val guest = ThreadPresenter(room, post, backgroundScope, canModerate = false, formats = formats)
        val host = ThreadPresenter(room, post, backgroundScope, canModerate = true, formats = formats)
        val seen = mutableListOf<ThreadEffect>()
        backgroundScope.launch { guest.effects.toList(seen) }
        backgroundScope.launch { host.effects.toList(seen) }
        guest.handle(ThreadEvent.HidePost)
        host.handle(ThreadEvent.HidePost)
        assertEquals(listOf(ThreadEffect.HidePost(post)), seen)
    }

    /** Comments fail as the core's do with nobody reachable to sign for. */
    private class Offline(private val inner: FakeChannelRoom) : ChannelRoom by inner {
        override suspend fun comment(postId: String, text: String, replyTo: String?): String =
            throw SwarmrollFailure(SwarmrollFailure.Kind.Network, "no members reachable")
    }
}
