// transactions().exportFile: the server-side export streamed to a file; one row per punch the
// same filter lists, in CSV, TXT and XLS; a server error leaves no file. The twin of
// bindings/node/test/export_file.test.mjs.
package kotlintests

import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test
import io.github.zkbiotime.*
import java.io.File
import java.nio.file.Files

class ExportFileTest {
    private fun rows(file: File, sep: String): List<List<String>> {
        val text = file.readText()
        check(text.endsWith("\r\n")) { "CRLF lines (D80's sample)" }
        return text.split("\r\n").filter { it.isNotEmpty() }.map { it.split(sep) }
    }

    @Test
    @DisplayName("CSV and TXT hold one row per listed punch; a filter narrows them like the list")
    fun rowsMatchTheList() = suspendTest {
        Sandbox.start("--employees", "20", "--days", "3").use { sb ->
            val tx = sb.client { it.copy(pageSize = 100) }.transactions()
            val dir = Files.createTempDirectory("zkbio-export").toFile()
            val all = File(dir, "all.csv")
            val written = tx.exportFile(all.path, TransactionExportType.CSV)
            checkEq(written, all.length(), "bytes written")
            val table = rows(all, ",")
            checkEq(table[0].take(2), listOf("id", "emp_code"), "header start")
            checkEq(table[0].last(), "upload_time", "last column")
            val listed = tx.list().map { it.id.toString() }
            check(listed.size > 100) { "${listed.size} punches" }
            checkEq(table.drop(1).map { it[0] }, listed, "ids")
            check(!File(dir, "all.csv.part").exists()) { "no part left" }

            val one = File(dir, "one.txt")
            val filter = TransactionFilter(empCode = "1")
            tx.exportFile(one.path, TransactionExportType.TXT, filter)
            val txt = rows(one, "\t")
            checkEq(txt[0].size, txt[1].size, "tab-separated, same columns")
            val narrowed = txt.drop(1).map { it[0] }
            checkEq(narrowed, tx.list(filter).map { it.id.toString() }, "filtered ids")
            check(narrowed.isNotEmpty() && narrowed.size < listed.size) { "narrowed: ${narrowed.size}" }
            check(txt.drop(1).all { it[1] == "1" }) { "every row is employee 1's" }

            val xls = File(dir, "all.xls")
            tx.exportFile(xls.path, TransactionExportType.XLS)
            checkEq(xls.readText().split("<tr>").size - 1, listed.size + 1, "xls rows")
        }
    }

    @Test
    @DisplayName("a server error leaves no file and an old file untouched")
    fun serverErrorLeavesNoFile() = suspendTest {
        Sandbox.start("--faults", "500=1").use { sb ->
            val tx = sb.client { it.quickRetries(2) }.transactions()
            val dir = Files.createTempDirectory("zkbio-export-fail").toFile()
            val old = File(dir, "old.csv").apply { writeText("yesterday's export") }
            val e = assertThrows<ZkbioException.Server> { tx.exportFile(File(dir, "new.csv").path, TransactionExportType.CSV) }
            checkEq(e.status, 500, "status")
            assertThrows<ZkbioException.Server> { tx.exportFile(old.path, TransactionExportType.CSV) }
            checkEq(dir.list()!!.sorted(), listOf("old.csv"), "files left")
            checkEq(old.readText(), "yesterday's export", "old file")
        }
    }
}
