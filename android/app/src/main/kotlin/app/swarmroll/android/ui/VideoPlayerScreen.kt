package app.swarmroll.android.ui

import android.net.Uri
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.compose.ui.viewinterop.AndroidView
import androidx.media3.common.MediaItem
import androidx.media3.exoplayer.ExoPlayer
import androidx.media3.ui.PlayerView
import app.swarmroll.android.designsystem.str
import java.io.File

/**
 * Plays a video that has arrived on the phone with Media3 (ExoPlayer and its standard
 * controls), full screen over the app; the player is released when it closes.
 */
@Composable
fun VideoPlayerScreen(path: String, onClose: () -> Unit, modifier: Modifier = Modifier) {
    val context = LocalContext.current
    val player =
        remember(path) {
            ExoPlayer.Builder(context).build().apply {
                setMediaItem(MediaItem.fromUri(Uri.fromFile(File(path))))
                prepare()
                playWhenReady = true
            }
        }
    DisposableEffect(player) { onDispose { player.release() } }
    Box(modifier.fillMaxSize().background(Color.Black)) {
        val description = str("video_player_description")
        AndroidView(
            factory = { PlayerView(it).apply { this.player = player } },
            modifier = Modifier.fillMaxSize().semantics { contentDescription = description }
        )
        TextButton(onClick = onClose, modifier = Modifier.align(Alignment.TopStart).padding(8.dp).heightIn(min = 48.dp)) {
            Text(str("video_close"), color = Color.White)
        }
    }
}
