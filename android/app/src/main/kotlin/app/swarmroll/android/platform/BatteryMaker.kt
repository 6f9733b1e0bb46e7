package app.swarmroll.android.platform

/**
 * Phone makers whose battery managers stop background work beyond what Android itself
 * does (the reason Immich and Syncthing users lose uploads), and where each hides the
 * setting that exempts an app. Settings screens name the maker and open its page when
 * background sync has not run for a while. Component names change between OS versions,
 * so each maker lists several, tried in order; dontkillmyapp.com has the current steps
 * for every model. Plain Kotlin: matching is tested without a phone.
 */
enum class BatteryMaker(val label: String, val slug: String, val components: List<Pair<String, String>>) {
    Xiaomi(
        "Xiaomi",
        "xiaomi",
        listOf(
            "com.miui.powerkeeper" to "com.miui.powerkeeper.ui.HiddenAppsConfigActivity",
            "com.miui.securitycenter" to "com.miui.permcenter.autostart.AutoStartManagementActivity"
        )
    ),
    Huawei(
        "Huawei",
        "huawei",
        listOf(
            "com.huawei.systemmanager" to "com.huawei.systemmanager.startupmgr.ui.StartupNormalAppListActivity",
            "com.huawei.systemmanager" to "com.huawei.systemmanager.optimize.process.ProtectActivity"
        )
    ),
    Samsung(
        "Samsung",
        "samsung",
        listOf(
            "com.samsung.android.lool" to "com.samsung.android.sm.battery.ui.BatteryActivity",
            "com.samsung.android.sm" to "com.samsung.android.sm.battery.ui.BatteryActivity"
        )
    ),
    OnePlus(
        "OnePlus",
        "oneplus",
        listOf("com.oneplus.security" to "com.oneplus.security.chainlaunch.view.ChainLaunchAppListActivity")
    ),
    Oppo(
        "Oppo",
        "oppo",
        listOf(
            "com.coloros.safecenter" to "com.coloros.safecenter.permission.startup.StartupAppListActivity",
            "com.oppo.safe" to "com.oppo.safe.permission.startup.StartupAppListActivity"
        )
    ),
    Vivo(
        "Vivo",
        "vivo",
        listOf(
            "com.vivo.permissionmanager" to "com.vivo.permissionmanager.activity.BgStartUpManagerActivity",
            "com.iqoo.secure" to "com.iqoo.secure.ui.phoneoptimize.BgStartUpManager"
        )
    )
    ;

    /** The maker's page on dontkillmyapp.com. */
    val helpUrl: String get() = "https://dontkillmyapp.com/$slug"

    companion object {
        /** The maker of a phone from Build.MANUFACTURER / Build.BRAND, if it is one of these. */
        fun of(manufacturer: String, brand: String = ""): BatteryMaker? {
            val m = "${manufacturer.lowercase()} ${brand.lowercase()}"
            return when {
                listOf("xiaomi", "redmi", "poco").any { it in m } -> Xiaomi
                listOf("huawei", "honor").any { it in m } -> Huawei
                "samsung" in m -> Samsung
                "oneplus" in m -> OnePlus
                listOf("oppo", "realme").any { it in m } -> Oppo
                listOf("vivo", "iqoo").any { it in m } -> Vivo
                else -> null
            }
        }
    }
}
