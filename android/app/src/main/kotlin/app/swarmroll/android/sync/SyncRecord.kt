package app.swarmroll.android.sync

import android.content.Context
import android.content.SharedPreferences
import app.swarmroll.android.core.api.SyncPass

/** The last background pass, as settings shows it ("2 h ago: 14 photos, 230 MB"). */
data class LastSync(val atMs: Long, val pass: SyncPass, val trigger: String)

/**
 * Remembers what the last background sync did, for the settings screen and for the
 * battery-manager hint (a pass that stops arriving means something is deferring it).
 * Written by the worker and the party-mode service; SharedPreferences, as it is a handful
 * of numbers.
 */
class SyncRecord(context: Context) {
    private val prefs: SharedPreferences = context.getSharedPreferences("sync-record", Context.MODE_PRIVATE)

    fun record(pass: SyncPass, atMs: Long, trigger: String) {
        prefs
            .edit()
            .putLong("at", atMs)
            .putString("trigger", trigger)
            .putLong("events", pass.eventsReceived)
            .putLong("bytes", pass.bytesFetched)
            .putLong("posts", pass.postsCompleted)
            .putLong("remainingPosts", pass.remainingPosts)
            .putLong("remainingBytes", pass.remainingBytes)
            .putBoolean("complete", pass.complete)
            .putLong("took", pass.tookMs)
            .apply()
    }

    fun last(): LastSync? {
        if (!prefs.contains("at")) return null
        val pass =
            SyncPass(
                eventsReceived = prefs.getLong("events", 0),
                bytesFetched = prefs.getLong("bytes", 0),
                postsCompleted = prefs.getLong("posts", 0),
                remainingPosts = prefs.getLong("remainingPosts", 0),
                remainingBytes = prefs.getLong("remainingBytes", 0),
                complete = prefs.getBoolean("complete", true),
                tookMs = prefs.getLong("took", 0)
            )
        return LastSync(prefs.getLong("at", 0), pass, prefs.getString("trigger", null) ?: "periodic")
    }
}
