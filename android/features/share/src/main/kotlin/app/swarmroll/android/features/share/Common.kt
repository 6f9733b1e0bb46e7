package app.swarmroll.android.features.share

import androidx.compose.runtime.Composable
import app.swarmroll.android.designsystem.plural
import app.swarmroll.android.designsystem.str

/*
 * Pieces the import screens share: counts of photos and videos, video durations.
 */

/** "12 photos, 2 videos", leaving out a kind there is none of. */
@Composable
internal fun mediaCounts(photos: Int, videos: Int): String {
    val p = plural("share_photos", photos, photos)
    val v = plural("share_videos", videos, videos)
    return when {
        videos == 0 -> p
        photos == 0 -> v
        else -> str("share_counts", p, v)
    }
}

/** "0:12", "12:04", "1:02:03". */
internal fun duration(ms: Long): String {
    val s = (ms + 500) / 1000
    val h = s / 3600
    val m = (s % 3600) / 60
    val sec = (s % 60).toString().padStart(2, '0')
    return if (h > 0) "$h:${m.toString().padStart(2, '0')}:$sec" else "$m:$sec"
}
