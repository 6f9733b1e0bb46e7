package app.swarmroll.android

import app.swarmroll.android.core.api.News
import app.swarmroll.android.link.JoinLinks
import app.swarmroll.android.media.SeenMedia
import app.swarmroll.android.notify.NewsText
import app.swarmroll.android.notify.NewsWords
import app.swarmroll.android.platform.BatteryMaker
import app.swarmroll.android.platform.LocalNetworkAccess
import java.nio.file.Files
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/** The app module's decisions that need no Android: links, makers, permissions, news text, seen media. */
class PlainLogicTest {
    @Test
    fun `an App Link and the custom scheme are taken, other clipboard text is not`() {
        assertEquals("https://swarmroll.app/join#ABC234", JoinLinks.find("  https://swarmroll.app/join#ABC234\n"))
        assertEquals("swarmroll://join/ABC234", JoinLinks.find("swarmroll://join/ABC234"))
        assertNull(JoinLinks.find("https://swarmroll.app/join#"))
        assertNull(JoinLinks.find("https://example.com/join#ABC"))
        assertNull(JoinLinks.find("see you at https://swarmroll.app/join#ABC tonight"))
        assertNull(JoinLinks.find(null))
    }

    @Test
    fun `a VIEW intent's parts become the link the core parses`() {
        assertEquals("https://swarmroll.app/join#K3Y", JoinLinks.fromView("https", "swarmroll.app", "/join", "K3Y"))
        assertEquals("swarmroll://join/K3Y", JoinLinks.fromView("swarmroll", "join", "/K3Y", null))
        assertNull(JoinLinks.fromView("https", "swarmroll.app", "/about", "K3Y"))
        assertNull(JoinLinks.fromView("https", "swarmroll.app", "/join", null))
    }

    @Test
    fun `phone makers with aggressive battery managers are recognised by maker or brand`() {
        assertEquals(BatteryMaker.Xiaomi, BatteryMaker.of("Xiaomi", "Redmi"))
        assertEquals(BatteryMaker.Xiaomi, BatteryMaker.of("unknown", "POCO"))
        assertEquals(BatteryMaker.Huawei, BatteryMaker.of("HONOR"))
        assertEquals(BatteryMaker.Samsung, BatteryMaker.of("samsung"))
        assertEquals(BatteryMaker.Oppo, BatteryMaker.of("realme"))
        assertEquals("https://dontkillmyapp.com/oneplus", BatteryMaker.of("OnePlus")?.helpUrl)
        assertNull(BatteryMaker.of("Google", "google"))
    }

    @Test
    fun `the local network permission follows the Android version`() {
        assertNull(LocalNetworkAccess.permissionFor(35))
        assertEquals("android.permission.NEARBY_WIFI_DEVICES", LocalNetworkAccess.permissionFor(36))
        assertEquals("android.permission.ACCESS_LOCAL_NETWORK", LocalNetworkAccess.permissionFor(37))
    }

    private val words =
        object : NewsWords {
            override fun one(a: String) = a

            override fun two(a: String, b: String) = "$a and $b"

            override fun others(a: String, count: Int) = if (count == 1) "$a and 1 other" else "$a and $count others"

            override fun media(who: String, photos: Int, videos: Int): String {
                fun n(k: Int, one: String) = if (k == 1) "a $one" else "$k ${one}s"
                return when {
                    videos == 0 -> "$who added ${n(photos, "photo")}"
                    photos == 0 -> "$who added ${n(videos, "video")}"
                    else -> "$who added ${n(photos, "photo")} and ${n(videos, "video")}"
                }
            }

            override fun posts(who: String, count: Int) = if (count == 1) "$who added a post" else "$who added $count posts"

            override fun comments(who: String, count: Int) = if (count == 1) "$who left a comment" else "$who left $count comments"

            override fun someone() = "Someone"
        }

    @Test
    fun `news is one notification per channel naming who posted`() {
        val news = News("c1", "Ana & Ben's wedding", 5, 3, listOf("Ana", "Ben", "Chloé"), people = 4, newPhotos = 12)
        val many = NewsText.lines(news, words)!!
        assertEquals("Ana & Ben's wedding", many.title)
        assertEquals("Ana and 3 others added 12 photos", many.text)
        assertEquals("Ana and 3 others left 3 comments", many.detail)
        val both = NewsText.lines(News("c1", "Trip", 2, 0, listOf("Dev", "Eli"), people = 2, newPhotos = 1, newVideos = 2), words)!!
        assertEquals("Dev and Eli added a photo and 2 videos", both.text)
        val one = NewsText.lines(News("c1", "Trip", 0, 1, listOf("Dev")), words)!!
        assertEquals("Dev left a comment", one.text)
        assertNull(one.detail)
        assertEquals("Someone added a post", NewsText.lines(News("c1", "Trip", 1, 0, emptyList()), words)!!.text)
        assertNull(NewsText.lines(News("c1", "Trip", 0, 0, emptyList()), words))
    }

    @Test
    fun `seen media is remembered by id size and date across restarts, and an edit is new`() {
        val file = Files.createTempDirectory("seen").resolve("window.seen").toFile()
        val seen = SeenMedia(file)
        assertEquals(2, seen.add(listOf(Triple(1L, 100L, 10L), Triple(2L, 200L, 20L))))
        assertEquals(0, seen.add(listOf(Triple(1L, 100L, 10L))))
        val again = SeenMedia(file)
        assertTrue(again.contains(1, 100, 10))
        assertFalse("an edited photo (new size and date) is offered again", again.contains(1, 120, 11))
        again.clear()
        assertFalse(SeenMedia(file).contains(1, 100, 10))
    }
}
