package app.swarmroll.android.features.onboarding

import app.swarmroll.android.core.api.InvitePreview
import app.swarmroll.android.core.api.SwarmrollClient
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update

/** The longest display name, in characters (code points), as people count them. */
const val MAX_NAME_LENGTH = 60

/** The core's own limit on any name (`channel::MAX_NAME_BYTES`), in bytes of UTF-8. */
const val MAX_NAME_BYTES = 64

/** Why a display name cannot be used yet. */
enum class NameError { Blank, TooLong }

/** Where first start ends: straight into the app, or into joining the offered invite. */
sealed interface OnboardingOutcome {
    val name: String

    data class Done(override val name: String) : OnboardingOutcome

    data class Join(override val name: String, val link: String) : OnboardingOutcome
}

/** First start as the screen draws it. [offer] set means the name is saved and the invite is asked about. */
data class OnboardingState(
    val name: String = "",
    val nameError: NameError? = null,
    val offer: InvitePreview? = null,
    val outcome: OnboardingOutcome? = null
) {
    /** Characters used, for the "12 / 60" counter. */
    val length: Int get() = name.trim().let { it.codePointCount(0, it.length) }

    /** Longer than people are told, or than the core takes (64 bytes: fewer emoji fit). */
    val tooLong: Boolean get() = length > MAX_NAME_LENGTH || name.trim().toByteArray(Charsets.UTF_8).size > MAX_NAME_BYTES
}

sealed interface OnboardingEvent {
    data class NameChanged(val name: String) : OnboardingEvent

    data object Continue : OnboardingEvent

    data object AcceptInvite : OnboardingEvent

    data object DeclineInvite : OnboardingEvent
}

/**
 * First start: the user picks the display name members will see, then — for a guest who
 * installed from the landing page, which copied the invite link — is offered that invite
 * ("deferred join") without opening the link again. The app reads the clipboard and hands
 * the text in as [pendingInvite]; it is offered only when the core reads it as an invite,
 * so anything else on the clipboard is ignored. Nothing here suspends: joining itself is
 * the join screen's work, so the presenter needs no scope.
 */
class OnboardingPresenter(
    client: SwarmrollClient,
    pendingInvite: String?,
    private val saveName: (String) -> Unit,
    initialName: String = ""
) {
    private val link: String? = pendingInvite?.trim()?.takeIf { it.isNotEmpty() }
    private val invite: InvitePreview? = link?.let { client.parseInvite(it) }
    private val mutable = MutableStateFlow(OnboardingState(name = initialName))
    val state: StateFlow<OnboardingState> = mutable.asStateFlow()

    fun handle(event: OnboardingEvent) {
        when (event) {
            is OnboardingEvent.NameChanged ->
                mutable.update {
                    val next = it.copy(name = event.name)
                    // Too long is said while typing; blank only once the user tries to go on.
                    next.copy(nameError = if (next.tooLong) NameError.TooLong else null)
                }

            OnboardingEvent.Continue -> submit()

            OnboardingEvent.AcceptInvite -> finish(join = true)

            OnboardingEvent.DeclineInvite -> finish(join = false)
        }
    }

    private fun submit() {
        val current = mutable.value
        val error = validate(current)
        if (error != null) {
            mutable.update { it.copy(nameError = error) }
            return
        }
        val name = current.name.trim()
        saveName(name)
        if (invite != null) {
            mutable.update { it.copy(name = name, nameError = null, offer = invite) }
        } else {
            mutable.update { it.copy(name = name, nameError = null, outcome = OnboardingOutcome.Done(name)) }
        }
    }

    private fun finish(join: Boolean) {
        val current = mutable.value
        if (current.offer == null || link == null) return
        val outcome = if (join) OnboardingOutcome.Join(current.name, link) else OnboardingOutcome.Done(current.name)
        mutable.update { it.copy(outcome = outcome) }
    }

    private fun validate(state: OnboardingState): NameError? = when {
        state.name.isBlank() -> NameError.Blank
        state.tooLong -> NameError.TooLong
        else -> null
    }
}
