package app.swarmroll.android.core.api

/*
 * What the screens show, as plain Kotlin values. The bridge (`libraries/core/impl`) builds
 * them from the generated bindings; fakes (`libraries/core/test`) build them directly. No
 * feature module sees a binding type.
 */

/** A member's role in a channel. `CoHost` is the core's admin. */
enum class Role { Viewer, Contributor, CoHost, Owner }

/** Someone shown as the author of something: a member, or a guest of the web gallery. */
data class Person(
    val deviceId: String,
    val name: String,
    /** Set when a guest of the venue web gallery wrote it through this member's node. */
    val guest: String? = null
) {
    /** The name to show: the guest's, marked, or the member's. */
    val display: String get() = guest?.let { "$it (guest)" } ?: name
}

/** One row of the channel list. */
data class ChannelSummary(val id: String, val name: String, val myRole: Role, val unread: Long, val items: Long, val videos: Long) {
    val photos: Long get() = items - videos
}

/** Photo or video: decides the badge and the viewer. */
enum class MediaKind { Photo, Video }

/** One tile of a gallery: a photo or video shown once, whoever shared it. */
data class GalleryTile(
    val contentHash: String,
    val postId: String,
    val index: Int,
    val sortTimeMs: Long,
    val mime: String,
    val width: Int,
    val height: Int,
    val durationMs: Long?,
    /** A small JPEG; empty when the core has no poster (the tile shows the file type). */
    val thumbnail: ByteArray,
    val sharedBy: List<Person>,
    /** For the everything timeline: which channel the tile belongs to. */
    val channelId: String = ""
) {
    val kind: MediaKind get() = if (mime.startsWith("video/")) MediaKind.Video else MediaKind.Photo

    override fun equals(other: Any?): Boolean =
        other is GalleryTile && other.contentHash == contentHash && other.postId == postId && other.index == index &&
            other.sortTimeMs == sortTimeMs && other.sharedBy == sharedBy && other.channelId == channelId &&
            other.thumbnail.contentEquals(thumbnail)

    override fun hashCode(): Int = contentHash.hashCode() * 31 + postId.hashCode()
}

/** An emoji's count on a post or comment, and whether this device set it. */
data class Reaction(val emoji: String, val count: Long, val mine: Boolean)

/** One file of a post. */
data class PostFile(
    val index: Int,
    val contentHash: String,
    val name: String,
    val mime: String,
    val size: Long,
    val width: Int,
    val height: Int,
    val captureTimeMs: Long?,
    val durationMs: Long?
)

/** A post or a comment, in thread order (the post first). */
sealed interface ThreadEntry {
    val id: String
    val author: Person
    val timeMs: Long
    val reactions: List<Reaction>

    data class Post(
        override val id: String,
        override val author: Person,
        override val timeMs: Long,
        val caption: String,
        val files: List<PostFile>,
        override val reactions: List<Reaction>
    ) : ThreadEntry

    data class Comment(
        override val id: String,
        override val author: Person,
        override val timeMs: Long,
        val text: String,
        val replyTo: String?,
        override val reactions: List<Reaction>
    ) : ThreadEntry
}

/** A member of a channel, for the host tools. */
data class Member(val deviceId: String, val name: String, val role: Role, val removed: Boolean)

/** What an invite link says, shown before joining. */
data class InvitePreview(val channelId: String, val channelName: String, val role: Role, val inviterName: String, val expiresMs: Long?)

/** An invite to hand out: the link (share sheet) and its QR code as a PNG. */
data class Invite(val link: String, val qrPng: ByteArray, val preview: InvitePreview) {
    override fun equals(other: Any?): Boolean =
        other is Invite && other.link == link && other.preview == preview && other.qrPng.contentEquals(qrPng)

    override fun hashCode(): Int = link.hashCode()
}

/** The result of joining: the channel, and whether a member's log arrived already. */
data class Joined(val channelId: String, val synced: Boolean)

