package app.swarmroll.android.media

import java.io.File

/**
 * Which MediaStore items an event window has already offered, so a library of thousands
 * is never re-read or re-hashed when one new photo appears: an item is known by its
 * MediaStore id, size and modification time (an edited photo is offered again). Kept in
 * a small file per window, one key a line. Plain Kotlin: no Android types.
 */
class SeenMedia(private val file: File) {
    private val keys: MutableSet<String> = if (file.isFile) file.readLines().filter { it.isNotBlank() }.toMutableSet() else mutableSetOf()

    /** The key of an item. */
    fun key(id: Long, size: Long, modifiedSec: Long): String = "$id:$size:$modifiedSec"

    fun contains(id: Long, size: Long, modifiedSec: Long): Boolean = key(id, size, modifiedSec) in keys

    /** Records items as seen and saves the set; returns how many were new. */
    fun add(items: Collection<Triple<Long, Long, Long>>): Int {
        val added = items.count { (id, size, modified) -> keys.add(key(id, size, modified)) }
        if (added > 0) {
            file.parentFile?.mkdirs()
            val tmp = File(file.path + ".tmp")
            tmp.writeText(keys.sorted().joinToString("\n", postfix = "\n"))
            tmp.renameTo(file)
        }
        return added
    }

    val size: Int get() = keys.size

    /** Forgets everything (the window was closed). */
    fun clear() {
        keys.clear()
        file.delete()
    }
}
