package app.swarmroll.android.desktop

import app.swarmroll.android.core.api.InvitePreview
import app.swarmroll.android.core.api.Role
import app.swarmroll.android.core.test.FakeSwarmrollClient
import app.swarmroll.android.features.onboarding.OnboardingEvent
import app.swarmroll.android.features.onboarding.OnboardingPresenter
import app.swarmroll.android.features.onboarding.OnboardingScreen
import app.swarmroll.android.features.onboarding.OnboardingState
import org.junit.Test

/** First start: the empty name field, its errors, and the deferred invite offered after the name. */
class OnboardingScreenshotsTest {
    private val link = "https://swarmroll.app/join#WEDDING"
    private val client =
        FakeSwarmrollClient().apply {
            invites[link] = InvitePreview("c-wedding", "Maya & Jon's wedding", Role.Contributor, "Maya", null)
        }

    /** The state after [events], from the real presenter. */
    private fun state(pending: String? = null, vararg events: OnboardingEvent): OnboardingState {
        val p = OnboardingPresenter(client, pending, saveName = {})
        events.forEach(p::handle)
        return p.state.value
    }

    @Test
    fun empty() {
        val s = state()
        Screenshots.check("onboarding-empty") { OnboardingScreen(s, {}) }
    }

    @Test
    fun blankNameError() {
        val s = state(null, OnboardingEvent.NameChanged(" "), OnboardingEvent.Continue)
        Screenshots.check("onboarding-error") { OnboardingScreen(s, {}) }
    }

    @Test
    fun tooLongNameWhileTyping() {
        val s = state(null, OnboardingEvent.NameChanged("Maximiliana Alexandrina Konstantinopoulou-Wojciechowska de la Vega"))
        Screenshots.check("onboarding-too-long") { OnboardingScreen(s, {}) }
    }

    @Test
    fun typedNameLargeFont() {
        val s = state(null, OnboardingEvent.NameChanged("Jon Ramos"))
        Screenshots.check("onboarding-large-font", fontScale = 1.3f) { OnboardingScreen(s, {}) }
    }

    @Test
    fun deferredInviteOffered() {
        val s = state(link, OnboardingEvent.NameChanged("Jon"), OnboardingEvent.Continue)
        Screenshots.check("onboarding-invite") { OnboardingScreen(s, {}) }
    }

    @Test
    fun deferredInviteDark() {
        val s = state(link, OnboardingEvent.NameChanged("Jon"), OnboardingEvent.Continue)
        Screenshots.check("onboarding-invite-dark", dark = true) { OnboardingScreen(s, {}) }
    }

    @Test
    fun deferredInviteLargeFont() {
        val s = state(link, OnboardingEvent.NameChanged("Jon"), OnboardingEvent.Continue)
        Screenshots.check("onboarding-invite-large-font", fontScale = 1.3f) { OnboardingScreen(s, {}) }
    }
}
