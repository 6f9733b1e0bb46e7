package app.swarmroll.android.features.gallery

import app.swarmroll.android.core.api.ChannelRoom
import app.swarmroll.android.core.api.GalleryTile
import app.swarmroll.android.core.api.SwarmrollFailure
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.catch
import kotlinx.coroutines.launch

/**
 * The channel's gallery as the core keeps it, followed the same way by the gallery and the
 * viewer: each new list of tiles goes to [show]; a [SwarmrollFailure] ends the feed and its
 * message (written for people) goes to [fail]; anything else is a bug and is rethrown.
 */
internal fun CoroutineScope.followGallery(room: ChannelRoom, fail: (String) -> Unit, show: suspend (List<GalleryTile>) -> Unit): Job =
    launch {
        room.gallery()
            .catch { e ->
                if (e !is SwarmrollFailure) throw e
                fail(e.message)
            }
            .collect { tiles -> show(tiles) }
    }
