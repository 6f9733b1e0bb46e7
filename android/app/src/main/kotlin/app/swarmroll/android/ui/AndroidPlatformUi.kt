package app.swarmroll.android.ui

import android.annotation.SuppressLint
import android.content.Context
import android.graphics.BitmapFactory
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.ui.graphics.asImageBitmap
import androidx.compose.ui.platform.LocalView
import app.swarmroll.android.designsystem.ImageDecoder
import app.swarmroll.android.designsystem.Strings

/**
 * The design system's two platform hooks on the phone: strings looked up by name in the
 * merged resources (every module's strings.xml; res/raw/keep.xml stops the resource
 * shrinker from dropping names only looked up this way), and thumbnails decoded by
 * BitmapFactory. Plus [KeepScreenOn], which the shell uses while a screen watches a transfer.
 */
class ResourceStrings(private val context: Context) : Strings {
    private val res = context.resources

    override fun get(name: String, args: Array<out Any>): String {
        val id = id(name, "string")
        return if (args.isEmpty()) res.getString(id) else res.getString(id, *args)
    }

    override fun plural(name: String, count: Int, args: Array<out Any>): String = res.getQuantityString(id(name, "plurals"), count, *args)

    @SuppressLint("DiscouragedApi")
    private fun id(name: String, type: String): Int = res.getIdentifier(name, type, context.packageName).also {
        require(it != 0) { "no $type resource '$name'" }
    }
}

/** JPEG/PNG thumbnails from the core into Compose images. */
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
