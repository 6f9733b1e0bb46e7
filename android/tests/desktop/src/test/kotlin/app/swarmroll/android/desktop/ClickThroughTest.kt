package app.swarmroll.android.desktop

import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.assertTextContains
import androidx.compose.ui.test.hasSetTextAction
import androidx.compose.ui.test.onAllNodesWithContentDescription
import androidx.compose.ui.test.onAllNodesWithText
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
import app.swarmroll.android.core.test.FakeSwarmrollClient
import app.swarmroll.android.designsystem.SwarmrollTheme
import app.swarmroll.android.features.home.AppState
import app.swarmroll.android.features.home.SwarmrollApp
import java.io.File
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * The wired app clicked through on the desktop-rendered screens against the fake core and
 * a fake phone ([FakePlatform]), as a person would: first start, create a channel, invite,
 * add real photos through the picker, review and share them, open one, comment on it, then
 * the host tools and settings with transfers. Every screen here is the real one, wired in
 * [SwarmrollApp] exactly as on the phone.
 */
@OptIn(ExperimentalTestApi::class)
class ClickThroughTest {
    private val client = FakeSwarmrollClient(myName = "Ana")
    private val platform = FakePlatform()

    private fun ComposeUiTest.app(state: AppState) {
        setContent {
            SwarmrollTheme(strings = Screenshots.strings, decoder = Screenshots.decoder) {
                SwarmrollApp(client, state, platform)
            }
        }
    }

    private fun ComposeUiTest.waitForText(text: String, substring: Boolean = false) =
        waitUntil(timeoutMillis = 5_000) { onAllNodesWithText(text, substring = substring).fetchSemanticsNodes().isNotEmpty() }

    @Test
    fun createInviteShareCommentThenHostToolsAndSettings() = runComposeUiTest {
        val state = AppState(savedName = null)
        platform.picks = listOf(FakePlatform.photo("phones/jolla.jpg"), FakePlatform.photo("phones/iphone_hdr_NO.jpg"))
        client.posters = { path -> FixturePhotos.thumbnail(File(path).readBytes()) }
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
        assertEquals(made.id, client.parseInvite(platform.sharedLinks.single())!!.channelId)
        onNodeWithText("Show QR code").performScrollTo().performClick()
        onNodeWithText("Joins as a contributor").assertIsDisplayed()
        onNodeWithText("Close").performScrollTo().performClick()

        // Back lands in the new channel's real gallery, empty.
        onNodeWithContentDescription("Back").performClick()
        waitForText("No photos yet")

        // Add photos: the picker returns two real photos, reviewed before anything is posted.
        onNodeWithContentDescription("Add photos").performClick()
        onNodeWithText("Choose photos and videos").performClick()
        waitForText("Review before sharing")
        assertEquals(2, onAllNodesWithContentDescription(".jpg, selected", substring = true).fetchSemanticsNodes().size)
        assertTrue("nothing is posted before Share", client.channel(made.id).tiles.value.isEmpty())
        onNode(hasSetTextAction()).performTextInput("First light in the garden")
        onNodeWithText("Share").performClick()
        waitForText("Shared")
        onNodeWithText("Done").performClick()

        // The tiles appear in the gallery, with the core's posters.
        waitUntil(timeoutMillis = 5_000) {
            onAllNodesWithContentDescription("Photo shared by Ana", substring = true).fetchSemanticsNodes().size ==
                2
        }
        assertTrue(client.channel(made.id).tiles.value.all { it.thumbnail.isNotEmpty() })

        // The viewer opens on a tile, loads its original, and a comment shows in the thread.
        onAllNodesWithContentDescription("Photo shared by Ana", substring = true)[0].performClick()
        waitForText("First light in the garden", substring = true)
        waitUntil(timeoutMillis = 5_000) { platform.loaded.isNotEmpty() }
        assertTrue(platform.loaded.all { it.endsWith(".jpg") })
        onNode(hasSetTextAction()).performTextInput("What a light!")
        onNodeWithContentDescription("Send comment").performClick()
        waitForText("What a light!")
        onNodeWithText("No comments yet. Say something nice.").assertDoesNotExist()

        // Host tools open from the gallery, with the owner among the members.
        onNodeWithContentDescription("Close").performClick()
        onNodeWithContentDescription("Channel options").performClick()
        onNodeWithText("Host tools").performClick()
        waitForText("Host tools")
        onNodeWithText("Leave channel").assertDoesNotExist()
        onNodeWithContentDescription("Back").performClick()

        // Leaving the gallery records the visit (for "new since last visit").
        onNodeWithContentDescription("Back").performClick()
        waitUntil(timeoutMillis = 5_000) {
            onAllNodesWithContentDescription("Garden party, 2 photos", substring = true).fetchSemanticsNodes().isNotEmpty()
        }
        assertTrue(made.id in platform.visits)

        // Settings: the core's policy, then party mode, transfers and notifications per channel.
        onNodeWithContentDescription("Settings").performClick()
        waitForText("Download originals")
        onNodeWithText("Party mode").performScrollTo().performClick()
        assertTrue(platform.partyMode.value)
        onNodeWithText("Garden party").performScrollTo().performClick()
        assertEquals(false, platform.notifications[made.id])
        onNodeWithText("See transfers in progress").performScrollTo().performClick()
        waitForText("Transfers")
        assertTrue("the screen stays on while transfers are watched", platform.screenOn.value)
        onNodeWithContentDescription("Back").performClick()
        waitForText("Party mode")
        assertEquals(false, platform.screenOn.value)

        // Leaving: the menu, a question saying what goes and what stays, then the list without it.
        onNodeWithContentDescription("Back").performClick()
        onAllNodesWithContentDescription("Garden party, 2 photos", substring = true)[0].performClick()
        onNodeWithContentDescription("Channel options").performClick()
        onNodeWithText("Leave channel").performClick()
        waitForText("Leave Garden party?")
        onNodeWithText("You created this channel", substring = true).assertExists()
        onNodeWithText("Cancel").performClick()
        onNodeWithText("Leave Garden party?").assertDoesNotExist()
        onNodeWithContentDescription("Channel options").performClick()
        onNodeWithText("Leave channel").performClick()
        onNodeWithText("Leave").performClick()
        waitUntil(timeoutMillis = 5_000) { client.calls.contains("leave") }
        waitUntil(timeoutMillis = 5_000) {
            onAllNodesWithContentDescription("Garden party", substring = true).fetchSemanticsNodes().isEmpty()
        }
        assertEquals(listOf(made.id), platform.forgotten)
        assertFalse("no visit recorded for a channel left", made.id in platform.visits)
    }

