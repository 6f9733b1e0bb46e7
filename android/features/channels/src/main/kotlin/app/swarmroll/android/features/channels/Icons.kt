package app.swarmroll.android.features.channels

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.layout.size
import androidx.compose.material3.LocalContentColor
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.Path
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.unit.dp
import kotlin.math.cos
import kotlin.math.sin

/*
 * The few icons these screens need, drawn, since the Material icon set is not among the
 * app's libraries. Each is decorative: its button carries the content description.
 */

/** A cog, for "Settings". */
@Composable
internal fun SettingsIcon(color: Color = LocalContentColor.current) {
    Canvas(Modifier.size(24.dp)) {
        val r = size.minDimension / 2
        drawCircle(color, r * 0.5f, center, style = Stroke(width = r * 0.22f))
        for (i in 0 until 8) {
            val a = Math.PI * i / 4
            val from = Offset(center.x + (r * 0.62f) * cos(a).toFloat(), center.y + (r * 0.62f) * sin(a).toFloat())
            val to = Offset(center.x + (r * 0.9f) * cos(a).toFloat(), center.y + (r * 0.9f) * sin(a).toFloat())
            drawLine(color, from, to, strokeWidth = r * 0.26f, cap = StrokeCap.Round)
        }
    }
}

/** A play triangle, for the video badge. */
@Composable
internal fun PlayIcon(color: Color, modifier: Modifier = Modifier) {
    Canvas(modifier.size(10.dp)) {
        val p =
            Path().apply {
                moveTo(size.width * 0.15f, 0f)
                lineTo(size.width, size.height / 2)
                lineTo(size.width * 0.15f, size.height)
                close()
            }
        drawPath(p, color)
    }
}
