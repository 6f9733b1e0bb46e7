package app.swarmroll.android.core.impl

/** One change to a live list, as the core sends it (UniFFI has no generics: one per list). */
internal sealed interface Diff<out T> {
    data class Reset<T>(val values: List<T>) : Diff<T>

    data class Insert<T>(val index: Int, val value: T) : Diff<T>

    data class Set<T>(val index: Int, val value: T) : Diff<T>

    data class Remove(val index: Int) : Diff<Nothing>
}

/** Applies [diffs] to [rows] in order, as a list adapter would. */
internal fun <T> MutableList<T>.apply(diffs: List<Diff<T>>) {
    for (d in diffs) {
        when (d) {
            is Diff.Reset -> {
                clear()
                addAll(d.values)
            }

            is Diff.Insert -> add(d.index, d.value)

            is Diff.Set -> set(d.index, d.value)

            is Diff.Remove -> removeAt(d.index)
        }
    }
}
