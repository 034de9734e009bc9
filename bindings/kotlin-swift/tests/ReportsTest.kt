// Any attendance report by name: `client.reportFlow(name, params)` reads every page of
// rows (column -> JSON text); the twin of "any report by name" in
// bindings/node/test/reports.test.mjs.
package kotlintests

import kotlinx.coroutines.flow.toList
import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test
import io.github.zkbiotime.*

class ReportsTest {
    @Test
    @DisplayName("a report by name: every row of every page, as the typed report has them")
    fun reportByName() = suspendTest {
        Sandbox.start("--employees", "10", "--days", "2").use { sb ->
            val client = clientOf(sb.url, pageSize = 4)
            val period = mapOf("start_date" to "2000-01-01", "end_date" to "2100-01-01")
            val typed = client.firstLastReports()
                .list(FirstLastReportFilter(startDate = "2000-01-01", endDate = "2100-01-01"))
            val rows = client.reportFlow("firstLastReport", period).toList()
            check(rows.size > 4) { "several pages: ${rows.size}" }
            checkEq(rows.map { it["emp_code"] }, typed.map { "\"${it.empCode}\"" }, "rows in order")
            checkEq(client.reportPager("firstLastReport", period).count(), typed.size.toLong(), "count")
            assertThrows<ZkbioException.NotFound> { client.reportFlow("noSuchReport").toList() }
            assertThrows<ZkbioException.InvalidArgument> { client.reportPager("../employees", null) }
        }
    }
}