/** A file to share: a path the core can read (the app copies a picked `content://` URI first). */
data class ShareSource(val path: String, val assetId: String? = null, val createdMs: Long? = null)

/** What a share did, file by file. */
data class ShareOutcome(val postIds: List<String>, val shared: Int, val duplicates: Int, val skipped: List<Skipped>, val notShared: Int) {
    /** A file left out, by its place in the request, with a reason written for people. */
    data class Skipped(val index: Int, val reason: String)
}

/** One transfer of originals in progress. */
data class Transfer(val channelId: String, val postId: String, val haveBytes: Long, val totalBytes: Long, val bytesPerSecond: Long) {
    val fraction: Float get() = if (totalBytes == 0L) 1f else haveBytes.toFloat() / totalBytes
}

/** When originals move. */
enum class OriginalsPolicy { UnmeteredOnly, AnyNetwork, Never }

/** A sync policy, global or for one channel. */
data class SyncPolicy(
    val originals: OriginalsPolicy = OriginalsPolicy.UnmeteredOnly,
    val logOnMetered: Boolean = true,
    val chargingOnly: Boolean = false,
    val meteredDailyBytes: Long? = null
)

/** Why originals are not moving right now. */
enum class HoldReason { Offline, Paused, Metered, DataSaver, NotCharging, BatteryLow, BudgetSpent, Never }

/** The kind of network the phone is on. */
enum class NetworkKind { None, Wifi, Ethernet, Cellular, Other }

/** The network as the platform reports it. */
data class NetworkState(val kind: NetworkKind, val metered: Boolean, val constrained: Boolean)

/** The settings screen's model. */
data class Settings(
    val deviceId: String,
    val policy: SyncPolicy,
    val held: HoldReason?,
    val meteredTodayBytes: Long,
    val network: NetworkState,
    val charging: Boolean,
    val batteryLow: Boolean,
    /** Rendezvous relays the user named (`ip:port`), where members meet when nothing else reaches them. */
    val rendezvousRelays: List<String> = emptyList()
)

/** What one background pass did (for "last background sync" in settings). */
data class SyncPass(
    val eventsReceived: Long,
    val bytesFetched: Long,
    val postsCompleted: Long,
    val remainingPosts: Long,
    val remainingBytes: Long,
    val complete: Boolean,
    val tookMs: Long
)

/**
 * New posts and comments in a channel since the user last looked, for notifications:
 * [from] names at most three of the [people] who wrote them, most recent first.
 */
data class News(
    val channelId: String,
    val channelName: String,
    val newPosts: Long,
    val newComments: Long,
    val from: List<String>,
    val people: Long = from.size.toLong(),
    val newPhotos: Long = 0,
    val newVideos: Long = 0
)

/** Who may do what through a venue web gallery link. */
enum class WebGuestAccess { View, Upload, DropBox }

/** An open venue web gallery. */
data class WebGalleryInfo(val guestUrl: String, val hostUrl: String, val guestQrPng: ByteArray, val closesMs: Long) {
    override fun equals(other: Any?): Boolean =
        other is WebGalleryInfo && other.guestUrl == guestUrl && other.hostUrl == hostUrl && other.closesMs == closesMs

    override fun hashCode(): Int = guestUrl.hashCode()
}

/** Whether members were found on the local network. */
enum class LanState { Searching, Found, NoMembersNearby, Isolated }

/** Things the node reports that screens and notifications react to. */
sealed interface NodeEvent {
    data class PostArrived(val channelId: String, val postId: String) : NodeEvent
    data class CommentAdded(val channelId: String, val postId: String, val commentId: String) : NodeEvent
    data class ImportProgress(val done: Long, val total: Long) : NodeEvent
    data class Shared(val channelId: String, val postIds: List<String>, val files: Long, val resumed: Boolean) : NodeEvent
    data class StorageFull(val full: Boolean) : NodeEvent
    data class Held(val reason: HoldReason) : NodeEvent
    data object Released : NodeEvent
    data class Lan(val state: LanState) : NodeEvent
    data class Failed(val what: String) : NodeEvent
}
