// The Kotlin runner of the cross-language scenarios (tests/scenarios/README.md):
// `Scenarios MANIFEST RESULTS`. Replays every step of each scenario and writes each step's
// outcome to RESULTS (JSON lines); it checks nothing: `cargo xtask scenarios` applies the
// expectations. Scenario fields use the API's snake_case names; they are mapped onto the
// binding's data classes (camelCase) by reflection, names the spec does not know going to
// `extra` as JSON text, exactly as a Kotlin caller would write them.
package kotlinscenarios

import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import io.github.zkbiotime.*
import java.io.File
import java.io.Writer
import java.time.Duration
import kotlin.reflect.KClass
import kotlin.reflect.KType
import kotlin.reflect.full.memberProperties
import kotlin.reflect.full.primaryConstructor
import kotlin.system.exitProcess

typealias Obj = Map<String, Any?>

/** A fault of this runner (not an outcome of the API): kind `runner`. */
class RunnerFault(message: String) : Exception(message)

/** A name the binding's type cannot hold. In Kotlin source this would not even compile. */
class NotExpressible(message: String) : Exception(message)

/** A `"$name"` in `fields` that no earlier step saved (the Rust runner's invalid_argument). */
class NoSavedId(message: String) : Exception(message)

/** A whole string `"$name"` in `fields`: the id saved as `name`. */
val savedRef = Regex("""\$([A-Za-z_][A-Za-z0-9_]*)""")

/** `fields` with every `"$name"` (at any depth, lists included) as the saved id. */
fun substitute(value: Any?, saved: Map<String, Long>): Any? = when (value) {
    is String -> savedRef.matchEntire(value)?.let { m ->
        saved[m.groupValues[1]] ?: throw NoSavedId("no saved id $value")
    } ?: value
    is List<*> -> value.map { substitute(it, saved) }
    is Map<*, *> -> value.entries.associate { (k, v) -> k as String to substitute(v, saved) }
    else -> value
}

fun snake(camel: String): String = camel.replace(Regex("([A-Z])")) { "_" + it.value.lowercase() }

/** JSON object (API names) -> data class `cls`; unknown names go to `extra` if it has one. */
fun <T : Any> build(cls: KClass<T>, json: Obj): T {
    val ctor = cls.primaryConstructor ?: error("${cls.simpleName} has no constructor")
    val params = ctor.parameters.associateBy { snake(it.name!!) }
    val args = HashMap<kotlin.reflect.KParameter, Any?>()
    val extra = LinkedHashMap<String, String>()
    for ((key, value) in json) {
        val p = params[key]
        if (p == null || key == "extra") {
            if ("extra" !in params) throw NotExpressible("${cls.simpleName} has no field `$key`")
            extra[key] = Json.write(value)
            continue
        }
        args[p] = convert(value, p.type)
    }
    params["extra"]?.let { args[it] = extra }
    return ctor.callBy(args)
}

fun convert(v: Any?, type: KType): Any? {
    if (v == null) return null
    val cls = type.classifier as KClass<*>
    return when (cls) {
        String::class -> v as String
        Long::class -> (v as Number).toLong()
        Int::class -> (v as Number).toInt()
        UInt::class -> (v as Number).toLong().toUInt()
        Double::class -> (v as Number).toDouble()
        Boolean::class -> v as Boolean
        Secret::class -> Secret(v as String)
        List::class -> (v as List<*>).map { convert(it, type.arguments[0].type!!) }
        else -> if (cls.java.isEnum) {
            // The spec's enums (orderings, export types): `-field` is FIELD_DESC.
            val w = v as String
            val name = w.removePrefix("-").uppercase() + if (w.startsWith("-")) "_DESC" else ""
            cls.java.enumConstants.firstOrNull { (it as Enum<*>).name == name }
                ?: throw NotExpressible("$w is not a ${cls.simpleName}")
        } else {
            throw NotExpressible("cannot build ${cls.simpleName} from $v")
        }
    }
}

/** A record (data class) -> JSON-like map with API names; `extra` entries parsed in. */
fun view(record: Any?): Any? = when (record) {
    null, is String, is Boolean, is Long, is Double -> record
    is Number -> record.toLong()
    is UInt -> record.toLong()
    is UShort -> record.toLong()
    is List<*> -> record.map { view(it) }
    is Secret -> "***"
    is Enum<*> -> record.name
    else -> {
        val out = LinkedHashMap<String, Any?>()
        var extra: Map<*, *> = emptyMap<String, String>()
        for (prop in record::class.memberProperties) {
            val value = prop.getter.call(record)
            if (prop.name == "extra") extra = value as Map<*, *> else out[snake(prop.name)] = view(value)
        }
        // After the typed fields (reflection order is alphabetical): a value no rule read is
        // kept in `extra` under the field's own name while the typed field is null.
        extra.forEach { (k, text) -> out[k as String] = Json.parse(text as String) }
        out
    }
}

class PageView(val count: Long, val items: Int, val hasNext: Boolean)

