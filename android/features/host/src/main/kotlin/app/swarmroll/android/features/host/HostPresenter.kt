package app.swarmroll.android.features.host

import app.swarmroll.android.core.api.ChannelRoom
import app.swarmroll.android.core.api.Member
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.api.SwarmrollFailure
import app.swarmroll.android.core.api.WebGalleryInfo
import app.swarmroll.android.core.api.WebGallerySession
import app.swarmroll.android.core.api.WebGuestAccess
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.receiveAsFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/** A member as the host tools list them, with what this device may do to them. */
data class MemberRow(val member: Member, val isMe: Boolean, val canManage: Boolean)

/** The venue web gallery while it is open: its link, QR and closing time. */
data class OpenWebGallery(val info: WebGalleryInfo, val access: WebGuestAccess, val closesLabel: String)

/** Something done that the screen confirms in words. */
enum class HostNotice { PostHidden, MemberRemoved, RoleChanged }

data class HostState(
    val channelName: String,
    val loading: Boolean = true,
    val members: List<MemberRow> = emptyList(),
    val removed: List<Member> = emptyList(),
    /** Only the owner changes roles and removes members (the core refuses anyone else). */
    val isOwner: Boolean = false,
    val confirmRemove: Member? = null,
    val busy: Boolean = false,
    val minutes: Int = 120,
    val access: WebGuestAccess = WebGuestAccess.View,
    val web: OpenWebGallery? = null,
    val notice: HostNotice? = null,
    val error: String? = null
) {
    companion object {
        val DURATIONS = listOf(30, 60, 120, 240)
    }
}

sealed interface HostEvent {
    data class SetRole(val deviceId: String, val role: Role) : HostEvent
    data class AskRemove(val deviceId: String) : HostEvent
    data object ConfirmRemove : HostEvent
    data object CancelRemove : HostEvent

    /** From the viewer's thread: hide a post for every member. */
    data class HidePost(val postId: String) : HostEvent
    data class SetMinutes(val minutes: Int) : HostEvent
    data class SetAccess(val access: WebGuestAccess) : HostEvent
    data object OpenWeb : HostEvent
    data object CloseWeb : HostEvent
    data object DismissNotice : HostEvent
    data object Retry : HostEvent
    data object Back : HostEvent
}

sealed interface HostEffect {
    data object Back : HostEffect
}

/**
 * Host tools for a channel's owner and co-hosts: members and their roles (the owner
 * makes co-hosts, contributors or viewers, and removes members after a confirmation that
 * says what removal means — the channel's keys change, so they read nothing new), hiding
 * a post, and the venue web gallery for guests without the app, open for a chosen time
 * with its QR code until it closes or the host closes it.
 */
class HostPresenter(
    private val room: ChannelRoom,
    channelName: String,
    private val myDeviceId: String,
    myRole: Role,
    private val scope: CoroutineScope,
    private val timeLabel: (Long) -> String
) {
    private val owner = myRole == Role.Owner
    private val mutable = MutableStateFlow(HostState(channelName, isOwner = owner))
    val state: StateFlow<HostState> = mutable.asStateFlow()
    private var session: WebGallerySession? = null
    private val effectChannel = Channel<HostEffect>(Channel.BUFFERED)
    val effects: Flow<HostEffect> = effectChannel.receiveAsFlow()

    init {
        load()
    }

    fun handle(event: HostEvent) {
        when (event) {
            is HostEvent.SetRole -> if (owner) act(HostNotice.RoleChanged) { room.setMemberRole(event.deviceId, event.role) }

            is HostEvent.AskRemove ->
                if (owner) {
                    mutable.update { s ->
                        s.copy(
                            confirmRemove = s.members.find {
                                it.member.deviceId == event.deviceId &&
                                    it.canManage
                            }?.member
                        )
                    }
                }

            HostEvent.ConfirmRemove -> {
                val who = state.value.confirmRemove ?: return
                mutable.update { it.copy(confirmRemove = null) }
                act(HostNotice.MemberRemoved) { room.removeMember(who.deviceId) }
            }

            HostEvent.CancelRemove -> mutable.update { it.copy(confirmRemove = null) }

            is HostEvent.HidePost -> act(HostNotice.PostHidden, reload = false) { room.setHidden(event.postId, true) }

            is HostEvent.SetMinutes -> mutable.update { it.copy(minutes = event.minutes) }

            is HostEvent.SetAccess -> mutable.update { it.copy(access = event.access) }

            HostEvent.OpenWeb -> openWeb()

            HostEvent.CloseWeb -> closeWeb()

            HostEvent.DismissNotice -> mutable.update { it.copy(notice = null) }

            HostEvent.Retry -> load()

            HostEvent.Back -> effectChannel.trySend(HostEffect.Back)
        }
    }

    private fun load() {
        mutable.update { it.copy(loading = true, error = null) }
        scope.launch {
            try {
                show(room.members())
            } catch (e: SwarmrollFailure) {
                mutable.update { it.copy(loading = false, error = e.message) }
            }
        }
    }

    private fun show(members: List<Member>) {
        val (gone, current) = members.partition { it.removed }
        val rows =
            current.sortedWith(compareBy<Member> { -it.role.ordinal }.thenBy { it.name.lowercase() }).map {
                MemberRow(it, it.deviceId == myDeviceId, owner && it.deviceId != myDeviceId && it.role != Role.Owner)
            }
        mutable.update { it.copy(loading = false, members = rows, removed = gone.sortedBy { m -> m.name.lowercase() }) }
    }

    /** Runs a change the core may refuse; on success says so and reads the members again. */
    private fun act(notice: HostNotice, reload: Boolean = true, change: suspend () -> Unit) {
        mutable.update { it.copy(busy = true, error = null, notice = null) }
        scope.launch {
            try {
                change()
                if (reload) show(room.members())
                mutable.update { it.copy(busy = false, notice = notice) }
            } catch (e: SwarmrollFailure) {
                mutable.update { it.copy(busy = false, error = e.message) }
            }
        }
    }

    private fun openWeb() {
        val s = state.value
        if (s.web != null || s.busy) return
        mutable.update { it.copy(busy = true, error = null) }
        scope.launch {
            try {
                val opened = room.openWebGallery(s.minutes, s.access)
                session = opened
                mutable.update { it.copy(busy = false, web = OpenWebGallery(opened.info, s.access, timeLabel(opened.info.closesMs))) }
            } catch (e: SwarmrollFailure) {
                mutable.update { it.copy(busy = false, error = e.message) }
            }
        }
    }

    private fun closeWeb() {
        val open = session ?: return
        scope.launch {
            try {
                open.close()
                session = null
                mutable.update { it.copy(web = null) }
            } catch (e: SwarmrollFailure) {
                mutable.update { it.copy(error = e.message) }
            }
        }
    }
}
