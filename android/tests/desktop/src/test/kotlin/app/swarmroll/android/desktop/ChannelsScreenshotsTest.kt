package app.swarmroll.android.desktop

import app.swarmroll.android.core.api.ChannelSummary
import app.swarmroll.android.core.api.Person
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.test.FakeChannelRoom
import app.swarmroll.android.core.test.FakeSwarmrollClient
import app.swarmroll.android.features.channels.ChannelsEvent
import app.swarmroll.android.features.channels.ChannelsPresenter
import app.swarmroll.android.features.channels.ChannelsScreen
import app.swarmroll.android.features.channels.ChannelsState
import app.swarmroll.android.features.channels.ChannelsTab
import app.swarmroll.android.features.channels.CreateChannelEvent
import app.swarmroll.android.features.channels.CreateChannelPresenter
import app.swarmroll.android.features.channels.CreateChannelScreen
import app.swarmroll.android.features.channels.CreateChannelState
import java.time.LocalDate
import java.time.ZoneOffset
import java.util.Locale
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancel
import org.junit.After
import org.junit.Test

/** The channel list, the everything timeline and the create form, in the states people meet them. */
class ChannelsScreenshotsTest {
    private val scope = CoroutineScope(Dispatchers.Unconfined)

    @After
    fun stop() = scope.cancel()

    private val channels =
        listOf(
            ChannelSummary("c1", "Maya & Jon's wedding", Role.Contributor, unread = 12, items = 248, videos = 17),
            ChannelSummary("c2", "Garden party", Role.Owner, unread = 0, items = 36, videos = 0),
            ChannelSummary("c3", "Lisbon trip 2026", Role.CoHost, unread = 3, items = 1, videos = 1),
            ChannelSummary("c4", "Grandma's 90th birthday lunch at the old farmhouse", Role.Viewer, unread = 0, items = 1, videos = 0),
            ChannelSummary("c5", "Football club — spring season", Role.Contributor, unread = 1, items = 95, videos = 40),
            ChannelSummary("c6", "Book club", Role.Owner, unread = 0, items = 0, videos = 0)
        )
    private val full = ChannelsState(channels = channels)

    @Test
    fun loading() = Screenshots.check("channels-loading") { ChannelsScreen(ChannelsState(), {}) }

    @Test
    fun emptyOffersCreateAndJoin() {
        val state = ChannelsPresenter(FakeSwarmrollClient(), scope).state.value
        Screenshots.check("channels-empty") { ChannelsScreen(state, {}) }
    }

    @Test
    fun fullList() = Screenshots.check("channels-full") { ChannelsScreen(full, {}) }

    @Test
    fun fullListDark() = Screenshots.check("channels-full-dark", dark = true) { ChannelsScreen(full, {}) }

    @Test
    fun fullListLargeFont() = Screenshots.check("channels-full-large-font", fontScale = 1.3f) { ChannelsScreen(full, {}) }

    @Test
    fun error() {
        val state = ChannelsState(error = "The phone's storage could not be read. Restart the app and try again.")
        Screenshots.check("channels-error") { ChannelsScreen(state, {}) }
    }

