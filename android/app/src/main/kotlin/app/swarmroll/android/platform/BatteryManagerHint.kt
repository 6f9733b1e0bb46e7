package app.swarmroll.android.platform

import android.app.ActivityManager
import android.app.usage.UsageStatsManager
import android.content.ComponentName
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import android.os.Build
import android.os.PowerManager
import android.provider.Settings

/** Missed background periods that Doze alone does not explain. */
private const val MISSED_PERIODS = 3

/** What settings shows about background limits, and where a tap leads. */
data class BatteryHint(
    /** The phone's maker when it is known to stop background work, else null. */
    val maker: BatteryMaker?,
    /** The user restricted the app's background use (Android 9+ "Restricted" battery). */
    val restricted: Boolean,
    /** Android's own battery optimisation applies to the app (Doze, app standby). */
    val optimised: Boolean,
    /** Background sync is overdue: it last ran longer ago than the phone should allow. */
    val overdue: Boolean
) {
    /** Worth showing: something is deferring sync, or the maker is a known offender. */
    val show: Boolean get() = restricted || overdue || (maker != null && optimised)
}

/**
 * Detects what keeps background sync from running on this phone and opens the setting
 * that fixes it: the maker's own battery manager page when there is one (tried in turn,
 * as they move between OS versions), else Android's battery optimisation list, and the
 * maker's page on dontkillmyapp.com with the exact steps.
 */
class BatteryManagerHint(private val context: Context) {
    /** The current hint; [lastSyncMs] is when background sync last ran (null: never). */
    fun hint(lastSyncMs: Long?, nowMs: Long, expectedEveryMs: Long): BatteryHint {
        val power = context.getSystemService(PowerManager::class.java)
        val activity = context.getSystemService(ActivityManager::class.java)
        val restrictedBucket =
            Build.VERSION.SDK_INT >= Build.VERSION_CODES.R &&
                context.getSystemService(UsageStatsManager::class.java).appStandbyBucket == UsageStatsManager.STANDBY_BUCKET_RESTRICTED
        val restricted = (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P && activity.isBackgroundRestricted) || restrictedBucket
        val optimised = !power.isIgnoringBatteryOptimizations(context.packageName)
        // Three missed periods is more than Doze alone explains.
        val overdue = lastSyncMs != null && nowMs - lastSyncMs > MISSED_PERIODS * expectedEveryMs
        return BatteryHint(BatteryMaker.of(Build.MANUFACTURER, Build.BRAND), restricted, optimised, overdue)
    }

    /** The intent that opens the best setting page this phone has. */
    fun settingsIntent(maker: BatteryMaker?): Intent {
        val pm = context.packageManager
        maker?.components?.forEach { (pkg, cls) ->
            val intent = Intent().setComponent(ComponentName(pkg, cls)).addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)
            if (pm.resolveActivity(intent, PackageManager.MATCH_DEFAULT_ONLY) != null) return intent
        }
        val details = Intent(Settings.ACTION_APPLICATION_DETAILS_SETTINGS, Uri.fromParts("package", context.packageName, null))
        val optimisation = Intent(Settings.ACTION_IGNORE_BATTERY_OPTIMIZATION_SETTINGS)
        val chosen = if (pm.resolveActivity(optimisation, 0) != null) optimisation else details
        return chosen.addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)
    }

    /** dontkillmyapp.com for the maker (or its home page). */
    fun helpIntent(maker: BatteryMaker?): Intent =
        Intent(Intent.ACTION_VIEW, Uri.parse(maker?.helpUrl ?: "https://dontkillmyapp.com/")).addFlags(Intent.FLAG_ACTIVITY_NEW_TASK)
}
