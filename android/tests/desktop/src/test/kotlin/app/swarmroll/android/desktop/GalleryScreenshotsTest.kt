package app.swarmroll.android.desktop

import androidx.compose.ui.graphics.toComposeImageBitmap
import app.swarmroll.android.core.api.ChannelRoom
import app.swarmroll.android.core.api.Person
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.test.FakeChannelRoom
import app.swarmroll.android.core.test.FakeSwarmrollClient
import app.swarmroll.android.features.gallery.Formats
import app.swarmroll.android.features.gallery.GalleryPresenter
import app.swarmroll.android.features.gallery.GalleryScreen
import app.swarmroll.android.features.gallery.GallerySheet
import app.swarmroll.android.features.gallery.GalleryState
import app.swarmroll.android.features.gallery.ThreadEvent
import app.swarmroll.android.features.gallery.ViewerEvent
import app.swarmroll.android.features.gallery.ViewerPresenter
import app.swarmroll.android.features.gallery.ViewerScreen
import app.swarmroll.android.features.gallery.ViewerState
import java.io.File
import java.time.ZoneOffset
import java.util.Locale
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancel
import org.jetbrains.skia.Image
import org.junit.After
import org.junit.Test

/** The gallery and the viewer, rendered from presenters over a wedding's worth of fake posts. */
class GalleryScreenshotsTest {
    private val scope = CoroutineScope(Dispatchers.Unconfined)
    private val client = FakeSwarmrollClient(myName = "Ana")
    private val name = "Lena & Sam's wedding"
    private val formats = Formats(ZoneOffset.UTC, Locale.UK) { SUNDAY_NOON }

    @After
    fun stop() = scope.cancel()

    private fun gallery(room: FakeChannelRoom, role: Role = Role.Owner): GalleryState =
        GalleryPresenter(room, name, role, client.deviceId, SATURDAY_8PM, scope, formats).state.value

    @Test
    fun loading() = Screenshots.check("gallery-loading") {
        GalleryScreen(GalleryState(name, canInvite = true, canShare = true, canHost = true), {})
    }

    @Test
    fun emptyChannelOffersToAddPhotos() {
        val state = gallery(client.addChannel(name))
        Screenshots.check("gallery-empty") { GalleryScreen(state, {}) }
    }

    @Test
    fun error() {
        val state =
            GalleryState(name, loading = false, error = "The phone's storage is full. Free some space and try again.", canInvite = true)
        Screenshots.check("gallery-error") { GalleryScreen(state, {}) }
    }

    @Test
    fun fullGalleryByDayWithNewTilesMarked() {
        val state = gallery(wedding(client.addChannel(name)))
        Screenshots.check("gallery-full") { GalleryScreen(state, {}) }
    }

    @Test
    fun fullGalleryDarkAsAGuestWhoOnlyViews() {
        val state = gallery(wedding(client.addChannel(name)), Role.Viewer)
        Screenshots.check("gallery-full-dark", dark = true) { GalleryScreen(state, {}) }
    }

    @Test
    fun fullGalleryLargeFont() {
        val state = gallery(wedding(client.addChannel(name)))
        Screenshots.check("gallery-full-large-font", fontScale = 1.3f) { GalleryScreen(state, {}) }
    }

    @Test
    fun channelMenuOverTheGallery() {
        val state = gallery(wedding(client.addChannel(name))).copy(sheet = GallerySheet.Menu)
        Screenshots.check("gallery-menu") { GalleryScreen(state, {}) }
    }

    @Test
    fun leaveAsksFirstAndWarnsTheOwner() {
        val state = gallery(wedding(client.addChannel(name))).copy(sheet = GallerySheet.ConfirmLeave)
        Screenshots.check("gallery-leave-owner") { GalleryScreen(state, {}) }
    }

    @Test
    fun leaveFailedDarkAsAGuest() {
        val state =
            gallery(wedding(client.addChannel(name)), Role.Contributor)
                .copy(sheet = GallerySheet.ConfirmLeave, leaveError = "The phone's storage could not be written. Try again.")
        Screenshots.check("gallery-leave-error-dark", dark = true) { GalleryScreen(state, {}) }
    }

    @Test
    fun viewerShowsTheOriginalWithTheThreadBelow() {
        val room = wedding(client.addChannel(name))
        val dance = room.tiles.value.first { it.sortTimeMs == SATURDAY_8PM + 70 * MINUTE && it.index == 0 }
        val presenter = ViewerPresenter(WithOriginals(room), dance, scope, canModerate = true, formats = formats)
        val state = presenter.state.value
        Screenshots.check("viewer-photo-original") { ViewerScreen(state, {}, originalImage = ::decodeOriginal) }
    }

