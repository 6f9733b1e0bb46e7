package app.swarmroll.android.desktop

import app.swarmroll.android.core.api.Invite
import app.swarmroll.android.core.api.InvitePreview
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.api.SwarmrollFailure
import app.swarmroll.android.core.test.FakeSwarmrollClient
import app.swarmroll.android.features.invite.InviteEvent
import app.swarmroll.android.features.invite.InvitePresenter
import app.swarmroll.android.features.invite.InviteScreen
import app.swarmroll.android.features.invite.InviteState
import app.swarmroll.android.features.invite.JoinEvent
import app.swarmroll.android.features.invite.JoinPresenter
import app.swarmroll.android.features.invite.JoinScreen
import app.swarmroll.android.features.invite.JoinState
import java.util.Random
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancel
import org.jetbrains.skia.EncodedImageFormat
import org.jetbrains.skia.Paint
import org.jetbrains.skia.Rect
import org.jetbrains.skia.Surface
import org.junit.After
import org.junit.Test

/** The invite screen (roles, link, full-screen QR) and the join screen (empty, preview, joining, failures). */
class InviteScreenshotsTest {
    private val scope = CoroutineScope(Dispatchers.Unconfined)
    private val client = FakeSwarmrollClient(myName = "Maya")
    private val garden = client.addChannel("Garden party")

    @After
    fun stop() = scope.cancel()

    private fun invite(channelId: String = garden.id, vararg events: InviteEvent): InviteState {
        val p = InvitePresenter(client, channelId, scope)
        events.forEach(p::handle)
        return p.state.value
    }

    @Test
    fun making() = Screenshots.check("invite-making") { InviteScreen(InviteState(channelName = "Garden party"), {}) }

    @Test
    fun contributorLink() {
        val state = invite()
        Screenshots.check("invite-link") { InviteScreen(state, {}) }
    }

    @Test
    fun viewerLinkDark() {
        val state = invite(garden.id, InviteEvent.SelectRole(Role.Viewer))
        Screenshots.check("invite-link-dark", dark = true) { InviteScreen(state, {}) }
    }

    @Test
    fun largeFont() {
        val state = invite()
        Screenshots.check("invite-link-large-font", fontScale = 1.3f) { InviteScreen(state, {}) }
    }

    @Test
    fun aViewerMayOnlyInviteViewers() {
        val wedding = client.addChannel("Maya & Jon's wedding", Role.Viewer)
        val state = invite(wedding.id)
        Screenshots.check("invite-viewer-only") { InviteScreen(state, {}) }
    }

    @Test
    fun error() {
        val state = InviteState(channelName = "Garden party", error = "This channel is no longer on this device.")
        Screenshots.check("invite-error") { InviteScreen(state, {}) }
    }

    /** The presenter's invite, with [PLACEHOLDER_QR] standing in for the core's QR code. */
    private fun qrState(): InviteState {
        val state = invite(garden.id, InviteEvent.ShowQr)
        return state.copy(invite = state.invite!!.copy(qrPng = PLACEHOLDER_QR))
    }

    @Test
    fun qrFullScreen() {
        val state = qrState()
        Screenshots.check("invite-qr") { InviteScreen(state, {}) }
    }

    @Test
    fun qrStaysBlackOnWhiteInTheDarkTheme() {
        val state = qrState()
        Screenshots.check("invite-qr-dark", dark = true) { InviteScreen(state, {}) }
    }

    @Test
    fun qrThatCannotBeDecodedSaysSo() {
        // The fake's QR bytes are empty, as a broken PNG would be: the screen points to the link.
        val state = invite(garden.id, InviteEvent.ShowQr)
        Screenshots.check("invite-qr-missing") { InviteScreen(state, {}) }
    }

    private val link = "https://swarmroll.app/join#AAEC8fZkV2VkZGluZw"

    private fun join(vararg events: JoinEvent): JoinState {
        client.invites[link] = InvitePreview("c-wedding", "Maya & Jon's wedding", Role.Contributor, "Maya", null)
        val p = JoinPresenter(client, "Jon", scope)
        events.forEach(p::handle)
        return p.state.value
    }

    @Test
    fun joinEmpty() {
        val state = join()
        Screenshots.check("invite-join-empty") { JoinScreen(state, {}) }
    }

    @Test
    fun joinPreview() {
        val state = join(JoinEvent.LinkChanged(link))
        Screenshots.check("invite-join-preview") { JoinScreen(state, {}) }
    }

    @Test
    fun joinPreviewDark() {
        val state = join(JoinEvent.LinkChanged(link))
        Screenshots.check("invite-join-preview-dark", dark = true) { JoinScreen(state, {}) }
    }

    @Test
    fun joinPreviewLargeFont() {
        val state = join(JoinEvent.LinkChanged(link))
        Screenshots.check("invite-join-preview-large-font", fontScale = 1.3f) { JoinScreen(state, {}) }
    }

    @Test
    fun joining() {
        val state = join(JoinEvent.LinkChanged(link)).copy(joining = true)
        Screenshots.check("invite-join-joining") { JoinScreen(state, {}) }
    }

    @Test
    fun joinInvalidLinkShowsTheCoresMessage() {
        val state = join(JoinEvent.LinkChanged("https://photos.example.com/s/garden"), JoinEvent.Join)
        Screenshots.check("invite-join-invalid") { JoinScreen(state, {}) }
    }

    @Test
    fun joinNobodyReachableOffersTryAgain() {
        client.failNext =
            SwarmrollFailure(
                SwarmrollFailure.Kind.Network,
                "Nobody in this channel could be reached. Try again when one of them is online or nearby."
            )
        val state = join(JoinEvent.LinkChanged(link), JoinEvent.Join)
        Screenshots.check("invite-join-unreachable") { JoinScreen(state, {}) }
    }

    private companion object {
        /**
         * A PLACEHOLDER, not a QR code: finder squares and seeded noise drawn with Skia so the
         * full-screen QR layout can be seen. The app shows the PNG the core encodes.
         */
        val PLACEHOLDER_QR: ByteArray by lazy {
            val modules = 29
            val px = 12
            val quiet = 4
            val size = (modules + 2 * quiet) * px
            val surface = Surface.makeRasterN32Premul(size, size)
            surface.canvas.clear(0xFFFFFFFF.toInt())
            val black = Paint().apply { color = 0xFF000000.toInt() }
            val noise = Random(18)
            for (row in 0 until modules) {
                for (col in 0 until modules) {
                    val on = finder(row, col, modules) ?: noise.nextBoolean()
                    if (on) {
                        surface.canvas.drawRect(
                            Rect.makeXYWH(((col + quiet) * px).toFloat(), ((row + quiet) * px).toFloat(), px.toFloat(), px.toFloat()),
                            black
                        )
                    }
                }
            }
            requireNotNull(surface.makeImageSnapshot().encodeToData(EncodedImageFormat.PNG)).bytes
        }

        /** Whether a module of a finder square (with its white border) is dark; null outside them. */
        fun finder(row: Int, col: Int, n: Int): Boolean? {
            val (r, c) =
                listOf(0 to 0, 0 to n - 7, n - 7 to 0).map { (r0, c0) -> row - r0 to col - c0 }
                    .firstOrNull { (r, c) -> r in -1..7 && c in -1..7 } ?: return null
            val inside = r in 0..6 && c in 0..6
            val ring = r == 0 || r == 6 || c == 0 || c == 6
            val core = r in 2..4 && c in 2..4
            return inside && (ring || core)
        }
    }
}
