package app.swarmroll.android.platform

import android.content.Context
import android.graphics.Bitmap
import android.graphics.BitmapFactory
import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.core.api.SwarmrollFailure
import app.swarmroll.android.features.home.LastPass
import app.swarmroll.android.features.home.Platform
import app.swarmroll.android.features.share.Candidate
import app.swarmroll.android.features.share.CandidateSource
import app.swarmroll.android.media.MediaStoreCandidates
import app.swarmroll.android.notify.NewsNotifier
import app.swarmroll.android.notify.NotificationPrefs
import app.swarmroll.android.party.PartyModeService
import app.swarmroll.android.sync.SyncRecord
import java.io.ByteArrayOutputStream
import java.io.File
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.withContext

/**
 * What only the Activity can do for the app: the Photo Picker (a registered activity
 * result), the share sheet, the camera scanner, the video player and the window's
 * keep-screen-on flag. [MainActivity][app.swarmroll.android.MainActivity] implements it.
 */
interface ActivityHooks {
    suspend fun pickMedia(): List<Candidate>

    fun shareLink(link: String)

    fun scanQr()

    fun playVideo(path: String)

    fun keepScreenOn(on: Boolean)
}

/**
 * The phone behind the app's [Platform]: MediaStore for the event window, originals decoded
 * at screen size, party mode's service, the background sync record, the battery-manager
 * hint, per-channel notification switches and gallery visits (SharedPreferences), and the
 * Activity's [hooks] for the rest. Framework only (no androidx), so it compiles in
 * scripts/android-check.sh against the Android framework jar; no screen logic.
 */
class AndroidPlatform(
    private val context: Context,
    private val client: SwarmrollClient,
    private val hooks: ActivityHooks,
    /** How often background sync should run (WorkManager's period), for "overdue". */
    private val expectedSyncEveryMs: Long
) : Platform {
    private val battery = BatteryManagerHint(context)
    private val notifications = NotificationPrefs(context)
    private val visits = context.getSharedPreferences("gallery-visits", Context.MODE_PRIVATE)

    override suspend fun pickMedia(): List<Candidate> = hooks.pickMedia()

    override val candidates: CandidateSource = MediaStoreCandidates(context, File(context.noBackupFilesDir, "event-windows"))

    override suspend fun loadImage(path: String, maxPx: Int): ByteArray? = withContext(Dispatchers.IO) {
        val bounds = BitmapFactory.Options().apply { inJustDecodeBounds = true }
        BitmapFactory.decodeFile(path, bounds)
        if (bounds.outWidth <= 0 || bounds.outHeight <= 0) return@withContext null
        var sample = 1
        while (maxOf(bounds.outWidth, bounds.outHeight) / (sample * 2) >= maxPx) sample *= 2
        val bitmap = BitmapFactory.decodeFile(path, BitmapFactory.Options().apply { inSampleSize = sample }) ?: return@withContext null
        try {
            ByteArrayOutputStream().use { out ->
                bitmap.compress(Bitmap.CompressFormat.JPEG, JPEG_QUALITY, out)
                out.toByteArray()
            }
        } finally {
            bitmap.recycle()
        }
    }

    override fun playVideo(path: String) = hooks.playVideo(path)

    override fun shareLink(link: String) = hooks.shareLink(link)

    override fun scanQr() = hooks.scanQr()

    override val partyMode: StateFlow<Boolean> = PartyModeService.running

    override fun setPartyMode(on: Boolean) {
        if (on) PartyModeService.start(context) else PartyModeService.stop(context)
    }

    override fun keepScreenOn(on: Boolean) = hooks.keepScreenOn(on)

    override fun lastPass(): LastPass? = SyncRecord(context).last()?.let { LastPass(it.pass, it.atMs) }

    override fun batteryOptimized(): Boolean = hint().show

    override fun openBatterySettings() {
        context.startActivity(battery.settingsIntent(hint().maker))
    }

    private fun hint() = battery.hint(SyncRecord(context).last()?.atMs, System.currentTimeMillis(), expectedSyncEveryMs)

    override suspend fun notificationsOn(channelId: String): Boolean = notifications.enabled(channelId) {
        // A channel whose members cannot be read now counts as small: notified, changeable.
        try {
            client.channel(channelId).members().count { !it.removed }
        } catch (ignored: SwarmrollFailure) {
            0
        }
    }

    override fun setNotificationsOn(channelId: String, on: Boolean) = notifications.set(channelId, on)

    override fun lastVisitMs(channelId: String): Long? = if (visits.contains(channelId)) visits.getLong(channelId, 0) else null

    override fun visited(channelId: String, atMs: Long) {
        visits.edit().putLong(channelId, atMs).apply()
    }

    override fun forgetChannel(channelId: String) {
        NewsNotifier(context, client).forget(channelId)
        visits.edit().remove(channelId).apply()
    }

    private companion object {
        const val JPEG_QUALITY = 90
    }
}
