package app.swarmroll.android.features.invite

import app.swarmroll.android.core.api.Invite
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.core.api.SwarmrollFailure
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.catch
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/** The invite screen. [invite] is null while it is being made; [error] is the core's message. */
data class InviteState(
    val channelName: String = "",
    val role: Role = Role.Contributor,
    /** The roles this member may hand out: never more than their own, never co-host. */
    val roles: List<Role> = listOf(Role.Viewer, Role.Contributor),
    val invite: Invite? = null,
    val error: String? = null,
    val showQr: Boolean = false
)

sealed interface InviteEvent {
    data class SelectRole(val role: Role) : InviteEvent

    data object ShowQr : InviteEvent

    data object HideQr : InviteEvent

    data object Retry : InviteEvent

    // Navigation and platform: the app shell handles these.
    data class ShareLink(val link: String) : InviteEvent

    data object Back : InviteEvent
}

/**
 * An invite to one channel: the user picks viewer or contributor, and gets a link (for
 * the share sheet) and its QR code. Co-host is not offered: a link is a bearer capability,
 * so the core grants co-host to members instead. Invites are made by the core on demand
 * and kept per role, so switching back and forth does not make new ones.
 */
class InvitePresenter(private val client: SwarmrollClient, private val channelId: String, private val scope: CoroutineScope) {
    private val mutable = MutableStateFlow(InviteState())
    val state: StateFlow<InviteState> = mutable.asStateFlow()
    private val made = HashMap<Role, Invite>()
    private var making: Job? = null

    init {
        scope.launch {
            client.channels().catch { }.collect { list ->
                val me = list.find { it.id == channelId } ?: return@collect
                val roles = listOf(Role.Viewer, Role.Contributor).filter { it <= me.myRole }
                mutable.update { it.copy(channelName = me.name, roles = roles) }
                // A viewer cannot hand out more than viewing: switch before the user sees a wrong link.
                if (mutable.value.role !in roles) make(roles.last())
            }
        }
        if (mutable.value.role in mutable.value.roles) make(mutable.value.role)
    }

    fun handle(event: InviteEvent) {
        when (event) {
            is InviteEvent.SelectRole -> if (event.role != mutable.value.role && event.role in mutable.value.roles) make(event.role)
            InviteEvent.ShowQr -> mutable.update { it.copy(showQr = it.invite != null) }
            InviteEvent.HideQr -> mutable.update { it.copy(showQr = false) }
            InviteEvent.Retry -> make(mutable.value.role)
            is InviteEvent.ShareLink, InviteEvent.Back -> Unit
        }
    }

    private fun make(role: Role) {
        making?.cancel()
        mutable.update { it.copy(role = role, invite = made[role], error = null) }
        if (made[role] != null) return
        making =
            scope.launch {
                try {
                    val invite = client.channel(channelId).invite(role)
                    made[role] = invite
                    mutable.update { if (it.role == role) it.copy(invite = invite) else it }
                } catch (e: SwarmrollFailure) {
                    mutable.update { if (it.role == role) it.copy(error = e.message) else it }
                }
            }
    }
}
