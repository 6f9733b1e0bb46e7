package app.swarmroll.android.notify

import android.Manifest
import android.app.Notification
import android.app.NotificationChannel
import android.app.NotificationChannelGroup
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Build
import app.swarmroll.android.R
import app.swarmroll.android.core.api.News
import app.swarmroll.android.core.api.SwarmrollClient

/** News notifications' ids: a range of their own ("S"), one id per channel within it. */
private const val NEWS_ID_BASE = 0x5300_0000
private const val NEWS_ID_MASK = 0x00FF_FFFF

/**
 * New posts and comments as notifications: one per Swarmroll channel, replaced as more
 * arrive (batched, never one per photo), each in its own Android notification channel so
 * people can silence one wedding and keep another. Built from the core's news (what is
 * unread) after a background pass or when posts arrive while the app is in the background.
 * Channels over [NotificationPrefs.BIG_CHANNEL] members start switched off.
 */
class NewsNotifier(private val context: Context, private val client: SwarmrollClient) {
    private val manager = context.getSystemService(NotificationManager::class.java)
    private val prefs = NotificationPrefs(context)
    private val words = ResourceWords(context)

    /** Posts or updates the notifications for what is unread now. */
    suspend fun update() {
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU &&
            context.checkSelfPermission(Manifest.permission.POST_NOTIFICATIONS) != PackageManager.PERMISSION_GRANTED
        ) {
            return
        }
        for (news in client.news()) announce(news)
    }

    /** Posts, updates or takes away one channel's notification. */
    private suspend fun announce(news: News) {
        val id = notificationId(news.channelId)
        val lines = NewsText.lines(news, words)
        if (lines == null) {
            // Read on another screen or device: take the old notification away.
            manager.cancel(id)
            prefs.markAnnounced(news.channelId, null)
            return
        }
        val fingerprint = NewsText.fingerprint(news)
        val on = prefs.announced(news.channelId) != fingerprint &&
            prefs.enabled(news.channelId) { client.channel(news.channelId).members().count { !it.removed } }
        if (on) {
            val channel = ensureChannel(news.channelId, news.channelName)
            val notification =
                Notification
                    .Builder(context, channel)
                    .setSmallIcon(R.drawable.ic_notification)
                    .setContentTitle(lines.title)
                    .setContentText(lines.text)
                    .setStyle(Notification.BigTextStyle().bigText(listOfNotNull(lines.text, lines.detail).joinToString("\n")))
                    .setContentIntent(openChannel(news.channelId))
                    .setAutoCancel(true)
                    .setOnlyAlertOnce(true)
                    .setGroup(GROUP)
                    .setCategory(Notification.CATEGORY_SOCIAL)
                    .build()
            manager.notify(id, notification)
            prefs.markAnnounced(news.channelId, fingerprint)
        }
    }

    /** The user opened the channel: its notification goes. */
    fun clear(channelId: String) {
        manager.cancel(notificationId(channelId))
        prefs.markAnnounced(channelId, null)
    }

    /** The channel was left: its notification, its system notification channel and its switch go. */
    fun forget(channelId: String) {
        manager.cancel(notificationId(channelId))
        manager.deleteNotificationChannel("channel-$channelId")
        prefs.forget(channelId)
    }

    private fun ensureChannel(channelId: String, name: String): String {
        val id = "channel-$channelId"
        manager.createNotificationChannelGroup(NotificationChannelGroup(GROUP, context.getString(R.string.notify_group_channels)))
        // Creating an existing channel only updates its name: the user's choices stay.
        val channel = NotificationChannel(id, name, NotificationManager.IMPORTANCE_DEFAULT)
        channel.group = GROUP
        channel.description = context.getString(R.string.notify_channel_description, name)
        manager.createNotificationChannel(channel)
        return id
    }

    private fun openChannel(channelId: String): PendingIntent {
        val intent =
            (context.packageManager.getLaunchIntentForPackage(context.packageName) ?: Intent())
                .setPackage(context.packageName)
                .putExtra(EXTRA_CHANNEL_ID, channelId)
                .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK or Intent.FLAG_ACTIVITY_CLEAR_TOP)
        return PendingIntent.getActivity(
            context,
            notificationId(channelId),
            intent,
            PendingIntent.FLAG_UPDATE_CURRENT or PendingIntent.FLAG_IMMUTABLE
        )
    }

    private fun notificationId(channelId: String): Int = NEWS_ID_BASE or (channelId.hashCode() and NEWS_ID_MASK)

    /** [NewsWords] from the app's string resources. */
    private class ResourceWords(private val context: Context) : NewsWords {
        private val res = context.resources

        override fun one(a: String) = context.getString(R.string.notify_who_one, a)

        override fun two(a: String, b: String) = context.getString(R.string.notify_who_two, a, b)

        override fun others(a: String, count: Int) = res.getQuantityString(R.plurals.notify_who_others, count, a, count)

        override fun media(who: String, photos: Int, videos: Int): String {
            val p = res.getQuantityString(R.plurals.notify_photos, photos, photos)
            val v = res.getQuantityString(R.plurals.notify_videos, videos, videos)
            return when {
                videos == 0 -> context.getString(R.string.notify_added, who, p)
                photos == 0 -> context.getString(R.string.notify_added, who, v)
                else -> context.getString(R.string.notify_added_both, who, p, v)
            }
        }

        override fun posts(who: String, count: Int) = res.getQuantityString(R.plurals.notify_posts, count, who, count)

        override fun comments(who: String, count: Int) = res.getQuantityString(R.plurals.notify_comments, count, who, count)

        override fun someone() = context.getString(R.string.notify_who_someone)
    }

    companion object {
        const val EXTRA_CHANNEL_ID = "app.swarmroll.android.extra.CHANNEL_ID"
        private const val GROUP = "swarmroll-channels"
    }
}
