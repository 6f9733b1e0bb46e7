package app.swarmroll.android.desktop

import java.io.File
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

/** Every string a screen names exists in a strings.xml, so no screen shows a raw key. */
class StringsTest {
    private val android = File(System.getProperty("swarmroll.android") ?: "android")

    @Test
    fun everyNamedStringExists() {
        val named = Regex("""\b(?:str|plural)\(\s*"([a-z0-9_]+)"""")
        val used =
            android.walkTopDown()
                .filter { it.extension == "kt" && it.path.contains("/src/main/") }
                .flatMap { f -> named.findAll(f.readText()).map { it.groupValues[1] to f.name } }
                .toList()
        assertTrue("no screen names a string yet", used.isNotEmpty())
        val missing = used.filter { (name, _) -> name !in Screenshots.strings.names }
        assertEquals("strings named in code but missing from every strings.xml", emptyList<Pair<String, String>>(), missing)
    }
}
