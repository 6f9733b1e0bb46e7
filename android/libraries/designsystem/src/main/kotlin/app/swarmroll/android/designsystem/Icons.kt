package app.swarmroll.android.designsystem

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.layout.size
import androidx.compose.material3.LocalContentColor
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.graphics.drawscope.DrawScope
import androidx.compose.ui.unit.Dp
import androidx.compose.ui.unit.dp

/*
 * The icons more than one feature draws, once (the Material icon set is not among the app's
 * libraries). Drawn on a 24-unit grid with round 2.5-unit lines in the content colour.
 * Decorative: the button around an icon carries its content description, so TalkBack reads
 * the action once.
 */

/** An arrow pointing left, for "Back". */
@Composable
fun BackIcon(modifier: Modifier = Modifier, size: Dp = 24.dp, color: Color = LocalContentColor.current) {
    LineIcon(modifier, size, color) { line ->
        line(5f, 12f, 19f, 12f)
        line(5f, 12f, 11f, 6f)
        line(5f, 12f, 11f, 18f)
    }
}

/** A check mark, for "selected" and "done". */
@Composable
fun CheckIcon(modifier: Modifier = Modifier, size: Dp = 24.dp, color: Color = LocalContentColor.current) {
    LineIcon(modifier, size, color) { line ->
        line(5f, 12.5f, 10f, 17.5f)
        line(10f, 17.5f, 19f, 7f)
    }
}

/** A [size] square whose [draw] gets `line(x1, y1, x2, y2)` in 24-unit coordinates. */
@Composable
private fun LineIcon(modifier: Modifier, size: Dp, color: Color, draw: DrawScope.(line: (Float, Float, Float, Float) -> Unit) -> Unit) {
    Canvas(modifier.size(size)) {
        val u = this.size.minDimension / 24f
        draw { x1, y1, x2, y2 -> drawLine(color, Offset(x1 * u, y1 * u), Offset(x2 * u, y2 * u), 2.5f * u, StrokeCap.Round) }
    }
}
