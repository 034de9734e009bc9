// Resigns (BioTime 8.5 and 9.5): the resource and its `reinstate` action, generated from the
// spec; a server without the API says so. The twin of bindings/node/test/resigns.test.mjs.
package kotlintests

import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test
import io.github.zkbiotime.*

class ResignsTest {
    @Test
    @DisplayName("resigns on 9.5: create, get, update (PUT), list, reinstate, delete")
    fun roundTrip() = suspendTest {
        Sandbox.start("--server-version", "9.5", "--employees", "5", "--days", "1").use { sb ->
            val c = sb.client()
            val resigns = c.resigns()
            val employee = c.employees().page(1).items.first().id
            val created = resigns.create(
                ResignCreate(employee = employee, disableatt = true, resignType = 1, resignDate = "2024-06-01", reason = "moved away"),
            )
            checkEq(created.employee.id, employee, "employee")
            checkEq(resigns.get(created.id).reason, "moved away", "reason")
            val updated = resigns.update(created.id, ResignUpdate(reason = "back to school"))
            checkEq(updated.reason, "back to school", "updated reason")
            checkEq(resigns.list(ResignFilter(employee = employee)).map { it.id }, listOf(created.id), "listed")
            resigns.reinstate(Reinstatement(resigns = listOf(created.id)))
            assertThrows<ZkbioException.NotFound> { resigns.get(created.id) }
            val again = resigns.create(ResignCreate(employee = employee, disableatt = false, resignType = 2, resignDate = "2024-07-01"))
            resigns.delete(again.id)
            checkEq(resigns.list().size, 0, "resigns left")
        }
    }

    @Test
    @DisplayName("a server without the resign API says so")
    fun missingApi() = suspendTest {
        Sandbox.start("--server-version", "9.0", "--employees", "3", "--days", "1").use { sb ->
            val e = assertThrows<ZkbioException.NotFound> { sb.client().resigns().list() }
            check("no resign API" in e.detail) { e.detail }
        }
    }
}
