package app.swarmroll.android.features.settings

import app.swarmroll.android.core.api.OriginalsPolicy
import app.swarmroll.android.core.api.Settings
import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.core.api.SwarmrollFailure
import app.swarmroll.android.core.api.SyncPass
import app.swarmroll.android.core.api.SyncPolicy
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.receiveAsFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

private const val MS_PER_MINUTE = 60_000L

/** The last background pass, as settings shows it: "14 min ago, moved 38 MB". */
data class LastSync(val minutesAgo: Long, val bytesMoved: Long, val postsCompleted: Long, val complete: Boolean)

data class SettingsState(
    val loading: Boolean = true,
    val settings: Settings? = null,
    val lastSync: LastSync? = null,
    /** The phone maker's battery manager may defer background work: point to its setting. */
    val batteryOptimized: Boolean = false,
    val saving: Boolean = false,
    val error: String? = null,
    /** The relay address being typed, and why the core refused the last one. */
    val relayDraft: String = "",
    val relayError: String? = null
) {
    companion object {
        /** Daily limits on mobile data offered; null is no limit. */
        val BUDGETS: List<Long?> = listOf(null, 100L shl 20, 250L shl 20, 1L shl 30)
    }
}

sealed interface SettingsEvent {
    data class SetOriginals(val policy: OriginalsPolicy) : SettingsEvent
    data class SetChargingOnly(val on: Boolean) : SettingsEvent
    data class SetBudget(val bytes: Long?) : SettingsEvent
    data object OpenBatterySettings : SettingsEvent
    data class EditRelay(val text: String) : SettingsEvent
    data object AddRelay : SettingsEvent
    data class RemoveRelay(val address: String) : SettingsEvent
    data object Refresh : SettingsEvent
    data object Back : SettingsEvent
}

sealed interface SettingsEffect {
    /** Open the phone maker's battery setting for this app (the app knows which). */
    data object OpenBatterySettings : SettingsEffect
    data object Back : SettingsEffect
}

/**
 * Settings from the core's model: when originals move (Wi-Fi only, any network, never;
 * charging only; a daily budget on mobile data), what is holding them now and why, the
 * network and power as the core sees them, and the last background pass, which the app
 * records from WorkManager and passes in with [lastPassAtMs]. Changes go to the core as a
 * whole policy and the screen reads the model back, so it shows what the core applied;
 * so do the rendezvous relays the user names (a server a friend runs, where members meet
 * when no home node is on).
 */
class SettingsPresenter(
    private val client: SwarmrollClient,
    private val scope: CoroutineScope,
    private val lastPass: SyncPass? = null,
    private val lastPassAtMs: Long? = null,
    batteryOptimized: Boolean = false,
    private val now: () -> Long = System::currentTimeMillis
) {
    private val mutable = MutableStateFlow(SettingsState(batteryOptimized = batteryOptimized))
    val state: StateFlow<SettingsState> = mutable.asStateFlow()
    private val effectChannel = Channel<SettingsEffect>(Channel.BUFFERED)
    val effects: Flow<SettingsEffect> = effectChannel.receiveAsFlow()

    init {
        read()
    }

    fun handle(event: SettingsEvent) {
        when (event) {
            is SettingsEvent.SetOriginals -> change { it.copy(originals = event.policy) }
            is SettingsEvent.SetChargingOnly -> change { it.copy(chargingOnly = event.on) }
            is SettingsEvent.SetBudget -> change { it.copy(meteredDailyBytes = event.bytes) }
            SettingsEvent.OpenBatterySettings -> effectChannel.trySend(SettingsEffect.OpenBatterySettings)
            is SettingsEvent.EditRelay -> mutable.update { it.copy(relayDraft = event.text, relayError = null) }
            SettingsEvent.AddRelay -> addRelay()
            is SettingsEvent.RemoveRelay -> state.value.settings?.let { setRelays(it.rendezvousRelays - event.address, clearDraft = false) }
            SettingsEvent.Refresh -> read()
            SettingsEvent.Back -> effectChannel.trySend(SettingsEffect.Back)
        }
    }

    private fun read() {
        val last =
            if (lastPass != null && lastPassAtMs != null) {
                LastSync(
                    ((now() - lastPassAtMs) / MS_PER_MINUTE).coerceAtLeast(0),
                    lastPass.bytesFetched,
                    lastPass.postsCompleted,
                    lastPass.complete
                )
            } else {
                null
            }
        try {
            val settings = client.settings()
            mutable.update { it.copy(loading = false, settings = settings, lastSync = last, error = null) }
        } catch (e: SwarmrollFailure) {
            mutable.update { it.copy(loading = false, lastSync = last, error = e.message) }
        }
    }

    private fun addRelay() {
        val draft = state.value.relayDraft.trim()
        val current = state.value.settings?.rendezvousRelays ?: return
        if (draft.isNotEmpty()) setRelays(current + draft, clearDraft = true)
    }

    /** The core checks the addresses: what it refuses stays typed, with its reason. */
    private fun setRelays(relays: List<String>, clearDraft: Boolean) {
        mutable.update { it.copy(saving = true, relayError = null) }
        scope.launch {
            try {
                client.setRendezvousRelays(relays)
                mutable.update { it.copy(saving = false, relayDraft = if (clearDraft) "" else it.relayDraft) }
                read()
            } catch (e: SwarmrollFailure) {
                mutable.update { it.copy(saving = false, relayError = e.message) }
            }
        }
    }

    private fun change(edit: (SyncPolicy) -> SyncPolicy) {
        val current = state.value.settings ?: return
        val policy = edit(current.policy)
        if (policy == current.policy) return
        mutable.update { it.copy(saving = true, error = null) }
        scope.launch {
            try {
                client.setDefaultPolicy(policy)
                mutable.update { it.copy(saving = false) }
                read()
            } catch (e: SwarmrollFailure) {
                mutable.update { it.copy(saving = false, error = e.message) }
            }
        }
    }
}
