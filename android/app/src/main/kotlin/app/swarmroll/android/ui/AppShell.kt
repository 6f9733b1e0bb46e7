package app.swarmroll.android.ui

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.WindowInsets
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.safeDrawing
import androidx.compose.foundation.layout.windowInsetsPadding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.features.home.AppState
import app.swarmroll.android.features.home.Platform
import app.swarmroll.android.features.home.SwarmrollApp
import app.swarmroll.android.qr.QrScannerScreen

/** What the Activity asks the shell to show above the app's own screens. */
enum class Overlay { None, LocalNetwork, Scanner }

/**
 * The phone's frame around the app ([SwarmrollApp] from features/home, which wires every
 * screen to its presenter and reaches the phone through [platform]): system-bar insets (the
 * activity draws edge to edge), the screen kept on while a screen asks for it
 * ([keepScreenOn], through [KeepScreenOn]), and the screens only the phone has, drawn over
 * the app so it keeps its place: the local-network explanation, the camera QR scanner and
 * the Media3 video player ([videoPath]).
 */
@Composable
fun AppShell(
    client: SwarmrollClient,
    appState: AppState,
    platform: Platform,
    overlay: Overlay,
    videoPath: String?,
    keepScreenOn: Boolean,
    actions: PlatformActions,
    modifier: Modifier = Modifier
) {
    if (keepScreenOn) KeepScreenOn()
    Box(modifier.fillMaxSize()) {
        val inset = Modifier.windowInsetsPadding(WindowInsets.safeDrawing)
        SwarmrollApp(client, appState, platform, inset)
        // Surfaces take the touches, so the app underneath is not tapped through an overlay.
        when {
            videoPath != null ->
                Surface(Modifier.fillMaxSize(), color = Color.Black) { VideoPlayerScreen(videoPath, actions::closeVideo, inset) }

            overlay == Overlay.LocalNetwork ->
                Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
                    LocalNetworkScreen(actions::allowLocalNetwork, actions::skipLocalNetwork, inset)
                }

            overlay == Overlay.Scanner ->
                Surface(Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
                    QrScannerScreen(actions::scanned, actions::closeScanner)
                }

            else -> Unit
        }
    }
}

/** The Activity's side of the shell's overlays: the scanner, the player, the local-network ask. */
interface PlatformActions {
    fun scanned(link: String)

    fun closeScanner()

    fun closeVideo()

    fun allowLocalNetwork()

    fun skipLocalNetwork()
}
