package app.swarmroll.android.designsystem

import androidx.compose.runtime.Composable

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
    val s = ((ms ?: 0) + 500) / 1000
    val h = s / 3600
    val m = (s % 3600) / 60
    val sec = (s % 60).toString().padStart(2, '0')
    return if (h > 0) "$h:${m.toString().padStart(2, '0')}:$sec" else "$m:$sec"
}
