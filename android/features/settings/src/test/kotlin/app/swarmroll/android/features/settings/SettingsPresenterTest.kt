package app.swarmroll.android.features.settings

import app.swarmroll.android.core.api.HoldReason
import app.swarmroll.android.core.api.NetworkKind
import app.swarmroll.android.core.api.NetworkState
import app.swarmroll.android.core.api.OriginalsPolicy
import app.swarmroll.android.core.api.SwarmrollFailure
import app.swarmroll.android.core.api.SyncPass
import app.swarmroll.android.core.test.FakeSwarmrollClient
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
class SettingsPresenterTest {
    private val client = FakeSwarmrollClient()

    @Test
    fun theScreenShowsTheCoresModelAndWhatIsHeld() = runTest(UnconfinedTestDispatcher()) {
        client.networkChanged(NetworkState(NetworkKind.None, metered = false, constrained = false))
        val p = SettingsPresenter(client, backgroundScope)
        assertFalse(p.state.value.loading)
        assertEquals(HoldReason.Offline, p.state.value.settings!!.held)
        assertEquals(OriginalsPolicy.UnmeteredOnly, p.state.value.settings!!.policy.originals)
    }

    @Test
    fun eachChangeGoesToTheCoreAsAWholePolicyAndIsReadBack() = runTest(UnconfinedTestDispatcher()) {
        val p = SettingsPresenter(client, backgroundScope)
        p.handle(SettingsEvent.SetOriginals(OriginalsPolicy.AnyNetwork))
        p.handle(SettingsEvent.SetChargingOnly(true))
        p.handle(SettingsEvent.SetBudget(250L shl 20))
        val policy = client.settings().policy
        assertEquals(OriginalsPolicy.AnyNetwork, policy.originals)
        assertTrue(policy.chargingOnly)
        assertEquals(250L shl 20, policy.meteredDailyBytes)
        assertEquals(policy, p.state.value.settings!!.policy)
        assertEquals(3, client.calls.count { it == "setDefaultPolicy" })
    }

    @Test
    fun choosingWhatIsAlreadySetDoesNotCallTheCore() = runTest(UnconfinedTestDispatcher()) {
        val p = SettingsPresenter(client, backgroundScope)
        p.handle(SettingsEvent.SetOriginals(OriginalsPolicy.UnmeteredOnly))
        p.handle(SettingsEvent.SetBudget(null))
        assertTrue(client.calls.isEmpty())
    }

    @Test
    fun aRefusedChangeKeepsThePolicyAndSaysWhy() = runTest(UnconfinedTestDispatcher()) {
        val p = SettingsPresenter(client, backgroundScope)
        client.failNext = SwarmrollFailure(SwarmrollFailure.Kind.Storage, "settings could not be saved")
        p.handle(SettingsEvent.SetOriginals(OriginalsPolicy.Never))
        assertEquals("settings could not be saved", p.state.value.error)
        assertEquals(OriginalsPolicy.UnmeteredOnly, p.state.value.settings!!.policy.originals)
        assertFalse(p.state.value.saving)
    }

    @Test
    fun theLastBackgroundPassIsShownAsMinutesAgoAndBytesMoved() = runTest(UnconfinedTestDispatcher()) {
        val pass = SyncPass(12, 38L shl 20, 3, 0, 0, complete = true, tookMs = 40_000)
        val p = SettingsPresenter(client, backgroundScope, pass, lastPassAtMs = 1_000_000, now = { 1_000_000 + 14 * 60_000 + 59_000 })
        assertEquals(LastSync(14, 38L shl 20, 3, true), p.state.value.lastSync)
        assertNull(SettingsPresenter(client, backgroundScope).state.value.lastSync)
    }

    @Test
    fun theBatteryRowIsOfferedOnlyWhenTheAppIsOptimizedAndOpensTheMakersSetting() = runTest(UnconfinedTestDispatcher()) {
        assertFalse(SettingsPresenter(client, backgroundScope).state.value.batteryOptimized)
        val p = SettingsPresenter(client, backgroundScope, batteryOptimized = true)
        assertTrue(p.state.value.batteryOptimized)
        val seen = mutableListOf<SettingsEffect>()
        backgroundScope.launch { p.effects.toList(seen) }
        p.handle(SettingsEvent.OpenBatterySettings)
        assertEquals(listOf<SettingsEffect>(SettingsEffect.OpenBatterySettings), seen)
    }

    @Test
    fun refreshReadsTheModelAgain() = runTest(UnconfinedTestDispatcher()) {
        val p = SettingsPresenter(client, backgroundScope)
        client.powerChanged(charging = true, batteryLow = false)
        assertFalse(p.state.value.settings!!.charging)
        p.handle(SettingsEvent.Refresh)
        assertTrue(p.state.value.settings!!.charging)
    }

    @Test
    fun aRelayTypedIsAddedThroughTheCoreAndCanBeRemoved() = runTest(UnconfinedTestDispatcher()) {
        val p = SettingsPresenter(client, backgroundScope)
        assertTrue(p.state.value.settings!!.rendezvousRelays.isEmpty())
        p.handle(SettingsEvent.EditRelay(" 203.0.113.7:51418 "))
        p.handle(SettingsEvent.AddRelay)
        assertEquals(listOf("203.0.113.7:51418"), client.settings().rendezvousRelays)
        assertEquals(listOf("203.0.113.7:51418"), p.state.value.settings!!.rendezvousRelays)
        assertEquals("", p.state.value.relayDraft)
        p.handle(SettingsEvent.EditRelay("198.51.100.9:51418"))
        p.handle(SettingsEvent.AddRelay)
        p.handle(SettingsEvent.RemoveRelay("203.0.113.7:51418"))
        assertEquals(listOf("198.51.100.9:51418"), p.state.value.settings!!.rendezvousRelays)
        assertEquals(3, client.calls.count { it == "setRendezvousRelays" })
    }

    @Test
    fun aRelayTheCoreRefusesStaysTypedWithItsReason() = runTest(UnconfinedTestDispatcher()) {
        val p = SettingsPresenter(client, backgroundScope)
        p.handle(SettingsEvent.EditRelay("my-server.example"))
        p.handle(SettingsEvent.AddRelay)
        assertEquals("my-server.example", p.state.value.relayDraft)
        assertTrue(p.state.value.relayError!!.contains("address and a port"))
        assertTrue(client.settings().rendezvousRelays.isEmpty())
        // Typing again clears the complaint; nothing typed adds nothing.
        p.handle(SettingsEvent.EditRelay(""))
        assertNull(p.state.value.relayError)
        p.handle(SettingsEvent.AddRelay)
        assertEquals(1, client.calls.count { it == "setRendezvousRelays" })
    }
}
