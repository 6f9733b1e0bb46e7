package app.swarmroll.android.features.share

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.draw.clip
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import app.swarmroll.android.designsystem.BackTopBar
import app.swarmroll.android.designsystem.Thumbnail
import app.swarmroll.android.designsystem.mediaCounts
import app.swarmroll.android.designsystem.plural
import app.swarmroll.android.designsystem.str

/** The import flow, one screen per stage; the app shows this for the presenter's state. */
@Composable
fun ImportScreen(state: ImportState, onEvent: (ImportEvent) -> Unit, modifier: Modifier = Modifier) {
    when (state.stage) {
        ImportStage.Window -> EventWindowScreen(state, onEvent, modifier)
        ImportStage.Review -> ReviewScreen(state, onEvent, modifier)
        ImportStage.Sharing -> ProgressScreen(state, modifier)
        ImportStage.Result -> ResultScreen(state, onEvent, modifier)
    }
}

/** Sharing in progress, from the core's ImportProgress events: "Adding 3 of 14". */
@Composable
fun ProgressScreen(state: ImportState, modifier: Modifier = Modifier) {
    Column(modifier.fillMaxSize()) {
        BackTopBar(str("share_progress_title", state.channelName), null, null)
        Column(Modifier.fillMaxSize().padding(24.dp), verticalArrangement = Arrangement.Center) {
            val line =
                if (state.done == 0L) {
                    str("share_progress_preparing", state.total.toInt())
                } else {
                    str("share_progress", state.done.toInt(), state.total.toInt())
                }
            Text(line, style = MaterialTheme.typography.headlineSmall, modifier = Modifier.semantics { liveRegion = LiveRegionMode.Polite })
            Spacer(Modifier.height(16.dp))
            val fraction = if (state.total == 0L) 0f else state.done.toFloat() / state.total
            LinearProgressIndicator(progress = { fraction }, modifier = Modifier.fillMaxWidth().height(8.dp).clip(RoundedCornerShape(4.dp)))
            Spacer(Modifier.height(16.dp))
            Text(
                str("share_progress_body"),
                style = MaterialTheme.typography.bodyMedium,
                color = MaterialTheme.colorScheme.onSurfaceVariant
            )
        }
    }
}

/** What the core did: shared, already in the channel, and each file left out with its reason. */
@Composable
fun ResultScreen(state: ImportState, onEvent: (ImportEvent) -> Unit, modifier: Modifier = Modifier) {
    val r = state.result ?: return
    Column(modifier.fillMaxSize()) {
        BackTopBar(str("share_result_title"), state.channelName, null)
        Column(Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(horizontal = 24.dp, vertical = 8.dp)) {
            val what = if (r.photos != null &&
                r.videos != null
            ) {
                mediaCounts(r.photos, r.videos)
            } else {
                plural("share_files", r.shared, r.shared)
            }
            Text(
                if (r.shared > 0) str("share_result_shared", what, state.channelName) else str("share_result_none"),
                style = MaterialTheme.typography.headlineSmall
            )
            if (r.alreadyThere > 0) ResultLine(plural("share_result_already", r.alreadyThere, r.alreadyThere))
            if (r.notShared > 0) ResultLine(plural("share_result_not_shared", r.notShared, r.notShared))
            if (r.skipped.isNotEmpty()) {
                ResultLine(plural("share_result_skipped", r.skipped.size, r.skipped.size))
                for (s in r.skipped) SkippedRow(s)
            }
        }
        Column(Modifier.fillMaxWidth().padding(16.dp)) {
            if (state.offered.isNotEmpty()) {
                OutlinedButton(onClick = { onEvent(ImportEvent.ShareOffered) }, modifier = Modifier.fillMaxWidth()) {
                    Text(plural("share_result_share_offered", state.offered.size, state.offered.size))
                }
            }
            Button(onClick = { onEvent(ImportEvent.Done) }, modifier = Modifier.fillMaxWidth()) { Text(str("share_result_done")) }
        }
    }
}

