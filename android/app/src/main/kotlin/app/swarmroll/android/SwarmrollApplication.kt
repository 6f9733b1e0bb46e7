package app.swarmroll.android

import android.app.Application
import androidx.lifecycle.DefaultLifecycleObserver
import androidx.lifecycle.LifecycleOwner
import androidx.lifecycle.ProcessLifecycleOwner
import app.swarmroll.android.core.api.LanState
import app.swarmroll.android.core.api.NodeEvent
import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.core.impl.BindingsClient
import app.swarmroll.android.media.AndroidPosterMaker
import app.swarmroll.android.notify.NewsNotifier
import app.swarmroll.android.platform.PlatformMonitor
import app.swarmroll.android.security.KeystoreSecureStorage
import app.swarmroll.android.sync.SyncScheduler
import java.io.File
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.FlowPreview
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.flow.debounce
import kotlinx.coroutines.flow.filter
import kotlinx.coroutines.flow.launchIn
import kotlinx.coroutines.flow.onEach
import kotlinx.coroutines.launch

/**
 * The process: opens the node once ([BindingsClient.open] with the Keystore-backed secret
 * storage and the platform's poster maker), forwards network and power changes to it,
 * pauses and resumes it with the app's visibility, schedules background sync, holds the
 * multicast lock while LAN discovery runs, and turns arrivals into notifications while
 * the app is in the background.
 */
class SwarmrollApplication :
    Application(),
    AppServices {
    override val appScope: CoroutineScope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    override val client: SwarmrollClient by lazy {
        BindingsClient.open(
            dataDir = File(filesDir, "node").path,
            // noBackupFilesDir: wrapped secrets are useless without this phone's Keystore key.
            secureStorage = KeystoreSecureStorage(File(noBackupFilesDir, "secrets")),
            posters = AndroidPosterMaker()
        )
    }

    private lateinit var monitor: PlatformMonitor
    private var foreground = false
    private var started = false

    override fun onCreate() {
        super.onCreate()
        monitor = PlatformMonitor(this, client, appScope)
        monitor.start()
        SyncScheduler.schedule(this)
        ProcessLifecycleOwner.get().lifecycle.addObserver(visibility)
        watchEvents()
    }

    private val visibility =
        object : DefaultLifecycleObserver {
            override fun onStart(owner: LifecycleOwner) {
                foreground = true
                appScope.launch {
                    runCatching { if (!started) client.start().also { started = true } else client.resume() }
                }
            }

            override fun onStop(owner: LifecycleOwner) {
                foreground = false
                appScope.launch { runCatching { client.pause() } }
                // Whatever is still to move goes when the phone is next on a suitable network.
                SyncScheduler.onConnectivity(this@SwarmrollApplication)
            }
        }

    @OptIn(FlowPreview::class)
    private fun watchEvents() {
        val notifier = NewsNotifier(this, client)
        val events = client.events()
        events
            .onEach { event ->
                if (event is NodeEvent.Lan) {
                    monitor.setLanDiscovery(event.state == LanState.Searching || event.state == LanState.Found)
                }
            }.launchIn(appScope)
        events
            .filter { it is NodeEvent.PostArrived || it is NodeEvent.CommentAdded }
            .debounce(NOTIFY_QUIET_MS)
            .onEach { if (!foreground) runCatching { notifier.update() } }
            .launchIn(appScope)
    }

    private companion object {
        /** Arrivals come in bursts: announce once the burst has settled. */
        const val NOTIFY_QUIET_MS = 5_000L
    }
}
