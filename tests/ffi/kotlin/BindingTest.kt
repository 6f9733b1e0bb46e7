// The generated Kotlin bindings driving two real Swarmroll nodes over loopback, on the
// JVM (JNA), as the Android app will: suspend functions, foreign listeners, a platform
// key store and poster maker, typed errors. Run by tests/ffi/run.sh.
package app.swarmroll.bindingtest

import app.swarmroll.core.*
import java.io.File
import java.nio.file.Files
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking

val photos: File = File(System.getProperty("swarmroll.photos") ?: error("-Dswarmroll.photos is required"))

fun settings(dir: File): NodeSettings =
    defaultNodeSettings(dir.path).copy(
        syncAddress = "127.0.0.1:0",
        swarmAddress = "127.0.0.1:0",
        localDiscovery = false,
        internetDiscovery = false,
    )

/** Waits until [check] holds, polling; fails with [what] after [seconds]. */
suspend fun until(what: String, seconds: Long = 20, check: () -> Boolean) {
    val deadline = System.nanoTime() + seconds * 1_000_000_000
    while (!check()) {
        if (System.nanoTime() > deadline) throw AssertionError("timed out waiting for $what")
        delay(20)
    }
}

/** A native list model: applies updates in order, as a RecyclerView adapter would. */
class GalleryModel : GalleryListener {
    val rows = CopyOnWriteArrayList<GalleryItem>()
    @Volatile var calls = 0

    override fun onUpdate(updates: List<GalleryUpdate>) {
        synchronized(rows) {
            for (u in updates) when (u) {
                is GalleryUpdate.Reset -> { rows.clear(); rows.addAll(u.values) }
                is GalleryUpdate.Insert -> rows.add(u.index.toInt(), u.value)
                is GalleryUpdate.Set -> rows[u.index.toInt()] = u.value
                is GalleryUpdate.Remove -> rows.removeAt(u.index.toInt())
            }
            calls++
        }
    }
}

class ThreadModel : ThreadListener {
    val rows = CopyOnWriteArrayList<ThreadItem>()
    @Volatile var calls = 0

    override fun onUpdate(updates: List<ThreadUpdate>) {
        synchronized(rows) {
            for (u in updates) when (u) {
                is ThreadUpdate.Reset -> { rows.clear(); rows.addAll(u.values) }
                is ThreadUpdate.Insert -> rows.add(u.index.toInt(), u.value)
                is ThreadUpdate.Set -> rows[u.index.toInt()] = u.value
                is ThreadUpdate.Remove -> rows.removeAt(u.index.toInt())
            }
            calls++
        }
    }
}

class Events : EventListener {
    val seen = CopyOnWriteArrayList<SwarmrollEvent>()
    override fun onEvent(event: SwarmrollEvent) { seen.add(event) }
}

class MapStorage : SecureStorage {
    val saved = HashMap<String, ByteArray>()
    override fun load(name: String): ByteArray? = saved[name]
    override fun save(name: String, secret: ByteArray) { saved[name] = secret }
}

class JpegPosters : PosterMaker {
    val asked = CopyOnWriteArrayList<String>()
    override fun poster(path: String, mime: String): ByteArray? {
        asked.add(mime)
        return File(photos, "phones/jolla.jpg").readBytes()
    }
}

fun tempDir(): File = Files.createTempDirectory("swarmroll-kt").toFile().also { it.deleteOnExit() }

fun file(f: File) = ShareFile(path = f.path, assetId = null, createdMs = null)

