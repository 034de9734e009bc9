// Secrets never show: a child JVM runs the client with the most verbose logging the binding
// has (ZKBIOTIME_LOG=trace: the core's `tracing` logs on stderr) through a password login,
// JWT, a static token, an employee create (its answer holds a `self_password` hash), a bad
// token and a wrong password, and prints `toString()` of the configs, clients, records and
// exceptions, every exception's message, detail, field errors and stack trace. Nothing it
// writes may hold the password, a token (the login token included), the device password
// or the hash. The twin of bindings/node/test/secrets.test.mjs.
package kotlintests

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test
import io.github.zkbiotime.*
import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.security.SecureRandom

class SecretsTest {
    @Test
    @DisplayName("no password, token or hash in trace logs, toString or exception texts")
    fun noSecretInLogsOrTexts() = suspendTest {
        val password = "Pw-${randomHex(9)}"
        val secrets = ChildSecrets(
            password = password,
            wrongPassword = "Wrong-${randomHex(9)}",
            token = randomHex(20),
            wrongToken = randomHex(20),
            devicePassword = (100000 + SecureRandom().nextInt(900000)).toString(),
        )
        Sandbox.start("--password", password, "--static-token", secrets.token).use { sb ->
            val hashFile = File.createTempFile("zkbio-secrets-", ".hash")
            try {
                val (code, output) = runChild(
                    "kotlintests.SecretsChild",
                    mapOf("ZKBIOTIME_LOG" to "trace", "ZKBIO_SECRETS_HASH_FILE" to hashFile.path) +
                        secrets.env(sb.url),
                )
                // The DRF token the password login got (the server keeps one per user).
                val loginToken = loginToken(sb.url, password)
                val hash = hashFile.readText()
                val known = mapOf(
                    "password" to secrets.password,
                    "wrong password" to secrets.wrongPassword,
                    "static token" to secrets.token,
                    "wrong token" to secrets.wrongToken,
                    "login token" to loginToken,
                    "device password" to secrets.devicePassword,
                    "password hash" to hash,
                    // The digest alone (the last part of `algorithm$iterations$salt$digest`).
                    "password hash digest" to hash.substringAfterLast('$'),
                )
                check(code == 0) { "child failed ($code):\n${mask(output, known.values).takeLast(4000)}" }
                check(hash.length > 10) { "the create answer held a password hash" }
                for ((what, secret) in known) {
                    check(secret.length >= 6) { "$what is long enough to search for" }
                    val at = output.indexOf(secret)
                    check(at < 0) {
                        val around = output.substring(maxOf(0, at - 200), minOf(output.length, at + secret.length + 200))
                        "the $what appears in the output:\n${around.replace(secret, "<SECRET>")}"
                    }
                }
                // The run did what it says: it logged at trace level and printed everything.
                for (expected in listOf(
                    "child done", "zkbiotime login succeeded", "zkbiotime response", "TRACE", "zkbiotime",
                    "***", "authentication", "login_cooldown", "invalid_argument", "bad_request",
                )) {
                    check(expected in output) { "the output lacks \"$expected\":\n${mask(output, known.values).takeLast(3000)}" }
                }
            } finally {
                hashFile.delete()
            }
        }
    }

    @Test
    @DisplayName("without ZKBIOTIME_LOG nothing is logged; a bad value is reported and ignored")
    fun logSwitch() = suspendTest {
        Sandbox.start().use { sb ->
            val quiet = runChild("kotlintests.LogChild", mapOf("ZKBIOTIME_LOG" to null, "ZKBIO_URL" to sb.url))
            checkEq(quiet.first, 0, "quiet exit status")
            checkEq(quiet.second.trim(), "got 1", "quiet output")
            val some = runChild("kotlintests.LogChild", mapOf("ZKBIOTIME_LOG" to "zkbiotime=debug", "ZKBIO_URL" to sb.url))
            checkEq(some.first, 0, "debug exit status")
            check("zkbiotime response" in some.second && "TRACE" !in some.second) { some.second }
            val bad = runChild("kotlintests.LogChild", mapOf("ZKBIOTIME_LOG" to "zkbiotime=loud", "ZKBIO_URL" to sb.url))
            checkEq(bad.first, 0, "bad filter exit status")
            check("ignoring ZKBIOTIME_LOG" in bad.second && "got 1" in bad.second) { bad.second }
            check("DEBUG" !in bad.second) { bad.second }
        }
    }
}

private class ChildSecrets(
    val password: String,
    val wrongPassword: String,
    val token: String,
    val wrongToken: String,
    val devicePassword: String,
) {
    fun env(url: String): Map<String, String> = mapOf(
        "ZKBIO_URL" to url,
        "ZKBIO_SECRETS_PASSWORD" to password,
        "ZKBIO_SECRETS_WRONG_PASSWORD" to wrongPassword,
        "ZKBIO_SECRETS_TOKEN" to token,
        "ZKBIO_SECRETS_WRONG_TOKEN" to wrongToken,
        "ZKBIO_SECRETS_DEVICE_PASSWORD" to devicePassword,
    )
}

private fun randomHex(bytes: Int): String {
    val b = ByteArray(bytes)
    SecureRandom().nextBytes(b)
    return b.joinToString("") { "%02x".format(it) }
}

private fun mask(text: String, secrets: Collection<String>): String =
    secrets.filter { it.isNotEmpty() }.fold(text) { acc, s -> acc.replace(s, "<SECRET>") }

