package app.swarmroll.android.features.home

import app.swarmroll.android.features.onboarding.OnboardingOutcome
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/** The back stack, and the app's flows between screens: first start, links from outside, create, join. */
class AppStateTest {
    private val link = "https://swarmroll.app/join#GARDEN"

    @Test
    fun theNavigatorPushesPopsAndNeverLeavesTheRoot() {
        val nav = Navigator(Destination.Home)
        nav.push(Destination.Gallery("c1"))
        nav.push(Destination.Gallery("c1"))
        assertEquals("the same screen twice is one entry", listOf(Destination.Home, Destination.Gallery("c1")), nav.backStack.value)
        nav.push(Destination.Thread("c1", "p1"))
        assertTrue(nav.pop())
        assertEquals(Destination.Gallery("c1"), nav.current)
        assertTrue(nav.pop())
        assertFalse("at the root the app closes instead", nav.pop())
        assertEquals(listOf(Destination.Home), nav.backStack.value)
    }

    @Test
    fun replaceSwapsTheTopAndResetStartsOver() {
        val nav = Navigator(Destination.Home)
        nav.push(Destination.CreateChannel)
        nav.replace(Destination.Gallery("c1"))
        assertEquals(listOf(Destination.Home, Destination.Gallery("c1")), nav.backStack.value)
        nav.resetTo(Destination.Settings)
        assertEquals(listOf(Destination.Settings), nav.backStack.value)
    }

    @Test
    fun firstStartBeginsWithOnboardingAndALaterStartWithTheChannels() {
        assertEquals(Destination.Onboarding, AppState(savedName = null).navigator.current)
        assertEquals(Destination.Onboarding, AppState(savedName = " ").navigator.current)
        assertEquals(Destination.Home, AppState(savedName = "Ana").navigator.current)
    }

    @Test
    fun onboardingSavesTheNameAndLandsOnTheChannelsWithNoWayBack() {
        val saved = mutableListOf<String>()
        val app = AppState(savedName = null, persistName = { saved += it })
        app.saveName("Jon")
        app.onboarded(OnboardingOutcome.Done("Jon"))
        assertEquals(listOf("Jon"), saved)
        assertEquals("Jon", app.myName.value)
        assertEquals(listOf(Destination.Home), app.navigator.backStack.value)
    }

    @Test
    fun acceptingTheDeferredInviteJoinsAtOnceAboveTheChannels() {
        val app = AppState(savedName = null, pendingInvite = link)
        assertEquals(link, app.pendingInvite.value)
        app.onboarded(OnboardingOutcome.Join("Jon", link))
        assertEquals(listOf(Destination.Home, Destination.Join(link, autoJoin = true)), app.navigator.backStack.value)
        assertNull("offered once", app.pendingInvite.value)
        app.joined("c-garden")
        assertEquals(listOf(Destination.Home, Destination.Gallery("c-garden")), app.navigator.backStack.value)
    }

    @Test
    fun aLinkOpenedBeforeOnboardingWaitsToBeOfferedAndAfterOpensTheJoinScreen() {
        val app = AppState(savedName = null)
        app.openLink(link)
        assertEquals(Destination.Onboarding, app.navigator.current)
        assertEquals(link, app.pendingInvite.value)
        app.onboarded(OnboardingOutcome.Done("Jon"))
        app.openLink(link)
        assertEquals(Destination.Join(link), app.navigator.current)
        app.openLink("https://swarmroll.app/join#OTHER")
        assertEquals(
            "a scan on the join screen replaces the link, not stacks a second screen",
            listOf(Destination.Home, Destination.Join("https://swarmroll.app/join#OTHER")),
            app.navigator.backStack.value
        )
    }

    @Test
    fun aCreatedChannelOpensItsGalleryWithTheInviteOnTop() {
        val app = AppState(savedName = "Ana")
        app.navigator.push(Destination.CreateChannel)
        app.created("c1")
        assertEquals(listOf(Destination.Home, Destination.Gallery("c1"), Destination.Invite("c1")), app.navigator.backStack.value)
        assertTrue(app.back())
        assertEquals("back from the invite lands in the new channel", Destination.Gallery("c1"), app.navigator.current)
    }
}
