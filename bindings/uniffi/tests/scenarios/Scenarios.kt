// The Kotlin runner of the cross-language scenarios (tests/scenarios/README.md):
// `Scenarios MANIFEST RESULTS`. Scenario fields use the API's snake_case names; they are
// mapped onto the binding's data classes (camelCase) by reflection, names the spec does not
// know going to `extra` as JSON text, exactly as a Kotlin caller would write them.
package kotlinscenarios

import kotlinx.coroutines.runBlocking
import zkbiotime.*
import java.io.File
import java.time.Duration
import kotlin.reflect.KClass
import kotlin.reflect.KType
import kotlin.reflect.full.memberProperties
import kotlin.reflect.full.primaryConstructor
import kotlin.system.exitProcess

typealias Obj = Map<String, Any?>

class StepFailed(message: String) : Exception(message)

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
        TransactionOrdering::class -> {
            val w = v as String
            val name = w.removePrefix("-").uppercase() + if (w.startsWith("-")) "_DESC" else ""
            TransactionOrdering.valueOf(name)
        }
        else -> throw NotExpressible("cannot build ${cls.simpleName} from $v")
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

fun same(a: Any?, b: Any?): Boolean = when {
    a is Number && b is Number -> a.toDouble() == b.toDouble()
    a is List<*> && b is List<*> -> a.size == b.size && a.indices.all { same(a[it], b[it]) }
    else -> a == b
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

fun resources(c: Client): Map<String, Resource> = mapOf(
    "employees" to c.employees().let { r ->
        Resource(
            get = { r.get(it) },
            list = { r.list(build(EmployeeFilter::class, it)) },
            page = { f, n -> r.page(n, build(EmployeeFilter::class, f)).let { PageView(it.count, it.items.size, it.hasNext) } },
            create = { r.create(build(EmployeeCreate::class, it)) },
            update = { id, f -> r.update(id, build(EmployeeUpdate::class, f)) },
            delete = { r.delete(it) },
            upsert = { f -> r.upsert(build(EmployeeCreate::class, f)).let { it.created to it.record } },
        )
    },
    "departments" to c.departments().let { r ->
        Resource(
            get = { r.get(it) },
            list = { r.list(build(DepartmentFilter::class, it)) },
            page = { f, n -> r.page(n, build(DepartmentFilter::class, f)).let { PageView(it.count, it.items.size, it.hasNext) } },
            create = { r.create(build(DepartmentCreate::class, it)) },
            update = { id, f -> r.update(id, build(DepartmentUpdate::class, f)) },
            delete = { r.delete(it) },
            upsert = { f -> r.upsert(build(DepartmentCreate::class, f)).let { it.created to it.record } },
        )
    },
    "areas" to c.areas().let { r ->
        Resource(
            get = { r.get(it) },
            list = { r.list(build(AreaFilter::class, it)) },
            page = { f, n -> r.page(n, build(AreaFilter::class, f)).let { PageView(it.count, it.items.size, it.hasNext) } },
            create = { r.create(build(AreaCreate::class, it)) },
            update = { id, f -> r.update(id, build(AreaUpdate::class, f)) },
            delete = { r.delete(it) },
            upsert = { f -> r.upsert(build(AreaCreate::class, f)).let { it.created to it.record } },
        )
    },
    "positions" to c.positions().let { r ->
        Resource(
            get = { r.get(it) },
            list = { r.list(build(PositionFilter::class, it)) },
            page = { f, n -> r.page(n, build(PositionFilter::class, f)).let { PageView(it.count, it.items.size, it.hasNext) } },
            create = { r.create(build(PositionCreate::class, it)) },
            update = { id, f -> r.update(id, build(PositionUpdate::class, f)) },
            delete = { r.delete(it) },
            upsert = { f -> r.upsert(build(PositionCreate::class, f)).let { it.created to it.record } },
        )
    },
    "resigns" to c.resigns().let { r ->
        Resource(
            get = { r.get(it) },
            list = { r.list(build(ResignFilter::class, it)) },
            page = { f, n -> r.page(n, build(ResignFilter::class, f)).let { PageView(it.count, it.items.size, it.hasNext) } },
            create = { r.create(build(ResignCreate::class, it)) },
            update = { id, f -> r.update(id, build(ResignUpdate::class, f)) },
            delete = { r.delete(it) },
            upsert = { throw NotExpressible("resigns have no upsert") },
            actions = mapOf("reinstate" to { f -> r.reinstate(build(Reinstatement::class, f)) }),
        )
    },
    "terminals" to c.terminals().let { r ->
        Resource(
            get = { r.get(it) },
            list = { r.list(build(TerminalFilter::class, it)) },
            page = { f, n -> r.page(n, build(TerminalFilter::class, f)).let { PageView(it.count, it.items.size, it.hasNext) } },
        )
    },
    "transactions" to c.transactions().let { r ->
        Resource(
            get = { r.get(it) },
            list = { r.list(build(TransactionFilter::class, it)) },
            page = { f, n -> r.page(n, build(TransactionFilter::class, f)).let { PageView(it.count, it.items.size, it.hasNext) } },
        )
    },
)

fun client(url: String, options: Obj): Client {
    val auth = options["auth"] as String? ?: "password"
    var config = when (auth) {
        "password" -> ClientConfig(baseUrl = url, username = "admin", password = Secret("admin123"))
        "jwt" -> ClientConfig(baseUrl = url, username = "admin", password = Secret("admin123"), jwt = true)
        "wrong_password" -> ClientConfig(baseUrl = url, username = "admin", password = Secret("not-the-password"))
        "token" -> ClientConfig(baseUrl = url, token = Secret(options["token"] as String))
        "basic", "staff_token", "staff_jwt" -> ClientConfig(baseUrl = url, username = "admin", password = Secret("admin123"), auth = auth)
        else -> throw StepFailed("unknown auth $auth")
    }
    (options["page_size"] as Long?)?.let { config = config.copy(pageSize = it.toUInt()) }
    (options["retries"] as Long?)?.let {
        config = config.copy(
            retry = RetryPolicy(
                maxAttempts = it.toUInt(), baseDelay = Duration.ofMillis(5),
                maxDelay = Duration.ofMillis(50), budget = Duration.ofSeconds(120),
            )
        )
    }
    (options["timeout_s"] as Number?)?.let {
        val t = Duration.ofMillis((it.toDouble() * 1000).toLong())
        config = config.copy(connectTimeout = t, requestTimeout = t)
    }
    (options["strict"] as Boolean?)?.let { config = config.copy(strict = it) }
    return Client(config)
}

/** What a step produced, for its expectations. */
sealed class Outcome {
    class Value(val value: Any?) : Outcome()
    class Failure(val kind: String, val status: Long?, val fieldErrors: Map<String, List<String>>, val text: String) : Outcome()
}

suspend fun runScenario(file: String, url: String) {
    @Suppress("UNCHECKED_CAST")
    val scenario = Json.parse(File(file).readText()) as Obj
    @Suppress("UNCHECKED_CAST")
    val base = scenario["client"] as Obj? ?: emptyMap()
    val scenarioClient = client(url, base)
    var current = scenarioClient
    val saved = HashMap<String, Long>()
    val states = HashMap<String, String?>()
    @Suppress("UNCHECKED_CAST")
    for ((index, step) in (scenario["steps"] as List<Obj>).withIndex()) {
        when (val c = step["client"]) {
            null -> current = scenarioClient
            "same" -> {}
            is Map<*, *> -> current = client(url, base + (c as Obj))
        }
        val where = "step ${index + 1} (${step["op"]})"
        val outcome = try {
            Outcome.Value(perform(current, step, saved, states))
        } catch (e: ZkbioException) {
            val (status, fields) = statusAndFields(e)
            Outcome.Failure(e.kind(), status, fields, e.toString())
        } catch (e: NotExpressible) {
            // An unknown name cannot be written in Kotlin (compile error); as data, it is
            // the binding's invalid_argument.
            Outcome.Failure("invalid_argument", null, emptyMap(), e.message ?: "")
        } catch (e: NoSavedId) {
            Outcome.Failure("invalid_argument", null, emptyMap(), e.message ?: "")
        }
        @Suppress("UNCHECKED_CAST")
        check(where, step["expect"] as Obj? ?: emptyMap(), outcome, step["save"] as String?, saved)
    }
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
        val name = step["state"] as String
        var state = states[name]
        var new = 0
        do {
            val batch = c.transactions().sync(state)
            new += batch.punches.size
            state = batch.state
        } while (!batch.complete)
        states[name] = state
        return mapOf("new" to new.toLong())
    }
    val r = resources(c)[step["resource"] as String] ?: throw StepFailed("unknown resource ${step["resource"]}")
    val id = when (val raw = step["id"]) {
        null -> 0L
        is String -> saved[raw.removePrefix("$")] ?: throw StepFailed("nothing saved as $raw")
        else -> (raw as Number).toLong()
    }
    val filters = step["filters"] as Obj? ?: emptyMap()
    val fields = substitute(step["fields"] as Obj? ?: emptyMap<String, Any?>(), saved) as Obj
    return when (op) {
        "get" -> view(r.get(id))
        "list" -> r.list(filters).map { view(it) }
        "page" -> r.page(filters, (step["page"] as Number).toLong()).let {
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
        else -> throw StepFailed("unknown op $op")
    }
}

@Suppress("UNCHECKED_CAST")
fun check(where: String, expect: Obj, outcome: Outcome, save: String?, saved: MutableMap<String, Long>) {
    fun fail(why: String): Nothing = throw StepFailed("$where: $why")
    val error = expect["error"] as String?
    if (outcome is Outcome.Failure) {
        if (error == null) fail("unexpected error ${outcome.text}")
        if (outcome.kind != error) fail("expected $error, got ${outcome.kind}: ${outcome.text}")
        (expect["status"] as Number?)?.let { if (outcome.status != it.toLong()) fail("status ${outcome.status}, expected $it") }
        (expect["field_errors"] as List<String>?)?.forEach {
            if (outcome.fieldErrors[it].isNullOrEmpty()) fail("no message for field $it in ${outcome.fieldErrors}")
        }
        return
    }
    if (error != null) fail("expected error $error, but the step succeeded")
    val value = (outcome as Outcome.Value).value
    val record = if (value is Map<*, *> && "record" in value) value["record"] else value
    if (save != null) saved[save] = ((record as Obj)["id"] as Number).toLong()
    (expect["fields"] as Obj?)?.forEach { (k, v) ->
        val actual = (record as Obj)[k]
        if (!same(actual, v)) fail("field $k = $actual, expected $v")
    }
    (value as? List<Obj>)?.let { list ->
        (expect["records"] as Number?)?.let { if (list.size.toLong() != it.toLong()) fail("${list.size} records, expected $it") }
        (expect["min_records"] as Number?)?.let { if (list.size < it.toLong()) fail("${list.size} records, expected at least $it") }
        if (expect["unique_ids"] == true && list.map { it["id"] }.toSet().size != list.size) fail("an id came twice")
        (expect["all"] as Obj?)?.forEach { (k, v) ->
            list.firstOrNull { !same(it[k], v) }?.let { fail("a record has $k = ${it[k]}, expected $v") }
        }
    }
    for (key in listOf("count", "items", "has_next", "created", "new")) {
        if (key in expect && !same((value as Obj)[key], expect[key])) fail("$key = ${value[key]}, expected ${expect[key]}")
    }
    (expect["min_new"] as Number?)?.let { if (((value as Obj)["new"] as Long) < it.toLong()) fail("new = ${value["new"]}, expected at least $it") }
}

fun main(args: Array<String>) {
    require(args.size == 2) { "usage: Scenarios MANIFEST RESULTS" }
    @Suppress("UNCHECKED_CAST")
    val manifest = Json.parse(File(args[0]).readText()) as List<Obj>
    val results = LinkedHashMap<String, Any?>()
    for (entry in manifest) {
        val file = entry["scenario"] as String
        @Suppress("UNCHECKED_CAST")
        val name = (Json.parse(File(file).readText()) as Obj)["name"] as String
        val result = try {
            runBlocking { runScenario(file, entry["url"] as String) }
            mapOf("pass" to true, "detail" to "")
        } catch (e: Throwable) {
            mapOf("pass" to false, "detail" to (e.message ?: e.toString()))
        }
        println("${if (result["pass"] == true) "pass" else "FAIL"}  $name ${result["detail"]}")
        results[name] = result
    }
    File(args[1]).writeText(Json.write(mapOf("language" to "kotlin", "results" to results)))
    exitProcess(0)
}
