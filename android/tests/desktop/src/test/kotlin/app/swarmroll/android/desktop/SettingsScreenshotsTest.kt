package app.swarmroll.android.desktop

import app.swarmroll.android.core.api.HoldReason
import app.swarmroll.android.core.api.NetworkKind
import app.swarmroll.android.core.api.NetworkState
import app.swarmroll.android.core.api.OriginalsPolicy
import app.swarmroll.android.core.api.Person
import app.swarmroll.android.core.api.SyncPass
import app.swarmroll.android.core.api.SyncPolicy
import app.swarmroll.android.core.api.Transfer
import app.swarmroll.android.core.test.FakeSwarmrollClient
import app.swarmroll.android.features.settings.SettingsEvent
import app.swarmroll.android.features.settings.SettingsPresenter
import app.swarmroll.android.features.settings.SettingsScreen
import app.swarmroll.android.features.settings.SettingsState
import app.swarmroll.android.features.settings.TransfersPresenter
import app.swarmroll.android.features.settings.TransfersScreen
import app.swarmroll.android.features.settings.TransfersState
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancel
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Test

/** Settings and transfers from the fake core's models, as a phone on mobile data would see them. */
class SettingsScreenshotsTest {
    private val scope = CoroutineScope(Dispatchers.Unconfined)
    private val client = FakeSwarmrollClient()
    private val pass =
        SyncPass(
            eventsReceived = 212,
            bytesFetched = 38L shl 20,
            postsCompleted = 9,
            remainingPosts = 0,
            remainingBytes = 0,
            complete = true,
            tookMs = 41_000
        )

    @After
    fun stop() = scope.cancel()

    private fun onMobileData() {
        client.settingsValue =
            client.settingsValue.copy(
                policy = SyncPolicy(OriginalsPolicy.UnmeteredOnly, meteredDailyBytes = 250L shl 20),
                held = HoldReason.Metered,
                meteredTodayBytes = 41L shl 20,
                network = NetworkState(NetworkKind.Cellular, metered = true, constrained = false),
                batteryLow = false
            )
    }

    private fun settings(batteryOptimized: Boolean = true) =
        SettingsPresenter(client, scope, pass, lastPassAtMs = 0, batteryOptimized = batteryOptimized, now = { 14 * 60_000 }).state.value

    @Test
    fun settingsOnMobileDataWithTheBatteryManagerDeferring() {
        onMobileData()
        val state = settings()
        Screenshots.check("settings", heightDp = 1240) { SettingsScreen(state, {}) }
        Screenshots.check("settings-dark", dark = true) { SettingsScreen(state, {}) }
        Screenshots.check("settings-large-font", fontScale = 1.3f) { SettingsScreen(state, {}) }
    }

    @Test
    fun settingsOnWifiWithNothingHeldAndNoBackgroundRunYet() {
        val state = SettingsPresenter(client, scope).state.value
        Screenshots.check("settings-idle") { SettingsScreen(state, {}) }
    }

    @Test
    fun settingsWithARelayAndOneTheCoreRefused() = runBlocking {
        client.setRendezvousRelays(listOf("203.0.113.7:51418"))
        val p = SettingsPresenter(client, scope)
        p.handle(SettingsEvent.EditRelay("my-server.example"))
        p.handle(SettingsEvent.AddRelay)
        val state = p.state.value
        check(state.relayError != null && state.settings!!.rendezvousRelays.size == 1)
        Screenshots.check("settings-relays", heightDp = 1240) { SettingsScreen(state, {}) }
    }

    @Test
    fun settingsLoadingAndError() {
        Screenshots.check("settings-loading") { SettingsScreen(SettingsState(), {}) }
        val error = SettingsState(loading = false, error = "The node has not started yet. Try again in a moment.")
        Screenshots.check("settings-error") { SettingsScreen(error, {}) }
    }

    private fun transfers(): TransfersState {
        val party = client.addChannel("Lena & Sam's wedding")
        val club = client.addChannel("Book club")
        val ben = Person("b1".repeat(32), "Ben")
        val a = party.receivePost(ben, "First dance", listOf("image/jpeg", "image/jpeg", "video/mp4"), FixturePhotos.thumbnail(4))
        val b = party.receivePost(ben, "Speeches", listOf("video/mp4"), FixturePhotos.thumbnail(7))
        val c = club.receivePost(ben, "Reading list", listOf("image/jpeg"), FixturePhotos.thumbnail(1))
        client.transferList.value =
            listOf(
                Transfer(party.id, a, 31L shl 20, 58L shl 20, 2_400_000),
                Transfer(party.id, b, 4L shl 20, 212L shl 20, 1_100_000),
                Transfer(club.id, c, 0, 3_600_000, 0)
            )
        return TransfersPresenter(client, scope).state.value
    }

    @Test
    fun transfersInProgress() {
        val state = transfers()
        Screenshots.check("transfers") { TransfersScreen(state, {}) }
        Screenshots.check("transfers-dark-large-font", dark = true, fontScale = 1.3f) { TransfersScreen(state, {}) }
    }

    @Test
    fun transfersEmptyAndLoading() {
        Screenshots.check("transfers-empty") { TransfersScreen(TransfersPresenter(client, scope).state.value, {}) }
        Screenshots.check("transfers-loading") { TransfersScreen(TransfersState(), {}) }
    }
}
