package app.swarmroll.android.features.home

import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update

/** Every screen of the app, with what it needs to open. */
sealed interface Destination {
    data object Onboarding : Destination

    /** The channel list and the everything timeline. */
    data object Home : Destination

    data object CreateChannel : Destination

    /** [autoJoin]: the user already said yes (the deferred invite on first start). */
    data class Join(val link: String? = null, val autoJoin: Boolean = false) : Destination

    data class Invite(val channelId: String) : Destination

    data class Gallery(val channelId: String) : Destination

    /** The viewer opened on one file ([index]) of a post (from a gallery or the everything timeline). */
    data class Viewer(val channelId: String, val postId: String, val index: Int = 0) : Destination

    data class Thread(val channelId: String, val postId: String) : Destination

    data class Share(val channelId: String) : Destination

    /**
     * Host tools: members, co-hosts, hidden posts, the venue web gallery. [hidePostId]: the
     * viewer asked to hide that post, which the host tools do and confirm.
     */
    data class Host(val channelId: String, val hidePostId: String? = null) : Destination

    data object Settings : Destination

    /** Originals on their way, with the screen kept on while it is shown. */
    data object Transfers : Destination
}

/**
 * The back stack, as plain Kotlin so it is unit-tested and the same on the phone and the
 * desktop. The app's Activity calls [pop] for the system back gesture and finishes when it
 * returns false.
 */
class Navigator(start: Destination) {
    private val stack = MutableStateFlow(listOf(start))

    /** The whole stack, the current screen last. */
    val backStack: StateFlow<List<Destination>> = stack.asStateFlow()

    val current: Destination get() = stack.value.last()

    /** Opens [destination] on top; opening the screen already shown does nothing. */
    fun push(destination: Destination) {
        stack.update { if (it.last() == destination) it else it + destination }
    }

    /** Leaves the current screen; false at the root (the app should close). */
    fun pop(): Boolean {
        if (stack.value.size <= 1) return false
        stack.update { it.dropLast(1) }
        return true
    }

    /** Swaps the current screen for [destination] (a form that is done for its result). */
    fun replace(destination: Destination) {
        stack.update { it.dropLast(1) + destination }
    }

    /** Starts over from [destination] alone (after onboarding). */
    fun resetTo(destination: Destination) {
        stack.value = listOf(destination)
    }
}
