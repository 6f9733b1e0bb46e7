package app.swarmroll.android

import android.Manifest
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Build
import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.OnBackPressedCallback
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import app.swarmroll.android.designsystem.SwarmrollTheme
import app.swarmroll.android.features.home.AppState
import app.swarmroll.android.features.home.Destination
import app.swarmroll.android.features.share.Candidate
import app.swarmroll.android.link.DeferredJoin
import app.swarmroll.android.media.PhotoPicker
import app.swarmroll.android.notify.NewsNotifier
import app.swarmroll.android.platform.ActivityHooks
import app.swarmroll.android.platform.AndroidPlatform
import app.swarmroll.android.platform.LocalNetworkAccess
import app.swarmroll.android.sync.SyncScheduler
import app.swarmroll.android.ui.AppShell
import app.swarmroll.android.ui.BitmapImageDecoder
import app.swarmroll.android.ui.Overlay
import app.swarmroll.android.ui.PlatformActions
import app.swarmroll.android.ui.ResourceStrings

/**
 * The app's only activity: Compose, edge to edge. It hands the shell what arrives from
 * outside — invite links from App Links (`https://swarmroll.app/join#…`), the
 * `swarmroll://` scheme, the QR scanner and, on first start only, the clipboard (the
 * deferred join) — and does what needs an Activity: runtime permissions (camera,
 * notifications, the local network, asked after an explanation), the share sheet, the
 * Photo Picker, the scanner and video player overlays, keeping the screen on, back. The
 * rest of the phone reaches the screens through [AndroidPlatform]; no screen logic here.
 */
class MainActivity :
    ComponentActivity(),
    PlatformActions,
    ActivityHooks {
    private lateinit var appState: AppState
    private lateinit var deferredJoin: DeferredJoin
    private lateinit var platform: AndroidPlatform
    private val overlay = mutableStateOf(Overlay.None)
    private val video = mutableStateOf<String?>(null)
    private val screenOn = mutableStateOf(false)

    // Registered while the activity is constructed, as activity results must be.
    private val picker = PhotoPicker(this)
    private val prefs by lazy { getSharedPreferences("profile", MODE_PRIVATE) }

    private val cameraPermission =
        registerForActivityResult(ActivityResultContracts.RequestPermission()) { granted ->
            overlay.value = if (granted) Overlay.Scanner else Overlay.None
        }
    private val localNetworkPermission =
        registerForActivityResult(ActivityResultContracts.RequestPermission()) { askNotifications() }
    private val notificationPermission = registerForActivityResult(ActivityResultContracts.RequestPermission()) { }

    override fun onCreate(savedInstanceState: Bundle?) {
        enableEdgeToEdge()
        super.onCreate(savedInstanceState)
        val services = application as AppServices
        deferredJoin = DeferredJoin(this)
        appState = AppState(savedName = prefs.getString(KEY_NAME, null), persistName = { prefs.edit().putString(KEY_NAME, it).apply() })
        platform = AndroidPlatform(applicationContext, services.client, this, SyncScheduler.expectedEveryMs)
        if (savedInstanceState == null) handle(intent)
        onBackPressedDispatcher.addCallback(
            this,
            object : OnBackPressedCallback(true) {
                override fun handleOnBackPressed() {
                    when {
                        video.value != null -> video.value = null
                        overlay.value != Overlay.None -> overlay.value = Overlay.None
                        !appState.back() -> finish()
                    }
                }
            }
        )
        setContent {
            val strings = remember { ResourceStrings(this) }
            SwarmrollTheme(dark = isSystemInDarkTheme(), decoder = BitmapImageDecoder, strings = strings) {
                AppShell(services.client, appState, platform, overlay.value, video.value, screenOn.value, this)
            }
        }
        if (appState.myName.value != null) askLocalNetwork()
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        handle(intent)
    }

    override fun onWindowFocusChanged(hasFocus: Boolean) {
        super.onWindowFocusChanged(hasFocus)
        // Android lets only the focused app read the clipboard; first start only.
        if (hasFocus && deferredJoin.firstStart) deferredJoin.pendingInvite()?.let(appState::openLink)
    }

    private fun handle(intent: Intent?) {
        DeferredJoin.fromIntent(intent)?.let { appState.openLink(it) }
        intent?.getStringExtra(NewsNotifier.EXTRA_CHANNEL_ID)?.let { channelId ->
            if (appState.myName.value != null) appState.navigator.push(Destination.Gallery(channelId))
        }
    }

    /** The local-network explanation, once, where Android asks for a permission. */
    private fun askLocalNetwork() {
        val permission = LocalNetworkAccess.permissionFor(Build.VERSION.SDK_INT)
        if (permission == null || granted(permission) || prefs.getBoolean(KEY_LAN_ASKED, false)) {
            askNotifications()
            return
        }
        overlay.value = Overlay.LocalNetwork
    }

    private fun askNotifications() {
        if (Build.VERSION.SDK_INT < Build.VERSION_CODES.TIRAMISU || prefs.getBoolean(KEY_NOTIFY_ASKED, false)) return
        prefs.edit().putBoolean(KEY_NOTIFY_ASKED, true).apply()
        if (!granted(Manifest.permission.POST_NOTIFICATIONS)) notificationPermission.launch(Manifest.permission.POST_NOTIFICATIONS)
    }

    private fun granted(permission: String) = checkSelfPermission(permission) == PackageManager.PERMISSION_GRANTED

    override fun shareLink(link: String) {
        val send = Intent(Intent.ACTION_SEND).setType("text/plain").putExtra(Intent.EXTRA_TEXT, link)
        startActivity(Intent.createChooser(send, getString(R.string.share_invite_title)))
    }

    override fun scanQr() {
        if (granted(Manifest.permission.CAMERA)) overlay.value = Overlay.Scanner else cameraPermission.launch(Manifest.permission.CAMERA)
    }

    override suspend fun pickMedia(): List<Candidate> = picker.pick()

    override fun playVideo(path: String) {
        video.value = path
    }

    override fun closeVideo() {
        video.value = null
    }

    override fun keepScreenOn(on: Boolean) {
        screenOn.value = on
    }

    override fun scanned(link: String) {
        overlay.value = Overlay.None
        appState.openLink(link)
    }

    override fun closeScanner() {
        overlay.value = Overlay.None
    }

    override fun allowLocalNetwork() {
        prefs.edit().putBoolean(KEY_LAN_ASKED, true).apply()
        overlay.value = Overlay.None
        LocalNetworkAccess.permissionFor(Build.VERSION.SDK_INT)?.let { localNetworkPermission.launch(it) }
    }

    override fun skipLocalNetwork() {
        prefs.edit().putBoolean(KEY_LAN_ASKED, true).apply()
        overlay.value = Overlay.None
        askNotifications()
    }

    private companion object {
        const val KEY_NAME = "display-name"
        const val KEY_LAN_ASKED = "local-network-asked"
        const val KEY_NOTIFY_ASKED = "notifications-asked"
    }
}
