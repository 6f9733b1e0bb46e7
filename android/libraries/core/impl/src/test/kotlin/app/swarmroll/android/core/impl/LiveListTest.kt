package app.swarmroll.android.core.impl

import app.swarmroll.core.NoHandle
import app.swarmroll.core.TaskHandle
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test

/** Live lists: diffs applied in order, and the core's task cancelled with the collection. */
class LiveListTest {
    private class RecordingHandle : TaskHandle(NoHandle) {
        @Volatile var cancelled = false

        override fun cancel() {
            cancelled = true
        }

        override fun isFinished() = cancelled
    }

    @Test
    fun eachBatchIsAppliedInOrderAndStoppingCollectionCancelsTheTask(): Unit = runBlocking {
        val handle = RecordingHandle()
        val sink = CompletableDeferred<(List<Diff<String>>) -> Unit>()
        val flow =
            liveList<String, String>({ it.uppercase() }) { s ->
                sink.complete(s)
                handle
            }
        val seen = MutableStateFlow<List<String>>(emptyList())
        val job = launch(Dispatchers.Default) { flow.collect { seen.value = it } }
        val send = withTimeout(5_000) { sink.await() }
        send(listOf(Diff.Reset(listOf("a", "b", "c"))))
        withTimeout(5_000) { seen.first { it == listOf("A", "B", "C") } }
        send(listOf(Diff.Insert(0, "z"), Diff.Set(2, "x"), Diff.Remove(3)))
        withTimeout(5_000) { seen.first { it == listOf("Z", "A", "X") } }
        assertFalse("the core's task lives while the screen collects", handle.cancelled)
        job.cancelAndJoin()
        assertTrue("leaving the screen cancels the core's task", handle.cancelled)
    }

    @Test
    fun diffsMatchAListAdapter() {
        val rows = mutableListOf("a", "b", "c")
        rows.apply(listOf(Diff.Insert(1, "x"), Diff.Remove(0), Diff.Set(2, "y"), Diff.Insert(3, "d")))
        assertEquals(listOf("x", "b", "y", "d"), rows)
        rows.apply(listOf(Diff.Reset(listOf("only"))))
        assertEquals(listOf("only"), rows)
    }
}
