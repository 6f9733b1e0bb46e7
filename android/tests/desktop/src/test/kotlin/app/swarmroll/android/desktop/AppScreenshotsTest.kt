package app.swarmroll.android.desktop

import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.api.SyncPass
import app.swarmroll.android.core.test.FakeSwarmrollClient
import app.swarmroll.android.features.home.AppState
import app.swarmroll.android.features.home.Destination
import app.swarmroll.android.features.home.LastPass
import app.swarmroll.android.features.home.SwarmrollApp
import org.junit.Test

/**
 * The wired app ([SwarmrollApp] with a [FakePlatform]) on the screens the shell adds
 * itself: where photos come from, and settings with party mode, transfers and
 * notifications per channel below the core's policy. Rendered through the whole app, so
 * a wiring mistake (a screen left out, a presenter not started) shows here too.
 */
class AppScreenshotsTest {
    private val client = FakeSwarmrollClient(myName = "Ana")

    private fun at(vararg path: Destination): AppState = AppState(savedName = "Ana").also { s -> path.forEach(s.navigator::push) }

    private fun settingsPlatform(): FakePlatform {
        val wedding = client.addChannel("Lena & Sam's wedding", Role.Contributor)
        val club = client.addChannel("Book club")
        val pass =
            SyncPass(
                eventsReceived = 42,
                bytesFetched = 38L shl 20,
                postsCompleted = 14,
                remainingPosts = 0,
                remainingBytes = 0,
                complete = true,
                tookMs = 41_000
            )
        return FakePlatform(lastPass = LastPass(pass, System.currentTimeMillis() - 14 * 60_000), optimized = true).apply {
            notifications[wedding.id] = false
            notifications[club.id] = true
            setPartyMode(true)
        }
    }

    @Test
    fun addPhotosOffersThePickerOrAnEventWindow() {
        val room = client.addChannel("Lena & Sam's wedding")
        val state = at(Destination.Gallery(room.id), Destination.Share(room.id))
        Screenshots.check("app-add-photos") { SwarmrollApp(client, state, FakePlatform()) }
    }

    @Test
    fun addPhotosDarkLargeFont() {
        val room = client.addChannel("Lena & Sam's wedding")
        val state = at(Destination.Gallery(room.id), Destination.Share(room.id))
        Screenshots.check("app-add-photos-dark-large", dark = true, fontScale = 1.3f) { SwarmrollApp(client, state, FakePlatform()) }
    }

    @Test
    fun settingsWithPartyModeTransfersAndNotificationsPerChannel() {
        val platform = settingsPlatform()
        val state = at(Destination.Settings)
        Screenshots.check("app-settings", heightDp = 1500) { SwarmrollApp(client, state, platform) }
    }

    @Test
    fun settingsDark() {
        val platform = settingsPlatform()
        val state = at(Destination.Settings)
        Screenshots.check("app-settings-dark", dark = true, heightDp = 1500) { SwarmrollApp(client, state, platform) }
    }
}
