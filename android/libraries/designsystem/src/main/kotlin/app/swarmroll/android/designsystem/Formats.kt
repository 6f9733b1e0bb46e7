package app.swarmroll.android.designsystem

import androidx.compose.runtime.Composable

private const val MS_PER_SECOND = 1000L
private const val SECONDS_PER_MINUTE = 60L
private const val SECONDS_PER_HOUR = 3600L

/*
 * How counts and lengths read wherever a screen shows them, so the gallery, the timeline
 * and the import screens say the same thing about the same photos and videos.
 */

/** "12 photos, 2 videos", leaving out a kind there is none of. */
@Composable
fun mediaCounts(photos: Int, videos: Int): String {
    val p = plural("media_photos", photos, photos)
    val v = plural("media_videos", videos, videos)
    return when {
        videos == 0 -> p
        photos == 0 -> v
        else -> str("media_counts", p, v)
    }
}

/** A video's length, rounded to the second: "0:12", "12:04", "1:02:03" (null reads 0:00). */
fun duration(ms: Long?): String {
    val s = ((ms ?: 0) + MS_PER_SECOND / 2) / MS_PER_SECOND
    val h = s / SECONDS_PER_HOUR
    val m = (s % SECONDS_PER_HOUR) / SECONDS_PER_MINUTE
    val sec = (s % SECONDS_PER_MINUTE).toString().padStart(2, '0')
    return if (h > 0) "$h:${m.toString().padStart(2, '0')}:$sec" else "$m:$sec"
}
