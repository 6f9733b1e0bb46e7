package app.swarmroll.android.link

import android.content.ClipDescription
import android.content.ClipboardManager
import android.content.Context
import android.content.Intent
import android.net.Uri

/**
 * The deferred join, without a third party: the landing page copies the invite link when
 * the guest taps "Get the app"; on the app's first start (only then) this reads the
 * clipboard and, if it holds a Swarmroll invite, hands it to onboarding, which offers to
 * join once the core has parsed it. Nothing goes through the Play install referrer, so the
 * invite's keys never leave the phone. Android only lets the focused app read the
 * clipboard, so call [pendingInvite] once the activity has window focus; Android 12+
 * shows the user a "pasted from your clipboard" notice, which is honest about it.
 */
class DeferredJoin(private val context: Context) {
    private val prefs = context.getSharedPreferences("first-start", Context.MODE_PRIVATE)

    /** True until the clipboard has been looked at once. */
    val firstStart: Boolean get() = !prefs.getBoolean("clipboard-checked", false)

    /** The invite on the clipboard on first start, else null; never looks twice. */
    fun pendingInvite(): String? {
        if (!firstStart) return null
        prefs.edit().putBoolean("clipboard-checked", true).apply()
        return JoinLinks.find(clipboardText())
    }

    /** The clipboard's text, read only when its description says it is text or a link. */
    private fun clipboardText(): String? {
        val clipboard = context.getSystemService(ClipboardManager::class.java)
        val description = clipboard?.primaryClipDescription
        val text =
            description != null &&
                (
                    description.hasMimeType(ClipDescription.MIMETYPE_TEXT_PLAIN) ||
                        description.hasMimeType(ClipDescription.MIMETYPE_TEXT_URILIST)
                    )
        val item = if (text) clipboard?.primaryClip?.takeIf { it.itemCount > 0 }?.getItemAt(0) else null
        return item?.let { it.text?.toString() ?: it.uri?.toString() }
    }

    companion object {
        /** The invite link in a VIEW intent (App Link or custom scheme), else null. */
        fun fromIntent(intent: Intent?): String? {
            if (intent?.action != Intent.ACTION_VIEW) return null
            val uri: Uri = intent.data ?: return null
            return JoinLinks.fromView(uri.scheme, uri.host, uri.path, uri.encodedFragment)
        }
    }
}
