// A small test harness (no JUnit: Maven Central is out of reach): named suspend tests, each
// with a time limit, and a closing "N passed, N failed" line. Run by `cargo xtask test`.
package kotlintests

import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import zkbiotime.Client
import zkbiotime.ClientConfig
import zkbiotime.RetryPolicy
import zkbiotime.Secret
import zkbiotime.ZkbioException
import java.time.Duration
import kotlin.system.exitProcess

/** A `zkbiotime-sandbox` process on a random loopback port, stopped by `close()`. */
class Sandbox private constructor(private val process: Process, val url: String) : AutoCloseable {
    companion object {
        private val running = java.util.Collections.synchronizedList(mutableListOf<Process>())

        init {
            Runtime.getRuntime().addShutdownHook(Thread { running.toList().forEach { it.destroyForcibly() } })
        }

        fun start(vararg args: String): Sandbox {
            val bin = System.getenv("ZKBIO_SANDBOX_BIN") ?: error("set ZKBIO_SANDBOX_BIN to the sandbox binary")
            val process = ProcessBuilder(listOf(bin, "--listen", "127.0.0.1:0") + args)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start()
            running += process
            val out = process.inputStream.bufferedReader()
            val first = out.readLine() ?: error("the sandbox exited before announcing its address")
            check(first.startsWith("listening on ")) { "unexpected first line: $first" }
            // Keep reading so the sandbox never blocks on a full pipe.
            Thread { out.lineSequence().forEach { } }.apply { isDaemon = true }.start()
            return Sandbox(process, first.removePrefix("listening on ").trim())
        }
    }

    /** A client logging in as the sandbox's admin; `configure` changes the config. */
    fun client(configure: (ClientConfig) -> ClientConfig = { it }): Client =
        Client(configure(ClientConfig(baseUrl = url, username = "admin", password = Secret("admin123"))))

    override fun close() {
        process.destroy()
        process.waitFor()
        running -= process
    }
}

/** Quick retries, so fault-injection tests finish fast. */
val quickRetries = RetryPolicy(
    maxAttempts = 10u,
    baseDelay = Duration.ofMillis(5),
    maxDelay = Duration.ofMillis(50),
    budget = Duration.ofSeconds(60),
)

class AssertionFailed(message: String) : Exception(message)

fun check(condition: Boolean, message: () -> String = { "check failed" }) {
    if (!condition) throw AssertionFailed(message())
}

fun <T> checkEq(actual: T, expected: T, what: String = "value") {
    if (actual != expected) throw AssertionFailed("$what: expected <$expected>, got <$actual>")
}

/** Runs `block`, which must throw a `T`; returns it. */
inline fun <reified T : Throwable> assertThrows(block: () -> Unit): T {
    try {
        block()
    } catch (e: Throwable) {
        if (e is T) return e
        throw AssertionFailed("expected ${T::class.simpleName}, got $e")
    }
    throw AssertionFailed("expected ${T::class.simpleName}, nothing was thrown")
}

/** The fields every `ZkbioException` variant carries, whatever the variant. */
val ZkbioException.status: UShort?
    get() = when (this) {
        is ZkbioException.Authentication -> status
        is ZkbioException.LoginCooldown -> status
        is ZkbioException.Permission -> status
        is ZkbioException.Licence -> status
        is ZkbioException.NotFound -> status
        is ZkbioException.BadRequest -> status
        is ZkbioException.Server -> status
        is ZkbioException.Transport -> status
        is ZkbioException.Timeout -> status
        is ZkbioException.UnexpectedResponse -> status
        is ZkbioException.InvalidArgument -> status
        is ZkbioException.Internal -> status
    }

val ZkbioException.detail: String
    get() = when (this) {
        is ZkbioException.Authentication -> detail
        is ZkbioException.LoginCooldown -> detail
        is ZkbioException.Permission -> detail
        is ZkbioException.Licence -> detail
        is ZkbioException.NotFound -> detail
        is ZkbioException.BadRequest -> detail
        is ZkbioException.Server -> detail
        is ZkbioException.Transport -> detail
        is ZkbioException.Timeout -> detail
        is ZkbioException.UnexpectedResponse -> detail
        is ZkbioException.InvalidArgument -> detail
        is ZkbioException.Internal -> detail
    }

private val registered = mutableListOf<Pair<String, suspend () -> Unit>>()

fun test(name: String, body: suspend () -> Unit) {
    registered += name to body
}

fun main(args: Array<String>) {
    registerAll()
    val only = args.toSet()
    var passed = 0
    var failed = 0
    val started = System.nanoTime()
    for ((name, body) in registered) {
        if (only.isNotEmpty() && name !in only) continue
        val t = System.nanoTime()
        try {
            runBlocking { withTimeout(120_000) { body() } }
            passed++
            println("ok    %-62s %6d ms".format(name, (System.nanoTime() - t) / 1_000_000))
        } catch (e: Throwable) {
            failed++
            println("FAIL  $name: $e")
            e.printStackTrace(System.out)
        }
    }
    println("kotlin tests: %.1f s".format((System.nanoTime() - started) / 1e9))
    println("$passed passed, $failed failed")
    exitProcess(if (failed == 0 && passed > 0) 0 else 1)
}
