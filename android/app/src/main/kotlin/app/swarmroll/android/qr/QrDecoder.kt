package app.swarmroll.android.qr

import app.swarmroll.android.link.JoinLinks
import com.google.zxing.BarcodeFormat
import com.google.zxing.BinaryBitmap
import com.google.zxing.DecodeHintType
import com.google.zxing.NotFoundException
import com.google.zxing.PlanarYUVLuminanceSource
import com.google.zxing.ReaderException
import com.google.zxing.common.HybridBinarizer
import com.google.zxing.qrcode.QRCodeReader

/**
 * Reads a Swarmroll invite QR from one camera frame's luminance plane (CameraX's Y plane)
 * with ZXing, on the phone: no Google Play services and no ML Kit, so it works on
 * de-Googled phones and sends no image anywhere. Returns the invite link, or null when
 * the frame has no QR or the QR is not an invite (a venue's Wi-Fi code, say).
 */
class QrDecoder {
    private val reader = QRCodeReader()
    private val hints = mapOf(DecodeHintType.POSSIBLE_FORMATS to listOf(BarcodeFormat.QR_CODE), DecodeHintType.TRY_HARDER to true)

    /** [luma] is [width]×[height] bytes with rows [rowStride] apart. */
    fun decode(luma: ByteArray, width: Int, height: Int, rowStride: Int = width): String? {
        val source = PlanarYUVLuminanceSource(luma, rowStride, height, 0, 0, width, height, false)
        return try {
            JoinLinks.find(reader.decode(BinaryBitmap(HybridBinarizer(source)), hints).text)
        } catch (ignored: NotFoundException) {
            // Also try the inverted image: some screens show the code light on dark.
            try {
                JoinLinks.find(reader.decode(BinaryBitmap(HybridBinarizer(source.invert())), hints).text)
            } catch (ignored: ReaderException) {
                null
            }
        } catch (ignored: ReaderException) {
            // A code found but not readable (checksum, format): the next frame may be.
            null
        } finally {
            reader.reset()
        }
    }
}
