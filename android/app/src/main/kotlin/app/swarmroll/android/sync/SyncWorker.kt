package app.swarmroll.android.sync

import android.content.Context
import androidx.work.CoroutineWorker
import androidx.work.WorkerParameters
import app.swarmroll.android.AppServices
import app.swarmroll.android.core.api.SwarmrollFailure
import app.swarmroll.android.notify.NewsNotifier

/**
 * One bounded background pass: asks the core to sync and fetch for at most [BUDGET_MS]
 * (well inside WorkManager's ten minutes), records what it moved for settings, and
 * updates the news notifications. Scheduled periodically and when the phone gets an
 * unmetered network ([SyncScheduler]).
 */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        val services = applicationContext as AppServices
        val trigger = inputData.getString(KEY_TRIGGER) ?: "periodic"
        return try {
            val pass = services.client.syncFor(BUDGET_MS)
            SyncRecord(applicationContext).record(pass, System.currentTimeMillis(), trigger)
            NewsNotifier(applicationContext, services.client).update()
            Result.success()
        } catch (e: SwarmrollFailure) {
            // The core says why (storage full, offline); try again later with backoff.
            android.util.Log.w(TAG, "background sync did not finish: ${e.kind}")
            if (runAttemptCount < MAX_ATTEMPTS) Result.retry() else Result.failure()
        }
    }

    companion object {
        const val KEY_TRIGGER = "trigger"
        const val BUDGET_MS = 8 * 60 * 1000L
        private const val MAX_ATTEMPTS = 3
        private const val TAG = "SwarmrollSync"
    }
}
