package app.swarmroll.android.desktop

import app.swarmroll.android.features.home.LastPass
import app.swarmroll.android.features.home.Platform
import app.swarmroll.android.features.share.Candidate
import app.swarmroll.android.features.share.CandidateSource
import java.io.File
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.emptyFlow

/**
 * The phone, faked for the desktop click-through: the "Photo Picker" hands back real
 * fixture files ([picks]) with Skia thumbnails, originals load from disk at the asked size,
 * and everything the app would do to the system (share sheet, scanner, player, party
 * mode, screen on, battery settings, notification switches, visits) is recorded so tests
 * can check it happened.
 */
class FakePlatform(
    /** What the next [pickMedia] returns, in order; empty: the user cancels. */
    var picks: List<File> = emptyList(),
    /** The event window's library. */
    var library: List<Candidate> = emptyList(),
    private var lastPass: LastPass? = null,
    var optimized: Boolean = false
) : Platform {
    val sharedLinks = mutableListOf<String>()
    var scans = 0
    val played = mutableListOf<String>()
    val loaded = mutableListOf<String>()
    var batterySettingsOpened = 0
    private val party = MutableStateFlow(false)
    val screenOn = MutableStateFlow(false)
    val notifications = HashMap<String, Boolean>()
    val visits = HashMap<String, Long>()

    override suspend fun pickMedia(): List<Candidate> = picks.map(::candidate)

    override val candidates: CandidateSource =
        object : CandidateSource {
            override suspend fun between(startMs: Long, endMs: Long): List<Candidate> =
                library.filter { (it.takenMs ?: 0) in startMs until endMs }.sortedBy { it.takenMs }

            override fun arrivals(startMs: Long, endMs: Long): Flow<List<Candidate>> = emptyFlow()
        }

    override suspend fun loadImage(path: String, maxPx: Int): ByteArray? {
        loaded += path
        val file = File(path).takeIf { it.isFile } ?: return null
        return runCatching { FixturePhotos.thumbnail(file.readBytes(), size = minOf(maxPx, 1024)) }.getOrNull()
    }

    override fun playVideo(path: String) {
        played += path
    }

    override fun shareLink(link: String) {
        sharedLinks += link
    }

    override fun scanQr() {
        scans++
    }

    override val partyMode: StateFlow<Boolean> = party.asStateFlow()

    override fun setPartyMode(on: Boolean) {
        party.value = on
    }

    override fun keepScreenOn(on: Boolean) {
        screenOn.value = on
    }

    override fun lastPass(): LastPass? = lastPass

    override fun batteryOptimized(): Boolean = optimized

    override fun openBatterySettings() {
        batterySettingsOpened++
    }

    override suspend fun notificationsOn(channelId: String): Boolean = notifications.getOrPut(channelId) { true }

    override fun setNotificationsOn(channelId: String, on: Boolean) {
        notifications[channelId] = on
    }

    override fun lastVisitMs(channelId: String): Long? = visits[channelId]

    override fun visited(channelId: String, atMs: Long) {
        visits[channelId] = atMs
    }

    override fun forgetChannel(channelId: String) {
        visits.remove(channelId)
        notifications.remove(channelId)
        forgotten += channelId
    }

    /** Channels the app told the platform to forget. */
    val forgotten = mutableListOf<String>()

    companion object {
        private val photos = File(System.getProperty("swarmroll.photos") ?: "../shared/fixtures/photos")

        /** A fixture photo by its path under the photos folder, e.g. "phones/jolla.jpg". */
        fun photo(name: String): File = File(photos, name).also { require(it.isFile) { "no fixture photo $it" } }

        /** A picked file as the share feature sees it, with a thumbnail like the picker's. */
        fun candidate(file: File): Candidate {
            val mime =
                when (file.extension.lowercase()) {
                    "jpg", "jpeg" -> "image/jpeg"
                    "heic" -> "image/heic"
                    "mp4" -> "video/mp4"
                    else -> "application/octet-stream"
                }
            val thumbnail = if (mime == "image/jpeg") FixturePhotos.thumbnail(file.readBytes(), 256) else ByteArray(0)
            return Candidate(file.path, file.path, file.name, mime, null, file.length(), thumbnail = thumbnail)
        }
    }
}
