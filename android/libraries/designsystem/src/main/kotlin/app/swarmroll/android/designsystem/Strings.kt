package app.swarmroll.android.designsystem

import androidx.compose.runtime.Composable
import androidx.compose.runtime.staticCompositionLocalOf
import java.io.InputStream
import javax.xml.parsers.DocumentBuilderFactory
import org.w3c.dom.Element

/**
 * The app's text comes from Android string resources (`res/values/strings.xml` of each
 * module), looked up by name. On the phone [Strings] is backed by `Resources`; on the JVM
 * desktop (screenshots, UI tests) by [XmlStrings] reading the same files, so both show
 * the same words and a missing name fails the tests rather than showing a key.
 */
interface Strings {
    /** The string [name], formatted with [args] (`%1$s`, `%1$d`). */
    fun get(name: String, args: Array<out Any>): String

    /** The plural [name] for [count], formatted with [args]. */
    fun plural(name: String, count: Int, args: Array<out Any>): String
}

/** The strings screens read; the app and the desktop tests provide it. */
val LocalStrings = staticCompositionLocalOf<Strings> { error("no Strings provided: wrap the screen in SwarmrollTheme") }

/** The string resource [name], formatted. */
@Composable
fun str(name: String, vararg args: Any): String = LocalStrings.current.get(name, args)

/** The plural resource [name] for [count], formatted with [args] (often the count itself). */
@Composable
fun plural(name: String, count: Int, vararg args: Any): String = LocalStrings.current.plural(name, count, args)

/** [Strings] read from Android `strings.xml` files (English plural rules: one / other). */
class XmlStrings(files: List<InputStream>) : Strings {
    private val strings = HashMap<String, String>()
    private val plurals = HashMap<String, Map<String, String>>()

    init {
        val builder = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        for (file in files) {
            val root = file.use { builder.parse(it).documentElement }
            val nodes = root.childNodes
            for (i in 0 until nodes.length) {
                val e = nodes.item(i) as? Element ?: continue
                val name = e.getAttribute("name")
                when (e.tagName) {
                    "string" -> strings[name] = unescape(e.textContent)

                    "plurals" -> {
                        val items = e.getElementsByTagName("item")
                        plurals[name] =
                            (0 until items.length).associate {
                                val item = items.item(it) as Element
                                item.getAttribute("quantity") to unescape(item.textContent)
                            }
                    }
                }
            }
        }
    }

    /** Every string and plural name, for the check that code names only existing ones. */
    val names: Set<String> get() = strings.keys + plurals.keys

    override fun get(name: String, args: Array<out Any>): String {
        val s = strings[name] ?: throw IllegalArgumentException("no string resource '$name'")
        return if (args.isEmpty()) s else s.format(*args)
    }

    override fun plural(name: String, count: Int, args: Array<out Any>): String {
        val forms = plurals[name] ?: throw IllegalArgumentException("no plurals resource '$name'")
        val s = forms[if (count == 1) "one" else "other"] ?: forms.getValue("other")
        return s.format(*args)
    }

    private fun unescape(s: String): String =
        s.trim().removeSurrounding("\"").replace("\\'", "'").replace("\\\"", "\"").replace("\\n", "\n")
}
