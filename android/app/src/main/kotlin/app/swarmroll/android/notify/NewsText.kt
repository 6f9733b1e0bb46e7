package app.swarmroll.android.notify

import app.swarmroll.android.core.api.News

/** The words a news notification is built from; the app reads them from resources. */
interface NewsWords {
    /** "Ana", "Ana and Ben", "Ana, Ben and others". */
    fun one(a: String): String

    fun two(a: String, b: String): String

    fun many(a: String, b: String): String

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
 * posted: "Ana and Ben added 12 posts", with comments as a second line. The core lists at
 * most three names, most recent first; three names read as "Ana, Ben and others".
 * Plain Kotlin, tested without Android.
 */
object NewsText {
    fun lines(news: News, words: NewsWords): NewsLines? {
        if (news.newPosts <= 0 && news.newComments <= 0) return null
        val who =
            when (news.from.size) {
                0 -> words.someone()
                1 -> words.one(news.from[0])
                2 -> words.two(news.from[0], news.from[1])
                else -> words.many(news.from[0], news.from[1])
            }
        val posts = news.newPosts.coerceAtMost(Int.MAX_VALUE.toLong()).toInt()
        val comments = news.newComments.coerceAtMost(Int.MAX_VALUE.toLong()).toInt()
        return if (posts > 0) {
            NewsLines(news.channelName, words.posts(who, posts), if (comments > 0) words.comments(who, comments) else null)
        } else {
            NewsLines(news.channelName, words.comments(who, comments), null)
        }
    }

    /** What was already announced, so an unchanged count does not buzz again. */
    fun fingerprint(news: News): String = "${news.newPosts}:${news.newComments}"
}
