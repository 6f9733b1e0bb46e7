package app.swarmroll.android.features.gallery

import java.time.Instant
import java.time.LocalDate
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import java.util.Locale

/** Where a day sits relative to today: the screen says "Today" and "Yesterday" in words. */
enum class DayRelative { Today, Yesterday, Earlier }

/**
 * Dates and times as the gallery and the thread show them, in the phone's zone and
 * language. Presenters format with it so screens draw plain strings; tests pass a fixed
 * zone, locale and clock so the labels are the same on every machine.
 */
class Formats(
    private val zone: ZoneId = ZoneId.systemDefault(),
    private val locale: Locale = Locale.getDefault(),
    private val now: () -> Long = System::currentTimeMillis
) {
    private val dayThisYear = DateTimeFormatter.ofPattern("EEEE d MMMM", locale)
    private val dayOtherYear = DateTimeFormatter.ofPattern("d MMMM yyyy", locale)
    private val time = DateTimeFormatter.ofLocalizedTime(FormatStyle.SHORT).withLocale(locale)
    private val shortDay = DateTimeFormatter.ofPattern("d MMM", locale)

    fun day(ms: Long): LocalDate = Instant.ofEpochMilli(ms).atZone(zone).toLocalDate()

    fun relative(date: LocalDate): DayRelative {
        val today = day(now())
        return when (date) {
            today -> DayRelative.Today
            today.minusDays(1) -> DayRelative.Yesterday
            else -> DayRelative.Earlier
        }
    }

    /** "Saturday 14 June", or "14 June 2024" for another year. */
    fun dayLabel(date: LocalDate): String = (if (date.year == day(now()).year) dayThisYear else dayOtherYear).format(date)

    /** "21:04" today, "14 Jun 21:04" on another day. */
    fun moment(ms: Long): String {
        val at = Instant.ofEpochMilli(ms).atZone(zone)
        val clock = time.format(at)
        return if (at.toLocalDate() == day(now())) clock else "${shortDay.format(at)} $clock"
    }
}
