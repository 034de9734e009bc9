// What the JUnit 5 tests share: sandboxes on random ports, the assertions, a two-minute
// limit per suspend test, child JVMs. Run by `mvn verify` / `cargo xtask test-kotlin`.
package kotlintests

import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import io.github.zkbiotime.Client
import io.github.zkbiotime.ClientConfig
import io.github.zkbiotime.Secret
import io.github.zkbiotime.ZkbioException
import java.io.File
import java.time.Duration
import java.util.concurrent.TimeUnit

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

/** Quick retries (`attempts` in all, the first included), so fault-injection tests finish fast. */
fun ClientConfig.quickRetries(attempts: Int = 10): ClientConfig = copy(
    retries = attempts - 1,
    retryBaseDelay = Duration.ofMillis(5),
    retryMaxDelay = Duration.ofMillis(50),
    retryBudget = Duration.ofSeconds(60),
)

class AssertionFailed(message: String) : AssertionError(message)

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
val ZkbioException.status: Int?
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

/** A test body as a coroutine, with the same two-minute limit for every test. */
fun suspendTest(body: suspend () -> Unit) {
    runBlocking { withTimeout(120_000) { body() } }
}

/**
 * Runs `main` in a new JVM on this JVM's class path with `env` (a null value removes the
 * variable); answers its exit status and its stdout and stderr, interleaved.
 */
fun runChild(main: String, env: Map<String, String?>): Pair<Int, String> {
    val java = File(System.getProperty("java.home"), "bin/java").path
    val pb = ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), main)
        .redirectErrorStream(true)
    for ((k, v) in env) {
        if (v == null) pb.environment().remove(k) else pb.environment()[k] = v
    }
    val process = pb.start()
    val output = StringBuilder()
    val reader = Thread { output.append(process.inputStream.bufferedReader().readText()) }.apply { start() }
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.destroyForcibly()
        throw AssertionFailed("$main did not finish in 90 s")
    }
    reader.join()
    return process.exitValue() to output.toString()
}

/** A client of the sandbox (or a proxy in front of it) with `pageSize` records per page. */
fun clientOf(url: String, pageSize: Int, concurrency: Int? = null, password: String = "admin123"): Client =
    Client(
        ClientConfig(
            baseUrl = url,
            username = "admin",
            password = Secret(password),
            pageSize = pageSize,
            concurrency = concurrency,
            retries = 0,
        )
    )
