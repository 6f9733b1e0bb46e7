package app.swarmroll.android

import app.swarmroll.android.core.api.SwarmrollClient
import kotlinx.coroutines.CoroutineScope

/**
 * What the app's Android components (service, worker, receivers) reach through their
 * `Application`: the one [SwarmrollClient] of the process and a scope that lives as long.
 * An interface rather than the Application class itself, so those components compile and
 * are tested without WorkManager or Compose on the classpath.
 */
interface AppServices {
    /** The node, opened once when the process starts. */
    val client: SwarmrollClient

    /** Work that outlives a screen (forwarding platform callbacks, notifications). */
    val appScope: CoroutineScope
}
