package app.swarmroll.android.core.impl

import app.swarmroll.android.core.api.ChannelSummary
import app.swarmroll.android.core.api.GalleryTile
import app.swarmroll.android.core.api.HoldReason
import app.swarmroll.android.core.api.InvitePreview
import app.swarmroll.android.core.api.LanState
import app.swarmroll.android.core.api.Member
import app.swarmroll.android.core.api.NetworkKind
import app.swarmroll.android.core.api.NetworkState
import app.swarmroll.android.core.api.News
import app.swarmroll.android.core.api.NodeEvent
import app.swarmroll.android.core.api.OriginalsPolicy
import app.swarmroll.android.core.api.Person
import app.swarmroll.android.core.api.PostFile
import app.swarmroll.android.core.api.Reaction
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.api.Settings
import app.swarmroll.android.core.api.SyncPass
import app.swarmroll.android.core.api.SyncPolicy
import app.swarmroll.android.core.api.ThreadEntry
import app.swarmroll.android.core.api.Transfer
import app.swarmroll.android.core.api.WebGuestAccess
import app.swarmroll.core.ChannelInvite as BInvite
import app.swarmroll.core.ChannelMember as BMember
import app.swarmroll.core.ChannelNews as BNews
import app.swarmroll.core.ChannelRow as BRow
import app.swarmroll.core.GalleryItem as BItem
import app.swarmroll.core.HoldReason as BHold
import app.swarmroll.core.LanState as BLan
import app.swarmroll.core.MemberRole as BRole
import app.swarmroll.core.NetworkInfo as BNetwork
import app.swarmroll.core.NetworkType as BNetworkType
import app.swarmroll.core.OriginalsPolicy as BOriginals
import app.swarmroll.core.Person as BPerson
import app.swarmroll.core.PostMedia as BMedia
import app.swarmroll.core.Reaction as BReaction
import app.swarmroll.core.SettingsState as BSettings
import app.swarmroll.core.SwarmrollEvent as BEvent
import app.swarmroll.core.SyncPassResult as BPass
import app.swarmroll.core.SyncPolicy as BPolicy
import app.swarmroll.core.ThreadItem as BThread
import app.swarmroll.core.TransferRow as BTransfer
import app.swarmroll.core.WebGuestAccess as BAccess

// Binding records to the app's values and back, in one place.

internal fun BRole.toRole(): Role = when (this) {
    BRole.VIEWER -> Role.Viewer
    BRole.CONTRIBUTOR -> Role.Contributor
    BRole.ADMIN -> Role.CoHost
    BRole.OWNER -> Role.Owner
}

internal fun Role.toBinding(): BRole = when (this) {
    Role.Viewer -> BRole.VIEWER
    Role.Contributor -> BRole.CONTRIBUTOR
    Role.CoHost -> BRole.ADMIN
    Role.Owner -> BRole.OWNER
}

internal fun BRow.toSummary() = ChannelSummary(
    id = id,
    name = name,
    myRole = myRole.toRole(),
    unread = unread.toLong(),
    items = items.toLong(),
    videos = videos.toLong()
)

internal fun BPerson.toPerson() = Person(deviceId = deviceId, name = name, guest = guest)

internal fun BItem.toTile(channelId: String = "") = GalleryTile(
    contentHash = contentHash,
    postId = postId,
    index = index.toInt(),
    sortTimeMs = sortTimeMs,
    mime = mime,
    width = width.toInt(),
    height = height.toInt(),
    durationMs = durationMs?.toLong(),
    thumbnail = thumbnail,
    sharedBy = sharedBy.map { it.toPerson() },
    channelId = channelId
)

internal fun BReaction.toReaction() = Reaction(emoji = emoji, count = count.toLong(), mine = mine)

internal fun BMedia.toFile() = PostFile(
    index = index.toInt(),
    contentHash = contentHash,
    name = name,
    mime = mime,
    size = size.toLong(),
    width = width.toInt(),
    height = height.toInt(),
    captureTimeMs = captureTimeMs,
    durationMs = durationMs?.toLong()
)

internal fun BThread.toEntry(): ThreadEntry = when (this) {
    is BThread.Post ->
        ThreadEntry.Post(
            id = post.id,
            author = post.author.toPerson(),
            timeMs = post.timeMs,
            caption = post.caption,
            files = post.media.map { it.toFile() },
            reactions = post.reactions.map { it.toReaction() }
        )

    is BThread.Comment ->
        ThreadEntry.Comment(
            id = comment.id,
            author = comment.author.toPerson(),
            timeMs = comment.timeMs,
            text = comment.text,
            replyTo = comment.replyTo,
            reactions = comment.reactions.map { it.toReaction() }
        )
}

internal fun BMember.toMember() = Member(deviceId = deviceId, name = name, role = role.toRole(), removed = removed)

internal fun BInvite.toPreview() = InvitePreview(
    channelId = channelId,
    channelName = name,
    role = role.toRole(),
    inviterName = inviterName,
    expiresMs = expiresMs
)

internal fun BTransfer.toTransfer() = Transfer(
    channelId = channelId,
    postId = postId,
    haveBytes = haveBytes.toLong(),
    totalBytes = totalBytes.toLong(),
    bytesPerSecond = bytesPerS.toLong()
)

