package app.swarmroll.android.features.invite

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.layout.size
import androidx.compose.material3.LocalContentColor
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.geometry.Size
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.Path
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.graphics.StrokeJoin
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.unit.dp

/*
 * The icons of the invite and join screens, drawn (the Material icon set is not among the
 * app's libraries). Decorative: the buttons they sit in carry the descriptions.
 */

/** Three finder squares and a dot: a QR code, for "Scan" and "Show QR code". */
@Composable
internal fun QrIcon(color: Color = LocalContentColor.current) {
    Canvas(Modifier.size(18.dp)) {
        val u = size.width / 7
        val stroke = Stroke(width = u * 0.8f)
        for (origin in listOf(Offset(0f, 0f), Offset(u * 4, 0f), Offset(0f, u * 4))) {
            drawRect(color, origin + Offset(u * 0.4f, u * 0.4f), Size(u * 2.2f, u * 2.2f), style = stroke)
        }
        drawRect(color, Offset(u * 4.5f, u * 4.5f), Size(u * 2f, u * 2f))
    }
}

/** A box with an arrow out of it, for "Share link". */
@Composable
internal fun ShareIcon(color: Color = LocalContentColor.current) {
    Canvas(Modifier.size(18.dp)) {
        val w = size.width
        val stroke = Stroke(width = w * 0.1f, cap = StrokeCap.Round, join = StrokeJoin.Round)
        val box =
            Path().apply {
                moveTo(w * 0.3f, w * 0.4f)
                lineTo(w * 0.1f, w * 0.4f)
                lineTo(w * 0.1f, w * 0.95f)
                lineTo(w * 0.9f, w * 0.95f)
                lineTo(w * 0.9f, w * 0.4f)
                lineTo(w * 0.7f, w * 0.4f)
            }
        drawPath(box, color, style = stroke)
        val arrow =
            Path().apply {
                moveTo(w * 0.3f, w * 0.25f)
                lineTo(w * 0.5f, w * 0.05f)
                lineTo(w * 0.7f, w * 0.25f)
            }
        drawPath(arrow, color, style = stroke)
        drawLine(color, Offset(w * 0.5f, w * 0.05f), Offset(w * 0.5f, w * 0.65f), strokeWidth = w * 0.1f, cap = StrokeCap.Round)
    }
}