@Composable
private fun ResultLine(text: String) {
    Text(text, style = MaterialTheme.typography.titleSmall, modifier = Modifier.padding(top = 16.dp))
}

@Composable
private fun SkippedRow(s: SkippedFile) {
    Row(Modifier.fillMaxWidth().padding(top = 8.dp), verticalAlignment = Alignment.CenterVertically) {
        Thumbnail(s.candidate.thumbnail, s.candidate.mime, s.candidate.name, Modifier.size(56.dp).clip(RoundedCornerShape(8.dp)))
        Column(Modifier.padding(start = 12.dp)) {
            Text(s.candidate.name, style = MaterialTheme.typography.bodyLarge)
            Text(
                s.reason.replaceFirstChar {
                    it.uppercaseChar()
                },
                style = MaterialTheme.typography.bodyMedium,
                color = MaterialTheme.colorScheme.onSurfaceVariant
            )
        }
    }
}

/** The event window's two ends, moved in half hours, then "Find photos and videos". */
@Composable
fun EventWindowScreen(state: ImportState, onEvent: (ImportEvent) -> Unit, modifier: Modifier = Modifier) {
    val w = state.window ?: return
    Column(modifier.fillMaxSize()) {
        BackTopBar(str("share_window_title"), str("share_to_channel", state.channelName)) { onEvent(ImportEvent.Back) }
        Column(Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(horizontal = 24.dp, vertical = 8.dp)) {
            Text(str("share_window_body"), style = MaterialTheme.typography.bodyMedium)
            val from = str("share_window_from")
            val to = str("share_window_to")
            WindowEnd(from, w.startLabel, {
                onEvent(ImportEvent.SetStart(w.startMs - HALF_HOUR))
            }, { onEvent(ImportEvent.SetStart(w.startMs + HALF_HOUR)) })
            WindowEnd(to, w.endLabel, {
                onEvent(ImportEvent.SetEnd(w.endMs - HALF_HOUR))
            }, { onEvent(ImportEvent.SetEnd(w.endMs + HALF_HOUR)) })
            val note =
                when {
                    !w.valid -> str("share_window_invalid")
                    w.foundNothing -> str("share_window_nothing")
                    else -> state.error
                }
            if (note != null) {
                Text(
                    note,
                    color = MaterialTheme.colorScheme.error,
                    style = MaterialTheme.typography.bodyMedium,
                    modifier = Modifier.padding(top = 16.dp)
                )
            }
        }
        Button(
            onClick = { onEvent(ImportEvent.FindInWindow) },
            enabled = w.valid && !w.searching,
            modifier = Modifier.fillMaxWidth().padding(16.dp)
        ) {
            if (w.searching) {
                CircularProgressIndicator(Modifier.size(18.dp), strokeWidth = 2.dp)
                Text(str("share_window_searching"), modifier = Modifier.padding(start = 12.dp))
            } else {
                Text(str("share_window_find"))
            }
        }
    }
}

@Composable
private fun WindowEnd(which: String, label: String, earlier: () -> Unit, later: () -> Unit) {
    Column(Modifier.fillMaxWidth().padding(top = 24.dp)) {
        Text(which, style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.primary)
        Text(label, style = MaterialTheme.typography.headlineSmall, modifier = Modifier.padding(vertical = 4.dp))
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            val earlierDescription = str("share_window_earlier_description", which)
            val laterDescription = str("share_window_later_description", which)
            OutlinedButton(onClick = earlier, modifier = Modifier.semantics { contentDescription = earlierDescription }) {
                Text(str("share_window_earlier"))
            }
            OutlinedButton(onClick = later, modifier = Modifier.semantics { contentDescription = laterDescription }) {
                Text(str("share_window_later"))
            }
        }
    }
}

private const val HALF_HOUR = 30 * 60_000L
