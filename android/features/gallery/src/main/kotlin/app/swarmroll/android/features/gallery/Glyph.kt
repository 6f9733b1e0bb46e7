package app.swarmroll.android.features.gallery

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.layout.size
import androidx.compose.material3.LocalContentColor
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.Path
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.graphics.drawscope.DrawScope
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.unit.Dp
import androidx.compose.ui.unit.dp

/** The few glyphs the gallery needs, drawn with paths (the app has no icon font dependency). */
enum class Glyph { Back, Close, Plus, Invite, Host, More, Leave, Play, Send }

/**
 * A 24 dp line icon in the content colour. Decorative: the button around it carries the
 * content description, so TalkBack reads the action once.
 */
@Composable
fun GlyphIcon(glyph: Glyph, modifier: Modifier = Modifier, size: Dp = 24.dp, color: Color = LocalContentColor.current) {
    Canvas(modifier.size(size)) {
        val u = this.size.minDimension / 24f
        val stroke = Stroke(width = 2f * u, cap = StrokeCap.Round)
        fun line(x1: Float, y1: Float, x2: Float, y2: Float) =
            drawLine(color, Offset(x1 * u, y1 * u), Offset(x2 * u, y2 * u), stroke.width, StrokeCap.Round)
        when (glyph) {
            Glyph.Back -> {
                line(5f, 12f, 19f, 12f)
                line(5f, 12f, 11f, 6f)
                line(5f, 12f, 11f, 18f)
            }

            Glyph.Close -> {
                line(6f, 6f, 18f, 18f)
                line(18f, 6f, 6f, 18f)
            }

            Glyph.Plus -> {
                line(12f, 5f, 12f, 19f)
                line(5f, 12f, 19f, 12f)
            }

            Glyph.Invite -> {
                drawCircle(color, 3.5f * u, Offset(9f * u, 8f * u), style = stroke)
                drawPath(path(u, 2f to 20f, 3.5f to 15f, 9f to 13.5f, 14.5f to 15f, 16f to 20f), color, style = stroke)
                line(19f, 7f, 19f, 13f)
                line(16f, 10f, 22f, 10f)
            }

            Glyph.Host -> drawPath(
                path(u, 12f to 3f, 20f to 6f, 20f to 12f, 12f to 21f, 4f to 12f, 4f to 6f, close = true),
                color,
                style = stroke
            )

            Glyph.More -> for (y in listOf(5f, 12f, 19f)) drawCircle(color, 1.8f * u, Offset(12f * u, y * u))

            Glyph.Leave -> {
                drawPath(path(u, 11f to 4f, 4f to 4f, 4f to 20f, 11f to 20f), color, style = stroke)
                line(9f, 12f, 20f, 12f)
                line(16f, 8f, 20f, 12f)
                line(16f, 16f, 20f, 12f)
            }

            Glyph.Play -> drawPath(path(u, 8f to 5f, 19f to 12f, 8f to 19f, close = true), color)

            Glyph.Send -> {
                drawPath(path(u, 3f to 4f, 21f to 12f, 3f to 20f, 6f to 12f, close = true), color, style = stroke)
                line(6f, 12f, 13f, 12f)
            }
        }
    }
}

private fun DrawScope.path(u: Float, vararg points: Pair<Float, Float>, close: Boolean = false): Path = Path().apply {
    points.forEachIndexed { i, (x, y) -> if (i == 0) moveTo(x * u, y * u) else lineTo(x * u, y * u) }
    if (close) close()
}
