package io.github.zkbiotime

import java.nio.ByteBuffer

/**
 * How uniffi's `FfiConverterString.read` reads a string out of a record (the generated code
 * is patched by `cargo xtask codegen` to call [read]).
 *
 * uniffi allocates a `ByteArray` and then a `String` for every text field of every record; a
 * page of punches repeats the same short texts on each row (terminal serial and alias, area,
 * punch state, often the employee code). Here a short ASCII text is hashed from a per-thread
 * scratch buffer and, when the last string read into its slot has the same characters, that
 * `String` is returned again: no allocation. Anything else is decoded as before. Strings are
 * immutable, so sharing one between records is invisible to callers.
 */
internal object StringReads {
    /** Texts longer than this (names, times) rarely repeat row to row: decoded directly. */
    private const val MAX_CACHED = 32
    private const val SLOTS = 1024 // a power of two

    /** Per thread, so no locking: a string is read start to end on one thread. */
    private class Slots {
        val scratch = ByteArray(MAX_CACHED)
        val strings = arrayOfNulls<String>(SLOTS)
    }

    private val slots = ThreadLocal.withInitial { Slots() }

    /** The UTF-8 string of the next [len] bytes of [buf]. */
    @JvmStatic
    fun read(buf: ByteBuffer, len: Int): String {
        if (len == 0) return ""
        if (len > MAX_CACHED) {
            val bytes = ByteArray(len)
            buf.get(bytes)
            return String(bytes, Charsets.UTF_8)
        }
        val local = slots.get()
        val bytes = local.scratch
        buf.get(bytes, 0, len)
        var hash = len
        var ascii = true
        for (i in 0 until len) {
            val b = bytes[i].toInt()
            ascii = ascii and (b >= 0)
            hash = 31 * hash + b
        }
        if (!ascii) return String(bytes, 0, len, Charsets.UTF_8)
        val slot = (hash xor (hash ushr 15)) and (SLOTS - 1)
        val last = local.strings[slot]
        if (last != null && sameAscii(last, bytes, len)) return last
        // ASCII: Latin-1 decoding gives the same string as UTF-8, without its checks.
        val text = String(bytes, 0, len, Charsets.ISO_8859_1)
        local.strings[slot] = text
        return text
    }

    private fun sameAscii(text: String, bytes: ByteArray, len: Int): Boolean {
        if (text.length != len) return false
        for (i in 0 until len) {
            if (text[i].code != bytes[i].toInt()) return false
        }
        return true
    }
}
