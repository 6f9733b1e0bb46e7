package app.swarmroll.android.features.share

import java.time.Instant
import java.time.LocalTime
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import java.util.Locale

/** Before noon, "this evening" means last night. */
private const val NOON = 12

/** The evening: 6 pm, for six hours (to midnight). */
private const val EVENING_HOUR = 18
private const val EVENING_HOURS = 6L

/**
 * Times for the event window in the phone's zone and language: the default window ("this
 * evening", 6 pm to midnight — last night's before noon) and labels such as
 * "Sat 13 Jun, 18:00". Tests pass a fixed zone, locale and clock.
 */
class WindowClock(
    private val zone: ZoneId = ZoneId.systemDefault(),
    private val locale: Locale = Locale.getDefault(),
    val now: () -> Long = System::currentTimeMillis
) {
    private val day = DateTimeFormatter.ofPattern("EEE d MMM", locale)
    private val time = DateTimeFormatter.ofLocalizedTime(FormatStyle.SHORT).withLocale(locale)

    /** 6 pm to midnight today, or yesterday's before noon (the party was last night). */
    fun thisEvening(): Pair<Long, Long> {
        val at = Instant.ofEpochMilli(now()).atZone(zone)
        val date = if (at.hour < NOON) at.toLocalDate().minusDays(1) else at.toLocalDate()
        val start = date.atTime(LocalTime.of(EVENING_HOUR, 0)).atZone(zone)
        return start.toInstant().toEpochMilli() to start.plusHours(EVENING_HOURS).toInstant().toEpochMilli()
    }

    fun label(ms: Long): String {
        val at = Instant.ofEpochMilli(ms).atZone(zone)
        return "${day.format(at)}, ${time.format(at)}"
    }
}
