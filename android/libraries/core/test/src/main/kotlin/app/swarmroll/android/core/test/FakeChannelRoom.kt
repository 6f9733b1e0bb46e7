package app.swarmroll.android.core.test

import app.swarmroll.android.core.api.ChannelRoom
import app.swarmroll.android.core.api.GalleryTile
import app.swarmroll.android.core.api.Invite
import app.swarmroll.android.core.api.InvitePreview
import app.swarmroll.android.core.api.Member
import app.swarmroll.android.core.api.Person
import app.swarmroll.android.core.api.PostFile
import app.swarmroll.android.core.api.Reaction
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.api.ShareOutcome
import app.swarmroll.android.core.api.ShareSource
import app.swarmroll.android.core.api.SwarmrollFailure
import app.swarmroll.android.core.api.ThreadEntry
import app.swarmroll.android.core.api.WebGalleryInfo
import app.swarmroll.android.core.api.WebGallerySession
import app.swarmroll.android.core.api.WebGuestAccess
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.map

/** One channel in memory; see [FakeSwarmrollClient]. */
class FakeChannelRoom internal constructor(
    override val id: String,
    private val me: Person,
    private val changed: () -> Unit,
    private val nameOf: () -> String = { "" },
    private val issued: (link: String, preview: InvitePreview) -> Unit = { _, _ -> },
    /** The poster of a shared file, as the core's poster maker makes it (empty: none). */
    private val posterOf: (path: String) -> ByteArray = { ByteArray(0) },
    /** Takes the channel off the device's list; false if it was not on it. */
    private val leaving: () -> Boolean = { true }
) : ChannelRoom {
    val tiles = MutableStateFlow<List<GalleryTile>>(emptyList())
    private val threads = MutableStateFlow<Map<String, List<ThreadEntry>>>(emptyMap())
    val memberList = MutableStateFlow(listOf(Member(me.deviceId, me.name, Role.Owner, removed = false)))
    var unread: Long = 0
    var clock: Long = 1_780_000_000_000
    var web: WebGalleryInfo? = null
    private var next = 1

    private fun newId(prefix: String) = prefix + (next++).toString().padStart(63, '0')

    /** A post by [author] with [files] (mime types), as if it arrived from a member. */
    fun receivePost(author: Person, caption: String, files: List<String>, thumbnail: ByteArray = ByteArray(0)): String =
        post(author, caption, files) { thumbnail }

    private fun post(author: Person, caption: String, files: List<String>, thumbnail: (index: Int) -> ByteArray): String {
        val postId = newId("p")
        clock += 60_000
        val postFiles =
            files.mapIndexed { i, mime ->
                PostFile(i, newId("h"), "IMG_$i", mime, 3_000_000, 4032, 3024, clock, if (mime.startsWith("video/")) 12_000 else null)
            }
        threads.value = threads.value + (postId to listOf(ThreadEntry.Post(postId, author, clock, caption, postFiles, emptyList())))
        // As in the core, the post counts as unread before the live gallery shows it, so a
        // screen that marks the channel read on seeing it leaves nothing unread.
        if (author.deviceId != me.deviceId) unread++
        tiles.value =
            (
                postFiles.map {
                    GalleryTile(
                        it.contentHash, postId, it.index, clock, it.mime, it.width, it.height, it.durationMs,
                        thumbnail(
                            it.index
                        ),
                        listOf(author), id
                    )
                } + tiles.value
                ).sortedByDescending { it.sortTimeMs }
        changed()
        return postId
    }

    /** A comment by [author], as if it arrived from a member. */
    fun receiveComment(author: Person, postId: String, text: String, replyTo: String? = null): String {
        val entries = threads.value[postId] ?: throw SwarmrollFailure(SwarmrollFailure.Kind.NotFound, "no such post")
        val commentId = newId("m")
        clock += 1_000
        threads.value = threads.value + (postId to entries + ThreadEntry.Comment(commentId, author, clock, text, replyTo, emptyList()))
        return commentId
    }

    override fun gallery(limit: Int): Flow<List<GalleryTile>> = tiles.map { it.take(limit) }

    override fun thread(postId: String): Flow<List<ThreadEntry>> = threads.map { it[postId].orEmpty() }

    /** Paths shared so far: the fake's stand-in for the core's content hashes. */
    private val sharedPaths = HashSet<String>()

    /** Originals of posts shared from this device, by post. */
    private val ownOriginals = HashMap<String, List<String>>()

    override suspend fun share(caption: String, files: List<ShareSource>): ShareOutcome {
        val (media, other) = files.withIndex().partition { (_, f) -> mimeOf(f.path) != null }
        val skipped = other.map { ShareOutcome.Skipped(it.index, "not a photo or video") }
        // Like the core, a file the channel already has is counted, not posted again.
        val (fresh, duplicates) = media.partition { sharedPaths.add(it.value.path) }
        if (fresh.isEmpty()) return ShareOutcome(emptyList(), 0, duplicates.size, skipped, 0)
        val post = post(me, caption, fresh.map { mimeOf(it.value.path)!! }) { i -> posterOf(fresh[i].value.path) }
        // As in the core, the sharer's own originals are on this device at once.
        ownOriginals[post] = fresh.map { it.value.path }
        return ShareOutcome(listOf(post), fresh.size, duplicates.size, skipped, 0)
    }

    override suspend fun comment(postId: String, text: String, replyTo: String?): String {
        if (text.isBlank()) throw SwarmrollFailure(SwarmrollFailure.Kind.InvalidArgument, "a comment needs some text")
        return receiveComment(me, postId, text.trim(), replyTo)
    }

    override suspend fun react(targetId: String, emoji: String, on: Boolean) {
        threads.value =
            threads.value.mapValues { (_, entries) ->
                entries.map { e ->
                    if (e.id != targetId) return@map e
                    val others = e.reactions.filter { it.emoji != emoji }
                    val before = e.reactions.find { it.emoji == emoji }
                    val count = (before?.count ?: 0) - (if (before?.mine == true) 1 else 0) + (if (on) 1 else 0)
                    val now = if (count > 0) others + Reaction(emoji, count, on) else others
                    when (e) {
                        is ThreadEntry.Post -> e.copy(reactions = now)
                        is ThreadEntry.Comment -> e.copy(reactions = now)
                    }
                }
            }
    }

    override suspend fun invite(role: Role, expiresMs: Long?): Invite {
        val link = "https://swarmroll.app/join#FAKE${id.takeLast(8)}${role.name.uppercase()}"
        // Like the core's, the link names the channel and can be read back with parseInvite.
        val preview = InvitePreview(id, nameOf(), role, me.name, expiresMs)
        issued(link, preview)
        return Invite(link, ByteArray(0), preview)
    }

    override suspend fun members(): List<Member> = memberList.value

    override suspend fun setHidden(targetId: String, hidden: Boolean) {
        if (hidden) {
            tiles.value = tiles.value.filter { it.postId != targetId }
            threads.value = threads.value.mapValues { (_, es) -> es.filter { it.id != targetId } }
            changed()
        }
    }

    override suspend fun removeMember(deviceId: String) {
        memberList.value = memberList.value.map { if (it.deviceId == deviceId) it.copy(removed = true) else it }
    }

    override suspend fun setMemberRole(deviceId: String, role: Role) {
        if (role == Role.Owner) throw SwarmrollFailure(SwarmrollFailure.Kind.InvalidArgument, "a channel has one owner")
        memberList.value = memberList.value.map { if (it.deviceId == deviceId) it.copy(role = role) else it }
    }

    override suspend fun openWebGallery(minutes: Int, access: WebGuestAccess): WebGallerySession {
        if (minutes <= 0) throw SwarmrollFailure(SwarmrollFailure.Kind.InvalidArgument, "the gallery must stay open for at least a minute")
        val info = WebGalleryInfo(
            "http://192.168.1.20:8080/g/guest",
            "http://192.168.1.20:8080/g/host/",
            ByteArray(0),
            clock + minutes * 60_000L
        )
        web = info
        return object : WebGallerySession {
            override val info = info

            override suspend fun close() {
                web = null
            }
        }
    }

    override suspend fun markRead() {
        unread = 0
        changed()
    }

    override suspend fun originals(postId: String): List<String>? = ownOriginals[postId]

    /** Set to make the next [leave] fail with it. */
    var failLeave: SwarmrollFailure? = null

    override suspend fun leave() {
        failLeave?.let {
            failLeave = null
            throw it
        }
        if (!leaving()) throw SwarmrollFailure(SwarmrollFailure.Kind.NotFound, "this device is not in that channel")
        // As in the core, nothing of the channel stays on the device.
        tiles.value = emptyList()
        threads.value = emptyMap()
        ownOriginals.clear()
    }

    private fun mimeOf(path: String): String? = when (path.substringAfterLast('.', "").lowercase()) {
        "jpg", "jpeg" -> "image/jpeg"
        "heic", "heif" -> "image/heic"
        "png" -> "image/png"
        "mp4" -> "video/mp4"
        "mov" -> "video/quicktime"
        else -> null
    }
}
