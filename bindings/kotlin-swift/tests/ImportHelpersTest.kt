// Import helpers: a first sync from a date (`since`) and punch directions (`directions`).
// The twin of bindings/node/test/import_helpers.test.mjs.
package kotlintests

import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test
import io.github.zkbiotime.*

class ImportHelpersTest {
    private val since = "2024-06-29"

    @Test
    @DisplayName("since: the first sync returns only punches from the date on; with a state it is refused")
    fun syncSince() = suspendTest {
        Sandbox.start("--employees", "6", "--days", "4").use { sb ->
            val tx = sb.client { it.copy(pageSize = 25) }.transactions()
            val all = tx.list()
            val expected = tx.list(TransactionFilter(startTime = "$since 00:00:00")).map { it.id }.sorted()
            check(expected.isNotEmpty() && expected.size < all.size) { "some punches before $since" }
            val batch = tx.sync(null, null, since)
            check(batch.complete) { "complete" }
            checkEq(batch.punches.map { it.id }.sorted(), expected, "punches from $since on")
            check("\"since\":\"$since 00:00:00\"" in batch.state) { batch.state }
            checkEq(tx.sync(batch.state).punches.size, 0, "nothing new next run")
            val noon = tx.sync(since = "$since 12:00:00").punches
            check(noon.isNotEmpty() && noon.all { it.punchTime >= "$since 12:00:00" }) { "from noon" }

            val e = assertThrows<ZkbioException.InvalidArgument> { tx.sync(batch.state, null, since) }
            check("first sync" in e.detail) { e.detail }
            assertThrows<ZkbioException.InvalidArgument> { tx.sync(since = "the 29th") }
        }
    }

    @Test
    @DisplayName("directions: by state, by terminal map, alternating per employee and day")
    fun directionsOfPunches() = suspendTest {
        Sandbox.start("--employees", "6", "--days", "3").use { sb ->
            val punches = sb.client().transactions().list()

            val byState = directions(punches, "state", null)
            checkEq(byState.size, punches.size, "one per punch")
            val codes = mapOf("0" to "in", "3" to "in", "4" to "in", "1" to "out", "2" to "out", "5" to "out")
            punches.zip(byState).forEach { (p, d) -> checkEq(d, codes[p.punchState?.trim()], "state of ${p.id}") }
            check("in" in byState && "out" in byState) { "both directions" }

            val sns = punches.mapNotNull { it.terminalSn?.takeIf(String::isNotEmpty) }.distinct().sorted()
            check(sns.size >= 2) { "two terminals" }
            val map = mapOf(sns[0] to "in", sns[1] to "OUT")
            val byTerminal = directions(punches, "terminal", map)
            punches.zip(byTerminal).forEach { (p, d) ->
                checkEq(d, map[p.terminalSn]?.lowercase(), "terminal of ${p.id}")
            }
            val noMap = assertThrows<ZkbioException.InvalidArgument> { directions(punches, "terminal", null) }
            check("map" in noMap.detail) { noMap.detail }
            assertThrows<ZkbioException.InvalidArgument> { directions(punches, "terminal", mapOf(sns[0] to "up")) }
            assertThrows<ZkbioException.InvalidArgument> { directions(punches, "moon", null) }

            val alternate = directions(punches, "alternate", null)
            val days = punches.indices.groupBy { punches[it].empCode to punches[it].punchTime.take(10) }
            check(days.values.any { it.size >= 2 }) { "a day with two punches" }
            for ((day, indexes) in days) {
                val ordered = indexes.sortedWith(compareBy({ punches[it].punchTime }, { punches[it].id }))
                checkEq(
                    ordered.map { alternate[it] },
                    ordered.indices.map { if (it % 2 == 0) "in" else "out" },
                    "alternation of $day",
                )
            }
            checkEq(directions(emptyList(), "alternate", null), emptyList<String?>(), "no punches")
        }
    }
}
