package app.swarmroll.android.features.home

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.designsystem.str
import app.swarmroll.android.features.channels.ChannelsEvent
import app.swarmroll.android.features.channels.ChannelsPresenter
import app.swarmroll.android.features.channels.ChannelsScreen
import app.swarmroll.android.features.channels.CreateChannelEvent
import app.swarmroll.android.features.channels.CreateChannelPresenter
import app.swarmroll.android.features.channels.CreateChannelScreen
import app.swarmroll.android.features.invite.InviteEvent
import app.swarmroll.android.features.invite.InvitePresenter
import app.swarmroll.android.features.invite.InviteScreen
import app.swarmroll.android.features.invite.JoinEvent
import app.swarmroll.android.features.invite.JoinPresenter
import app.swarmroll.android.features.invite.JoinScreen
import app.swarmroll.android.features.onboarding.OnboardingPresenter
import app.swarmroll.android.features.onboarding.OnboardingScreen
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel

/** A screen another part of the app draws, given where it is and the [Navigator] to move on. */
typealias ChannelSlot = @Composable (channelId: String, navigator: Navigator) -> Unit

/** A screen about one post (viewer, thread). */
typealias PostSlot = @Composable (channelId: String, postId: String, navigator: Navigator) -> Unit

/**
 * The app shell: shows the current [Destination] of [appState], wires the presenters of
 * onboarding, channels, create, invite and join to the [client], and turns their
 * navigation events and results into moves of the back stack. Screens written elsewhere
 * (gallery, viewer, thread, share, host tools, settings) come in as slots, each defaulting
 * to a placeholder so the shell stands alone. Platform work stays outside: [onShareLink]
 * opens the Android share sheet, [onScanQr] the scanner (whose result comes back through
 * [AppState.openLink]), and the Activity forwards the system back to [AppState.back].
 */
@Composable
fun SwarmrollApp(
    client: SwarmrollClient,
    appState: AppState,
    onShareLink: (String) -> Unit,
    onScanQr: () -> Unit,
    modifier: Modifier = Modifier,
    galleryScreen: ChannelSlot = { _, nav -> SlotPlaceholder("home_slot_gallery", nav) },
    viewerScreen: PostSlot = { _, _, nav -> SlotPlaceholder("home_slot_viewer", nav) },
    threadScreen: PostSlot = { _, _, nav -> SlotPlaceholder("home_slot_thread", nav) },
    shareScreen: ChannelSlot = { _, nav -> SlotPlaceholder("home_slot_share", nav) },
    hostScreen: ChannelSlot = { _, nav -> SlotPlaceholder("home_slot_host", nav) },
    settingsScreen: @Composable (navigator: Navigator) -> Unit = { nav -> SlotPlaceholder("home_slot_settings", nav) },
) {
    val stack by appState.navigator.backStack.collectAsState()
    val nav = appState.navigator
    // Kept for the app's life, so the chosen tab survives a visit to a channel.
    val home = rememberPresenter(Unit) { scope -> ChannelsPresenter(client, scope) }
    Surface(modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
        when (val d = stack.last()) {
            Destination.Onboarding -> Onboarding(client, appState)
            Destination.Home -> Home(home, appState)
            Destination.CreateChannel -> CreateChannel(client, appState)
            is Destination.Join -> Join(client, appState, d, onScanQr)
            is Destination.Invite -> Invite(client, appState, d.channelId, onShareLink)
            is Destination.Gallery -> galleryScreen(d.channelId, nav)
            is Destination.Viewer -> viewerScreen(d.channelId, d.postId, nav)
            is Destination.Thread -> threadScreen(d.channelId, d.postId, nav)
            is Destination.Share -> shareScreen(d.channelId, nav)
            is Destination.Host -> hostScreen(d.channelId, nav)
            Destination.Settings -> settingsScreen(nav)
        }
    }
}

