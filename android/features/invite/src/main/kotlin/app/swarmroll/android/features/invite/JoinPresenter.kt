package app.swarmroll.android.features.invite

import app.swarmroll.android.core.api.InvitePreview
import app.swarmroll.android.core.api.Joined
import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.core.api.SwarmrollFailure
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/** Why joining failed, in the core's words, and whether trying again may help. */
data class JoinFailure(val message: String, val retryable: Boolean)

/** The join screen. [preview] is what the link says, once it reads as an invite; [joined] ends the screen. */
data class JoinState(
    val link: String = "",
    val preview: InvitePreview? = null,
    val joining: Boolean = false,
    val failure: JoinFailure? = null,
    val joined: Joined? = null
) {
    val canJoin: Boolean get() = link.isNotBlank() && !joining && joined == null
}

sealed interface JoinEvent {
    data class LinkChanged(val link: String) : JoinEvent

    data object Join : JoinEvent

    // Navigation and platform: the app shell handles these.
    data object ScanQr : JoinEvent

    data object Back : JoinEvent
}

/**
 * Joining a channel from a pasted link, a scanned QR code or a tapped App Link. What the
 * invite says (channel, inviter, role) is shown before the user commits, read locally by
 * the core; joining itself waits for a member to be reachable, so it shows progress and,
 * when it fails, the core's message (an invalid invite, nobody reachable) with "Try again"
 * where that may help. A link that does not read as an invite can still be tried, so the
 * user hears the core's own reason. [autoJoin] is for a link the user already accepted
 * (the deferred invite on first start).
 */
class JoinPresenter(
    private val client: SwarmrollClient,
    private val myName: String,
    private val scope: CoroutineScope,
    initialLink: String? = null,
    autoJoin: Boolean = false
) {
    private val mutable = MutableStateFlow(JoinState())
    val state: StateFlow<JoinState> = mutable.asStateFlow()

    init {
        if (initialLink != null) handle(JoinEvent.LinkChanged(initialLink))
        if (autoJoin) handle(JoinEvent.Join)
    }

    fun handle(event: JoinEvent) {
        when (event) {
            is JoinEvent.LinkChanged ->
                if (!mutable.value.joining) {
                    mutable.update { it.copy(link = event.link, preview = client.parseInvite(event.link), failure = null) }
                }

            JoinEvent.Join -> join()

            JoinEvent.ScanQr, JoinEvent.Back -> Unit
        }
    }

    private fun join() {
        val current = mutable.value
        if (!current.canJoin) return
        mutable.update { it.copy(joining = true, failure = null) }
        scope.launch {
            try {
                val joined = client.join(current.link.trim(), myName)
                mutable.update { it.copy(joining = false, joined = joined) }
            } catch (e: SwarmrollFailure) {
                mutable.update { it.copy(joining = false, failure = JoinFailure(e.message, e.retryable)) }
            }
        }
    }
}
