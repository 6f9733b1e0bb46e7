package app.swarmroll.android.features.home

import app.swarmroll.android.core.api.SyncPass
import app.swarmroll.android.features.share.Candidate
import app.swarmroll.android.features.share.CandidateSource
import kotlinx.coroutines.flow.StateFlow

/** The last background sync pass and when it ran, as the app recorded it. */
data class LastPass(val pass: SyncPass, val atMs: Long)

/**
 * Everything the screens need from the phone, in one plain-Kotlin interface, so the whole
 * app ([SwarmrollApp]) is wired once here and runs the same on the phone (`android/app`
 * implements this with the Photo Picker, MediaStore, the share sheet, the camera scanner,
 * Media3, the party-mode service, SharedPreferences and the battery-manager hint) and on
 * the desktop against a fake (the click-through tests). No Android or Compose types: an
 * implementation compiles against the Android framework alone.
 */
interface Platform {
    /**
     * The system Photo Picker (photos and videos, many at once), the picked items already
     * readable by the core by path (copied whole, so Motion Photos stay intact); empty when
     * the user cancels. Candidates rather than bare paths: the review shows their names,
     * types and thumbnails.
     */
    suspend fun pickMedia(): List<Candidate>

    /** The event window's photos ("everything I shot between 6 pm and midnight"), from MediaStore. */
    val candidates: CandidateSource

    /**
     * An original image file decoded to fit [maxPx] on its longer side and encoded again as
     * JPEG or PNG (so the design system's decoder shows it); null when it cannot be read.
     */
    suspend fun loadImage(path: String, maxPx: Int): ByteArray?

    /** Plays a video file that has arrived, in the app's player. */
    fun playVideo(path: String)

    /** The Android share sheet with an invite link. */
    fun shareLink(link: String)

    /** Opens the camera QR scanner; a scanned invite comes back through [AppState.openLink]. */
    fun scanQr()

    /** Whether party mode (the foreground service that keeps exchanging photos) is running. */
    val partyMode: StateFlow<Boolean>

    /** Starts or stops party mode; called from the user's tap only. */
    fun setPartyMode(on: Boolean)

    /** Keeps the screen awake while the user watches transfers, or lets it sleep again. */
    fun keepScreenOn(on: Boolean)

    /** The last background sync pass, or null when none has run yet. */
    fun lastPass(): LastPass?

    /** True when the phone's battery manager (the maker's or Android's) may defer background sync. */
    fun batteryOptimized(): Boolean

    /** Opens the maker's battery setting for this app (or Android's optimisation list). */
    fun openBatterySettings()

    /** Whether new posts and comments in [channelId] are notified (off by default for big channels). */
    suspend fun notificationsOn(channelId: String): Boolean

    fun setNotificationsOn(channelId: String, on: Boolean)

    /** When the user last left [channelId]'s gallery (for "new since last visit"); null: never. */
    fun lastVisitMs(channelId: String): Long?

    fun visited(channelId: String, atMs: Long)

    /** The user left [channelId]: what the phone keeps about it (visits, notifications) goes. */
    fun forgetChannel(channelId: String)
}
