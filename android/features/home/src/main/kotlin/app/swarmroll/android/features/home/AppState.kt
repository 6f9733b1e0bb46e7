package app.swarmroll.android.features.home

import app.swarmroll.android.features.onboarding.OnboardingOutcome
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow

/**
 * The app's state above any one screen: who the user is (their display name, once chosen)
 * and where they are ([navigator]). The platform feeds it what arrives from outside — an
 * App Link or a scanned QR code through [openLink], the system back through [back] — and
 * the shell moves it on when a screen is done ([onboarded], [created], [joined]). Plain
 * Kotlin: the flows of first start, create and join are unit-tested here.
 *
 * [savedName] is the name saved at an earlier start (null on first start), [persistName]
 * saves a new one, and [pendingInvite] is what the app found on the clipboard at first start.
 */
class AppState(savedName: String?, pendingInvite: String? = null, private val persistName: (String) -> Unit = {}) {
    private val name = MutableStateFlow(savedName?.takeIf { it.isNotBlank() })

    /** The display name, or null until onboarding is done. */
    val myName: StateFlow<String?> = name.asStateFlow()

    /** A link to offer on first start: the clipboard's, or one opened before onboarding finished. */
    private val pending = MutableStateFlow(pendingInvite)
    val pendingInvite: StateFlow<String?> = pending.asStateFlow()

    val navigator = Navigator(if (name.value == null) Destination.Onboarding else Destination.Home)

    /** Onboarding saves the name through here. */
    fun saveName(newName: String) {
        name.value = newName
        persistName(newName)
    }

    /** First start is over: the channel list, and on it the join screen if the user accepted the invite. */
    fun onboarded(outcome: OnboardingOutcome) {
        name.value = outcome.name
        pending.value = null
        navigator.resetTo(Destination.Home)
        if (outcome is OnboardingOutcome.Join) navigator.push(Destination.Join(outcome.link, autoJoin = true))
    }

    /**
     * An invite link from outside (App Link, custom scheme, scanner). Before onboarding it
     * waits to be offered; after, it opens the join screen, replacing one already open.
     */
    fun openLink(link: String) {
        if (name.value == null) {
            pending.value = link
            return
        }
        if (navigator.current is Destination.Join) {
            navigator.replace(Destination.Join(link))
        } else {
            navigator.push(Destination.Join(link))
        }
    }

    /** A channel was created: its gallery, with the invite screen on top so people can be asked in. */
    fun created(channelId: String) {
        navigator.replace(Destination.Gallery(channelId))
        navigator.push(Destination.Invite(channelId))
    }

    /** A channel was joined: its gallery instead of the join screen. */
    fun joined(channelId: String) {
        navigator.replace(Destination.Gallery(channelId))
    }

    /** The system back: false when there is nowhere to go back to. */
    fun back(): Boolean = navigator.pop()
}
