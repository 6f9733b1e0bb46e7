package app.swarmroll.android.features.settings

import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import app.swarmroll.android.designsystem.str
import java.util.Locale

/*
 * Pieces the settings and transfers screens share: sizes in words ("38 MB", "2.4 MB/s"),
 * and the line under a section's title that says what the section is for.
 */

/** What a section is for, under its title. */
@Composable
internal fun SectionNote(text: String) {
    Text(text, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
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
