package app.swarmroll.android.ui

import androidx.compose.foundation.layout.WindowInsets
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.safeDrawing
import androidx.compose.foundation.layout.windowInsetsPadding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.features.home.AppState
import app.swarmroll.android.features.home.SwarmrollApp
import app.swarmroll.android.qr.QrScannerScreen

/** What the Activity asks the shell to show above the app's own screens. */
enum class Overlay { None, LocalNetwork, Scanner }

/**
 * The phone's frame around the shared app shell ([SwarmrollApp] from features/home):
 * system-bar insets (the activity draws edge to edge), and the two screens only the phone
 * has, the local-network explanation and the camera QR scanner. Everything else is the
 * features' screens, drawn the same on the phone and in the desktop tests.
 */
@Composable
fun AppShell(
    client: SwarmrollClient,
    appState: AppState,
    overlay: Overlay,
    platform: PlatformActions,
    modifier: Modifier = Modifier,
) {
    Surface(modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
        val inset = Modifier.windowInsetsPadding(WindowInsets.safeDrawing)
        when (overlay) {
            Overlay.LocalNetwork -> LocalNetworkScreen(platform::allowLocalNetwork, platform::skipLocalNetwork, inset)
            Overlay.Scanner -> QrScannerScreen(platform::scanned, platform::closeScanner)
            Overlay.None -> SwarmrollApp(client, appState, platform::shareLink, platform::scanQr, inset)
        }
    }
}

/** The Activity's side of the shell: permissions, the share sheet, the scanner. */
interface PlatformActions {
    fun shareLink(link: String)

    fun scanQr()

    fun scanned(link: String)

    fun closeScanner()

    fun allowLocalNetwork()

    fun skipLocalNetwork()
}