fun twoNodesShareAndTalk() = runBlocking {
    val posters = JpegPosters()
    val alice = SwarmrollNode.open(settings(tempDir()), null, posters)
    val bob = SwarmrollNode.open(settings(tempDir()), null, null)
    alice.start()
    bob.start()
    val party = alice.createChannel("Garden party", "Alice", false)
    val channel = party.id()

    val invite = party.invite(MemberRole.CONTRIBUTOR, null)
    assertContentEquals(byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte()), invite.qrPng.copyOfRange(0, 4))
    val parsed = parseInvite(invite.link, System.currentTimeMillis())
    assertEquals("Garden party", parsed.name)
    assertEquals("Alice", parsed.inviterName)
    assertEquals(MemberRole.CONTRIBUTOR, parsed.role)

    val bobEvents = Events()
    val bobSub = bob.subscribe(bobEvents)
    val joined = bob.join(invite.link, "Bob", 15_000u)
    assertEquals(channel, joined.channelId)
    assertTrue(joined.synced, "Bob reached Alice")
    assertEquals(listOf("Garden party"), bob.channels().map { it.name })
    val bobParty = bob.channel(channel)

    val gallery = GalleryModel()
    val galleryTask = bobParty.watchGallery(50u, gallery)
    until("the first gallery reset") { gallery.calls > 0 }

    val broken = File(tempDir(), "broken.jpg").apply { writeBytes(byteArrayOf(0xFF.toByte(), 0xD8.toByte(), 1, 2, 3)) }
    val shared = party.share(
        "first dance",
        listOf(file(File(photos, "phones/iphone_hdr_NO.jpg")), file(broken), file(File(photos, "heic/IMG_5195.HEIC"))),
    )
    assertEquals(2u, shared.shared)
    assertEquals(listOf(1u), shared.skipped.map { it.index })
    assertEquals(listOf("image/heic"), posters.asked.toList())

    until("both items in Bob's gallery") { gallery.rows.size == 2 }
    assertTrue(gallery.rows.all { it.thumbnail.size > 100 && it.thumbnail[0] == 0xFF.toByte() }, "thumbnails arrived")
    assertEquals(setOf(shared.postId), gallery.rows.map { it.postId }.toSet())
    until("Bob's PostArrived event") {
        bobEvents.seen.any { it is SwarmrollEvent.PostArrived && it.postId == shared.postId }
    }

    val thread = ThreadModel()
    val threadTask = party.watchThread(shared.postId, thread)
    until("the first thread reset") { thread.calls > 0 }
    assertEquals("first dance", (thread.rows[0] as ThreadItem.Post).post.caption)
    bobParty.comment(shared.postId, "what a photo", null)
    until("Bob's comment in Alice's viewer") { thread.rows.size == 2 }
    val bobsComment = (thread.rows[1] as ThreadItem.Comment).comment
    assertEquals("what a photo", bobsComment.text)
    assertEquals("Bob", bobsComment.author.name)
    party.comment(shared.postId, "thanks!", bobsComment.id)
    party.react(shared.postId, "❤️", true)
    until("Alice's reply and reaction") {
        thread.rows.size == 3 && (thread.rows[0] as ThreadItem.Post).post.reactions.isNotEmpty()
    }
    until("Alice's reply at Bob") { bobParty.thread(shared.postId).size == 3 }
    assertEquals(bobsComment.id, (bobParty.thread(shared.postId)[2] as ThreadItem.Comment).comment.replyTo)

    for (t in listOf(galleryTask, threadTask, bobSub)) t.cancel()
    val calls = thread.calls
    bobParty.comment(shared.postId, "after cancel", null)
    delay(1000)
    assertEquals(calls, thread.calls, "a cancelled listener gets nothing")
    assertTrue(threadTask.isFinished())

    val news = alice.news()
    assertTrue(news.isNotEmpty() && news[0].newComments >= 1u && "Bob" in news[0].from)
    alice.stop()
    bob.stop()
    alice.close()
    bob.close()
}

