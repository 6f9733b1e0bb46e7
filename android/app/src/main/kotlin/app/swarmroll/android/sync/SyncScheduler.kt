package app.swarmroll.android.sync

import android.content.Context
import androidx.work.BackoffPolicy
import androidx.work.Constraints
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.ExistingWorkPolicy
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.workDataOf
import app.swarmroll.android.core.api.OriginalsPolicy
import app.swarmroll.android.core.api.SyncPolicy
import java.util.concurrent.TimeUnit

/** The first wait after a pass that did not finish (doubling after each). */
private const val BACKOFF_MINUTES = 10L

/** The window at the end of each period in which the system may run the pass. */
private const val FLEX_MINUTES = 20L

/**
 * Background sync through WorkManager, which survives reboots and respects Doze: a
 * periodic pass, and a one-off pass that waits for the next suitable network (queued each
 * time the app goes to the background, so photos taken at the party move once the guest
 * is back on Wi-Fi). By default both want an unmetered network and a battery that is not
 * low; the user's sync policy (settings) can allow any network or ask for charging.
 */
object SyncScheduler {
    private const val PERIODIC = "swarmroll-sync-periodic"
    private const val ON_NETWORK = "swarmroll-sync-on-network"
    const val PERIOD_HOURS = 1L

    /** (Re)schedules the periodic pass for [policy]; call at start and when it changes. */
    fun schedule(context: Context, policy: SyncPolicy = SyncPolicy()) {
        val request =
            PeriodicWorkRequestBuilder<SyncWorker>(PERIOD_HOURS, TimeUnit.HOURS, FLEX_MINUTES, TimeUnit.MINUTES)
                .setConstraints(constraints(policy))
                .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, BACKOFF_MINUTES, TimeUnit.MINUTES)
                .setInputData(workDataOf(SyncWorker.KEY_TRIGGER to "periodic"))
                .build()
        WorkManager.getInstance(context).enqueueUniquePeriodicWork(PERIODIC, ExistingPeriodicWorkPolicy.UPDATE, request)
    }

    /** A pass as soon as the network allows; an already queued one is kept. */
    fun onConnectivity(context: Context, policy: SyncPolicy = SyncPolicy()) {
        val request =
            OneTimeWorkRequestBuilder<SyncWorker>()
                .setConstraints(constraints(policy))
                .setInputData(workDataOf(SyncWorker.KEY_TRIGGER to "network"))
                .build()
        WorkManager.getInstance(context).enqueueUniqueWork(ON_NETWORK, ExistingWorkPolicy.KEEP, request)
    }

    /** The expected gap between passes, for the battery-manager hint. */
    val expectedEveryMs: Long get() = TimeUnit.HOURS.toMillis(PERIOD_HOURS)

    fun constraints(policy: SyncPolicy): Constraints = Constraints
        .Builder()
        .setRequiredNetworkType(
            if (policy.originals == OriginalsPolicy.AnyNetwork) NetworkType.CONNECTED else NetworkType.UNMETERED
        ).setRequiresBatteryNotLow(true)
        .setRequiresCharging(policy.chargingOnly)
        .build()
}