@Composable
private fun Onboarding(client: SwarmrollClient, appState: AppState) {
    val pending by appState.pendingInvite.collectAsState()
    val presenter = remember(pending) { OnboardingPresenter(client, pending, appState::saveName) }
    val state by presenter.state.collectAsState()
    LaunchedEffect(state.outcome) { state.outcome?.let(appState::onboarded) }
    OnboardingScreen(state, presenter::handle)
}

@Composable
private fun Home(presenter: ChannelsPresenter, appState: AppState) {
    val state by presenter.state.collectAsState()
    val nav = appState.navigator
    ChannelsScreen(state, onEvent = { event ->
        when (event) {
            is ChannelsEvent.OpenChannel -> nav.push(Destination.Gallery(event.channelId))
            is ChannelsEvent.OpenTile -> nav.push(Destination.Viewer(event.channelId, event.postId))
            ChannelsEvent.CreateChannel -> nav.push(Destination.CreateChannel)
            ChannelsEvent.JoinChannel -> nav.push(Destination.Join())
            ChannelsEvent.OpenSettings -> nav.push(Destination.Settings)
            else -> presenter.handle(event)
        }
    })
}

@Composable
private fun CreateChannel(client: SwarmrollClient, appState: AppState) {
    val myName = appState.myName.collectAsState().value.orEmpty()
    val presenter = rememberPresenter(Destination.CreateChannel) { scope -> CreateChannelPresenter(client, myName, scope) }
    val state by presenter.state.collectAsState()
    LaunchedEffect(state.createdId) { state.createdId?.let(appState::created) }
    CreateChannelScreen(state, onEvent = { event ->
        if (event == CreateChannelEvent.Cancel) appState.back() else presenter.handle(event)
    })
}

@Composable
private fun Join(client: SwarmrollClient, appState: AppState, destination: Destination.Join, onScanQr: () -> Unit) {
    val myName = appState.myName.collectAsState().value.orEmpty()
    val presenter =
        rememberPresenter(destination) { scope -> JoinPresenter(client, myName, scope, destination.link, destination.autoJoin) }
    val state by presenter.state.collectAsState()
    LaunchedEffect(state.joined) { state.joined?.let { appState.joined(it.channelId) } }
    JoinScreen(state, onEvent = { event ->
        when (event) {
            JoinEvent.ScanQr -> onScanQr()
            JoinEvent.Back -> appState.back()
            else -> presenter.handle(event)
        }
    })
}

@Composable
private fun Invite(client: SwarmrollClient, appState: AppState, channelId: String, onShareLink: (String) -> Unit) {
    val presenter = rememberPresenter(Destination.Invite(channelId)) { scope -> InvitePresenter(client, channelId, scope) }
    val state by presenter.state.collectAsState()
    InviteScreen(state, onEvent = { event ->
        when (event) {
            is InviteEvent.ShareLink -> onShareLink(event.link)
            InviteEvent.Back -> if (state.showQr) presenter.handle(InviteEvent.HideQr) else appState.back()
            else -> presenter.handle(event)
        }
    })
}

/**
 * A presenter that lives while its screen is shown: its coroutines run in a scope of their
 * own, cancelled when the screen leaves the composition (so live lists stop their listeners).
 */
@Composable
private fun <P> rememberPresenter(key: Any, create: (CoroutineScope) -> P): P {
    val parent = rememberCoroutineScope()
    val held =
        remember(key) {
            val scope = CoroutineScope(parent.coroutineContext + SupervisorJob(parent.coroutineContext[Job]))
            scope to create(scope)
        }
    DisposableEffect(held) { onDispose { held.first.cancel() } }
    return held.second
}

/** Stands in for a screen written elsewhere, so the shell runs alone. */
@Composable
private fun SlotPlaceholder(name: String, navigator: Navigator) {
    Column(
        Modifier.fillMaxSize().padding(32.dp),
        verticalArrangement = Arrangement.spacedBy(16.dp, Alignment.CenterVertically),
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        Text(str("home_slot_missing", str(name)), style = MaterialTheme.typography.titleMedium, textAlign = TextAlign.Center)
        OutlinedButton(onClick = { navigator.pop() }, modifier = Modifier.heightIn(min = 48.dp)) { Text(str("home_back")) }
    }
}
