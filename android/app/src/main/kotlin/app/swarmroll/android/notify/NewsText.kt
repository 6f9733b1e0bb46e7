package app.swarmroll.android.notify

import app.swarmroll.android.core.api.News

/** The words a news notification is built from; the app reads them from resources. */
interface NewsWords {
    /** "Ana", "Ana and Ben", "Ana and 3 others". */
    fun one(a: String): String

    fun two(a: String, b: String): String

    fun others(a: String, count: Int): String

    /** "Ana added 12 photos", "… 2 videos", "… 12 photos and 2 videos". */
    fun media(who: String, photos: Int, videos: Int): String

    /** "Ana added 12 posts" (plural by [count]). */
    fun posts(who: String, count: Int): String

    /** "Ana left 3 comments". */
    fun comments(who: String, count: Int): String

    /** Someone the core could not name (their name has not arrived yet). */
    fun someone(): String
}

/** One channel's notification: the channel's name as title and who did what as text. */
data class NewsLines(val title: String, val text: String, val detail: String?)

/**
 * Turns the core's per-channel news into one batched notification per channel naming who
 * posted and what: "Ana and 3 others added 12 photos", with comments as a second line.
 * The core names at most three people, most recent first, and counts them all.
 * Plain Kotlin, tested without Android.
 */
object NewsText {
    fun lines(news: News, words: NewsWords): NewsLines? {
        if (news.newPosts <= 0 && news.newComments <= 0) return null
        val people = maxOf(news.people, news.from.size.toLong()).toInt()
        val who =
            when {
                news.from.isEmpty() -> words.someone()
                people == 1 -> words.one(news.from[0])
                people == 2 && news.from.size >= 2 -> words.two(news.from[0], news.from[1])
                else -> words.others(news.from[0], people - 1)
            }
        val posts = news.newPosts.toCount()
        val comments = news.newComments.toCount()
        val (photos, videos) = news.newPhotos.toCount() to news.newVideos.toCount()
        val added = if (photos + videos > 0) words.media(who, photos, videos) else words.posts(who, posts)
        return if (posts > 0) {
            NewsLines(news.channelName, added, if (comments > 0) words.comments(who, comments) else null)
        } else {
            NewsLines(news.channelName, words.comments(who, comments), null)
        }
    }

    private fun Long.toCount(): Int = coerceIn(0, Int.MAX_VALUE.toLong()).toInt()

    /** What was already announced, so an unchanged count does not buzz again. */
    fun fingerprint(news: News): String = "${news.newPosts}:${news.newComments}:${news.newPhotos}:${news.newVideos}"
}
