package kotlintests

import io.github.zkbiotime.StringReads

import java.nio.ByteBuffer
import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test

/** The patched string reader of uniffi's records (StringReads.kt): same text, fewer copies. */
class StringReadsTest {
    private fun buffer(texts: List<String>): ByteBuffer {
        val parts = texts.map { it.toByteArray(Charsets.UTF_8) }
        val buf = ByteBuffer.allocateDirect(parts.sumOf { 4 + it.size })
        for (p in parts) buf.putInt(p.size).put(p)
        return buf.flip()
    }

    @Test
    @DisplayName("every text reads back as written: empty, ASCII, non-ASCII, at and over the cached length")
    fun readsBackEveryText() {
        val texts = listOf(
            "", "0", "CKJF201260077", "Auto add", "Müller", "東京", "a".repeat(32), "b".repeat(33),
            "2024-06-06 09:19:07", "0", "Auto add", "Auto adD", "Müller", "a".repeat(32),
        )
        val buf = buffer(texts)
        val read = texts.map { StringReads.read(buf, buf.getInt()) }
        checkEq(read, texts, "texts")
        checkEq(buf.remaining(), 0, "bytes left")
    }

    @Test
    @DisplayName("a short ASCII text read again is the same String; a different one is not confused with it")
    fun repeatsShareOneString() {
        val buf = buffer(listOf("Warehouse Door", "Warehouse Door", "Warehouse Doos"))
        val first = StringReads.read(buf, buf.getInt())
        val second = StringReads.read(buf, buf.getInt())
        val third = StringReads.read(buf, buf.getInt())
        check(first === second) { "the repeated text was decoded again" }
        checkEq(third, "Warehouse Doos", "a text of the same length")
    }
}
