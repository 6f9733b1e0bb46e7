package app.swarmroll.android.platform

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import android.content.IntentFilter
import android.net.ConnectivityManager
import android.net.LinkProperties
import android.net.Network
import android.net.NetworkCapabilities
import android.net.wifi.WifiManager
import android.os.BatteryManager
import app.swarmroll.android.core.api.NetworkKind
import app.swarmroll.android.core.api.NetworkState
import app.swarmroll.android.core.api.SwarmrollClient
import java.net.Inet4Address
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.launch

/** The battery level scale when the system does not say. */
private const val PERCENT = 100

/** Below this the battery counts as low (Android's own "battery low" is 15 %). */
private const val LOW_BATTERY_PERCENT = 15

/**
 * Tells the core what the phone is doing, as it happens: the default network (kind,
 * metered, Data Saver) from ConnectivityManager's callback, charging and low battery from
 * the battery broadcast, the router of the network (to map ports on) from its link
 * properties, and holds a Wi-Fi MulticastLock while LAN discovery runs (without
 * it many phones drop the multicast that finds members on the same Wi-Fi). Calls into the
 * core go through one queue, so they arrive in the order the platform reported them.
 */
class PlatformMonitor(private val context: Context, private val client: SwarmrollClient, private val scope: CoroutineScope) {
    private val connectivity = context.getSystemService(ConnectivityManager::class.java)
    private val wifi = context.applicationContext.getSystemService(WifiManager::class.java)
    private val updates = Channel<suspend () -> Unit>(Channel.UNLIMITED)
    private var multicastLock: WifiManager.MulticastLock? = null
    private var started = false
    private var lastPower: Pair<Boolean, Boolean>? = null
    private var lastGateway: String? = null

    private val networkCallback =
        object : ConnectivityManager.NetworkCallback() {
            override fun onCapabilitiesChanged(network: Network, caps: NetworkCapabilities) {
                send(stateOf(caps))
            }

            override fun onLinkPropertiesChanged(network: Network, link: LinkProperties) {
                // Apps may not read the routing table: the core learns the router here.
                val gateway = defaultGateway(link)
                if (gateway == lastGateway) return
                lastGateway = gateway
                updates.trySend { client.routerChanged(gateway) }
            }

            override fun onLost(network: Network) {
                send(NetworkState(NetworkKind.None, metered = false, constrained = false))
                lastGateway = null
                updates.trySend { client.routerChanged(null) }
            }
        }

    private val batteryReceiver =
        object : BroadcastReceiver() {
            override fun onReceive(context: Context, intent: Intent) {
                val status = intent.getIntExtra(BatteryManager.EXTRA_STATUS, -1)
                val charging = status == BatteryManager.BATTERY_STATUS_CHARGING || status == BatteryManager.BATTERY_STATUS_FULL
                val level = intent.getIntExtra(BatteryManager.EXTRA_LEVEL, -1)
                val scale = intent.getIntExtra(BatteryManager.EXTRA_SCALE, PERCENT)
                val low =
                    if (android.os.Build.VERSION.SDK_INT >= android.os.Build.VERSION_CODES.P) {
                        intent.getBooleanExtra(BatteryManager.EXTRA_BATTERY_LOW, false)
                    } else {
                        level in 0..(scale * LOW_BATTERY_PERCENT / PERCENT)
                    }
                val power = charging to low
                if (power == lastPower) return
                lastPower = power
                updates.trySend { client.powerChanged(charging, low) }
            }
        }

    /** Starts listening (the app's process start); safe to call twice. */
    fun start() {
        if (started) return
        started = true
        scope.launch {
            for (update in updates) {
                runCatching { update() }
            }
        }
        connectivity.registerDefaultNetworkCallback(networkCallback)
        // ACTION_BATTERY_CHANGED is sticky: registering delivers the current state at once.
        context.registerReceiver(batteryReceiver, IntentFilter(Intent.ACTION_BATTERY_CHANGED))
    }

    fun stop() {
        if (!started) return
        started = false
        connectivity.unregisterNetworkCallback(networkCallback)
        context.unregisterReceiver(batteryReceiver)
        setLanDiscovery(false)
    }

    /** Holds the multicast lock while the core searches the local network. */
    fun setLanDiscovery(on: Boolean) {
        val lock = multicastLock ?: wifi.createMulticastLock("swarmroll-lan").also {
            it.setReferenceCounted(false)
            multicastLock = it
        }
        if (on && !lock.isHeld) lock.acquire()
        if (!on && lock.isHeld) lock.release()
    }

    private fun send(state: NetworkState) {
        updates.trySend { client.networkChanged(state) }
    }

    private fun stateOf(caps: NetworkCapabilities): NetworkState {
        val kind =
            when {
                caps.hasTransport(NetworkCapabilities.TRANSPORT_WIFI) -> NetworkKind.Wifi
                caps.hasTransport(NetworkCapabilities.TRANSPORT_ETHERNET) -> NetworkKind.Ethernet
                caps.hasTransport(NetworkCapabilities.TRANSPORT_CELLULAR) -> NetworkKind.Cellular
                else -> NetworkKind.Other
            }
        val metered = !caps.hasCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED)
        // Data Saver restricts background data on metered networks for this app.
        val constrained = metered && connectivity.restrictBackgroundStatus == ConnectivityManager.RESTRICT_BACKGROUND_STATUS_ENABLED
        return NetworkState(kind, metered, constrained)
    }

    /** The IPv4 default route's gateway of [link], if it has one. */
    private fun defaultGateway(link: LinkProperties): String? = link.routes
        .filter { it.isDefaultRoute }
        .mapNotNull { it.gateway as? Inet4Address }
        .firstOrNull { !it.isAnyLocalAddress }
        ?.hostAddress
}
