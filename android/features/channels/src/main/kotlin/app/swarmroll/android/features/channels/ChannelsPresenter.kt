package app.swarmroll.android.features.channels

import app.swarmroll.android.core.api.ChannelSummary
import app.swarmroll.android.core.api.GalleryTile
import app.swarmroll.android.core.api.MediaKind
import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.core.api.SwarmrollFailure
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import java.util.Locale
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.catch
import kotlinx.coroutines.flow.combine
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/** The two views of the home screen. */
enum class ChannelsTab { Channels, Everything }

/** A day header: "Today", "Yesterday", or the date written for the user's locale. */
sealed interface DayLabel {
    data object Today : DayLabel

    data object Yesterday : DayLabel

    data class Date(val text: String) : DayLabel
}

/** One tile of the everything timeline, with the channel it belongs to. */
data class TimelineTile(val tile: GalleryTile, val channelName: String)

/** One day of the everything timeline, newest first, with its counts for the header. */
data class TimelineDay(val epochDay: Long, val label: DayLabel, val tiles: List<TimelineTile>) {
    val videos: Int get() = tiles.count { it.tile.kind == MediaKind.Video }
    val photos: Int get() = tiles.size - videos
}

/** The home screen. A null list is still loading; [error] is the core's message. */
data class ChannelsState(
    val tab: ChannelsTab = ChannelsTab.Channels,
    val channels: List<ChannelSummary>? = null,
    val timeline: List<TimelineDay>? = null,
    val error: String? = null
)

sealed interface ChannelsEvent {
    data class SelectTab(val tab: ChannelsTab) : ChannelsEvent

    data object Retry : ChannelsEvent

    // Navigation: the app shell handles these.
    data class OpenChannel(val channelId: String) : ChannelsEvent

    data class OpenTile(val channelId: String, val postId: String) : ChannelsEvent

    data object CreateChannel : ChannelsEvent

    data object JoinChannel : ChannelsEvent

    data object OpenSettings : ChannelsEvent
}

/**
 * The home screen's state: the channel list and the "everything" timeline, both live from
 * the core. The timeline (every channel's gallery merged) is collected only once the user
 * first opens it, since it reads every gallery; its days are grouped in the phone's time
 * zone, which tests fix with [zone] and [today].
 */
class ChannelsPresenter(
    private val client: SwarmrollClient,
    private val scope: CoroutineScope,
    private val zone: ZoneId = ZoneId.systemDefault(),
    private val locale: Locale = Locale.getDefault(),
    private val today: () -> LocalDate = { LocalDate.now(zone) }
) {
    private val mutable = MutableStateFlow(ChannelsState())
    val state: StateFlow<ChannelsState> = mutable.asStateFlow()
    private var channelsJob: Job? = null
    private var timelineJob: Job? = null
    private val dateFormat = DateTimeFormatter.ofLocalizedDate(FormatStyle.FULL).withLocale(locale)

    init {
        collectChannels()
    }

    fun handle(event: ChannelsEvent) {
        when (event) {
            is ChannelsEvent.SelectTab -> {
                mutable.update { it.copy(tab = event.tab) }
                if (event.tab == ChannelsTab.Everything && timelineJob == null) collectTimeline()
            }

            ChannelsEvent.Retry -> {
                mutable.update { it.copy(error = null) }
                collectChannels()
                if (timelineJob != null) collectTimeline()
            }

            else -> Unit
        }
    }

    private fun collectChannels() {
        channelsJob?.cancel()
        channelsJob =
            scope.launch {
                client.channels()
                    .catch { failed(it) }
                    .collect { list -> mutable.update { it.copy(channels = list) } }
            }
    }

    private fun collectTimeline() {
        timelineJob?.cancel()
        timelineJob =
            scope.launch {
                combine(client.timeline(), client.channels()) { tiles, channels ->
                    val names = channels.associate { it.id to it.name }
                    group(tiles.map { TimelineTile(it, names[it.channelId].orEmpty()) })
                }.catch { failed(it) }
                    .collect { days -> mutable.update { it.copy(timeline = days) } }
            }
    }

    private fun failed(e: Throwable) {
        if (e !is SwarmrollFailure) throw e
        mutable.update { it.copy(error = e.message) }
    }

    /** Tiles by local day, newest day first and newest first within a day. */
    private fun group(tiles: List<TimelineTile>): List<TimelineDay> {
        val now = today()
        return tiles.sortedByDescending { it.tile.sortTimeMs }
            .groupBy { Instant.ofEpochMilli(it.tile.sortTimeMs).atZone(zone).toLocalDate() }
            .map { (day, dayTiles) -> TimelineDay(day.toEpochDay(), label(day, now), dayTiles) }
    }

    private fun label(day: LocalDate, now: LocalDate): DayLabel = when (day) {
        now -> DayLabel.Today
        now.minusDays(1) -> DayLabel.Yesterday
        else -> DayLabel.Date(dateFormat.format(day))
    }
}
