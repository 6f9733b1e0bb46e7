package app.swarmroll.android.features.gallery

import app.swarmroll.android.core.api.ChannelRoom
import app.swarmroll.android.core.api.GalleryTile
import app.swarmroll.android.core.api.MediaKind
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.api.SwarmrollFailure
import java.time.LocalDate
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.receiveAsFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/** One tile as the grid draws it: [isNew] when it arrived after the user's last visit. */
data class GalleryItem(val tile: GalleryTile, val isNew: Boolean, val timeLabel: String)

/** A day's header and its tiles, newest first. */
data class GalleryDay(val date: LocalDate, val relative: DayRelative, val label: String, val items: List<GalleryItem>)

data class GalleryState(
    val channelName: String,
    val loading: Boolean = true,
    val days: List<GalleryDay> = emptyList(),
    val photos: Int = 0,
    val videos: Int = 0,
    /** Tiles newer than the last visit that someone else shared. */
    val newCount: Int = 0,
    val canInvite: Boolean = false,
    val canShare: Boolean = false,
    val canHost: Boolean = false,
    /** The owner: leaving ends their host tools (co-hosts keep theirs). */
    val isOwner: Boolean = false,
    /** The channel menu or the leave confirmation, over the gallery. */
    val sheet: GallerySheet? = null,
    val leaving: Boolean = false,
    /** The channel was left (nothing of it is on the phone any more). */
    val left: Boolean = false,
    val leaveError: String? = null,
    val error: String? = null
) {
    val empty: Boolean get() = !loading && error == null && days.isEmpty()
}

/** What shows over the gallery: its menu, or the question before leaving. */
enum class GallerySheet { Menu, ConfirmLeave }

sealed interface GalleryEvent {
    data class Open(val tile: GalleryTile) : GalleryEvent
    data object Invite : GalleryEvent
    data object AddPhotos : GalleryEvent
    data object HostTools : GalleryEvent
    data object Menu : GalleryEvent
    data object AskLeave : GalleryEvent
    data object Leave : GalleryEvent
    data object DismissSheet : GalleryEvent
    data object Back : GalleryEvent
    data object Retry : GalleryEvent
}

/** What the app does for the gallery: navigation, which the presenter does not own. */
sealed interface GalleryEffect {
    data class OpenViewer(val tile: GalleryTile) : GalleryEffect
    data object Invite : GalleryEffect
    data object AddPhotos : GalleryEffect
    data object HostTools : GalleryEffect
    data object Back : GalleryEffect

    /** The channel was left: it is gone, with everything this phone held of it. */
    data object Left : GalleryEffect
}

/**
 * A channel's gallery: the core's live list (thumbnails included) grouped by day, newest
 * first. It remembers [lastVisitMs] (when the user last had the channel open, from the
 * app) and marks tiles shared after it by someone else as new, and tells the core the
 * channel has been seen ([ChannelRoom.markRead]) once tiles are on screen and whenever
 * more arrive while it is open. Which actions show follows [myRole]: anyone may invite
 * (the core issues invites no stronger than their own role), contributors and up add
 * photos, the owner and co-hosts get the host tools. Anyone may leave, after a question
 * that says what goes (what this phone holds of the channel) and what stays (the user's
 * own photos, the channel for the others).
 */
class GalleryPresenter(
    private val room: ChannelRoom,
    channelName: String,
    private val myRole: Role,
    private val myDeviceId: String,
    private val lastVisitMs: Long?,
    private val scope: CoroutineScope,
    private val formats: Formats = Formats()
) {
    private val mutable =
        MutableStateFlow(
            GalleryState(
                channelName = channelName,
                canInvite = true,
                canShare = myRole != Role.Viewer,
                canHost = myRole == Role.Owner || myRole == Role.CoHost,
                isOwner = myRole == Role.Owner
            )
        )
    val state: StateFlow<GalleryState> = mutable.asStateFlow()
    private val effectChannel = Channel<GalleryEffect>(Channel.BUFFERED)
    val effects: Flow<GalleryEffect> = effectChannel.receiveAsFlow()
    private var job: Job? = null
    private var seen = -1

    init {
        load()
    }

    fun handle(event: GalleryEvent) {
        when (event) {
            is GalleryEvent.Open -> effectChannel.trySend(GalleryEffect.OpenViewer(event.tile))

            GalleryEvent.Invite -> effectChannel.trySend(GalleryEffect.Invite)

            GalleryEvent.AddPhotos -> if (state.value.canShare) effectChannel.trySend(GalleryEffect.AddPhotos)

            GalleryEvent.HostTools -> if (state.value.canHost) {
                mutable.update { it.copy(sheet = null) }
                effectChannel.trySend(GalleryEffect.HostTools)
            }

            GalleryEvent.Menu -> mutable.update { it.copy(sheet = GallerySheet.Menu, leaveError = null) }

            GalleryEvent.AskLeave -> mutable.update { it.copy(sheet = GallerySheet.ConfirmLeave, leaveError = null) }

            GalleryEvent.Leave -> leave()

            GalleryEvent.DismissSheet -> if (!state.value.leaving) mutable.update { it.copy(sheet = null, leaveError = null) }

            GalleryEvent.Back -> effectChannel.trySend(GalleryEffect.Back)

            GalleryEvent.Retry -> load()
        }
    }

    private fun leave() {
        if (state.value.leaving) return
        mutable.update { it.copy(leaving = true, leaveError = null) }
        scope.launch {
            try {
                room.leave()
                job?.cancel()
                mutable.update { it.copy(leaving = false, left = true, sheet = null) }
                effectChannel.trySend(GalleryEffect.Left)
            } catch (e: SwarmrollFailure) {
                mutable.update { it.copy(leaving = false, leaveError = e.message) }
            }
        }
    }

    private fun load() {
        job?.cancel()
        mutable.update { it.copy(loading = true, error = null) }
        job =
            scope.followGallery(room, fail = { message ->
                mutable.update { it.copy(loading = false, error = message) }
            }) { tiles -> show(tiles) }
    }

    private suspend fun show(tiles: List<GalleryTile>) {
        val items = tiles.map { GalleryItem(it, isNew(it), formats.moment(it.sortTimeMs)) }
        val days =
            items.groupBy { formats.day(it.tile.sortTimeMs) }.map { (date, dayItems) ->
                GalleryDay(date, formats.relative(date), formats.dayLabel(date), dayItems)
            }
        mutable.update {
            it.copy(
                loading = false,
                error = null,
                days = days,
                photos = tiles.count { t -> t.kind == MediaKind.Photo },
                videos = tiles.count { t -> t.kind == MediaKind.Video },
                newCount = items.count { i -> i.isNew }
            )
        }
        if (tiles.size > seen) {
            seen = tiles.size
            try {
                room.markRead()
            } catch (ignored: SwarmrollFailure) {
                // The unread count stays; the gallery itself is fine, so nothing to show.
            }
        }
    }

    private fun isNew(tile: GalleryTile): Boolean =
        lastVisitMs != null && tile.sortTimeMs > lastVisitMs && tile.sharedBy.any { it.deviceId != myDeviceId }
}
