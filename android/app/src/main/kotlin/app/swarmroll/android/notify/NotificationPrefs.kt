package app.swarmroll.android.notify

import android.content.Context

/**
 * Per-channel notification switches. A channel's first setting is decided once, when its
 * first news arrives: on for channels of up to [BIG_CHANNEL] members, off above (a
 * 300-guest wedding would otherwise buzz all night); the user can change it in the app or
 * in the system's per-channel notification settings.
 */
class NotificationPrefs(context: Context) {
    private val prefs = context.getSharedPreferences("notifications", Context.MODE_PRIVATE)

    /** The switch for [channelId], deciding it from [members] the first time. */
    suspend fun enabled(channelId: String, members: suspend () -> Int): Boolean {
        val key = "on-$channelId"
        if (prefs.contains(key)) return prefs.getBoolean(key, true)
        val on = members() <= BIG_CHANNEL
        prefs.edit().putBoolean(key, on).apply()
        return on
    }

    fun set(channelId: String, on: Boolean) {
        prefs.edit().putBoolean("on-$channelId", on).apply()
    }

    /** The news last announced for [channelId] ([NewsText.fingerprint]). */
    fun announced(channelId: String): String? = prefs.getString("seen-$channelId", null)

    fun markAnnounced(channelId: String, fingerprint: String?) {
        prefs.edit().putString("seen-$channelId", fingerprint).apply()
    }

    /** The channel was left: its switch and what was announced go. */
    fun forget(channelId: String) {
        prefs.edit().remove("on-$channelId").remove("seen-$channelId").apply()
    }

    companion object {
        const val BIG_CHANNEL = 50
    }
}
