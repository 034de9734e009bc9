// Paging as Kotlin Flows (generated/Paging.kt over kotlin/io/github/zkbiotime/PagingSupport.kt): cold,
// closed however the collection ends, errors as exceptions, and the blocking iterator.
package kotlintests

import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.count
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test
import io.github.zkbiotime.*

private const val PUNCHES = "/iclock/api/transactions/"

/** Requests under `prefix` once the client has settled (in-flight requests have arrived). */
private suspend fun CountingProxy.settled(prefix: String): Int {
    delay(300)
    return count(prefix)
}

/** A pager stand-in that records whether it was closed. */
private class FakePager(private val pages: Int, private val failAt: Int? = null) : AutoCloseable {
    var read = 0
    var closed = false
    suspend fun next(): List<Int>? {
        check(!closed) { "read after close" }
        delay(1)
        if (read == failAt) throw IllegalStateException("page ${read + 1} failed")
        if (read == pages) return null
        read += 1
        return listOf(read)
    }
    override fun close() { closed = true }
}

class PagingTest {
    @Test
    @DisplayName("Flow: the pager is closed when the collection ends, stops early, fails or is cancelled")
    fun pagerIsClosedHoweverTheCollectionEnds() = suspendTest {
        var made = 0
        fun flowOf(pager: FakePager) = pagesOf({ made += 1; pager }, { it.next() })

        val whole = FakePager(5)
        val cold = flowOf(whole)
        checkEq(made, 0, "nothing made before collecting")
        checkEq(cold.toList(), (1..5).map { listOf(it) }, "every page")
        check(whole.closed) { "closed after the last page" }

        val early = FakePager(100)
        checkEq(flowOf(early).take(2).toList().size, 2, "take(2)")
        checkEq(early.read, 2, "pages read for take(2)")
        check(early.closed) { "closed after take(2)" }
        val firstOnly = FakePager(100)
        flowOf(firstOnly).first()
        check(firstOnly.closed && firstOnly.read == 1) { "first(): read ${firstOnly.read}" }

        val failing = FakePager(100, failAt = 3)
        val e = assertThrows<IllegalStateException> { flowOf(failing).collect { } }
        check("page 4" in e.message!!) { e.message!! }
        check(failing.closed) { "closed after an error" }

        val slow = FakePager(1_000_000)
        coroutineScope {
            val started = CompletableDeferred<Unit>()
            val job = launch { flowOf(slow).collect { started.complete(Unit); delay(10) } }
            started.await()
            job.cancelAndJoin()
        }
        check(slow.closed) { "closed after cancellation" }
        val readThen = slow.read
        delay(50)
        checkEq(slow.read, readThen, "no reads after cancellation")
    }

    @Test
    @DisplayName("listFlow: cold, every record once, take(n) reads few pages and stops the read-ahead")
    fun listFlowIsColdAndTakeStopsReading() = suspendTest {
        Sandbox.start("--employees", "50", "--days", "10").use { sb ->
            CountingProxy(sb.url).use { proxy ->
                val tx = clientOf(proxy.url, pageSize = 50, concurrency = 4).transactions()
                val flow = tx.listFlow()
                checkEq(proxy.settled(PUNCHES), 0, "no request before the flow is collected")

                val ten = flow.take(120).toList()
                checkEq(ten.size, 120, "take(120)")
                val afterTake = proxy.settled(PUNCHES)
                // 3 pages needed; the core reads up to 4 ahead of the one being read.
                check(afterTake in 3..8) { "take(120) of 50-record pages made $afterTake page requests" }
                delay(500)
                checkEq(proxy.count(PUNCHES), afterTake, "page requests after the collection ended")

                val total = tx.page(1).count
                check(total > 1500) { "$total punches" }
                val all = flow.map { it.id }.toList()
                checkEq(all.size.toLong(), total, "collected again: the whole list")
                checkEq(all.toSet().size, all.size, "every record once")
                checkEq(all, tx.list().map { it.id }, "the same records as list()")
                checkEq(tx.pages().count().toLong(), (total + 49) / 50, "pages")
            }
        }
    }

    @Test
    @DisplayName("pages: cancelling the collecting coroutine stops the reads")
    fun cancellingTheCollectorStopsTheReads() = suspendTest {
        Sandbox.start("--employees", "50", "--days", "10").use { sb ->
            CountingProxy(sb.url).use { proxy ->
                val tx = clientOf(proxy.url, pageSize = 20, concurrency = 4).transactions()
                coroutineScope {
                    val twoPages = CompletableDeferred<Unit>()
                    var seen = 0
                    val job = launch {
                        tx.pages().collect {
                            seen += 1
                            if (seen == 2) twoPages.complete(Unit)
                            delay(1_000)
                        }
                    }
                    twoPages.await()
                    job.cancelAndJoin()
                }
                val afterCancel = proxy.settled(PUNCHES)
                check(afterCancel in 2..8) { "$afterCancel page requests for 2 pages read" }
                delay(500)
                checkEq(proxy.count(PUNCHES), afterCancel, "page requests after cancellation")
            }
        }
    }

    @Test
    @DisplayName("Flow errors are ZkbioExceptions thrown by collect, not by making the flow")
    fun flowErrorsSurfaceAsExceptions() = suspendTest {
        Sandbox.start("--employees", "50", "--days", "10").use { sb ->
            val wrong = clientOf(sb.url, pageSize = 50, password = "wrong").employees()
            val flow = wrong.listFlow()
            val e = assertThrows<ZkbioException.Authentication> { flow.collect { } }
            checkEq(e.kind(), "authentication", "kind")

            // A server that goes away in the middle of a list.
            val sb2 = Sandbox.start("--employees", "50", "--days", "10")
            val tx = clientOf(sb2.url, pageSize = 20, concurrency = 1).transactions()
            var got = 0
            val mid = assertThrows<ZkbioException> {
                tx.listFlow().collect {
                    got += 1
                    if (got == 1) sb2.close()
                }
            }
            check(mid is ZkbioException.Transport || mid is ZkbioException.Timeout) { "mid-list: $mid" }
            check(got in 1..100) { "$got records before the error" }
        }
    }

    @Test
    @DisplayName("listBlocking: an Iterator of every record; close() stops it; errors are thrown")
    fun listBlockingIteratesAndCloses() {
        Sandbox.start("--employees", "30").use { sb ->
            val client = clientOf(sb.url, pageSize = 7)
            val employees = client.employees()
            val expected = runBlocking { employees.list() }
            val all = employees.listBlocking().use { it.asSequence().toList() }
            checkEq(all, expected, "the same records as list()")

            val iterator = employees.listBlocking()
            checkEq(iterator.next(), expected[0], "first")
            iterator.close()
            checkEq(iterator.hasNext(), true, "records of the page already read stay")
            checkEq(iterator.asSequence().count(), 6, "the rest of the first page, then nothing")

            val wrong = clientOf(sb.url, pageSize = 7, password = "wrong").employees().listBlocking()
            assertThrows<ZkbioException.Authentication> { wrong.hasNext() }
            checkEq(wrong.hasNext(), false, "closed after the error")
        }
    }
}
