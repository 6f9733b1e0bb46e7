package app.swarmroll.android.party

import android.app.Notification
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.app.Service
import android.content.Context
import android.content.Intent
import android.content.pm.ServiceInfo
import android.os.Build
import android.os.IBinder
import android.text.format.Formatter
import app.swarmroll.android.AppServices
import app.swarmroll.android.R
import app.swarmroll.android.core.api.Transfer
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.FlowPreview
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.collectLatest
import kotlinx.coroutines.flow.sample
import kotlinx.coroutines.launch

/** The notification's progress bar, in thousandths. */
private const val PROGRESS_MAX = 1000

/**
 * Party mode: the user asks the phone to keep exchanging photos with the other guests
 * while the screen is off (a foreground service of type `dataSync`, started only from a
 * tap). Its notification shows the transfers' progress from the core's live list and has
 * a Stop action. The node keeps running as long as the service does; Android 15 limits
 * `dataSync` services to six hours a day, after which [onTimeout] stops it cleanly.
 */
class PartyModeService : Service() {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Main.immediate)
    private var watching: Job? = null

    override fun onBind(intent: Intent?): IBinder? = null

    override fun onStartCommand(intent: Intent?, flags: Int, startId: Int): Int {
        if (intent?.action == ACTION_STOP) {
            stop()
            return START_NOT_STICKY
        }
        ensureChannel()
        val first = notification(emptyList())
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.Q) {
            startForeground(NOTIFICATION_ID, first, ServiceInfo.FOREGROUND_SERVICE_TYPE_DATA_SYNC)
        } else {
            startForeground(NOTIFICATION_ID, first)
        }
        if (watching == null) watching = scope.launch { run() }
        runningFlow.value = true
        // Not restarted by the system: party mode is the user's choice each time.
        return START_NOT_STICKY
    }

    @OptIn(FlowPreview::class)
    private suspend fun run() {
        val services = application as AppServices
        runCatching { services.client.start() }
        val manager = getSystemService(NotificationManager::class.java)
        services.client
            .transfers()
            .sample(PROGRESS_EVERY_MS)
            .collectLatest { manager.notify(NOTIFICATION_ID, notification(it)) }
    }

    override fun onTimeout(startId: Int, fgsType: Int) {
        // The daily allowance for dataSync is used up (Android 15+): stop before the system does.
        stop()
    }

    override fun onDestroy() {
        runningFlow.value = false
        scope.cancel()
        super.onDestroy()
    }

    private fun stop() {
        runningFlow.value = false
        watching?.cancel()
        watching = null
        stopForeground(STOP_FOREGROUND_REMOVE)
        stopSelf()
    }

    private fun notification(transfers: List<Transfer>): Notification {
        val have = transfers.sumOf { it.haveBytes }
        val total = transfers.sumOf { it.totalBytes }
        val text =
            if (transfers.isEmpty()) {
                getString(R.string.party_idle)
            } else {
                resources.getQuantityString(
                    R.plurals.party_progress,
                    transfers.size,
                    transfers.size,
                    Formatter.formatShortFileSize(this, have),
                    Formatter.formatShortFileSize(this, total)
                )
            }
        val stop =
            PendingIntent.getService(
                this,
                1,
                Intent(this, PartyModeService::class.java).setAction(ACTION_STOP),
                PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT
            )
        val open =
            packageManager.getLaunchIntentForPackage(packageName)?.let {
                PendingIntent.getActivity(this, 2, it, PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT)
            }
        val permille = if (total > 0) (have * PROGRESS_MAX / total).toInt() else 0
        return Notification
            .Builder(this, CHANNEL)
            .setSmallIcon(R.drawable.ic_notification)
            .setContentTitle(getString(R.string.party_title))
            .setContentText(text)
            .setOngoing(true)
            .setOnlyAlertOnce(true)
            .setCategory(Notification.CATEGORY_PROGRESS)
            .setProgress(PROGRESS_MAX, permille, transfers.isNotEmpty() && total == 0L)
            .setContentIntent(open)
            .addAction(Notification.Action.Builder(null, getString(R.string.party_stop), stop).build())
            .build()
    }

    private fun ensureChannel() {
        val channel = NotificationChannel(CHANNEL, getString(R.string.party_channel), NotificationManager.IMPORTANCE_LOW)
        channel.description = getString(R.string.party_channel_description)
        getSystemService(NotificationManager::class.java).createNotificationChannel(channel)
    }

    companion object {
        private const val CHANNEL = "party-mode"
        private const val NOTIFICATION_ID = 0x5052
        private const val PROGRESS_EVERY_MS = 1_000L
        const val ACTION_STOP = "app.swarmroll.android.action.STOP_PARTY"
        private val runningFlow = MutableStateFlow(false)

        /** Whether party mode is on (settings shows it; the notification's Stop turns it off). */
        val running: StateFlow<Boolean> = runningFlow.asStateFlow()

        /** Starts party mode; call from a user's tap (a foreground service needs one). */
        fun start(context: Context) {
            context.startForegroundService(Intent(context, PartyModeService::class.java))
        }

        fun stop(context: Context) {
            context.startService(Intent(context, PartyModeService::class.java).setAction(ACTION_STOP))
        }
    }
}
