package app.swarmroll.android.core.impl

import app.swarmroll.android.core.api.GalleryTile
import app.swarmroll.android.core.api.NodeEvent
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.api.ShareSource
import app.swarmroll.android.core.api.SwarmrollFailure
import app.swarmroll.android.core.api.ThreadEntry
import java.io.File
import java.nio.file.Files
import java.util.concurrent.CopyOnWriteArrayList
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.launchIn
import kotlinx.coroutines.flow.onEach
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Before
import org.junit.Test

/**
 * The bridge the app's features see, driving two real nodes (the host build of the Rust
 * core through the generated bindings and JNA) over loopback: create, invite, join, share
 * real photos, comment and react, and watch the other side's live lists change.
 */
class BridgeTest {
    private val photos = File(System.getProperty("swarmroll.photos") ?: error("-Dswarmroll.photos is required"))
    private val dirs = mutableListOf<File>()
    private val clients = mutableListOf<BindingsClient>()
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    private fun node(): BindingsClient {
        val dir = Files.createTempDirectory("swarmroll-bridge").toFile().also { dirs += it }
        return BindingsClient.open(dir.path, secureStorage = null, posters = null) {
            it.copy(syncAddress = "127.0.0.1:0", swarmAddress = "127.0.0.1:0", localDiscovery = false, internetDiscovery = false)
        }.also { clients += it }
    }

    /** Collects [flow] in the background; the latest value is in the returned state. */
    private fun <T> watch(flow: Flow<T>, initial: T): MutableStateFlow<T> {
        val latest = MutableStateFlow(initial)
        flow.onEach { latest.value = it }.launchIn(scope)
        return latest
    }

    private suspend fun <T> MutableStateFlow<T>.until(what: String, check: (T) -> Boolean): T = try {
        withTimeout(30_000) { first(check) }
    } catch (e: kotlinx.coroutines.TimeoutCancellationException) {
        throw AssertionError("timed out waiting for $what; last value: $value", e)
    }

    @Before
    fun checkPhotos() {
        assertTrue("fixtures at $photos", File(photos, "phones/iphone_hdr_NO.jpg").exists())
    }

    @After
    fun tearDown(): Unit = runBlocking {
        scope.cancel()
        for (c in clients) {
            c.stop()
            c.close()
        }
        dirs.forEach { it.deleteRecursively() }
    }

    @Test
    fun twoNodesCreateInviteJoinShareAndComment(): Unit = runBlocking {
        val ana = node()
        val ben = node()
        ana.start()
        ben.start()
        val anaList = watch(ana.channels(), emptyList())
        val id = ana.createChannel("Garden party", "Ana", private = true)
        val listed = anaList.until("the new channel in Ana's list") { it.any { c -> c.id == id } }
        assertEquals(Role.Owner, listed.single().myRole)

        val invite = ana.channel(id).invite(Role.Contributor)
        assertEquals("Garden party", invite.preview.channelName)
        assertEquals(listOf(0x89.toByte(), 'P'.code.toByte()), invite.qrPng.take(2))
        val preview = ben.parseInvite(invite.link) ?: throw AssertionError("Ben cannot read Ana's invite")
        assertEquals(Role.Contributor, preview.role)
        assertEquals("Ana", preview.inviterName)
        assertNull(ben.parseInvite("https://example.org/not-an-invite"))

        val joined = ben.join(invite.link, "Ben")
        assertEquals(id, joined.channelId)
        assertTrue("Ben reached Ana", joined.synced)
        val benRoom = ben.channel(id)
        val benGallery = watch(benRoom.gallery(), emptyList<GalleryTile>())
        val benTimeline = watch(ben.timeline(), emptyList<GalleryTile>())
        val benEvents = CopyOnWriteArrayList<NodeEvent>()
        ben.events().onEach { benEvents += it }.launchIn(scope)
        val benList = watch(ben.channels(), emptyList())

        val files =
            listOf("phones/iphone_hdr_NO.jpg", "phones/jolla.jpg").map { ShareSource(File(photos, it).path) } +
                ShareSource(File(dirs[0], "notes.txt").apply { writeText("not a photo") }.path)
        val shared = ana.channel(id).share("first dance", files)
        assertEquals(2, shared.shared)
        assertEquals(listOf(2), shared.skipped.map { it.index })
        assertTrue("the reason is written for people", shared.skipped.single().reason.isNotBlank())
        val post = shared.postIds.single()

        val tiles = benGallery.until("Ana's two photos in Ben's gallery") { it.size == 2 }
        assertTrue("thumbnails are JPEGs", tiles.all { it.thumbnail.size > 100 && it.thumbnail[0] == 0xFF.toByte() })
        assertEquals(setOf(post), tiles.map { it.postId }.toSet())
        assertEquals(listOf("Ana"), tiles[0].sharedBy.map { it.display })
        benTimeline.until("the timeline has them too, with the channel") { t -> t.size == 2 && t.all { it.channelId == id } }
        benList.until("Ben's list counts two photos, unread") { l -> l.any { it.items == 2L && it.unread > 0 } }
        withTimeout(30_000) {
            while (benEvents.none { it is NodeEvent.PostArrived && it.postId == post }) kotlinx.coroutines.delay(20)
        }

        val anaThread = watch(ana.channel(id).thread(post), emptyList<ThreadEntry>())
        val first = anaThread.until("the post opens the thread") { it.isNotEmpty() }[0] as ThreadEntry.Post
        assertEquals("first dance", first.caption)
        assertEquals(2, first.files.size)
        val comment = benRoom.comment(post, "what a photo")
        val withComment = anaThread.until("Ben's comment at Ana") { it.size == 2 }
        assertEquals("Ben", withComment[1].author.name)
        ana.channel(id).comment(post, "thanks!", replyTo = comment)
        ana.channel(id).react(post, "❤️", on = true)
        val benThread = watch(benRoom.thread(post), emptyList<ThreadEntry>())
        val done =
            benThread.until("Ana's reply and reaction at Ben") {
                it.size == 3 && it[0].reactions.any { r -> r.emoji == "❤️" && r.count == 1L && !r.mine }
            }
        assertEquals(comment, (done[2] as ThreadEntry.Comment).replyTo)

        benRoom.markRead()
        benList.until("reading clears Ben's unread count") { l -> l.single().unread == 0L }
    }