    @Test
    fun viewerVideoPreviewDarkWhileTheFileIsOnItsWay() {
        val room = wedding(client.addChannel(name))
        val video = room.tiles.value.first { it.mime.startsWith("video/") }
        val presenter = ViewerPresenter(room, video, scope, formats = formats)
        presenter.handle(ViewerEvent.Play)
        val state = presenter.state.value
        Screenshots.check("viewer-video-dark", dark = true) { ViewerScreen(state, {}) }
    }

    @Test
    fun viewerLargeFontReplyingToAComment() {
        val room = wedding(client.addChannel(name))
        val dance = room.tiles.value.first { it.sortTimeMs == SATURDAY_8PM + 70 * MINUTE && it.index == 1 }
        val presenter = ViewerPresenter(room, dance, scope, formats = formats)
        val comment = presenter.state.value.thread.comments.first()
        presenter.handle(ViewerEvent.Thread(ThreadEvent.ReplyTo(comment.id)))
        presenter.handle(ViewerEvent.Thread(ThreadEvent.DraftChanged("Sending you the rest tonight!")))
        val state: ViewerState = presenter.state.value
        Screenshots.check("viewer-reply-large-font", fontScale = 1.3f) { ViewerScreen(state, {}) }
    }

    /** A wedding weekend: posts by four members and a guest of the venue gallery, photos and videos. */
    private fun wedding(room: FakeChannelRoom): FakeChannelRoom {
        val ben = Person("b1".repeat(32), "Ben")
        val carla = Person("c1".repeat(32), "Carla")
        val dev = Person("e1".repeat(32), "Dev")
        val ana = Person(client.deviceId, "Ana")
        fun post(at: Long, who: Person, caption: String, files: List<String>): String {
            room.clock = at - MINUTE
            return room.receivePost(who, caption, files)
        }
        post(SATURDAY_8PM - 28 * HOUR, carla, "Rehearsal dinner", listOf("image/jpeg", "image/jpeg"))
        post(SATURDAY_8PM - 4 * HOUR, ben, "The ceremony", listOf("image/jpeg", "image/jpeg", "image/heic", "image/jpeg"))
        val speeches = post(SATURDAY_8PM - 90 * MINUTE, carla, "Speeches — bring tissues", listOf("image/jpeg", "video/mp4", "image/jpeg"))
        val dance = post(SATURDAY_8PM + 70 * MINUTE, dev, "First dance 💃", listOf("image/jpeg", "image/jpeg", "video/mp4", "image/jpeg"))
        post(SATURDAY_8PM + 2 * HOUR, ana, "", listOf("image/jpeg", "image/jpeg"))
        post(SUNDAY_NOON - 90 * MINUTE, ben, "Brunch, everyone survived", listOf("image/jpeg", "image/jpeg", "image/jpeg"))
        var n = 0
        room.tiles.value =
            room.tiles.value.map { t ->
                val thumb = if (t.mime == "image/heic") ByteArray(0) else FixturePhotos.thumbnail(n++)
                val sharers = if (t.postId == dance &&
                    t.index == 0
                ) {
                    listOf(dev, ana, Person(ana.deviceId, "Ana", guest = "Grandma Rosa"))
                } else {
                    t.sharedBy
                }
                t.copy(
                    thumbnail = thumb,
                    durationMs = t.durationMs?.let {
                        if (t.postId ==
                            speeches
                        ) {
                            84_000L
                        } else {
                            38_000L
                        }
                    },
                    sharedBy = sharers
                )
            }
        val toast = room.receiveComment(ben, dance, "This is the one for the album")
        room.receiveComment(carla, dance, "Who filmed the dip at the end?")
        val reply = room.receiveComment(dev, dance, "Thanks Ben! The light was perfect", replyTo = toast)
        room.receiveComment(ana, dance, "Agreed, framing it", replyTo = reply)
        kotlinx.coroutines.runBlocking {
            room.react(dance, "❤️", true)
            room.react(toast, "👏", true)
        }
        return room
    }

    /** The fake's originals are the fixture photos themselves, as if they had arrived. */
    private class WithOriginals(private val inner: FakeChannelRoom) : ChannelRoom by inner {
        override suspend fun originals(postId: String): List<String> =
            inner.tiles.value.filter { it.postId == postId }.indices.map { originalFiles[it % originalFiles.size].path }
    }

    private fun decodeOriginal(path: String) = Image.makeFromEncoded(File(path).readBytes()).toComposeImageBitmap()

    companion object {
        const val MINUTE = 60_000L
        const val HOUR = 60 * MINUTE

        /** 2026-06-13 20:00 UTC: the user last looked at the channel then. */
        const val SATURDAY_8PM = 1_781_380_800_000L
        const val SUNDAY_NOON = SATURDAY_8PM + 16 * HOUR

        private val originalFiles =
            File(System.getProperty("swarmroll.photos") ?: "../shared/fixtures/photos", "phones").listFiles()!!.filter {
                it.extension ==
                    "jpg"
            }.sortedBy { it.name }
    }
}
