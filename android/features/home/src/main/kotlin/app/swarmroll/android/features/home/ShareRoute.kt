package app.swarmroll.android.features.home

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
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
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.designsystem.BackTopBar
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
            onBack = { nav.pop() }
        )
    } else {
        ImportScreen(state, presenter::handle)
    }
}

/** Where the photos come from: picked one by one, or everything shot in a time window. */
@Composable
internal fun AddPhotosChooser(
    channelName: String,
    onPick: () -> Unit,
    onWindow: () -> Unit,
    onBack: () -> Unit,
    modifier: Modifier = Modifier
) {
    Column(modifier.fillMaxSize()) {
        BackTopBar(str("home_add_title"), str("home_add_to", channelName), onBack)
        Column(
            Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(horizontal = 24.dp, vertical = 8.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp)
        ) {
            Button(onClick = onPick, modifier = Modifier.fillMaxWidth().heightIn(min = 56.dp)) { Text(str("home_add_pick")) }
            Text(str("home_add_pick_body"), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
            OutlinedButton(onClick = onWindow, modifier = Modifier.fillMaxWidth().padding(top = 12.dp).heightIn(min = 56.dp)) {
                Text(str("home_add_window"))
            }
            Text(
                str("home_add_window_body"),
                style = MaterialTheme.typography.bodyMedium,
                color = MaterialTheme.colorScheme.onSurfaceVariant
            )
            Text(str("home_add_review_first"), style = MaterialTheme.typography.bodySmall, modifier = Modifier.padding(top = 12.dp))
        }
    }
}