    /** Two channels' photos over three days, from the presenter over the fake, with real thumbnails. */
    private fun everything(): ChannelsState {
        val client = FakeSwarmrollClient(myName = "Ana")
        val wedding = client.addChannel("Maya & Jon's wedding", Role.Contributor)
        val garden = client.addChannel("Garden party")
        val maya = Person("d1".repeat(32), "Maya")
        val jon = Person("d2".repeat(32), "Jon")
        var photo = 0
        fun FakeChannelRoom.posts(startMs: Long, who: Person, mimes: List<String>) {
            clock = startMs
            for (mime in mimes) {
                receivePost(
                    who,
                    "",
                    listOf(mime),
                    FixturePhotos.thumbnail(
                        PEOPLE_AND_PLACES[
                            photo++ %
                                PEOPLE_AND_PLACES.size
                        ]
                    )
                )
            }
        }
        garden.posts(SATURDAY_NOON - 2 * DAY, jon, listOf("image/jpeg", "image/jpeg", "video/mp4"))
        wedding.posts(SATURDAY_NOON - DAY, maya, listOf("image/jpeg", "image/jpeg", "image/jpeg", "image/heic"))
        wedding.posts(SATURDAY_NOON, maya, listOf("image/jpeg", "video/mp4", "image/jpeg", "image/jpeg", "image/jpeg"))
        garden.posts(SATURDAY_NOON + 3_600_000, jon, listOf("image/jpeg", "image/jpeg"))
        val p = ChannelsPresenter(client, scope, ZoneOffset.UTC, Locale.UK) { LocalDate.of(2026, 6, 27) }
        p.handle(ChannelsEvent.SelectTab(ChannelsTab.Everything))
        return p.state.value
    }

    @Test
    fun everythingByDay() {
        val state = everything()
        Screenshots.check("channels-everything") { ChannelsScreen(state, {}) }
    }

    @Test
    fun everythingDark() {
        val state = everything()
        Screenshots.check("channels-everything-dark", dark = true) { ChannelsScreen(state, {}) }
    }

    @Test
    fun everythingLargeFont() {
        val state = everything()
        Screenshots.check("channels-everything-large-font", fontScale = 1.3f) { ChannelsScreen(state, {}) }
    }

    @Test
    fun everythingEmpty() {
        val state = ChannelsState(tab = ChannelsTab.Everything, channels = channels.take(1), timeline = emptyList())
        Screenshots.check("channels-everything-empty") { ChannelsScreen(state, {}) }
    }

    @Test
    fun everythingLoading() {
        val state = ChannelsState(tab = ChannelsTab.Everything, channels = channels)
        Screenshots.check("channels-everything-loading") { ChannelsScreen(state, {}) }
    }

    private fun create(vararg events: CreateChannelEvent): CreateChannelState {
        val p = CreateChannelPresenter(FakeSwarmrollClient(), "Ana", scope)
        events.forEach(p::handle)
        return p.state.value
    }

    @Test
    fun createEmpty() {
        val state = create()
        Screenshots.check("channels-create") { CreateChannelScreen(state, {}) }
    }

    @Test
    fun createBlankNameError() {
        val state = create(CreateChannelEvent.Create)
        Screenshots.check("channels-create-error") { CreateChannelScreen(state, {}) }
    }

    @Test
    fun createOpenChosenDark() {
        val state = create(CreateChannelEvent.NameChanged("Garden party"), CreateChannelEvent.PrivateChanged(false))
        Screenshots.check("channels-create-dark", dark = true) { CreateChannelScreen(state, {}) }
    }

    @Test
    fun createLargeFont() {
        val state = create(CreateChannelEvent.NameChanged("Maya & Jon's wedding"))
        Screenshots.check("channels-create-large-font", fontScale = 1.3f) { CreateChannelScreen(state, {}) }
    }

    @Test
    fun createCreating() {
        val state = CreateChannelState(name = "Maya & Jon's wedding", creating = true)
        Screenshots.check("channels-create-creating") { CreateChannelScreen(state, {}) }
    }

    @Test
    fun createFailedWithTheCoresMessage() {
        val state = CreateChannelState(name = "Maya & Jon's wedding", error = "The phone is out of space: free some and try again.")
        Screenshots.check("channels-create-failed") { CreateChannelScreen(state, {}) }
    }

    private companion object {
        /** Fixture photos that look like an outing (not the orientation test cards or the drawing). */
        val PEOPLE_AND_PLACES = listOf(9, 0, 3, 10, 1, 7, 4, 2, 8, 6)

        const val DAY = 86_400_000L
        const val SATURDAY_NOON = 1_782_561_600_000L // 2026-06-27 12:00 UTC
    }
}
