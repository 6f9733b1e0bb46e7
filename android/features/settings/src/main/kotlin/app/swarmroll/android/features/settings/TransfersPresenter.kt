package app.swarmroll.android.features.settings

import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.core.api.SwarmrollFailure
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.catch
import kotlinx.coroutines.flow.combine
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/** One post's originals on their way, with what it is and where it belongs. */
data class TransferRow(
    val channelId: String,
    val postId: String,
    val channelName: String,
    val thumbnail: ByteArray,
    val mime: String,
    val photos: Int,
    val videos: Int,
    val haveBytes: Long,
    val totalBytes: Long,
    val bytesPerSecond: Long
) {
    val fraction: Float get() = if (totalBytes == 0L) 1f else haveBytes.toFloat() / totalBytes

    override fun equals(other: Any?): Boolean =
        other is TransferRow && other.channelId == channelId && other.postId == postId && other.haveBytes == haveBytes &&
            other.totalBytes == totalBytes &&
            other.bytesPerSecond == bytesPerSecond && other.channelName == channelName && other.photos == photos && other.videos == videos

    override fun hashCode(): Int = postId.hashCode()
}

data class TransfersState(val loading: Boolean = true, val rows: List<TransferRow> = emptyList(), val error: String? = null) {
    val haveBytes: Long get() = rows.sumOf { it.haveBytes }
    val totalBytes: Long get() = rows.sumOf { it.totalBytes }
    val bytesPerSecond: Long get() = rows.sumOf { it.bytesPerSecond }

    /** Seconds left at the current speed; null when nothing moves. */
    val secondsLeft: Long? get() = if (bytesPerSecond <= 0) null else (totalBytes - haveBytes + bytesPerSecond - 1) / bytesPerSecond
}

/**
 * Originals on their way to this phone, per post: the core's live transfer list joined
 * with the channel list (names) and the timeline (a thumbnail and what the post holds),
 * so a row says "Garden party · 4 photos, 1 video" rather than a post id.
 */
class TransfersPresenter(private val client: SwarmrollClient, scope: CoroutineScope) {
    private val mutable = MutableStateFlow(TransfersState())
    val state: StateFlow<TransfersState> = mutable.asStateFlow()

    init {
        scope.launch {
            combine(client.transfers(), client.channels(), client.timeline()) { transfers, channels, tiles ->
                val names = channels.associate { it.id to it.name }
                val byPost = tiles.groupBy { it.channelId to it.postId }
                transfers.map { t ->
                    val postTiles = byPost[t.channelId to t.postId].orEmpty().sortedBy { it.index }
                    val first = postTiles.firstOrNull()
                    TransferRow(
                        channelId = t.channelId,
                        postId = t.postId,
                        channelName = names[t.channelId].orEmpty(),
                        thumbnail = first?.thumbnail ?: ByteArray(0),
                        mime = first?.mime ?: "",
                        photos = postTiles.count { !it.mime.startsWith("video/") },
                        videos = postTiles.count { it.mime.startsWith("video/") },
                        haveBytes = t.haveBytes,
                        totalBytes = t.totalBytes,
                        bytesPerSecond = t.bytesPerSecond
                    )
                }
            }
                .catch { e ->
                    if (e !is SwarmrollFailure) throw e
                    mutable.update { it.copy(loading = false, error = e.message) }
                }
                .collect { rows -> mutable.update { it.copy(loading = false, rows = rows, error = null) } }
        }
    }
}
