package app.swarmroll.android.core.test

import app.swarmroll.android.core.api.ChannelRoom
import app.swarmroll.android.core.api.ChannelSummary
import app.swarmroll.android.core.api.GalleryTile
import app.swarmroll.android.core.api.HoldReason
import app.swarmroll.android.core.api.InvitePreview
import app.swarmroll.android.core.api.Joined
import app.swarmroll.android.core.api.NetworkKind
import app.swarmroll.android.core.api.NetworkState
import app.swarmroll.android.core.api.News
import app.swarmroll.android.core.api.NodeEvent
import app.swarmroll.android.core.api.Person
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.api.Settings
import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.core.api.SwarmrollFailure
import app.swarmroll.android.core.api.SyncPass
import app.swarmroll.android.core.api.SyncPolicy
import app.swarmroll.android.core.api.Transfer
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.asSharedFlow
import kotlinx.coroutines.flow.combine
import kotlinx.coroutines.flow.flatMapLatest
import kotlinx.coroutines.flow.flowOf

private val RELAY = Regex("""((?:\d{1,3}\.){3}\d{1,3}):(\d{1,5})""")
private const val MAX_PORT = 65_535
private const val MAX_OCTET = 255
private const val MAX_RELAYS = 8

/** `a.b.c.d:port` with a usable address (not 0.0.0.0) and port (not 0). */
private fun isRelay(text: String): Boolean {
    val m = RELAY.matchEntire(text) ?: return false
    val octets = m.groupValues[1].split('.').map { it.toInt() }
    val port = m.groupValues[2].toIntOrNull() ?: 0
    return port in 1..MAX_PORT && octets.all { it <= MAX_OCTET } && octets.any { it != 0 }
}

/**
 * A [SwarmrollClient] in memory, for presenter tests, screenshots and the click-through
 * UI test: channels, galleries and threads behave as the core's do (live lists, unread
 * counts, roles), with no node behind them. Set [failNext] to make the next action fail.
 */
class FakeSwarmrollClient(override val deviceId: String = "d0".repeat(32), private val myName: String = "Ana") : SwarmrollClient {
    private val rooms = LinkedHashMap<String, FakeChannelRoom>()
    private val roomList = MutableStateFlow<List<FakeChannelRoom>>(emptyList())
    private val list = MutableStateFlow<List<ChannelSummary>>(emptyList())
    private val eventFlow = MutableSharedFlow<NodeEvent>(extraBufferCapacity = 64)
    val transferList = MutableStateFlow<List<Transfer>>(emptyList())
    val invites = HashMap<String, InvitePreview>()
    var settingsValue =
        Settings(
            deviceId = deviceId,
            policy = SyncPolicy(),
            held = null,
            meteredTodayBytes = 0,
            network = NetworkState(NetworkKind.Wifi, metered = false, constrained = false),
            charging = false,
            batteryLow = false
        )
    var failNext: SwarmrollFailure? = null

    /** Makes the poster of a shared file (the core's poster maker); none by default. */
    var posters: (path: String) -> ByteArray = { ByteArray(0) }

    /** Every channel created through [createChannel], with the options it was given. */
    val created = mutableListOf<Created>()

    data class Created(val id: String, val name: String, val myName: String, val private: Boolean)
    var started = false
        private set
    val calls = mutableListOf<String>()
    private var nextId = 1

    /** A channel that exists already (as if created or joined earlier). */
    fun addChannel(name: String, role: Role = Role.Owner, id: String = newId("c")): FakeChannelRoom {
        val room =
            FakeChannelRoom(
                id,
                Person(deviceId, myName),
                ::refresh,
                nameOf = { names[id].orEmpty() },
                issued = { link, preview -> invites[link] = preview },
                posterOf = { path -> posters(path) },
                leaving = { forget(id) }
            )
        rooms[id] = room
        names[id] = name
        roles[id] = role
        refresh()
        return room
    }

    private val names = HashMap<String, String>()
    private val roles = HashMap<String, Role>()

    private fun forget(id: String): Boolean {
        if (rooms.remove(id) == null) return false
        names.remove(id)
        roles.remove(id)
        calls += "leave"
        refresh()
        return true
    }

    internal fun newId(prefix: String): String = prefix + (nextId++).toString().padStart(63, '0')

