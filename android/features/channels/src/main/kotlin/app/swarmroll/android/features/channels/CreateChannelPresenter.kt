package app.swarmroll.android.features.channels

import app.swarmroll.android.core.api.SwarmrollClient
import app.swarmroll.android.core.api.SwarmrollFailure
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/** The core's limit on a channel name (`channel::MAX_NAME_BYTES`), in bytes of UTF-8. */
const val MAX_CHANNEL_NAME_BYTES = 64

/** Why a channel name cannot be used. */
enum class ChannelNameError { Blank, TooLong }

/** The create-channel form. [createdId] is set once the core made it; [error] is its message otherwise. */
data class CreateChannelState(
    val name: String = "",
    val private: Boolean = true,
    val nameError: ChannelNameError? = null,
    val creating: Boolean = false,
    val error: String? = null,
    val createdId: String? = null
)

sealed interface CreateChannelEvent {
    data class NameChanged(val name: String) : CreateChannelEvent

    data class PrivateChanged(val private: Boolean) : CreateChannelEvent

    data object Create : CreateChannelEvent

    /** Navigation: the shell closes the form. */
    data object Cancel : CreateChannelEvent
}

/**
 * Creates a channel: a name and whether it is private (originals encrypted, members only)
 * or open (originals as ordinary BitTorrent). Private is the default, since a channel can
 * be made private later but never open again. The name is checked as the core checks it,
 * so the user hears about a bad name at once; anything else the core refuses is shown
 * with its message. [myName] is the display name members will see.
 */
class CreateChannelPresenter(private val client: SwarmrollClient, private val myName: String, private val scope: CoroutineScope) {
    private val mutable = MutableStateFlow(CreateChannelState())
    val state: StateFlow<CreateChannelState> = mutable.asStateFlow()

    fun handle(event: CreateChannelEvent) {
        when (event) {
            is CreateChannelEvent.NameChanged ->
                mutable.update {
                    it.copy(name = event.name, nameError = if (tooLong(event.name)) ChannelNameError.TooLong else null, error = null)
                }

            is CreateChannelEvent.PrivateChanged -> mutable.update { it.copy(private = event.private) }

            CreateChannelEvent.Create -> create()

            CreateChannelEvent.Cancel -> Unit
        }
    }

    private fun create() {
        val current = mutable.value
        if (current.creating || current.createdId != null) return
        val error =
            when {
                current.name.isBlank() -> ChannelNameError.Blank
                tooLong(current.name) -> ChannelNameError.TooLong
                else -> null
            }
        if (error != null) {
            mutable.update { it.copy(nameError = error) }
            return
        }
        mutable.update { it.copy(creating = true, error = null) }
        scope.launch {
            try {
                val id = client.createChannel(current.name.trim(), myName, current.private)
                mutable.update { it.copy(creating = false, createdId = id) }
            } catch (e: SwarmrollFailure) {
                mutable.update { it.copy(creating = false, error = e.message) }
            }
        }
    }

    private fun tooLong(name: String) = name.trim().toByteArray(Charsets.UTF_8).size > MAX_CHANNEL_NAME_BYTES
}
