package app.swarmroll.android.features.onboarding

import app.swarmroll.android.core.api.InvitePreview
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.test.FakeSwarmrollClient
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Test

/** The name rules and the deferred invite, driven through events against the fake client. */
class OnboardingPresenterTest {
    private val link = "https://swarmroll.app/join#GARDEN"
    private val garden = InvitePreview("c1", "Garden party", Role.Contributor, "Maya", null)
    private val client = FakeSwarmrollClient().apply { invites[link] = garden }
    private val saved = mutableListOf<String>()

    private fun presenter(pending: String? = null) = OnboardingPresenter(client, pending, saveName = { saved += it })

    @Test
    fun aBlankNameIsRefusedOnContinueAndNothingIsSaved() {
        val p = presenter()
        p.handle(OnboardingEvent.NameChanged("   "))
        assertNull("blank is not shouted while typing", p.state.value.nameError)
        p.handle(OnboardingEvent.Continue)
        assertEquals(NameError.Blank, p.state.value.nameError)
        assertNull(p.state.value.outcome)
        assertEquals(emptyList<String>(), saved)
    }

    @Test
    fun aNameOver60CharactersIsRefusedWhileTypingAnd60IsAccepted() {
        val p = presenter()
        p.handle(OnboardingEvent.NameChanged("a".repeat(61)))
        assertEquals(NameError.TooLong, p.state.value.nameError)
        p.handle(OnboardingEvent.Continue)
        assertNull(p.state.value.outcome)
        p.handle(OnboardingEvent.NameChanged("a".repeat(60)))
        assertNull(p.state.value.nameError)
        p.handle(OnboardingEvent.Continue)
        assertEquals(OnboardingOutcome.Done("a".repeat(60)), p.state.value.outcome)
    }

    @Test
    fun lengthCountsCharactersButTheCoresByteLimitStillHolds() {
        val p = presenter()
        // 16 emoji: 16 characters, 32 UTF-16 units, 64 bytes of UTF-8 — the core's limit.
        p.handle(OnboardingEvent.NameChanged("\uD83C\uDF89".repeat(16)))
        assertEquals(16, p.state.value.length)
        assertNull(p.state.value.nameError)
        // One more is 68 bytes, which the core would refuse: said here, before it fails later.
        p.handle(OnboardingEvent.NameChanged("\uD83C\uDF89".repeat(17)))
        assertEquals(NameError.TooLong, p.state.value.nameError)
    }

    @Test
    fun aValidNameIsTrimmedSavedAndEndsOnboardingWithoutAnInvite() {
        val p = presenter()
        p.handle(OnboardingEvent.NameChanged("  Jon Ramos "))
        p.handle(OnboardingEvent.Continue)
        assertEquals(listOf("Jon Ramos"), saved)
        assertEquals(OnboardingOutcome.Done("Jon Ramos"), p.state.value.outcome)
        assertNull(p.state.value.offer)
    }

    @Test
    fun aPendingInviteThatParsesIsOfferedAfterTheNameAndJoinCarriesTheLink() {
        val p = presenter(pending = " $link\n")
        p.handle(OnboardingEvent.NameChanged("Jon"))
        p.handle(OnboardingEvent.Continue)
        assertEquals(garden, p.state.value.offer)
        assertNull("the offer waits for an answer", p.state.value.outcome)
        p.handle(OnboardingEvent.AcceptInvite)
        assertEquals(OnboardingOutcome.Join("Jon", link), p.state.value.outcome)
        assertEquals(listOf("Jon"), saved)
    }

    @Test
    fun notNowEndsOnboardingWithoutJoining() {
        val p = presenter(pending = link)
        p.handle(OnboardingEvent.NameChanged("Jon"))
        p.handle(OnboardingEvent.Continue)
        p.handle(OnboardingEvent.DeclineInvite)
        assertEquals(OnboardingOutcome.Done("Jon"), p.state.value.outcome)
    }

    @Test
    fun clipboardTextThatIsNotAnInviteIsNeverOffered() {
        val p = presenter(pending = "shopping list: milk, eggs")
        p.handle(OnboardingEvent.NameChanged("Jon"))
        p.handle(OnboardingEvent.Continue)
        assertNull(p.state.value.offer)
        assertEquals(OnboardingOutcome.Done("Jon"), p.state.value.outcome)
        p.handle(OnboardingEvent.AcceptInvite)
        assertEquals("accepting with no offer does nothing", OnboardingOutcome.Done("Jon"), p.state.value.outcome)
    }
}
