package app.swarmroll.android.features.home

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.IconButton
import androidx.compose.material3.LocalContentColor
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.designsystem.Loading
import app.swarmroll.android.designsystem.str
import app.swarmroll.android.features.share.ImportEffect
import app.swarmroll.android.features.share.ImportEvent
import app.swarmroll.android.features.share.ImportPresenter
import app.swarmroll.android.features.share.ImportScreen
import app.swarmroll.android.features.share.ImportStage
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.launch

/**
 * Adding photos to a channel: first where from — the system Photo Picker, or an event
 * window over the phone's library — then the share feature's review, progress and result
 * ([ImportPresenter] over the channel, the node's progress events and the platform's
 * MediaStore source). The screen stays on while the core is posting.
 */
@Composable
internal fun ShareRoute(client: SwarmrollClient, platform: Platform, channelId: String, nav: Navigator) {
    val nameFlow = remember(channelId) { client.channels().map { list -> list.find { it.id == channelId }?.name } }
    val channelName = nameFlow.collectAsState(null).value ?: return Loading(str("gallery_loading"))
    val presenter =
        rememberPresenter(Destination.Share(channelId)) { scope ->
            ImportPresenter(client.channel(channelId), channelName, client.events(), platform.candidates, scope)
        }
    val state by presenter.state.collectAsState()
    var choosing by remember(presenter) { mutableStateOf(true) }
    val scope = rememberCoroutineScope()
    LaunchedEffect(presenter) { presenter.effects.collect { if (it == ImportEffect.Close) nav.pop() } }
    val sharing = state.stage == ImportStage.Sharing
    DisposableEffect(sharing) {
        if (sharing) platform.keepScreenOn(true)
        onDispose { if (sharing) platform.keepScreenOn(false) }
    }
    if (choosing) {
        AddPhotosChooser(
            channelName,
            onPick = {
                scope.launch {
                    val picked = platform.pickMedia()
                    if (picked.isNotEmpty()) {
                        presenter.handle(ImportEvent.Picked(picked))
                        choosing = false
                    }
                }
            },
            onWindow = {
                presenter.handle(ImportEvent.OpenWindow)
                choosing = false
            },
            onBack = { nav.pop() },
        )
    } else {
        ImportScreen(state, presenter::handle)
    }
}

/** Where the photos come from: picked one by one, or everything shot in a time window. */
@Composable
internal fun AddPhotosChooser(channelName: String, onPick: () -> Unit, onWindow: () -> Unit, onBack: () -> Unit, modifier: Modifier = Modifier) {
    Column(modifier.fillMaxSize()) {
        BackTopBar(str("home_add_title"), str("home_add_to", channelName), onBack)
        Column(
            Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(horizontal = 24.dp, vertical = 8.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            Button(onClick = onPick, modifier = Modifier.fillMaxWidth().heightIn(min = 56.dp)) { Text(str("home_add_pick")) }
            Text(str("home_add_pick_body"), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
            OutlinedButton(onClick = onWindow, modifier = Modifier.fillMaxWidth().padding(top = 12.dp).heightIn(min = 56.dp)) { Text(str("home_add_window")) }
            Text(str("home_add_window_body"), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
            Text(str("home_add_review_first"), style = MaterialTheme.typography.bodySmall, modifier = Modifier.padding(top = 12.dp))
        }
    }
}

/** A top bar with a back arrow (drawn: no icon dependency), a title and a subtitle. */
@Composable
internal fun BackTopBar(title: String, subtitle: String?, onBack: () -> Unit) {
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
        Column(Modifier.weight(1f).padding(horizontal = 12.dp)) {
            Text(title, style = MaterialTheme.typography.titleLarge, maxLines = 2, overflow = TextOverflow.Ellipsis, modifier = Modifier.semantics { heading() })
            if (subtitle != null) {
                Text(subtitle, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant, maxLines = 1, overflow = TextOverflow.Ellipsis)
            }
        }
    }
}
