package app.swarmroll.android.link

/**
 * Recognises Swarmroll invite links wherever they come from: an App Link tap
 * (`https://swarmroll.app/join#<invite>`), the custom scheme (`swarmroll://join/<invite>`),
 * a QR code, or the clipboard on first start (the deferred join). It only decides whether
 * text looks like a link worth handing to the core, which parses and checks it; the
 * invite's keys stay in the fragment or path and never reach a server or an install
 * referrer. Plain Kotlin, tested without Android.
 */
object JoinLinks {
    const val HTTPS_PREFIX = "https://swarmroll.app/join#"
    const val SCHEME_PREFIX = "swarmroll://join/"

    /** The invite link in [text] (trimmed), or null when it is not one. */
    fun find(text: CharSequence?): String? {
        val t = text?.toString()?.trim() ?: return null
        if (t.length > MAX_LENGTH || t.any { it.isWhitespace() }) return null
        val lower = t.lowercase()
        val ok =
            (lower.startsWith(HTTPS_PREFIX) && t.length > HTTPS_PREFIX.length) ||
                (lower.startsWith(SCHEME_PREFIX) && t.length > SCHEME_PREFIX.length)
        return if (ok) t else null
    }

    /**
     * The link from a VIEW intent's parts. Browsers and QR apps may hand over the https
     * link with the fragment separate, or the custom scheme with the invite in the path.
     */
    fun fromView(scheme: String?, host: String?, path: String?, fragment: String?): String? {
        val s = scheme?.lowercase()
        val h = host?.lowercase()
        return when {
            s == "https" && h == "swarmroll.app" && path == "/join" && !fragment.isNullOrEmpty() -> find(HTTPS_PREFIX + fragment)
            s == "swarmroll" && h == "join" && !path.isNullOrEmpty() && path != "/" -> find(SCHEME_PREFIX + path.removePrefix("/"))
            else -> null
        }
    }

    /** Invites are a few hundred characters; anything far longer is not one. */
    private const val MAX_LENGTH = 4096
}
