// Punches can be deleted (the spec's DELETE on the detail route), not written. The twin of
// the "punches" test in bindings/node/test/writes.test.mjs.
package kotlintests

import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test
import io.github.zkbiotime.*

class PunchDeleteTest {
    @Test
    @DisplayName("a punch is deleted once; again is NotFound")
    fun deleteOnce() = suspendTest {
        Sandbox.start("--employees", "3", "--days", "1").use { sb ->
            val punches = sb.client().transactions()
            val ids = punches.list().map { it.id }
            punches.delete(ids.first())
            checkEq(punches.list().map { it.id }, ids.drop(1), "punches left")
            assertThrows<ZkbioException.NotFound> { punches.delete(ids.first()) }
        }
    }
}