class Resource(
    val get: suspend (Long) -> Any,
    val list: suspend (Obj) -> List<Any>,
    val page: suspend (Obj, Long) -> PageView,
    val create: suspend (Obj) -> Any = { throw NotExpressible("read-only resource") },
    val update: suspend (Long, Obj) -> Any = { _, _ -> throw NotExpressible("read-only resource") },
    val delete: suspend (Long) -> Unit = { throw NotExpressible("read-only resource") },
    val upsert: suspend (Obj) -> Pair<Boolean, Any> = { throw NotExpressible("read-only resource") },
    /** The spec's x-actions by method name: body (API names) -> the answer's JSON text. */
    val actions: Map<String, suspend (Obj) -> String> = emptyMap(),
)

// `resources(c)`: the table of every resource, generated from the spec (Resources.generated.kt).

fun client(url: String, options: Obj): Client {
    val auth = options["auth"] as String? ?: "password"
    var config = when (auth) {
        "password" -> ClientConfig(baseUrl = url, username = "admin", password = Secret("admin123"))
        "jwt" -> ClientConfig(baseUrl = url, username = "admin", password = Secret("admin123"), jwt = true)
        "wrong_password" -> ClientConfig(baseUrl = url, username = "admin", password = Secret("not-the-password"))
        "token" -> ClientConfig(baseUrl = url, token = Secret(options["token"] as String))
        "basic", "staff_token", "staff_jwt" -> ClientConfig(baseUrl = url, username = "admin", password = Secret("admin123"), auth = auth)
        else -> throw RunnerFault("unknown auth $auth")
    }
    (options["page_size"] as Long?)?.let { config = config.copy(pageSize = it.toInt()) }
    (options["retries"] as Long?)?.let {
        config = config.copy(
            retries = maxOf(it.toInt() - 1, 0), retryBaseDelay = Duration.ofMillis(5),
            retryMaxDelay = Duration.ofMillis(50), retryBudget = Duration.ofSeconds(120),
        )
    }
    (options["timeout_s"] as Number?)?.let {
        val t = Duration.ofMillis((it.toDouble() * 1000).toLong())
        config = config.copy(connectTimeout = t, timeout = t)
    }
    (options["strict"] as Boolean?)?.let { config = config.copy(strict = it) }
    return Client(config)
}

/**
 * The scenario's client (built once, for the steps without `"client"`), the previous step's
 * (`"client": "same"`), the saved ids, the sync states.
 */
class Run(val url: String, val base: Obj) {
    val scenarioClient by lazy { client(url, base) }
    var current: Client? = null
    val saved = HashMap<String, Long>()
    val states = HashMap<String, String?>()

    /** Runs one step (its client, the call, the id to save) and returns its result. */
    @Suppress("UNCHECKED_CAST")
    suspend fun step(step: Obj): Any? {
        val c = when (val opt = step["client"]) {
            "same" -> current ?: scenarioClient
            is Map<*, *> -> client(url, base + (opt as Obj))
            else -> scenarioClient
        }
        current = c
        val value = perform(c, step, saved, states)
        // An upsert's record is inside its result.
        val record = if (step["op"] == "upsert") (value as Obj)["record"] else value
        val id = (record as? Map<*, *>)?.get("id") as? Number
        (step["save"] as? String)?.let { name -> id?.let { saved[name] = it.toLong() } }
        return value
    }
}

/** A step's outcome as the checker reads it. */
suspend fun outcome(run: Run, step: Obj): Map<String, Any?> = try {
    mapOf("ok" to true, "result" to run.step(step))
} catch (e: ZkbioException) {
    val (status, fields) = statusAndFields(e)
    failed(e.kind(), status, fields, e.toString())
} catch (e: NotExpressible) {
    // An unknown name cannot be written in Kotlin (compile error); as data, it is the
    // binding's invalid_argument.
    failed("invalid_argument", null, emptyMap(), e.message ?: "")
} catch (e: NoSavedId) {
    failed("invalid_argument", null, emptyMap(), e.message ?: "")
} catch (e: Throwable) {
    failed("runner", null, emptyMap(), e.toString())
}

fun failed(kind: String, status: Long?, fields: Map<String, List<String>>, detail: String) = mapOf(
    "ok" to false,
    "error" to mapOf("kind" to kind, "status" to status, "detail" to detail, "field_errors" to fields),
)

@Suppress("UNCHECKED_CAST")
suspend fun runScenario(name: String, scenario: Obj, url: String, out: Writer) {
    val run = Run(url, scenario["client"] as Obj? ?: emptyMap())
    val steps = scenario["steps"] as List<Obj>? ?: emptyList()
    for ((index, step) in steps.withIndex()) {
        val line = mapOf("scenario" to name, "step" to (index + 1).toLong()) + outcome(run, step)
        out.write(Json.write(line) + "\n")
        out.flush()
    }
    System.err.println("kotlin $name: ${steps.size} steps run")
}