    /** Recomputes the channel list from the rooms, as the core's live list would. */
    fun refresh() {
        roomList.value = rooms.values.toList()
        list.value =
            rooms.values.map { r ->
                val tiles = r.tiles.value
                ChannelSummary(
                    id = r.id,
                    name = names.getValue(r.id),
                    myRole = roles.getValue(r.id),
                    unread = r.unread,
                    items = tiles.size.toLong(),
                    videos = tiles.count { it.mime.startsWith("video/") }.toLong()
                )
            }
    }

    /** Emits [event] to collectors of [events]. */
    fun emit(event: NodeEvent) {
        eventFlow.tryEmit(event)
    }

    private fun check(what: String) {
        calls += what
        failNext?.let {
            failNext = null
            throw it
        }
    }

    override fun channels(): Flow<List<ChannelSummary>> = list

    /** Like the core's: follows the set of channels, so a channel created or joined later appears. */
    @OptIn(ExperimentalCoroutinesApi::class)
    override fun timeline(): Flow<List<GalleryTile>> = roomList.flatMapLatest { all ->
        if (all.isEmpty()) {
            flowOf(emptyList())
        } else {
            combine(all.map { it.tiles }) { lists -> lists.flatMap { it }.sortedByDescending { it.sortTimeMs } }
        }
    }

    override fun events(): Flow<NodeEvent> = eventFlow.asSharedFlow()

    override fun transfers(): Flow<List<Transfer>> = transferList

    override fun channel(id: String): FakeChannelRoom =
        rooms[id] ?: throw SwarmrollFailure(SwarmrollFailure.Kind.NotFound, "no such channel on this device")

    override suspend fun createChannel(name: String, myName: String, private: Boolean): String {
        check("createChannel")
        if (name.isBlank()) throw SwarmrollFailure(SwarmrollFailure.Kind.InvalidArgument, "a channel needs a name")
        val id = addChannel(name.trim(), Role.Owner).id
        created += Created(id, name.trim(), myName, private)
        return id
    }

    override fun parseInvite(link: String): InvitePreview? = invites[link.trim()]

    override suspend fun join(link: String, myName: String, waitMs: Long): Joined {
        check("join")
        val preview = invites[link.trim()] ?: throw SwarmrollFailure(SwarmrollFailure.Kind.InvalidInvite, "this is not a Swarmroll invite")
        if (!rooms.containsKey(preview.channelId)) addChannel(preview.channelName, preview.role, preview.channelId)
        return Joined(preview.channelId, synced = true)
    }

    override suspend fun start() {
        check("start")
        started = true
    }

    override suspend fun stop() {
        check("stop")
        started = false
    }

    override suspend fun pause() = check("pause")

    override suspend fun resume() = check("resume")

    override suspend fun networkChanged(network: NetworkState) {
        check("networkChanged")
        settingsValue = settingsValue.copy(network = network, held = if (network.kind == NetworkKind.None) HoldReason.Offline else null)
    }

    /** The router the platform named last. */
    var gateway: String? = null
        private set

    override suspend fun routerChanged(gateway: String?) {
        check("routerChanged")
        this.gateway = gateway
    }

    override suspend fun powerChanged(charging: Boolean, batteryLow: Boolean) {
        check("powerChanged")
        settingsValue = settingsValue.copy(charging = charging, batteryLow = batteryLow)
    }

    override suspend fun syncFor(budgetMs: Long): SyncPass {
        check("syncFor")
        return SyncPass(0, 0, 0, 0, 0, complete = true, tookMs = 1)
    }

    override fun settings(): Settings = settingsValue

    override suspend fun setDefaultPolicy(policy: SyncPolicy) {
        check("setDefaultPolicy")
        settingsValue = settingsValue.copy(policy = policy)
    }

    /** As the core: IPv4 `a.b.c.d:port` here, not 0.0.0.0 nor port 0, at most 8, duplicates once. */
    override suspend fun setRendezvousRelays(relays: List<String>) {
        check("setRendezvousRelays")
        val list = relays.map { it.trim() }.distinct()
        if (!list.all(::isRelay)) {
            throw SwarmrollFailure(SwarmrollFailure.Kind.InvalidArgument, "a relay is an address and a port, such as 203.0.113.7:51418")
        }
        if (list.size > MAX_RELAYS) throw SwarmrollFailure(SwarmrollFailure.Kind.InvalidArgument, "at most $MAX_RELAYS relays")
        settingsValue = settingsValue.copy(rendezvousRelays = list)
    }

    override fun news(): List<News> =
        rooms.values.filter { it.unread > 0 }.map { News(it.id, names.getValue(it.id), it.unread, 0, listOf()) }
}
