package app.swarmroll.android.ui

import android.graphics.BitmapFactory
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.ui.graphics.asImageBitmap
import androidx.compose.ui.platform.LocalView
import app.swarmroll.android.designsystem.ImageDecoder

/**
 * JPEG/PNG thumbnails from the core into Compose images: the design system's other
 * platform hook on the phone ([ResourceStrings] is the first).
 */
val BitmapImageDecoder = ImageDecoder { bytes -> BitmapFactory.decodeByteArray(bytes, 0, bytes.size)?.asImageBitmap() }

/** Keeps the screen on while this is in the composition (a transfer being watched). */
@Composable
fun KeepScreenOn() {
    val view = LocalView.current
    DisposableEffect(view) {
        view.keepScreenOn = true
        onDispose { view.keepScreenOn = false }
    }
}
