package app.swarmroll.android.desktop

import app.swarmroll.android.core.api.ChannelRoom
import app.swarmroll.android.core.api.Member
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.api.WebGalleryInfo
import app.swarmroll.android.core.api.WebGallerySession
import app.swarmroll.android.core.api.WebGuestAccess
import app.swarmroll.android.core.test.FakeChannelRoom
import app.swarmroll.android.core.test.FakeSwarmrollClient
import app.swarmroll.android.features.host.HostEvent
import app.swarmroll.android.features.host.HostPresenter
import app.swarmroll.android.features.host.HostScreen
import app.swarmroll.android.features.host.HostState
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancel
import org.jetbrains.skia.Color
import org.jetbrains.skia.EncodedImageFormat
import org.jetbrains.skia.Paint
import org.jetbrains.skia.Rect
import org.jetbrains.skia.Surface
import org.junit.After
import org.junit.Test

/** Host tools over a wedding channel's members, with a real QR code for the web gallery. */
class HostScreenshotsTest {
    private val scope = CoroutineScope(Dispatchers.Unconfined)
    private val client = FakeSwarmrollClient(myName = "Lena")
    private val room = client.addChannel("Lena & Sam's wedding")

    init {
        room.memberList.value =
            room.memberList.value +
            listOf(
                Member("a1".repeat(32), "Sam", Role.CoHost, removed = false),
                Member("b1".repeat(32), "Ben", Role.Contributor, removed = false),
                Member("c1".repeat(32), "Carla", Role.Contributor, removed = false),
                Member("e1".repeat(32), "Dev", Role.Viewer, removed = false),
                Member("f1".repeat(32), "Grandma Rosa", Role.Viewer, removed = false),
                Member("90".repeat(32), "Old phone", Role.Contributor, removed = true)
            )
    }

    @After
    fun stop() = scope.cancel()

    private fun presenter(role: Role = Role.Owner, r: ChannelRoom = room) =
        HostPresenter(r, "Lena & Sam's wedding", client.deviceId, role, scope) { "23:30" }

    @Test
    fun loading() = Screenshots.check("host-loading") { HostScreen(HostState("Lena & Sam's wedding"), {}) }

    @Test
    fun error() {
        val state = HostState("Lena & Sam's wedding", loading = false, error = "The channel is not on this device any more.")
        Screenshots.check("host-error") { HostScreen(state, {}) }
    }

    @Test
    fun ownerWithMembers() {
        val state = presenter().state.value
        Screenshots.check("host-members", heightDp = 1180) { HostScreen(state, {}) }
        Screenshots.check("host-members-dark", dark = true) { HostScreen(state, {}) }
    }

    @Test
    fun aCoHostOnlyAlone() {
        val lonely = client.addChannel("Book club")
        val state = HostPresenter(lonely, "Book club", client.deviceId, Role.CoHost, scope) { "23:30" }.state.value
        Screenshots.check("host-cohost-empty") { HostScreen(state, {}) }
    }

    @Test
    fun confirmRemovingAMember() {
        val p = presenter()
        p.handle(HostEvent.AskRemove("b1".repeat(32)))
        val state = p.state.value
        Screenshots.check("host-remove-confirm") { HostScreen(state, {}) }
    }

    @Test
    fun webGalleryOpenWithItsQr() {
        val p = presenter(r = WithQr(room))
        p.handle(HostEvent.SetAccess(WebGuestAccess.Upload))
        p.handle(HostEvent.OpenWeb)
        val state = p.state.value
        Screenshots.check("host-web-open") { HostScreen(state, {}) }
        Screenshots.check("host-web-open-dark-large-font", dark = true, fontScale = 1.3f) { HostScreen(state, {}) }
    }

    @Test
    fun largeFontAfterHidingAPost() {
        val p = presenter()
        val post = room.receivePost(app.swarmroll.android.core.api.Person("b1".repeat(32), "Ben"), "Blurry", listOf("image/jpeg"))
        p.handle(HostEvent.HidePost(post))
        val state = p.state.value
        Screenshots.check("host-hidden-large-font", fontScale = 1.3f) { HostScreen(state, {}) }
    }

    /** The fake's web gallery with the QR code the core would draw for its guest link. */
    private class WithQr(private val inner: FakeChannelRoom) : ChannelRoom by inner {
        override suspend fun openWebGallery(minutes: Int, access: WebGuestAccess): WebGallerySession {
            val session = inner.openWebGallery(minutes, access)
            return object : WebGallerySession by session {
                override val info: WebGalleryInfo = session.info.copy(guestQrPng = qrPng(GUEST_QR))
            }
        }
    }

    companion object {
        /** The modules of a QR code for http://192.168.1.20:8080/g/guest, from web/assets/lib/qr.js. */
        val GUEST_QR =
            """
            11111110101011110101001111111
            10000010101001001100101000001
            10111010010010001001001011101
            10111010111110110110101011101
            10111010011000101111101011101
            10000010010001011001001000001
            11111110101010101010101111111
            00000000110010011100100000000
            10110111001101010100101001011
            01100000110101110111001010001
            00001011100011001010110000110
            00010100100100001010000001001
            00111110011100110101110101100
            00111101011010101101111100011
            01001110100011011111000011111
            01110101111100101000010100010
            11001110101100110000000110010
            00111001101000101100000000110
            10111011001111110100001001100
            00110000100111101111101100100
            01011011010101100111111111100
            00000000100110001011100011111
            11111110110010101011101011010
            10000010100111111011100011001
            10111010001000011100111111110
            10111010100011011110000010101
            10111010100001000010110000001
            10000010010000111000110110010
            11111110100101000010110111010
            """.trimIndent()

        /** A PNG of [matrix]: 8 px a module with the 4-module quiet zone, as the core's qr::png. */
        fun qrPng(matrix: String, px: Int = 8): ByteArray {
            val rows = matrix.lines()
            val side = (rows.size + 8) * px
            val surface = Surface.makeRasterN32Premul(side, side)
            surface.canvas.clear(Color.WHITE)
            val black = Paint().apply { color = Color.BLACK }
            rows.forEachIndexed { y, row ->
                row.forEachIndexed { x, c ->
                    if (c ==
                        '1'
                    ) {
                        surface.canvas.drawRect(
                            Rect.makeXYWH(((x + 4) * px).toFloat(), ((y + 4) * px).toFloat(), px.toFloat(), px.toFloat()),
                            black
                        )
                    }
                }
            }
            return requireNotNull(surface.makeImageSnapshot().encodeToData(EncodedImageFormat.PNG)).bytes
        }
    }
}