fun statusAndFields(e: ZkbioException): Pair<Long?, Map<String, List<String>>> = when (e) {
    is ZkbioException.Authentication -> e.status?.toLong() to e.fieldErrors
    is ZkbioException.LoginCooldown -> e.status?.toLong() to e.fieldErrors
    is ZkbioException.Permission -> e.status?.toLong() to e.fieldErrors
    is ZkbioException.Licence -> e.status?.toLong() to e.fieldErrors
    is ZkbioException.NotFound -> e.status?.toLong() to e.fieldErrors
    is ZkbioException.BadRequest -> e.status?.toLong() to e.fieldErrors
    is ZkbioException.Server -> e.status?.toLong() to e.fieldErrors
    is ZkbioException.Transport -> e.status?.toLong() to e.fieldErrors
    is ZkbioException.Timeout -> e.status?.toLong() to e.fieldErrors
    is ZkbioException.UnexpectedResponse -> e.status?.toLong() to e.fieldErrors
    is ZkbioException.InvalidArgument -> e.status?.toLong() to e.fieldErrors
    is ZkbioException.Internal -> e.status?.toLong() to e.fieldErrors
}

@Suppress("UNCHECKED_CAST")
suspend fun perform(c: Client, step: Obj, saved: Map<String, Long>, states: MutableMap<String, String?>): Any? {
    val op = step["op"] as String
    if (op == "sync") {
        val name = step["state"] as String? ?: "default"
        var state = states[name]
        var since = if (state == null) step["since"] as String? else null
        var new = 0
        do {
            val batch = c.transactions().sync(state, since = since)
            since = null
            new += batch.punches.size
            state = batch.state
        } while (!batch.complete)
        states[name] = state
        return mapOf("new" to new.toLong())
    }
    val filters = step["filters"] as Obj? ?: emptyMap()
    when (op) {
        "report" -> {
            val params = (step["params"] as Obj? ?: emptyMap()).mapValues { (_, v) -> v as? String ?: Json.write(v) }
            return c.reportFlow(step["name"] as String? ?: "", params).toList().map { row -> row.mapValues { (_, text) -> Json.parse(text) } }
        }
        "directions" -> {
            val punches = c.transactions().list(build(TransactionFilter::class, filters))
            @Suppress("UNCHECKED_CAST")
            val found = directions(punches, step["by"] as String? ?: "state", step["terminals"] as Map<String, String>?)
            return mapOf("in" to found.count { it == "in" }.toLong(), "out" to found.count { it == "out" }.toLong(), "none" to found.count { it == null }.toLong())
        }
        "export" -> {
            val dir = kotlin.io.path.createTempDirectory("zkbiotime-scenario-").toFile()
            try {
                val file = File(dir, "export")
                val format = TransactionExportType.valueOf((step["format"] as String? ?: "csv").uppercase())
                val bytes = c.transactions().exportFile(file.path, format, build(TransactionFilter::class, filters))
                val lines = file.readText().split("\n").map { it.trim() }.filter { it.isNotEmpty() }
                return mapOf("bytes" to bytes, "lines" to lines.size.toLong(), "header" to lines.firstOrNull())
            } finally {
                dir.deleteRecursively()
            }
        }
    }
    val r = resources(c)[step["resource"] as String?] ?: throw NotExpressible("unknown resource ${step["resource"]}")
    val id = when (val raw = step["id"]) {
        null -> 0L
        is String -> saved[raw.removePrefix("$")] ?: throw NoSavedId("no saved id $raw")
        else -> (raw as Number).toLong()
    }
    val fields = substitute(step["fields"] as Obj? ?: emptyMap<String, Any?>(), saved) as Obj
    return when (op) {
        "get" -> view(r.get(id))
        "list" -> r.list(filters).map { view(it) }
        "page" -> r.page(filters, (step["page"] as Number? ?: 1L).toLong()).let {
            mapOf("count" to it.count, "items" to it.items.toLong(), "has_next" to it.hasNext)
        }
        "create" -> view(r.create(fields))
        "update" -> view(r.update(id, fields))
        "delete" -> r.delete(id).let { null }
        "action" -> {
            val action = step["action"] as String? ?: ""
            val call = r.actions[action] ?: throw NotExpressible("no action $action on ${step["resource"]}")
            Json.parse(call(fields))
        }
        "upsert" -> r.upsert(fields).let { (created, record) -> mapOf("created" to created, "record" to view(record)) }
        else -> throw NotExpressible("unknown op $op")
    }
}

fun main(args: Array<String>) {
    require(args.size == 2) { "usage: Scenarios MANIFEST RESULTS" }
    @Suppress("UNCHECKED_CAST")
    val manifest = Json.parse(File(args[0]).readText()) as List<Obj>
    File(args[1]).bufferedWriter().use { out ->
        for (entry in manifest) {
            val file = entry["scenario"] as String
            val scenario = try {
                @Suppress("UNCHECKED_CAST")
                Json.parse(File(file).readText()) as Obj
            } catch (e: Exception) {
                out.write(Json.write(mapOf("scenario" to file, "error" to "$file: $e")) + "\n")
                continue
            }
            val name = scenario["name"] as String? ?: file
            runBlocking { runScenario(name, scenario, entry["url"] as String, out) }
        }
    }
    exitProcess(0)
}
