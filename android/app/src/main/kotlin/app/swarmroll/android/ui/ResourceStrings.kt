package app.swarmroll.android.ui

import android.annotation.SuppressLint
import android.content.Context
import app.swarmroll.android.designsystem.Strings

/**
 * The design system's strings on the phone: looked up by name in the merged resources
 * (every module's strings.xml; res/raw/keep.xml stops the resource shrinker from
 * dropping names only looked up this way).
 */
class ResourceStrings(private val context: Context) : Strings {
    private val res = context.resources

    override fun get(name: String, args: Array<out Any>): String {
        val id = id(name, "string")
        return if (args.isEmpty()) res.getString(id) else res.getString(id, *args)
    }

    override fun plural(name: String, count: Int, args: Array<out Any>): String = res.getQuantityString(id(name, "plurals"), count, *args)

    @SuppressLint("DiscouragedApi")
    private fun id(name: String, type: String): Int = res.getIdentifier(name, type, context.packageName).also {
        require(it != 0) { "no $type resource '$name'" }
    }
}
