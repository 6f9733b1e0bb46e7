package app.swarmroll.android.core.impl

import app.swarmroll.android.core.api.SwarmrollFailure
import app.swarmroll.android.core.api.SwarmrollFailure.Kind
import app.swarmroll.core.InternalException
import app.swarmroll.core.SwarmrollException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

/** The bindings' typed errors as the app's [SwarmrollFailure], in one place. */
internal fun SwarmrollException.toFailure(): SwarmrollFailure {
    val kind =
        when (this) {
            is SwarmrollException.InvalidInvite -> Kind.InvalidInvite
            is SwarmrollException.InvalidArgument -> Kind.InvalidArgument
            is SwarmrollException.NotFound -> Kind.NotFound
            is SwarmrollException.NotAllowed -> Kind.NotAllowed
            is SwarmrollException.Network -> Kind.Network
            is SwarmrollException.Transfer -> Kind.Transfer
            is SwarmrollException.NotStarted -> Kind.NotStarted
            is SwarmrollException.Storage -> Kind.Storage
            is SwarmrollException.Identity -> Kind.Identity
            is SwarmrollException.Internal -> Kind.Internal
        }
    return SwarmrollFailure(kind, message ?: kind.name)
}

/** Runs a core call off the main thread, turning its errors into [SwarmrollFailure]. */
internal suspend fun <T> call(block: suspend () -> T): T = withContext(Dispatchers.IO) {
    try {
        block()
    } catch (e: SwarmrollException) {
        throw e.toFailure()
    } catch (e: InternalException) {
        throw SwarmrollFailure(Kind.Internal, e.message ?: "internal error").apply { initCause(e) }
    }
}

/** The same for a quick synchronous read on the caller's thread. */
internal fun <T> read(block: () -> T): T = try {
    block()
} catch (e: SwarmrollException) {
    throw e.toFailure()
}
