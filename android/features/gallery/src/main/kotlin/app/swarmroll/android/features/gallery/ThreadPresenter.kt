package app.swarmroll.android.features.gallery

import app.swarmroll.android.core.api.ChannelRoom
import app.swarmroll.android.core.api.GalleryTile
import app.swarmroll.android.core.api.Person
import app.swarmroll.android.core.api.Reaction
import app.swarmroll.android.core.api.SwarmrollFailure
import app.swarmroll.android.core.api.ThreadEntry
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.catch
import kotlinx.coroutines.flow.combine
import kotlinx.coroutines.flow.receiveAsFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/** The post at the top of a thread: who posted it, who else shared its photos, what it holds. */
data class PostHeader(
    val id: String,
    val author: Person,
    val timeLabel: String,
    val caption: String,
    val photos: Int,
    val videos: Int,
    /** Members (and guests) who shared the same photos as well, the author left out. */
    val alsoSharedBy: List<Person>,
    val reactions: List<Reaction>
)

/** A comment in thread order; [depth] 1 and more are replies, drawn indented. */
data class CommentRow(
    val id: String,
    val author: Person,
    val timeLabel: String,
    val text: String,
    val depth: Int,
    val replyToName: String?,
    val reactions: List<Reaction>
)

data class ThreadState(
    val loading: Boolean = true,
    val post: PostHeader? = null,
    val comments: List<CommentRow> = emptyList(),
    val draft: String = "",
    /** The comment being answered, shown above the box with a way to cancel. */
    val replyTo: CommentRow? = null,
    val sending: Boolean = false,
    val canModerate: Boolean = false,
    val quickReactions: List<String> = QUICK_REACTIONS,
    val error: String? = null
) {
    val canSend: Boolean get() = draft.isNotBlank() && !sending && post != null

    companion object {
        val QUICK_REACTIONS = listOf("❤️", "😂", "🎉", "👏")
    }
}

sealed interface ThreadEvent {
    data class DraftChanged(val text: String) : ThreadEvent
    data class ReplyTo(val commentId: String) : ThreadEvent
    data object CancelReply : ThreadEvent
    data object Send : ThreadEvent

    /** Toggles this device's [emoji] on a post or comment. */
    data class React(val targetId: String, val emoji: String) : ThreadEvent
    data object HidePost : ThreadEvent
}

/** Hiding is a host tool: the thread only asks for it. */
sealed interface ThreadEffect {
    data class HidePost(val postId: String) : ThreadEffect
}

/**
 * A post's thread under the viewer: the core's live thread (post first, then comments)
 * arranged as a conversation — replies follow the comment they answer, indented — and
 * the post's tiles for "who posted what" (the author and everyone whose copy of the same
 * photo was merged into it). Sending a comment keeps the draft until the core accepts it.
 */
class ThreadPresenter(
    private val room: ChannelRoom,
    private val postId: String,
    private val scope: CoroutineScope,
    canModerate: Boolean = false,
    private val formats: Formats = Formats()
) {
    private val mutable = MutableStateFlow(ThreadState(canModerate = canModerate))
    val state: StateFlow<ThreadState> = mutable.asStateFlow()
    private val effectChannel = Channel<ThreadEffect>(Channel.BUFFERED)
    val effects: Flow<ThreadEffect> = effectChannel.receiveAsFlow()

    init {
        scope.launch {
            combine(room.thread(postId), room.gallery()) { entries, tiles -> entries to tiles.filter { it.postId == postId } }
                .catch { e ->
                    if (e !is SwarmrollFailure) throw e
                    mutable.update { it.copy(loading = false, error = e.message) }
                }
                .collect { (entries, tiles) -> show(entries, tiles) }
        }
    }

    fun handle(event: ThreadEvent) {
        when (event) {
            is ThreadEvent.DraftChanged -> mutable.update { it.copy(draft = event.text, error = null) }
            is ThreadEvent.ReplyTo -> mutable.update { s -> s.copy(replyTo = s.comments.find { it.id == event.commentId }) }
            ThreadEvent.CancelReply -> mutable.update { it.copy(replyTo = null) }
            ThreadEvent.Send -> send()
            is ThreadEvent.React -> react(event.targetId, event.emoji)
            ThreadEvent.HidePost -> if (state.value.canModerate) effectChannel.trySend(ThreadEffect.HidePost(postId))
        }
    }

    private fun send() {
        val s = state.value
        if (!s.canSend) return
        mutable.update { it.copy(sending = true, error = null) }
        scope.launch {
            try {
                room.comment(postId, s.draft.trim(), s.replyTo?.id)
                mutable.update { it.copy(sending = false, draft = "", replyTo = null) }
            } catch (e: SwarmrollFailure) {
                mutable.update { it.copy(sending = false, error = e.message) }
            }
        }
    }

    private fun react(targetId: String, emoji: String) {
        val s = state.value
        val post = s.post
        val reactions = if (post != null &&
            post.id == targetId
        ) {
            post.reactions
        } else {
            s.comments.find { it.id == targetId }?.reactions ?: return
        }
        val mine = reactions.any { it.emoji == emoji && it.mine }
        scope.launch {
            try {
                room.react(targetId, emoji, !mine)
            } catch (e: SwarmrollFailure) {
                mutable.update { it.copy(error = e.message) }
            }
        }
    }

    private fun show(entries: List<ThreadEntry>, tiles: List<GalleryTile>) {
        val post = entries.filterIsInstance<ThreadEntry.Post>().firstOrNull()
        val comments = entries.filterIsInstance<ThreadEntry.Comment>()
        val header =
            post?.let { p ->
                val sharers = tiles.flatMap { it.sharedBy }.distinctBy { it.deviceId to it.guest }
                PostHeader(
                    id = p.id,
                    author = p.author,
                    timeLabel = formats.moment(p.timeMs),
                    caption = p.caption,
                    photos = p.files.count { !it.mime.startsWith("video/") },
                    videos = p.files.count { it.mime.startsWith("video/") },
                    alsoSharedBy = sharers.filter { it.deviceId != p.author.deviceId || it.guest != p.author.guest },
                    reactions = p.reactions
                )
            }
        val rows = conversation(comments)
        mutable.update { s ->
            s.copy(
                loading = false,
                post = header,
                comments = rows,
                replyTo = s.replyTo?.let { r -> rows.find { it.id == r.id } }
            )
        }
    }

    /** Comments in conversation order: each followed by its replies (depth first, by time). */
    private fun conversation(comments: List<ThreadEntry.Comment>): List<CommentRow> {
        val ids = comments.map { it.id }.toSet()
        val children = comments.groupBy { c -> c.replyTo?.takeIf { it in ids } }
        val byId = comments.associateBy { it.id }
        val out = ArrayList<CommentRow>(comments.size)

        fun add(parent: String?, depth: Int) {
            for (c in children[parent].orEmpty().sortedBy { it.timeMs }) {
                val answered = c.replyTo?.let { byId[it]?.author?.display }
                out += CommentRow(c.id, c.author, formats.moment(c.timeMs), c.text, depth, answered, c.reactions)
                add(c.id, depth + 1)
            }
        }
        add(null, 0)
        return out
    }
}