    @Test
    fun leavingTakesTheChannelOffTheListAndTheSameInviteBringsItBack(): Unit = runBlocking {
        val ana = node()
        val ben = node()
        ana.start()
        ben.start()
        val id = ana.createChannel("Garden party", "Ana", private = false)
        ana.channel(id).share("", listOf(ShareSource(File(photos, "phones/jolla.jpg").path)))
        val invite = ana.channel(id).invite(Role.Contributor)
        assertTrue(ben.join(invite.link, "Ben").synced)
        val benList = watch(ben.channels(), emptyList())
        benList.until("the channel in Ben's list") { it.size == 1 }
        val benDir = dirs[1]
        assertTrue("the fetched photo is here", waitForFile(File(benDir, "media/$id")))

        ben.channel(id).leave()
        benList.until("the channel gone from Ben's list") { it.isEmpty() }
        assertFalse("its files are gone", File(benDir, "media/$id").exists())
        try {
            ben.channel(id).leave()
            fail("a channel left is not there to leave")
        } catch (e: SwarmrollFailure) {
            assertEquals(SwarmrollFailure.Kind.NotFound, e.kind)
        }
        assertEquals("Ana keeps it", 1, watch(ana.channels(), emptyList()).until("Ana's list") { it.isNotEmpty() }.size)

        assertTrue(ben.join(invite.link, "Ben").synced)
        val back = watch(ben.channel(id).gallery(), emptyList<GalleryTile>())
        back.until("the photo back in Ben's gallery") { it.size == 1 }
    }

    private suspend fun waitForFile(dir: File): Boolean = withTimeout(30_000) {
        while (dir.walkTopDown().none { it.isFile }) kotlinx.coroutines.delay(50)
        true
    }

    @Test
    fun errorsArriveAsFailuresWithMessagesForPeople(): Unit = runBlocking {
        val ana = node()
        ana.start()
        try {
            ana.join("swarmroll://join/AB!D", "Ana")
            fail("a broken link must not join")
        } catch (e: SwarmrollFailure) {
            assertEquals(SwarmrollFailure.Kind.InvalidInvite, e.kind)
            assertFalse(e.message.isBlank())
            assertFalse("not retryable", e.retryable)
        }
        val id = ana.createChannel("x", "Ana", private = false)
        try {
            ana.channel(id).comment("00".repeat(32), "hello")
            fail("a comment on no post")
        } catch (e: SwarmrollFailure) {
            assertEquals("a comment on no post is not found", SwarmrollFailure.Kind.NotFound, e.kind)
        }
        try {
            ana.createChannel("", "Ana", private = false)
            fail("a channel needs a name")
        } catch (e: SwarmrollFailure) {
            assertEquals(SwarmrollFailure.Kind.InvalidArgument, e.kind)
        }
    }

    @Test
    fun relaysNamedInSettingsAreCheckedByTheCoreAndKept(): Unit = runBlocking {
        val dir = Files.createTempDirectory("swarmroll-bridge").toFile().also { dirs += it }
        val open = {
            BindingsClient.open(dir.path, secureStorage = null, posters = null) {
                it.copy(syncAddress = "127.0.0.1:0", swarmAddress = "127.0.0.1:0", localDiscovery = false, internetDiscovery = false)
            }
        }
        val ana = open()
        ana.start()
        for (bad in listOf(listOf("relay.example:51418"), listOf("0.0.0.0:51418"), (1..9).map { "198.51.100.$it:51418" })) {
            try {
                ana.setRendezvousRelays(bad)
                fail("the core took $bad")
            } catch (e: SwarmrollFailure) {
                assertEquals(SwarmrollFailure.Kind.InvalidArgument, e.kind)
                assertFalse(e.message.isBlank())
            }
        }
        assertTrue(ana.settings().rendezvousRelays.isEmpty())
        ana.setRendezvousRelays(listOf("203.0.113.7:51418", " 203.0.113.7:51418"))
        assertEquals(listOf("203.0.113.7:51418"), ana.settings().rendezvousRelays)
        ana.stop()
        ana.close()
        val again = open().also { clients += it }
        assertEquals("kept in the data folder", listOf("203.0.113.7:51418"), again.settings().rendezvousRelays)
    }
}
