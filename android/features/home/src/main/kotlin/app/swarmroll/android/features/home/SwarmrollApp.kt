package app.swarmroll.android.features.home

import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Modifier
import app.swarmroll.android.core.api.SwarmrollClient
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

/**
 * The app: the composition root of every screen. It shows the current [Destination] of
 * [appState], creates each screen's presenter over the [client] while the screen is shown
 * (keyed by its channel and post), and turns presenters' navigation effects into moves of
 * the back stack. What needs the phone comes in through [platform]; the Activity forwards
 * the system back to [AppState.back]. The same wiring runs in the desktop click-through
 * tests against fakes of both.
 */
@Composable
fun SwarmrollApp(client: SwarmrollClient, appState: AppState, platform: Platform, modifier: Modifier = Modifier) {
    val stack by appState.navigator.backStack.collectAsState()
    val nav = appState.navigator
    // Kept for the app's life, so the chosen tab survives a visit to a channel.
    val home = rememberPresenter(Unit) { scope -> ChannelsPresenter(client, scope) }
    Surface(modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
        when (val d = stack.last()) {
            Destination.Onboarding -> Onboarding(client, appState)
            Destination.Home -> Home(home, appState)
            Destination.CreateChannel -> CreateChannel(client, appState)
            is Destination.Join -> Join(client, appState, d, platform::scanQr)
            is Destination.Invite -> Invite(client, appState, d.channelId, platform::shareLink)
            is Destination.Gallery -> GalleryRoute(client, platform, d.channelId, nav)
            is Destination.Viewer -> ViewerRoute(client, platform, d, nav)
            is Destination.Thread -> ThreadRoute(client, d, nav)
            is Destination.Share -> ShareRoute(client, platform, d.channelId, nav)
            is Destination.Host -> HostRoute(client, d, nav)
            Destination.Settings -> SettingsRoute(client, platform, nav)
            Destination.Transfers -> TransfersRoute(client, platform, nav)
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
internal fun <P> rememberPresenter(key: Any, create: (CoroutineScope) -> P): P {
    val parent = rememberCoroutineScope()
    val held =
        remember(key) {
            val scope = CoroutineScope(parent.coroutineContext + SupervisorJob(parent.coroutineContext[Job]))
            scope to create(scope)
        }
    DisposableEffect(held) { onDispose { held.first.cancel() } }
    return held.second
}
