package app.swarmroll.android.core.impl

import app.swarmroll.core.ChannelListListener
import app.swarmroll.core.ChannelListUpdate
import app.swarmroll.core.GalleryListener
import app.swarmroll.core.GalleryUpdate
import app.swarmroll.core.TaskHandle
import app.swarmroll.core.ThreadListener
import app.swarmroll.core.ThreadUpdate
import app.swarmroll.core.TransferListListener
import app.swarmroll.core.TransferListUpdate
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.conflate

/**
 * A live list as a cold flow: collecting registers a listener through [watch]; each batch
 * of diffs is applied and the whole list (mapped by [map]) emitted; cancelling the
 * collection cancels the core's task. Only the newest list matters to a screen, so slow
 * collectors get it conflated.
 */
internal fun <B, T> liveList(map: (B) -> T, watch: (sink: (List<Diff<B>>) -> Unit) -> TaskHandle): Flow<List<T>> = callbackFlow {
    val rows = ArrayList<B>()
    val handle =
        watch { diffs ->
            val snapshot =
                synchronized(rows) {
                    rows.apply(diffs)
                    rows.map(map)
                }
            trySend(snapshot)
        }
    awaitClose { handle.cancel() }
}.buffer().conflate()

internal fun galleryListener(sink: (List<Diff<app.swarmroll.core.GalleryItem>>) -> Unit) = object : GalleryListener {
    override fun onUpdate(updates: List<GalleryUpdate>) = sink(
        updates.map {
            when (it) {
                is GalleryUpdate.Reset -> Diff.Reset(it.values)
                is GalleryUpdate.Insert -> Diff.Insert(it.index.toInt(), it.value)
                is GalleryUpdate.Set -> Diff.Set(it.index.toInt(), it.value)
                is GalleryUpdate.Remove -> Diff.Remove(it.index.toInt())
            }
        }
    )
}

internal fun channelListener(sink: (List<Diff<app.swarmroll.core.ChannelRow>>) -> Unit) = object : ChannelListListener {
    override fun onUpdate(updates: List<ChannelListUpdate>) = sink(
        updates.map {
            when (it) {
                is ChannelListUpdate.Reset -> Diff.Reset(it.values)
                is ChannelListUpdate.Insert -> Diff.Insert(it.index.toInt(), it.value)
                is ChannelListUpdate.Set -> Diff.Set(it.index.toInt(), it.value)
                is ChannelListUpdate.Remove -> Diff.Remove(it.index.toInt())
            }
        }
    )
}

internal fun threadListener(sink: (List<Diff<app.swarmroll.core.ThreadItem>>) -> Unit) = object : ThreadListener {
    override fun onUpdate(updates: List<ThreadUpdate>) = sink(
        updates.map {
            when (it) {
                is ThreadUpdate.Reset -> Diff.Reset(it.values)
                is ThreadUpdate.Insert -> Diff.Insert(it.index.toInt(), it.value)
                is ThreadUpdate.Set -> Diff.Set(it.index.toInt(), it.value)
                is ThreadUpdate.Remove -> Diff.Remove(it.index.toInt())
            }
        }
    )
}

internal fun transferListener(sink: (List<Diff<app.swarmroll.core.TransferRow>>) -> Unit) = object : TransferListListener {
    override fun onUpdate(updates: List<TransferListUpdate>) = sink(
        updates.map {
            when (it) {
                is TransferListUpdate.Reset -> Diff.Reset(it.values)
                is TransferListUpdate.Insert -> Diff.Insert(it.index.toInt(), it.value)
                is TransferListUpdate.Set -> Diff.Set(it.index.toInt(), it.value)
                is TransferListUpdate.Remove -> Diff.Remove(it.index.toInt())
            }
        }
    )
}
