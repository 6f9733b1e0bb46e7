package app.swarmroll.android.core.api

import kotlinx.coroutines.flow.Flow

/**
 * The one door the app's features have into the core: the device's node. Live lists are
 * cold [Flow]s; collecting one registers a listener with the core and cancelling the
 * collection cancels it, so a screen that leaves stops its callbacks. Every action is a
 * `suspend` function that throws [SwarmrollFailure].
 */
interface SwarmrollClient {
    /** This device's id (hex), shown in settings and used to tell "mine" from others'. */
    val deviceId: String

    /** The channel list, newest activity first, with unread counts; updates live. */
    fun channels(): Flow<List<ChannelSummary>>

    /** Every channel's photos and videos in one timeline, newest first; updates live. */
    fun timeline(): Flow<List<GalleryTile>>

    /** What the node reports (arrivals, progress, holds), as it happens. */
    fun events(): Flow<NodeEvent>

    /** Transfers of originals in progress; updates live. */
    fun transfers(): Flow<List<Transfer>>

    /** One channel's screens and actions. */
    fun channel(id: String): ChannelRoom

    /** Creates a channel; a private one is end-to-end encrypted, members only. Returns its id. */
    suspend fun createChannel(name: String, myName: String, private: Boolean): String

    /** What an invite link says, without joining; null when it is not an invite. */
    fun parseInvite(link: String): InvitePreview?

    /** Joins from a link or QR text, waiting up to [waitMs] for a member's log. */
    suspend fun join(link: String, myName: String, waitMs: Long = 15_000): Joined

    /** Starts networking (sync, swarm, LAN discovery). */
    suspend fun start()

    /** Stops networking; the node can be started again. */
    suspend fun stop()

    /** The app went to the background / came back. */
    suspend fun pause()

    suspend fun resume()

    /** The platform reported a network change. */
    suspend fun networkChanged(network: NetworkState)

    /**
     * The platform named the router of the network it is on ([gateway] an IP address;
     * null: unknown): the core asks it to forward its ports.
     */
    suspend fun routerChanged(gateway: String?)

    /** The platform reported a power change. */
    suspend fun powerChanged(charging: Boolean, batteryLow: Boolean)

    /** A bounded background pass (WorkManager): sync and fetch until done or [budgetMs]. */
    suspend fun syncFor(budgetMs: Long): SyncPass

    /** The settings screen's model. */
    fun settings(): Settings

    suspend fun setDefaultPolicy(policy: SyncPolicy)

    /**
     * Names the rendezvous relays (`ip:port`) this device meets members at; replaces the
     * list, is kept by the core and applies at once. Fails with
     * [SwarmrollFailure.Kind.InvalidArgument] for an address no relay can have, or more than 8.
     */
    suspend fun setRendezvousRelays(relays: List<String>)

    /** New posts and comments per channel since last read, for notifications. */
    fun news(): List<News>
}

/** One channel: its gallery, threads, sharing, invites and host tools. */
interface ChannelRoom {
    val id: String

    /** The gallery, newest first, thumbnails included; updates live. */
    fun gallery(limit: Int = 500): Flow<List<GalleryTile>>

    /** A post and its comments, the post first; updates live. */
    fun thread(postId: String): Flow<List<ThreadEntry>>

    /** Imports and posts [files] as one post (or more, for a large batch). */
    suspend fun share(caption: String, files: List<ShareSource>): ShareOutcome

    /** Comments on a post, in reply to a comment if given. Returns the comment's id. */
    suspend fun comment(postId: String, text: String, replyTo: String? = null): String

    /** Sets or clears a reaction on a post or comment. */
    suspend fun react(targetId: String, emoji: String, on: Boolean)

    /** An invite for [role], optionally expiring at [expiresMs]. */
    suspend fun invite(role: Role, expiresMs: Long? = null): Invite

    /** The channel's members, for the host tools. */
    suspend fun members(): List<Member>

    /** Hides or shows a post or comment (owner and co-hosts). */
    suspend fun setHidden(targetId: String, hidden: Boolean)

    /** Removes a member; the channel's keys are rotated so they read nothing new. */
    suspend fun removeMember(deviceId: String)

    /** Makes a member a co-host, contributor or viewer. */
    suspend fun setMemberRole(deviceId: String, role: Role)

    /** Opens the venue web gallery for [minutes] for guests without the app. */
    suspend fun openWebGallery(minutes: Int, access: WebGuestAccess): WebGallerySession

    /** The user has seen the channel: its unread count drops to zero. */
    suspend fun markRead()

    /** Paths of a post's originals on this device, once they have all arrived; else null. */
    suspend fun originals(postId: String): List<String>?

    /**
     * Leaves the channel: this phone stops syncing it and removes everything it held of it
     * (posts, comments, thumbnails, fetched originals, keys). The user's own photos stay;
     * the others keep the channel, and the same invite joins it again.
     */
    suspend fun leave()
}

/** An open venue web gallery; [close] revokes its links. */
interface WebGallerySession {
    val info: WebGalleryInfo

    suspend fun close()
}
