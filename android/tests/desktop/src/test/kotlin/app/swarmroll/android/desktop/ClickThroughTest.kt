package app.swarmroll.android.desktop

import androidx.compose.foundation.layout.Column
import androidx.compose.material3.Button
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.assertTextContains
import androidx.compose.ui.test.onAllNodesWithContentDescription
import androidx.compose.ui.test.onNodeWithContentDescription
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextClearance
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.runComposeUiTest
import app.swarmroll.android.core.api.InvitePreview
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.api.ShareSource
import app.swarmroll.android.core.test.FakeSwarmrollClient
import app.swarmroll.android.designsystem.SwarmrollTheme
import app.swarmroll.android.features.home.AppState
import app.swarmroll.android.features.home.Navigator
import app.swarmroll.android.features.home.SwarmrollApp
import kotlinx.coroutines.launch
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * The app clicked through on the desktop-rendered screens against the fake core, as a
 * person would: first start, create a channel, invite, add photos, see them counted. The
 * gallery slot is a stand-in here ([TestGallery]); the share and comment steps belong to
 * the gallery and share screens and are added with them (see the end of [createInviteAndShare]).
 */
@OptIn(ExperimentalTestApi::class)
class ClickThroughTest {
    private val client = FakeSwarmrollClient(myName = "Ana")
    private val shared = mutableListOf<String>()
    private var scans = 0

    private fun ComposeUiTest.app(state: AppState) {
        setContent {
            SwarmrollTheme(strings = Screenshots.strings, decoder = Screenshots.decoder) {
                SwarmrollApp(
                    client,
                    state,
                    onShareLink = { shared += it },
                    onScanQr = { scans++ },
                    galleryScreen = { channelId, nav -> TestGallery(channelId, nav) },
                )
            }
        }
    }

    /** Stands in for the gallery: says which channel it is and adds a post through the fake's share. */
    @Composable
    private fun TestGallery(channelId: String, navigator: Navigator) {
        val scope = rememberCoroutineScope()
        Column {
            Text("Gallery of $channelId")
            Button(onClick = {
                scope.launch {
                    client.channel(channelId).share("Cake!", listOf(ShareSource("/photos/cake.jpg"), ShareSource("/photos/toast.heic"), ShareSource("/photos/dance.mp4")))
                }
            }) { Text("Add 2 photos and a video") }
            Button(onClick = { navigator.pop() }) { Text("Back to channels") }
        }
    }

    @Test
    fun createInviteAndShare() =
        runComposeUiTest {
            val state = AppState(savedName = null)
            app(state)

            // First start: a name, then the empty channel list.
            onNodeWithTag("onboarding-name").performTextInput("Ana")
            onNodeWithText("Continue").performClick()
            assertEquals("Ana", state.myName.value)
            onNodeWithText("No channels yet").assertIsDisplayed()

            // Create a channel; the invite screen opens on top of it.
            onNodeWithText("Create a channel").performClick()
            onNodeWithText("Create channel").performClick()
            onNodeWithText("A channel needs a name.").assertIsDisplayed()
            onNodeWithTag("channel-name").performTextInput("Garden party")
            onNodeWithText("Create channel").performClick()
            val made = client.created.single()
            assertEquals(FakeSwarmrollClient.Created(made.id, "Garden party", "Ana", private = true), made)

            // Invite: the link is shown and handed to the share sheet.
            onNodeWithText("Invite to Garden party").assertIsDisplayed()
            onNodeWithTag("invite-link").assertTextContains("https://swarmroll.app/join#", substring = true)
            onNodeWithText("Share link").performScrollTo().performClick()
            assertEquals(made.id, client.parseInvite(shared.single())!!.channelId)
            onNodeWithText("Show QR code").performScrollTo().performClick()
            onNodeWithText("Joins as a contributor").assertIsDisplayed()
            onNodeWithText("Close").performScrollTo().performClick()

            // Back lands in the new channel's gallery, where photos are added.
            onNodeWithContentDescription("Back").performClick()
            onNodeWithText("Gallery of ${made.id}").assertIsDisplayed()
            onNodeWithText("Add 2 photos and a video").performClick()
            onNodeWithText("Back to channels").performClick()

            // The channel list counts them, live, and the everything timeline shows them.
            onNodeWithContentDescription("Garden party, 2 photos · 1 video, You host").assertIsDisplayed()
            onNodeWithText("Everything").performClick()
            assertEquals(2, onAllNodesWithContentDescription("Photo in Garden party, shared by Ana").fetchSemanticsNodes().size)
            onNodeWithContentDescription("Video, 0:12, in Garden party, shared by Ana").performClick()
            onNodeWithText("The photo viewer will open here.").assertIsDisplayed()

            // Share and comment steps: added by the gallery/share screens' click-through, from here.
        }

    @Test
    fun joinFromAPastedLinkPreviewsThenOpensTheChannel() =
        runComposeUiTest {
            val link = "https://swarmroll.app/join#WEDDING"
            client.invites[link] = InvitePreview("c-wedding", "Maya & Jon's wedding", Role.Contributor, "Maya", null)
            app(AppState(savedName = "Jon"))

            onNodeWithText("Join").performClick()
            onNodeWithText("Scan QR code").performClick()
            assertEquals("the scanner is the app's to open", 1, scans)
            onNodeWithTag("join-link").performTextInput("https://photos.example.com/garden")
            onNodeWithText("Join").performClick()
            onNodeWithText("this is not a Swarmroll invite").assertIsDisplayed()

            onNodeWithTag("join-link").performTextClearance()
            onNodeWithTag("join-link").performTextInput(link)
            onNodeWithText("Maya invited you as a contributor.").assertIsDisplayed()
            onNodeWithText("Join").performClick()
            onNodeWithText("Gallery of c-wedding").assertIsDisplayed()
            onNodeWithText("Back to channels").performClick()
            onNodeWithContentDescription("Maya & Jon's wedding, Nothing shared yet, Contributor").assertIsDisplayed()
        }

    @Test
    fun theDeferredInviteIsOfferedOnFirstStartAndJoinsWithOneTap() =
        runComposeUiTest {
            val link = "https://swarmroll.app/join#WEDDING"
            client.invites[link] = InvitePreview("c-wedding", "Maya & Jon's wedding", Role.Viewer, "Maya", null)
            val state = AppState(savedName = null, pendingInvite = link)
            app(state)

            onNodeWithTag("onboarding-name").performTextInput("Jon")
            onNodeWithText("Continue").performClick()
            onNodeWithText("Join Maya & Jon's wedding invited by Maya?").assertIsDisplayed()
            onNodeWithText("Join").performClick()
            onNodeWithText("Gallery of c-wedding").assertIsDisplayed()
            assertTrue(client.calls.contains("join"))
        }
}
