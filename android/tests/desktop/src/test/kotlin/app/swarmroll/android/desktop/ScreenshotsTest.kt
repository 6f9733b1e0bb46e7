package app.swarmroll.android.desktop

import androidx.compose.material3.Text
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

/** The comparison itself: a render equals itself, and a changed screen is caught. */
class ScreenshotsTest {
    @Test
    fun aRenderMatchesItselfAndADifferentScreenDoesNot() {
        val one = Screenshots.render(dark = false, fontScale = 1f, heightDp = 200) { Text("Garden party") }
        val again = Screenshots.render(dark = false, fontScale = 1f, heightDp = 200) { Text("Garden party") }
        val dark = Screenshots.render(dark = true, fontScale = 1f, heightDp = 200) { Text("Garden party") }
        assertEquals(0.0, Screenshots.difference(one, again), 0.0)
        assertTrue(Screenshots.difference(one, dark) > Screenshots.TOLERANCE)
    }
}
