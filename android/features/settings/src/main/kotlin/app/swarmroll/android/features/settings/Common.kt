package app.swarmroll.android.features.settings

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
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import app.swarmroll.android.designsystem.str
import java.util.Locale

/*
 * Pieces the settings and transfers screens share: the top bar, section titles and sizes
 * in words ("38 MB", "2.4 MB/s").
 */

@Composable
internal fun SettingsTopBar(title: String, onBack: () -> Unit) {
    Row(Modifier.fillMaxWidth().heightIn(min = 64.dp).padding(4.dp), verticalAlignment = Alignment.CenterVertically) {
        val back = str("back")
        IconButton(onClick = onBack, modifier = Modifier.semantics { contentDescription = back }) {
            val color = LocalContentColor.current
            Canvas(Modifier.size(24.dp)) {
                val u = size.minDimension / 24f
                fun line(x1: Float, y1: Float, x2: Float, y2: Float) = drawLine(color, Offset(x1 * u, y1 * u), Offset(x2 * u, y2 * u), 2.5f * u, StrokeCap.Round)
                line(5f, 12f, 19f, 12f)
                line(5f, 12f, 11f, 6f)
                line(5f, 12f, 11f, 18f)
            }
        }
        Text(title, style = MaterialTheme.typography.titleLarge, modifier = Modifier.padding(horizontal = 12.dp).semantics { heading() })
    }
}

@Composable
internal fun Section(title: String, content: @Composable () -> Unit) {
    Column(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 8.dp)) {
        Text(title, style = MaterialTheme.typography.titleSmall, color = MaterialTheme.colorScheme.primary, modifier = Modifier.padding(vertical = 8.dp).semantics { heading() })
        content()
    }
}

/** "512 KB", "38 MB", "4.2 MB", "1.5 GB": one decimal below ten. */
@Composable
internal fun size(bytes: Long): String {
    fun num(x: Double) = if (x < 10 && x % 1.0 in 0.05..0.95) String.format(Locale.getDefault(), "%.1f", x) else Math.round(x).toString()
    return when {
        bytes < 1024 -> str("size_bytes", bytes.toString())
        bytes < 1024 * 1024 -> str("size_kb", num(bytes / 1024.0))
        bytes < 1024L * 1024 * 1024 -> str("size_mb", num(bytes / 1048576.0))
        else -> str("size_gb", num(bytes / 1073741824.0))
    }
}