internal fun BOriginals.toApi(): OriginalsPolicy = when (this) {
    BOriginals.UNMETERED_ONLY -> OriginalsPolicy.UnmeteredOnly
    BOriginals.ANY_NETWORK -> OriginalsPolicy.AnyNetwork
    BOriginals.NEVER -> OriginalsPolicy.Never
}

internal fun OriginalsPolicy.toBinding(): BOriginals = when (this) {
    OriginalsPolicy.UnmeteredOnly -> BOriginals.UNMETERED_ONLY
    OriginalsPolicy.AnyNetwork -> BOriginals.ANY_NETWORK
    OriginalsPolicy.Never -> BOriginals.NEVER
}

internal fun BPolicy.toApi() = SyncPolicy(
    originals = originals.toApi(),
    logOnMetered = logOnMetered,
    chargingOnly = chargingOnly,
    meteredDailyBytes = meteredDailyBytes?.toLong()
)

internal fun SyncPolicy.toBinding() = BPolicy(
    originals = originals.toBinding(),
    logOnMetered = logOnMetered,
    chargingOnly = chargingOnly,
    meteredDailyBytes = meteredDailyBytes?.toULong()
)

internal fun BHold.toApi(): HoldReason = when (this) {
    BHold.OFFLINE -> HoldReason.Offline
    BHold.PAUSED -> HoldReason.Paused
    BHold.METERED -> HoldReason.Metered
    BHold.DATA_SAVER -> HoldReason.DataSaver
    BHold.NOT_CHARGING -> HoldReason.NotCharging
    BHold.BATTERY_LOW -> HoldReason.BatteryLow
    BHold.BUDGET_SPENT -> HoldReason.BudgetSpent
    BHold.NEVER -> HoldReason.Never
}

internal fun BNetworkType.toApi(): NetworkKind = when (this) {
    BNetworkType.NONE -> NetworkKind.None
    BNetworkType.WIFI -> NetworkKind.Wifi
    BNetworkType.ETHERNET -> NetworkKind.Ethernet
    BNetworkType.CELLULAR -> NetworkKind.Cellular
    BNetworkType.OTHER -> NetworkKind.Other
}

internal fun NetworkState.toBinding() = BNetwork(
    kind =
        when (kind) {
            NetworkKind.None -> BNetworkType.NONE
            NetworkKind.Wifi -> BNetworkType.WIFI
            NetworkKind.Ethernet -> BNetworkType.ETHERNET
            NetworkKind.Cellular -> BNetworkType.CELLULAR
            NetworkKind.Other -> BNetworkType.OTHER
        },
    metered = metered,
    constrained = constrained
)

internal fun BSettings.toApi() = Settings(
    deviceId = deviceId,
    policy = policy.toApi(),
    held = held?.toApi(),
    meteredTodayBytes = meteredTodayBytes.toLong(),
    network = NetworkState(network.kind.toApi(), network.metered, network.constrained),
    charging = charging,
    batteryLow = batteryLow,
    rendezvousRelays = rendezvousRelays
)

internal fun BPass.toApi() = SyncPass(
    eventsReceived = eventsReceived.toLong(),
    bytesFetched = bytesFetched.toLong(),
    postsCompleted = postsCompleted.toLong(),
    remainingPosts = remainingPosts.toLong(),
    remainingBytes = remainingBytes.toLong(),
    complete = complete,
    tookMs = tookMs.toLong()
)

internal fun BNews.toApi() = News(
    channelId = channelId,
    channelName = name,
    newPosts = newPosts.toLong(),
    newComments = newComments.toLong(),
    from = from,
    people = people.toLong(),
    newPhotos = newPhotos.toLong(),
    newVideos = newVideos.toLong()
)

internal fun WebGuestAccess.toBinding(): BAccess = when (this) {
    WebGuestAccess.View -> BAccess.VIEW_ONLY
    WebGuestAccess.Upload -> BAccess.UPLOAD
    WebGuestAccess.DropBox -> BAccess.DROP_BOX
}

internal fun BLan.toApi(): LanState = when (this) {
    BLan.SEARCHING -> LanState.Searching
    BLan.FOUND -> LanState.Found
    BLan.NO_MEMBERS_NEARBY -> LanState.NoMembersNearby
    BLan.ISOLATED -> LanState.Isolated
}

/** The events screens and notifications use; the rest (peer chatter) is dropped here. */
internal fun BEvent.toApi(): NodeEvent? = when (this) {
    is BEvent.PostArrived -> NodeEvent.PostArrived(channelId, postId)
    is BEvent.CommentAdded -> NodeEvent.CommentAdded(channelId, postId, commentId)
    is BEvent.ImportProgress -> NodeEvent.ImportProgress(done.toLong(), total.toLong())
    is BEvent.Shared -> NodeEvent.Shared(channelId, postIds, files.toLong(), resumed)
    is BEvent.StorageFull -> NodeEvent.StorageFull(full)
    is BEvent.Held -> NodeEvent.Held(reason.toApi())
    is BEvent.Released -> NodeEvent.Released
    is BEvent.Lan -> NodeEvent.Lan(state.toApi())
    is BEvent.Failed -> NodeEvent.Failed(what)
    else -> null
}