    @Test
    fun joinFromAPastedLinkPreviewsThenOpensTheChannel() = runComposeUiTest {
        val link = "https://swarmroll.app/join#WEDDING"
        client.invites[link] = InvitePreview("c-wedding", "Maya & Jon's wedding", Role.Contributor, "Maya", null)
        app(AppState(savedName = "Jon"))

        onNodeWithText("Join").performClick()
        onNodeWithText("Scan QR code").performClick()
        assertEquals("the scanner is the app's to open", 1, platform.scans)
        onNodeWithTag("join-link").performTextInput("https://photos.example.com/garden")
        onNodeWithText("Join").performClick()
        onNodeWithText("this is not a Swarmroll invite").assertIsDisplayed()

        onNodeWithTag("join-link").performTextClearance()
        onNodeWithTag("join-link").performTextInput(link)
        onNodeWithText("Maya invited you as a contributor.").assertIsDisplayed()
        onNodeWithText("Join").performClick()
        waitForText("No photos yet")
        onNodeWithContentDescription("Back").performClick()
        onNodeWithContentDescription("Maya & Jon's wedding, Nothing shared yet, Contributor").assertIsDisplayed()
    }

    @Test
    fun theDeferredInviteIsOfferedOnFirstStartAndJoinsWithOneTap() = runComposeUiTest {
        val link = "https://swarmroll.app/join#WEDDING"
        client.invites[link] = InvitePreview("c-wedding", "Maya & Jon's wedding", Role.Viewer, "Maya", null)
        val state = AppState(savedName = null, pendingInvite = link)
        app(state)

        onNodeWithTag("onboarding-name").performTextInput("Jon")
        onNodeWithText("Continue").performClick()
        onNodeWithText("Join Maya & Jon's wedding invited by Maya?").assertIsDisplayed()
        onNodeWithText("Join").performClick()
        waitForText("No photos yet")
        assertTrue(client.calls.contains("join"))
    }
}
