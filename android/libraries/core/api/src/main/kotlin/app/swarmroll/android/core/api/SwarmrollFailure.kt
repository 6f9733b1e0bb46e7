package app.swarmroll.android.core.api

/**
 * Why an action failed, with a message written by the core for people. The bridge maps
 * the bindings' exceptions here in one place; screens show [message] and decide from the
 * kind whether to offer "try again".
 */
class SwarmrollFailure(val kind: Kind, override val message: String) : Exception(message) {
    enum class Kind { InvalidInvite, InvalidArgument, NotFound, NotAllowed, Network, Transfer, NotStarted, Storage, Identity, Internal }

    /** Worth retrying later without changing anything (the network, a transfer). */
    val retryable: Boolean get() = kind == Kind.Network || kind == Kind.Transfer || kind == Kind.NotStarted
}
