// A tiny HTTP proxy in front of a sandbox that counts the requests per path prefix: how the
// paging tests see how many pages the SDK really fetched.
package kotlintests

import com.sun.net.httpserver.HttpServer
import java.net.InetSocketAddress
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicInteger

class CountingProxy(private val target: String) : AutoCloseable {
    private val upstream = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
    private val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
    private val pool = Executors.newCachedThreadPool { r -> Thread(r).apply { isDaemon = true } }
    private val counts = java.util.concurrent.ConcurrentHashMap<String, AtomicInteger>()

    /** Where clients should connect. */
    val url: String

    /** Headers java.net.http sets itself (or refuses), and hop-by-hop ones. */
    private val skipped = setOf("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding", "keep-alive")

    init {
        server.createContext("/") { exchange ->
            exchange.use {
                val path = exchange.requestURI.rawPath
                counts.computeIfAbsent(path) { AtomicInteger() }.incrementAndGet()
                val body = exchange.requestBody.readBytes()
                val request = HttpRequest.newBuilder(URI.create(target + exchange.requestURI.toString()))
                    .method(exchange.requestMethod, if (body.isEmpty()) HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofByteArray(body))
                for ((name, values) in exchange.requestHeaders) {
                    if (name.lowercase() in skipped) continue
                    values.forEach { request.header(name, it) }
                }
                val answer = try {
                    upstream.send(request.build(), HttpResponse.BodyHandlers.ofByteArray())
                } catch (e: Exception) {
                    exchange.sendResponseHeaders(502, -1)
                    return@use
                }
                for ((name, values) in answer.headers().map()) {
                    if (name.lowercase() in skipped || name.startsWith(":")) continue
                    values.forEach { exchange.responseHeaders.add(name, it) }
                }
                val bytes = answer.body()
                exchange.sendResponseHeaders(answer.statusCode(), if (bytes.isEmpty()) -1 else bytes.size.toLong())
                if (bytes.isNotEmpty()) exchange.responseBody.write(bytes)
            }
        }
        server.executor = pool
        server.start()
        url = "http://127.0.0.1:${server.address.port}"
    }

    /** Requests so far whose path starts with `prefix`. */
    fun count(prefix: String): Int = counts.filterKeys { it.startsWith(prefix) }.values.sumOf { it.get() }

    override fun close() {
        server.stop(0)
        pool.shutdownNow()
    }
}