/** A plain `POST /api-token-auth/`: the token the server keeps for the admin. */
private fun loginToken(url: String, password: String): String {
    val body = """{"username": "admin", "password": "$password"}"""
    val request = HttpRequest.newBuilder(URI.create("${url.trimEnd('/')}/api-token-auth/"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build()
    val response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString())
    checkEq(response.statusCode(), 200, "login status")
    val token = Regex("\"token\"\\s*:\\s*\"([^\"]+)\"").find(response.body())?.groupValues?.get(1)
    check(token != null && token.length >= 20) { "no token in the login answer" }
    return token!!
}

/** The child of the secrets test: everything a user might print, with trace logs on. */
object SecretsChild {
    private fun env(name: String) = System.getenv(name) ?: error("$name is not set")

    private fun show(label: String, v: Any?) {
        println("--- $label")
        println(v)
        System.err.println(v)
        println("$label: $v")
        if (v is ZkbioException) {
            println(v.message)
            println(v.localizedMessage)
            println(v.detail)
            println(v.kind())
            println(
                when (v) {
                    is ZkbioException.BadRequest -> v.fieldErrors
                    else -> ""
                }
            )
            v.printStackTrace(System.out)
            v.cause?.let { show("$label cause", it) }
        }
    }

    /** Runs `block`, which must throw a `ZkbioException`; shows it and answers its kind. */
    private suspend fun fails(label: String, block: suspend () -> Any?): String {
        try {
            block()
        } catch (e: ZkbioException) {
            show(label, e)
            return e.kind()
        }
        error("$label did not fail")
    }

    @JvmStatic
    fun main(args: Array<String>) = runBlocking {
        val url = env("ZKBIO_URL")
        val password = Secret(env("ZKBIO_SECRETS_PASSWORD"))
        val devicePassword = Secret(env("ZKBIO_SECRETS_DEVICE_PASSWORD"))

        // Password login (DRF token), reads, an employee create, update and upsert.
        val config = ClientConfig(baseUrl = url, username = "admin", password = password)
        show("password config", config)
        val client = Client(config)
        client.login()
        show("password client", client)
        show("employee 1", client.employees().get(1))
        val created = client.employees().create(
            EmployeeCreate(
                empCode = "secret-1", firstName = "Secret", department = 1, area = listOf(1L),
                devicePassword = devicePassword, extra = mapOf("Primary Job" to "\"Keeper\""),
            )
        )
        // The hash goes to the parent through a file, never through the output.
        File(env("ZKBIO_SECRETS_HASH_FILE")).writeText(created.selfPassword?.expose() ?: "")
        show("created", created)
        show("self_password", created.selfPassword)
        show("device_password", created.devicePassword)
        val id = created.id ?: error("no id")
        show("updated", client.employees().update(id, EmployeeUpdate(devicePassword = devicePassword)))
        show("read back", client.employees().get(id))
        show(
            "upserted",
            client.employees().upsert(
                EmployeeCreate(empCode = "secret-1", department = 1, area = listOf(1L), devicePassword = devicePassword)
            ),
        )
        show("list", client.employees().list(EmployeeFilter(empCode = "secret-1")))
        fails("duplicate") {
            client.employees().create(
                EmployeeCreate(empCode = "secret-1", department = 1, area = listOf(1L), devicePassword = devicePassword)
            )
        }

        // JWT login with the same password.
        val jwt = Client(config.copy(jwt = true))
        show("jwt terminal", jwt.terminals().get(1))
        show("jwt client", jwt)

        // A static token, then a wrong one.
        val tokenConfig = ClientConfig(baseUrl = url, token = Secret(env("ZKBIO_SECRETS_TOKEN")))
        show("token config", tokenConfig)
        val tokenClient = Client(tokenConfig)
        show("token client", tokenClient)
        show("terminal", tokenClient.terminals().get(1))
        show("sync", tokenClient.transactions().sync(null, 5))
        val badToken = Client(ClientConfig(baseUrl = url, token = Secret(env("ZKBIO_SECRETS_WRONG_TOKEN"))))
        show("bad token client", badToken)
        fails("wrong token") { badToken.terminals().get(1) }

        // A wrong password, then the cool-down.
        val wrongConfig = ClientConfig(baseUrl = url, username = "admin", password = Secret(env("ZKBIO_SECRETS_WRONG_PASSWORD")))
        show("wrong password config", wrongConfig)
        val wrong = Client(wrongConfig)
        val first = fails("wrong password") { wrong.employees().get(1) }
        val second = fails("cool-down") { wrong.login() }
        check(first == "authentication" && second == "login_cooldown") { "unexpected errors: $first, $second" }

        // A configuration the client refuses: the message names the problem, not the values.
        fails("token and password") {
            Client(ClientConfig(baseUrl = url, token = Secret(env("ZKBIO_SECRETS_TOKEN")), username = "admin", password = password))
        }
        println("child done")
    }
}

/** The child of the logging switch test: one `get`, whatever `ZKBIOTIME_LOG` says. */
object LogChild {
    @JvmStatic
    fun main(args: Array<String>) = runBlocking {
        val c = Client(ClientConfig(baseUrl = System.getenv("ZKBIO_URL"), username = "admin", password = Secret("admin123")))
        println("got ${c.employees().get(1).empCode}")
    }
}
