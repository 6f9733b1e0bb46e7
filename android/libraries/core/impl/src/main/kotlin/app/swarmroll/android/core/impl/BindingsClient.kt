package app.swarmroll.android.core.impl

import app.swarmroll.android.core.api.ChannelRoom
import app.swarmroll.android.core.api.ChannelSummary
import app.swarmroll.android.core.api.GalleryTile
import app.swarmroll.android.core.api.InvitePreview
import app.swarmroll.android.core.api.Joined
import app.swarmroll.android.core.api.NetworkState
import app.swarmroll.android.core.api.News
import app.swarmroll.android.core.api.NodeEvent
import app.swarmroll.android.core.api.Settings
import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.core.api.SyncPass
import app.swarmroll.android.core.api.SyncPolicy
import app.swarmroll.android.core.api.Transfer
import app.swarmroll.core.EventListener
import app.swarmroll.core.NodeSettings
import app.swarmroll.core.PosterMaker
import app.swarmroll.core.SecureStorage
import app.swarmroll.core.SwarmrollEvent
import app.swarmroll.core.SwarmrollException
import app.swarmroll.core.SwarmrollNode
import app.swarmroll.core.parseInvite
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.channels.BufferOverflow
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.combine
import kotlinx.coroutines.flow.distinctUntilChanged
import kotlinx.coroutines.flow.flatMapLatest
import kotlinx.coroutines.flow.flowOf
import kotlinx.coroutines.flow.map

/**
 * The app's [SwarmrollClient] over the generated bindings: the only class that holds a
 * [SwarmrollNode]. Open it once per process ([open]) and keep it for the app's life.
 */
class BindingsClient private constructor(private val node: SwarmrollNode) :
    SwarmrollClient,
    AutoCloseable {
    override val deviceId: String = node.deviceId()

    override fun channels(): Flow<List<ChannelSummary>> = liveList({ it.toSummary() }) { sink -> node.watchChannels(channelListener(sink)) }

    @OptIn(ExperimentalCoroutinesApi::class)
    override fun timeline(): Flow<List<GalleryTile>> = channels()
        .map { rows -> rows.map { it.id } }
        .distinctUntilChanged()
        .flatMapLatest { ids ->
            if (ids.isEmpty()) {
                flowOf(emptyList())
            } else {
                combine(ids.map { id -> channel(id).gallery() }) { galleries ->
                    galleries.flatMap { it }.sortedByDescending { it.sortTimeMs }
                }
            }
        }

    override fun events(): Flow<NodeEvent> = callbackFlow {
        val handle =
            node.subscribe(
                object : EventListener {
                    override fun onEvent(event: SwarmrollEvent) {
                        event.toApi()?.let { trySend(it) }
                    }
                }
            )
        awaitClose { handle.cancel() }
    }.buffer(capacity = 256, onBufferOverflow = BufferOverflow.DROP_OLDEST)

    override fun transfers(): Flow<List<Transfer>> = liveList({ it.toTransfer() }) { sink -> node.watchTransfers(transferListener(sink)) }

    override fun channel(id: String): ChannelRoom = BindingsChannel(id) { read { node.channel(id) } }

    override suspend fun createChannel(name: String, myName: String, private: Boolean): String =
        call { node.createChannel(name, myName, private).use { it.id() } }

    override fun parseInvite(link: String): InvitePreview? = try {
        parseInvite(link.trim(), System.currentTimeMillis()).toPreview()
    } catch (ignored: SwarmrollException) {
        null // not an invite: the screen says so
    }

    override suspend fun join(link: String, myName: String, waitMs: Long): Joined = call {
        val joined = node.join(link.trim(), myName, waitMs.toULong())
        Joined(joined.channelId, joined.synced)
    }

    override suspend fun start() = call { node.start() }

    override suspend fun stop() = call { node.stop() }

    override suspend fun pause() = call { node.pause() }

    override suspend fun resume() = call { node.resume() }

    override suspend fun networkChanged(network: NetworkState) = call { node.networkChanged(network.toBinding()) }

    override suspend fun routerChanged(gateway: String?) = call { node.routerChanged(gateway) }

    override suspend fun powerChanged(charging: Boolean, batteryLow: Boolean) = call { node.powerChanged(charging, batteryLow) }

    override suspend fun syncFor(budgetMs: Long): SyncPass = call { node.syncFor(budgetMs.toULong()).toApi() }

    override fun settings(): Settings = read { node.settings().toApi() }

    override suspend fun setDefaultPolicy(policy: SyncPolicy) = call { node.setDefaultPolicy(policy.toBinding()) }

    override suspend fun setRendezvousRelays(relays: List<String>) = call { node.setRendezvousRelays(relays) }

    override fun news(): List<News> = read { node.news().map { it.toApi() } }

    override fun close() = node.close()

    companion object {
        /**
         * Opens the node in [dataDir]. [secureStorage] keeps the identity key (the Android
         * Keystore); [posters] makes HEIC and video posters (ImageDecoder,
         * MediaMetadataRetriever). [configure] adjusts the settings (tests keep to loopback).
         */
        fun open(
            dataDir: String,
            secureStorage: SecureStorage?,
            posters: PosterMaker?,
            configure: (NodeSettings) -> NodeSettings = { it }
        ): BindingsClient = read {
            val settings = configure(app.swarmroll.core.defaultNodeSettings(dataDir))
            BindingsClient(SwarmrollNode.open(settings, secureStorage, posters))
        }
    }
}
