// Hand-written Kotlin shipped with the binding (a second source root of the pom): what the
// generated paging extensions (generated/Paging.kt, `cargo xtask codegen`) are made of.
package io.github.zkbiotime

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.transform
import kotlinx.coroutines.runBlocking

/**
 * The pages of a pager as a cold [Flow]: [open] makes the pager when the flow is collected
 * (so every collection reads the list again), [next] reads a page (`null` after the last).
 * The pager is closed however the collection ends: after the last page, on an error, when
 * the collector stops early (`take(n)`, `first()`) or when its coroutine is cancelled;
 * closing it drops the core's page stream, and with it the pages it was fetching ahead.
 */
internal fun <P : AutoCloseable, Page : Any> pagesOf(open: () -> P, next: suspend (P) -> Page?): Flow<Page> =
    flow {
        open().use { pager ->
            while (true) {
                val page = next(pager) ?: break
                emit(page)
            }
        }
    }

/**
 * The records of a list for Java (and any blocking caller): an [Iterator] that reads one
 * page at a time, blocking the calling thread. It holds a pager: close it when leaving
 * early, best with try-with-resources:
 *
 * ```java
 * try (BlockingIterator<Employee> employees = Paging.listBlocking(client.employees())) {
 *     while (employees.hasNext()) { Employee e = employees.next(); ... }
 * } catch (ZkbioException e) { ... }
 * ```
 *
 * (Not also an `Iterable`: in Kotlin that would make `asSequence()` and the like ambiguous;
 * Java's for-each takes `Iterable<Employee> all = () -> employees;`.)
 *
 * Reaching the end or an error closes it too. Errors are the `ZkbioException`s of the
 * suspend API, thrown by `hasNext()` / `next()`. Not thread-safe: one reader.
 */
class BlockingIterator<T> internal constructor(
    private val pager: AutoCloseable,
    private val nextItems: suspend () -> List<T>?,
) : Iterator<T>, AutoCloseable {
    private var items: Iterator<T> = emptyList<T>().iterator()
    private var closed = false

    override fun hasNext(): Boolean {
        while (!items.hasNext()) {
            if (closed) return false
            val page = try {
                runBlocking { nextItems() }
            } catch (e: Throwable) {
                close()
                throw e
            }
            if (page == null) {
                close()
                return false
            }
            items = page.iterator()
        }
        return true
    }

    override fun next(): T {
        if (!hasNext()) throw NoSuchElementException("no more records")
        return items.next()
    }

    /** Closes the pager (no further page is read); records already read stay readable. */
    override fun close() {
        if (!closed) {
            closed = true
            pager.close()
        }
    }
}

/**
 * Every row of the attendance report `name` (`/att/api/<name>/`) with its `params`, as a
 * cold [Flow]: each row maps a column to its value's JSON text. See [Client.reportPager].
 */
fun Client.reportFlow(name: String, params: Map<String, String> = emptyMap()): Flow<Map<String, String>> =
    pagesOf({ reportPager(name, params) }, { it.nextPage() }).transform { page -> page.rows.forEach { emit(it) } }
