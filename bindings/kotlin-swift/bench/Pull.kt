// One benchmark measurement per process (so peak memory is this client's alone):
//
//   java -cp zkbiotime-uniffi-release.jar:<bench classes>:<kotlin runtime>:jna.jar zkbench.PullKt \
//       sdk|sdk-sequential|get --url URL [--page-size N] [--concurrency N] [--n N]
//
// - sdk:            the SDK's full punch pull (`transactions().pager()` page after page), later
//                   pages fetched ahead by the Rust core with the client's default
//                   concurrency (or `--concurrency N`);
// - sdk-sequential: the same with concurrency 1;
// - sdk-warm:       the `sdk` pull timed after untimed ones in the same JVM (classes
//                   loaded, JIT done): what a long-running service sees. Untimed pulls run
//                   until one of them compiles for less than 50 ms (at most 20): after two,
//                   HotSpot's C2 still compiled for 0.4-0.5 s inside the timed pull, about half
//                   of its CPU. Its `cpu_s` is the timed pull's alone, and so is
//                   `sandbox_window_cpu_s`, the CPU of the sandbox whose pid
//                   `ZKBIO_BENCH_SANDBOX_PID` gives; `warmups` counts the untimed pulls and
//                   `jit_ms` is the compile time inside the timed one;
// - get:            `n` sequential `employees().get(1)` (single-call latency).
//
// Prints one JSON line `{"mode","records","wall_s","cpu_s","window_cpu_s","peak_rss_kb"}`, the
// protocol of `cargo xtask bench` (`window_cpu_s`: inside the timed part only). CPU time is
// the whole process's (JVM, JIT and GC threads and the native tokio threads), from `OperatingSystemMXBean.getProcessCpuTime()`; peak memory is
// VmHWM of /proc/self/status. Built and run by `xtask/src/bindings/kotlin-swift.rs`.
package zkbench

import kotlinx.coroutines.runBlocking
import io.github.zkbiotime.Client
import io.github.zkbiotime.ClientConfig
import io.github.zkbiotime.Secret
import java.io.File
import java.lang.management.ManagementFactory
import kotlin.system.exitProcess

private class Args(val mode: String) {
    var url = ""
    var pageSize = 1000
    var concurrency: Int? = null
    var n = 1000
}

private fun parseArgs(argv: Array<String>): Args {
    require(argv.isNotEmpty()) { "usage: Pull sdk|sdk-sequential|get --url URL" }
    val args = Args(argv[0])
    var i = 1
    while (i < argv.size) {
        val flag = argv[i]
        val value = argv.getOrNull(i + 1) ?: throw IllegalArgumentException("$flag needs a value")
        when (flag) {
            "--url" -> args.url = value
            "--page-size" -> args.pageSize = value.toInt()
            "--concurrency" -> args.concurrency = value.toInt()
            "--n" -> args.n = value.toInt()
            else -> throw IllegalArgumentException("unknown flag $flag")
        }
        i += 2
    }
    require(args.url.isNotEmpty()) { "--url is required" }
    return args
}

private fun client(args: Args, concurrency: Int?) = Client(
    ClientConfig(
        baseUrl = args.url,
        username = "admin",
        password = Secret("admin123"),
        pageSize = args.pageSize,
        // null: the core's default (4 pages at once).
        concurrency = concurrency,
    )
)

/** The full pull through the SDK: every punch converted into a `Transaction`. */
private suspend fun sdkPull(args: Args, concurrency: Int?): Long {
    client(args, concurrency).use { client ->
        client.transactions().pager().use { pager ->
            var records = 0L
            while (true) {
                val page = pager.nextPage() ?: break
                // Touch every record so the work cannot be skipped.
                for (p in page.items) if (p.empCode.isNotEmpty()) records++
            }
            return records
        }
    }
}

/** Single-call latency: `n` sequential `get`s of one employee. */
private suspend fun gets(args: Args): Long {
    client(args, 1).use { client ->
        client.login()
        val employees = client.employees()
        repeat(args.n) { employees.get(1) }
        return args.n.toLong()
    }
}

