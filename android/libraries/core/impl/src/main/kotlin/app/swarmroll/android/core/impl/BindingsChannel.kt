package app.swarmroll.android.core.impl

import app.swarmroll.android.core.api.ChannelRoom
import app.swarmroll.android.core.api.GalleryTile
import app.swarmroll.android.core.api.Invite
import app.swarmroll.android.core.api.Member
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.api.ShareOutcome
import app.swarmroll.android.core.api.ShareSource
import app.swarmroll.android.core.api.ThreadEntry
import app.swarmroll.android.core.api.WebGalleryInfo
import app.swarmroll.android.core.api.WebGallerySession
import app.swarmroll.android.core.api.WebGuestAccess
import app.swarmroll.core.Channel
import app.swarmroll.core.ShareFile
import app.swarmroll.core.WebGallery
import kotlinx.coroutines.flow.Flow

/** One channel over the bindings; the binding object is looked up on first use. */
internal class BindingsChannel(override val id: String, lookup: () -> Channel) : ChannelRoom {
    private val channel by lazy(lookup)

    override fun gallery(limit: Int): Flow<List<GalleryTile>> =
        liveList({ it.toTile(id) }) { sink -> channel.watchGallery(limit.toUInt(), galleryListener(sink)) }

    override fun thread(postId: String): Flow<List<ThreadEntry>> =
        liveList({ it.toEntry() }) { sink -> channel.watchThread(postId, threadListener(sink)) }

    override suspend fun share(caption: String, files: List<ShareSource>): ShareOutcome = call {
        val result = channel.share(caption, files.map { ShareFile(it.path, it.assetId, it.createdMs) })
        ShareOutcome(
            postIds = result.postIds,
            shared = result.shared.toInt(),
            duplicates = result.duplicates.toInt(),
            skipped = result.skipped.map { ShareOutcome.Skipped(it.index.toInt(), it.reason) },
            notShared = result.notShared.toInt()
        )
    }

    override suspend fun comment(postId: String, text: String, replyTo: String?): String = call { channel.comment(postId, text, replyTo) }

    override suspend fun react(targetId: String, emoji: String, on: Boolean) = call { channel.react(targetId, emoji, on) }

    override suspend fun invite(role: Role, expiresMs: Long?): Invite = call {
        val link = channel.invite(role.toBinding(), expiresMs)
        Invite(link = link.link, qrPng = link.qrPng, preview = link.invite.toPreview())
    }

    override suspend fun members(): List<Member> = call { channel.members().map { it.toMember() } }

    override suspend fun setHidden(targetId: String, hidden: Boolean) = call { channel.setHidden(targetId, hidden) }

    override suspend fun removeMember(deviceId: String) = call { channel.removeMember(deviceId) }

    override suspend fun setMemberRole(deviceId: String, role: Role) = call { channel.setMemberRole(deviceId, role.toBinding()) }

    override suspend fun openWebGallery(minutes: Int, access: WebGuestAccess): WebGallerySession =
        call { WebSession(channel.openWebGallery(minutes.toUInt(), access.toBinding(), null)) }

    override suspend fun markRead() = call { channel.markRead() }

    override suspend fun originals(postId: String): List<String>? = call { channel.originals(postId)?.map { it.path } }

    override suspend fun leave() = call { channel.leave() }

    private class WebSession(private val gallery: WebGallery) : WebGallerySession {
        override val info =
            WebGalleryInfo(
                guestUrl = gallery.guestUrl(),
                hostUrl = gallery.hostUrl(),
                guestQrPng = gallery.guestQrPng(),
                closesMs = gallery.closesMs()
            )

        override suspend fun close() = call { gallery.stop() }
    }
}
