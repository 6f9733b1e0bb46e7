package app.swarmroll.android.platform

/**
 * Which runtime permission lets the app reach phones on the same Wi-Fi. Android 17
 * (API 37) gates local-network traffic (the LAN discovery and transfers between guests at
 * a venue) behind ACCESS_LOCAL_NETWORK for apps targeting it; Android 16 (API 36) used
 * NEARBY_WIFI_DEVICES for its opt-in preview of the same protection; older versions need
 * nothing beyond INTERNET. Both live in the "Nearby devices" group, so the app explains
 * first (the system dialog names nearby devices, not photos) and then asks. Plain Kotlin,
 * so the choice is tested without a phone.
 */
object LocalNetworkAccess {
    /** Android 17's permission; a string, as compileSdk 36 has no constant for it yet. */
    const val ACCESS_LOCAL_NETWORK = "android.permission.ACCESS_LOCAL_NETWORK"
    const val NEARBY_WIFI_DEVICES = "android.permission.NEARBY_WIFI_DEVICES"

    /** API levels by name (compileSdk 36 names 36 `BAKLAVA`, and 37 not yet). */
    private const val ANDROID_16 = 36
    private const val ANDROID_17 = 37

    /** The permission to ask for on [sdk], or null when none is needed. */
    fun permissionFor(sdk: Int): String? = when {
        sdk >= ANDROID_17 -> ACCESS_LOCAL_NETWORK
        sdk >= ANDROID_16 -> NEARBY_WIFI_DEVICES
        else -> null
    }
}