/** Peak resident memory (VmHWM) in kB. */
private fun peakRssKb(): Long =
    File("/proc/self/status").readLines()
        .firstOrNull { it.startsWith("VmHWM:") }
        ?.removePrefix("VmHWM:")?.trim()?.removeSuffix("kB")?.trim()?.toLongOrNull()
        ?: 0

/** User + system CPU seconds of the sandbox (`ZKBIO_BENCH_SANDBOX_PID`), from /proc; null without it. */
private fun sandboxCpuSeconds(): Double? {
    val pid = System.getenv("ZKBIO_BENCH_SANDBOX_PID") ?: return null
    val stat = File("/proc/$pid/stat").readText()
    val fields = stat.substringAfterLast(')').trim().split(Regex("\\s+"))
    return (fields[11].toLong() + fields[12].toLong()) / 100.0
}

/** CPU time of the whole process (all threads, native ones included), in seconds. */
private fun processCpuSeconds(): Double {
    val os = ManagementFactory.getOperatingSystemMXBean()
    if (os is com.sun.management.OperatingSystemMXBean) return os.processCpuTime / 1e9
    // Not HotSpot: the JVM's own threads only.
    val threads = ManagementFactory.getThreadMXBean()
    return threads.allThreadIds.sumOf { threads.getThreadCpuTime(it).coerceAtLeast(0) } / 1e9
}

private const val MAX_WARMUPS = 20
private const val QUIET_JIT_MS = 50

/** The JIT compilers' total time so far, in ms (`null` where the JVM does not track it). */
private fun compileMillis(): Long? =
    ManagementFactory.getCompilationMXBean()
        ?.takeIf { it.isCompilationTimeMonitoringSupported }
        ?.totalCompilationTime

/**
 * Untimed `sdk` pulls until one compiles for less than [QUIET_JIT_MS] (the JIT is done with
 * the pull's code), at most [MAX_WARMUPS]; 5 where compile time is not tracked. Returns how
 * many ran.
 */
private fun warmUp(args: Args): Int = runBlocking {
    var pulls = 0
    while (pulls < MAX_WARMUPS) {
        val before = compileMillis()
        sdkPull(args, args.concurrency)
        pulls++
        val compiled = compileMillis()?.minus(before ?: 0) ?: if (pulls < 5) Long.MAX_VALUE else 0
        if (compiled < QUIET_JIT_MS) break
    }
    pulls
}

fun main(argv: Array<String>) {
    val args = parseArgs(argv)
    val warm = args.mode == "sdk-warm"
    val warmups = if (warm) warmUp(args) else 0
    val jitAtStart = compileMillis()
    val started = System.nanoTime()
    val cpuAtStart = processCpuSeconds()
    val sandboxAtStart = sandboxCpuSeconds()
    val records = runBlocking {
        when (args.mode) {
            "sdk", "sdk-warm" -> sdkPull(args, args.concurrency)
            "sdk-sequential" -> sdkPull(args, 1)
            "get" -> gets(args)
            else -> throw IllegalArgumentException("unknown mode ${args.mode}")
        }
    }
    val wall = (System.nanoTime() - started) / 1e9
    val now = processCpuSeconds()
    val cpu = if (warm) now - cpuAtStart else now
    println(
        "{\"mode\":\"${args.mode}\",\"records\":$records,\"wall_s\":$wall," +
            "\"cpu_s\":$cpu,\"window_cpu_s\":${now - cpuAtStart},\"peak_rss_kb\":${peakRssKb()}" +
            (if (warm) ",\"warmups\":$warmups,\"jit_ms\":${compileMillis()?.minus(jitAtStart ?: 0)}" else "") +
            (if (warm && sandboxAtStart != null) ",\"sandbox_window_cpu_s\":${sandboxCpuSeconds()!! - sandboxAtStart}" else "") +
            "}"
    )
    // The native runtime's threads must not keep the JVM alive.
    exitProcess(0)
}
