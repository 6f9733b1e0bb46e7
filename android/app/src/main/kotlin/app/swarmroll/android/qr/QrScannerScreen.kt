package app.swarmroll.android.qr

import androidx.camera.core.CameraSelector
import androidx.camera.core.ImageAnalysis
import androidx.camera.core.ImageProxy
import androidx.camera.core.Preview
import androidx.camera.lifecycle.ProcessCameraProvider
import androidx.camera.view.PreviewView
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.platform.LocalLifecycleOwner
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.compose.ui.viewinterop.AndroidView
import androidx.core.content.ContextCompat
import app.swarmroll.android.designsystem.str
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicBoolean

/**
 * The in-app QR scanner for invite codes: CameraX preview and frame analysis with ZXing
 * ([QrDecoder]), so it works without Google Play services. The first invite found is
 * handed to [onInvite] once; codes that are not invites are ignored. The caller asks for
 * the camera permission first.
 */
@Composable
fun QrScannerScreen(onInvite: (String) -> Unit, onClose: () -> Unit, modifier: Modifier = Modifier) {
    val context = LocalContext.current
    val lifecycleOwner = LocalLifecycleOwner.current
    val previewView = remember { PreviewView(context) }
    val done = remember { AtomicBoolean(false) }
    DisposableEffect(lifecycleOwner) {
        val executor = Executors.newSingleThreadExecutor()
        val decoder = QrDecoder()
        val providerFuture = ProcessCameraProvider.getInstance(context)
        providerFuture.addListener({
            val provider = providerFuture.get()
            val preview = Preview.Builder().build().also { it.surfaceProvider = previewView.surfaceProvider }
            val analysis =
                ImageAnalysis
                    .Builder()
                    .setBackpressureStrategy(ImageAnalysis.STRATEGY_KEEP_ONLY_LATEST)
                    .build()
            val main = ContextCompat.getMainExecutor(context)
            analysis.setAnalyzer(executor) { image -> analyse(image, decoder, done) { link -> main.execute { onInvite(link) } } }
            provider.unbindAll()
            provider.bindToLifecycle(lifecycleOwner, CameraSelector.DEFAULT_BACK_CAMERA, preview, analysis)
        }, ContextCompat.getMainExecutor(context))
        onDispose {
            if (providerFuture.isDone) providerFuture.get().unbindAll()
            executor.shutdown()
        }
    }
    Box(modifier.fillMaxSize()) {
        val description = str("qr_scanner_description")
        AndroidView({ previewView }, Modifier.fillMaxSize().semantics { contentDescription = description })
        Text(
            str("qr_scanner_hint"),
            color = MaterialTheme.colorScheme.onPrimary,
            style = MaterialTheme.typography.titleMedium,
            modifier = Modifier.align(Alignment.TopCenter).padding(24.dp)
        )
        TextButton(onClick = onClose, modifier = Modifier.align(Alignment.BottomCenter).padding(24.dp).heightIn(min = 48.dp)) {
            Text(str("qr_scanner_close"), color = MaterialTheme.colorScheme.onPrimary)
        }
    }
}

/** Decodes one frame's Y plane; the image is always closed so the next frame comes. [onInvite] runs on the analysis thread. */
private fun analyse(image: ImageProxy, decoder: QrDecoder, done: AtomicBoolean, onInvite: (String) -> Unit) {
    image.use {
        if (done.get()) return
        val plane = it.planes[0]
        val buffer = plane.buffer
        val bytes = ByteArray(buffer.remaining()).also { b -> buffer.get(b) }
        val link = decoder.decode(bytes, it.width, it.height, plane.rowStride) ?: return
        if (done.compareAndSet(false, true)) onInvite(link)
    }
}