fun typedErrors() = runBlocking {
    for (link in listOf("", "hello", "https://example.org/x", "swarmroll://join/AB!D")) {
        val e = assertFailsWith<SwarmrollException.InvalidInvite> { parseInvite(link, System.currentTimeMillis()) }
        assertTrue(!e.message.isNullOrBlank(), "the reason is for the user")
    }
    val node = SwarmrollNode.open(settings(tempDir()), null, null)
    assertFailsWith<SwarmrollException.InvalidArgument> { node.channel("not-a-channel") }
    assertFailsWith<SwarmrollException.NotFound> { node.channel("00".repeat(32)) }
    val ch = node.createChannel("x", "me", false)
    assertFailsWith<SwarmrollException.NotStarted> { ch.share("", listOf(file(File(photos, "phones/jolla.jpg")))) }
    assertFailsWith<SwarmrollException.InvalidInvite> { node.join("nonsense", "me", 1000u) }
    // The router the platform names must be an address; naming one or none is fine.
    assertFailsWith<SwarmrollException.InvalidArgument> { node.routerChanged("my router") }
    node.routerChanged("192.0.2.1")
    node.routerChanged(null)
    // Rendezvous relays are ip:port; a name is refused before anything opens.
    val named = settings(tempDir()).copy(rendezvousRelays = listOf("relay.example.org:51418"))
    assertFailsWith<SwarmrollException.InvalidArgument> { SwarmrollNode.open(named, null, null) }
    SwarmrollNode.open(settings(tempDir()).copy(rendezvousRelays = listOf("127.0.0.1:1", "[::1]:51418")), null, null).close()
    // A bug in Rust arrives as a typed error, sync or suspend, and the library keeps working.
    val sync = assertFailsWith<SwarmrollException.Internal> { debugPanic("deliberate") }
    assertTrue("deliberate" in sync.message!!)
    assertFailsWith<SwarmrollException.Internal> { debugPanicAsync("deliberate async") }
    assertEquals("x", node.channels()[0].name)
    node.close()
}

/// The status of a GET of `url` (an error status too; a refused connection throws).
fun httpStatus(url: String): Int =
    (java.net.URI(url).toURL().openConnection() as java.net.HttpURLConnection).run {
        connectTimeout = 5000
        readTimeout = 5000
        try { responseCode } finally { disconnect() }
    }

fun webGallery() = runBlocking {
    val node = SwarmrollNode.open(settings(tempDir()), null, null)
    node.start()
    val ch = node.createChannel("Garden party", "Ana", false)
    assertFailsWith<SwarmrollException.InvalidArgument> { ch.openWebGallery(0u, WebGuestAccess.UPLOAD, "127.0.0.1:0") }
    val gallery = ch.openWebGallery(60u, WebGuestAccess.UPLOAD, "127.0.0.1:0")
    assertContentEquals(byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte()), gallery.guestQrPng().copyOf(4))
    assertTrue(gallery.guestUrl().startsWith("http://127.0.0.1:"))
    assertEquals(200, httpStatus(gallery.guestUrl()))
    assertEquals(200, httpStatus(gallery.slideshowUrl()))
    assertEquals(404, httpStatus(gallery.guestUrl().replaceAfterLast("/g/", "aaaaaaaaaaaaaaaaaaaaaaaaaa/")))
    gallery.stop()
    assertFailsWith<java.io.IOException> { httpStatus(gallery.guestUrl()) }
    node.stop()
    node.close()
}

fun identityInPlatformStorage() {
    val dir = tempDir()
    val storage = MapStorage()
    val device = SwarmrollNode.open(settings(dir), storage, null).use { it.deviceId() }
    assertEquals(32, storage.saved.values.single().size)
    assertEquals(device, SwarmrollNode.open(settings(dir), storage, null).use { it.deviceId() })
    assertFailsWith<SwarmrollException.Identity> { SwarmrollNode.open(settings(dir), MapStorage(), null) }
    assertFailsWith<SwarmrollException.Identity> { SwarmrollNode.open(settings(dir), null, null) }
}

fun main() {
    val tests = listOf(
        "two nodes share a photo and talk" to ::twoNodesShareAndTalk,
        "bad input and panics are typed errors" to ::typedErrors,
        "the identity key lives in platform storage" to ::identityInPlatformStorage,
        "an app opens the venue web gallery and closes it" to ::webGallery,
    )
    var failed = 0
    for ((name, test) in tests) {
        val start = System.nanoTime()
        try {
            test()
            println("ok      $name (${(System.nanoTime() - start) / 1_000_000} ms)")
        } catch (t: Throwable) {
            failed++
            println("FAILED  $name")
            t.printStackTrace(System.out)
        }
    }
    println("kotlin binding tests: ${tests.size - failed} passed, $failed failed")
    kotlin.system.exitProcess(if (failed == 0) 0 else 1)
}
