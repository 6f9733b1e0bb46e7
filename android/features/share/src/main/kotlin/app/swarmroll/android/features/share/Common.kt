package app.swarmroll.android.features.share

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.material3.IconButton
import androidx.compose.material3.LocalContentColor
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.Dp
import androidx.compose.ui.unit.dp
import app.swarmroll.android.designsystem.plural
import app.swarmroll.android.designsystem.str

/*
 * Pieces the import screens share: the top bar, a back arrow and a check mark drawn with
 * lines (no icon dependency), counts of photos and videos, video durations.
 */

/** A top bar with back, a title and an optional subtitle (two lines before a cut). */
@Composable
internal fun ShareTopBar(title: String, subtitle: String?, onBack: (() -> Unit)?) {
    Row(Modifier.fillMaxWidth().heightIn(min = 64.dp).padding(4.dp), verticalAlignment = Alignment.CenterVertically) {
        if (onBack != null) {
            val back = str("back")
            IconButton(onClick = onBack, modifier = Modifier.semantics { contentDescription = back }) { LineGlyph(check = false) }
        }
        Column(Modifier.weight(1f).padding(start = if (onBack != null) 12.dp else 20.dp, end = 12.dp)) {
            Text(title, style = MaterialTheme.typography.titleLarge, maxLines = 2, overflow = TextOverflow.Ellipsis, modifier = Modifier.semantics { heading() })
            if (subtitle != null) {
                Text(subtitle, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant, maxLines = 1, overflow = TextOverflow.Ellipsis)
            }
        }
    }
}

/** A back arrow, or a check mark when [check]; decorative (the button has the description). */
@Composable
internal fun LineGlyph(check: Boolean, modifier: Modifier = Modifier, size: Dp = 24.dp, color: Color = LocalContentColor.current) {
    Canvas(modifier.size(size)) {
        val u = this.size.minDimension / 24f
        fun line(x1: Float, y1: Float, x2: Float, y2: Float) = drawLine(color, Offset(x1 * u, y1 * u), Offset(x2 * u, y2 * u), 2.5f * u, StrokeCap.Round)
        if (check) {
            line(5f, 12.5f, 10f, 17.5f)
            line(10f, 17.5f, 19f, 7f)
        } else {
            line(5f, 12f, 19f, 12f)
            line(5f, 12f, 11f, 6f)
            line(5f, 12f, 11f, 18f)
        }
    }
}

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
