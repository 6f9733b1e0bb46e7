package app.swarmroll.android.designsystem

import androidx.compose.material3.ColorScheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.staticCompositionLocalOf
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.ImageBitmap

/*
 * The app's look, shared by every feature: Material 3 with Swarmroll's colours, light and
 * dark. Only androidx.compose.* here, so the same code draws on Android and, for the
 * screenshot tests, on the JVM desktop.
 */

private val Light: ColorScheme =
    lightColorScheme(
        primary = Color(0xFF3D5AFE),
        onPrimary = Color.White,
        primaryContainer = Color(0xFFDDE1FF),
        onPrimaryContainer = Color(0xFF001159),
        secondary = Color(0xFFFF6E40),
        onSecondary = Color.White,
        background = Color(0xFFFCFCFF),
        surface = Color(0xFFFCFCFF),
        surfaceVariant = Color(0xFFE3E1EC),
        error = Color(0xFFBA1A1A)
    )

private val Dark: ColorScheme =
    darkColorScheme(
        primary = Color(0xFFB9C3FF),
        onPrimary = Color(0xFF00208F),
        primaryContainer = Color(0xFF1F3BD8),
        onPrimaryContainer = Color(0xFFDDE1FF),
        secondary = Color(0xFFFFB59D),
        onSecondary = Color(0xFF5D1900),
        background = Color(0xFF121318),
        surface = Color(0xFF121318),
        surfaceVariant = Color(0xFF46464F),
        error = Color(0xFFFFB4AB)
    )

/**
 * Turns a thumbnail's JPEG bytes into an image. The app provides Android's decoder
 * (BitmapFactory), the desktop tests Skia's; null means "show the file-type tile".
 */
fun interface ImageDecoder {
    fun decode(bytes: ByteArray): ImageBitmap?
}

/** The decoder screens use for thumbnails and QR codes. */
val LocalImageDecoder = staticCompositionLocalOf<ImageDecoder> { ImageDecoder { null } }

/** Swarmroll's Material theme; [dark] follows the system setting in the app. */
@Composable
fun SwarmrollTheme(
    dark: Boolean = false,
    decoder: ImageDecoder = LocalImageDecoder.current,
    strings: Strings = LocalStrings.current,
    content: @Composable () -> Unit
) {
    CompositionLocalProvider(LocalImageDecoder provides decoder, LocalStrings provides strings) {
        MaterialTheme(colorScheme = if (dark) Dark else Light, content = content)
    }
}
