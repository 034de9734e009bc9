// The Kotlin binding against real sandboxes on random loopback ports: every operation,
// paging, sync, errors, panics, concurrency and a fault-injected pull.
package kotlintests

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test
import io.github.zkbiotime.*
import java.time.Duration

class ReadsTest {
    @Test
    @DisplayName("manual example employee reads like the manual")
    fun manualExampleEmployeeReadsLikeTheManual() = suspendTest {
        Sandbox.start().use { sb ->
            val harry = sb.client().employees().get(1)
            checkEq(harry.empCode, "1", "emp_code")
            checkEq(harry.firstName, "Harry", "first_name")
            checkEq(harry.lastName, "Potter", "last_name")
            checkEq(harry.department?.deptName, "Department", "department name")
            checkEq(harry.area[0].areaName, "ZKTeco", "area name")
            checkEq(harry.hireDate, "2018-06-26", "hire_date as YYYY-MM-DD")
            // Custom attributes: name -> JSON text.
            // The demo data leaves "Primary Job" empty: JSON null.
            checkEq(harry.extra["Primary Job"], "null", "custom attribute as JSON text")
        }
    }

    @Test
    @DisplayName("terminals: list, get, page, filters")
    fun terminalsListGetPageFilters() = suspendTest {
        Sandbox.start().use { sb ->
            val terminals = sb.client().terminals()
            val one = terminals.get(1)
            checkEq(one.sn, "CKJF201260077", "sn")
            checkEq(one.alias, "Auto add", "alias")
            checkEq(one.area?.areaName, "ZKTeco", "area")
            checkEq(terminals.list(TerminalFilter(sn = "CKJF201260077")).size, 1, "by sn")
            val byArea = terminals.list(TerminalFilter(area = 2))
            check(byArea.isNotEmpty() && byArea.all { it.area?.id == 2L }) { "by area: $byArea" }
            checkEq(terminals.list(TerminalFilter(sn = "NO-SUCH-SN")), emptyList<Terminal>(), "no match")
            val page = terminals.page(1)
            checkEq(page.count, terminals.list().size.toLong(), "page count = list size")
        }
    }

    @Test
    @DisplayName("transactions: filters, ordering, get")
    fun transactionsFiltersOrderingGet() = suspendTest {
        Sandbox.start("--employees", "20", "--days", "3").use { sb ->
            val tx = sb.client { it.copy(pageSize = 200) }.transactions()
            val all = tx.list()
            check(all.size > 200) { "${all.size} punches" }
            val sample = all[all.size / 2]
            val byEmp = tx.list(TransactionFilter(empCode = sample.empCode))
            checkEq(byEmp.size, all.count { it.empCode == sample.empCode }, "by emp_code")
            val byTerminal = tx.list(TransactionFilter(terminalSn = sample.terminalSn))
            checkEq(byTerminal.size, all.count { it.terminalSn == sample.terminalSn }, "by terminal")
            val window = tx.list(TransactionFilter(startTime = sample.punchTime, endTime = sample.punchTime))
            check(window.any { it.id == sample.id } && window.all { it.punchTime == sample.punchTime }) { "window" }
            val asc = tx.page(1, TransactionFilter(ordering = TransactionOrdering.PUNCH_TIME)).items
            check(asc.zipWithNext().all { (a, b) -> a.punchTime <= b.punchTime }) { "ascending" }
            val desc = tx.page(1, TransactionFilter(ordering = TransactionOrdering.PUNCH_TIME_DESC)).items
            check(desc.zipWithNext().all { (a, b) -> a.punchTime >= b.punchTime }) { "descending" }
            val one = tx.get(sample.id)
            checkEq(one, sample, "get = list item")
        }
    }

    @Test
    @DisplayName("employee filters select what they say")
    fun employeeFiltersSelectWhatTheySay() = suspendTest {
        Sandbox.start().use { sb ->
            val e = sb.client().employees()
            val dept1 = e.list(EmployeeFilter(department = 1))
            check(dept1.isNotEmpty() && dept1.all { it.department?.id == 1L }) { "department filter" }
            val potter = e.list(EmployeeFilter(lastName = "Potter"))
            check(potter.isNotEmpty() && potter.all { it.lastName == "Potter" }) { "last_name filter" }
        }
    }

    @Test
    @DisplayName("JWT login, static token, time zone")
    fun jwtLoginStaticTokenTimeZone() = suspendTest {
        Sandbox.start("--static-token", "ae600aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2b7").use { sb ->
            checkEq(sb.client { it.copy(jwt = true) }.employees().get(1).empCode, "1", "jwt")
            val byToken = Client(ClientConfig(baseUrl = sb.url, token = Secret("ae600aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2b7")))
            byToken.login()
            checkEq(byToken.employees().get(1).lastName, "Potter", "static token")
            val zoned = sb.client { it.copy(timezone = "Asia/Karachi") }
            checkEq(zoned.serverTimezone(), "Asia/Karachi", "zone")
            checkEq(zoned.localize("2024-06-26 15:36:22"), "2024-06-26T15:36:22+05:00", "localize")
            checkEq(zoned.baseUrl(), sb.url.trimEnd('/'), "base url")
        }
    }
}

class WritesTest {
    @Test
    @DisplayName("employee CRUD with a custom attribute and a secret hash")
    fun employeeCrudWithCustomAttributeAndSecretHash() = suspendTest {
        Sandbox.start().use { sb ->
            val employees = sb.client().employees()
            val created = employees.create(
                EmployeeCreate(
                    empCode = "employee333", firstName = "emp3_first_name", lastName = "emp3_last_name",
                    department = 1, area = listOf(1L), hireDate = "2024-01-02",
                    extra = mapOf("Primary Job" to "\"Welder\""),
                )
            )
            val id = created.id ?: throw AssertionFailed("create answers the id")
            checkEq(created.department, 1L, "department id")
            checkEq(created.area, listOf(1L), "area ids")
            checkEq(created.hireDate, "2024-01-02", "hire_date")
            checkEq(created.extra["Primary Job"], "\"Welder\"", "custom attribute")
            val hash = created.selfPassword ?: throw AssertionFailed("self_password is there")
            check(hash.expose().isNotEmpty()) { "the hash can be read on purpose" }
            check(hash.expose() !in created.toString() && "***" in created.toString()) { "toString hides it" }

            checkEq(employees.get(id).extra["Primary Job"], "\"Welder\"", "read back")
            val updated = employees.update(id, EmployeeUpdate(firstName = "emp3_first_name_update", cardNo = "5659812"))
            checkEq(updated.firstName, "emp3_first_name_update", "first_name")
            checkEq(updated.cardNo, "5659812", "card_no")
            checkEq(updated.lastName, "emp3_last_name", "PATCH keeps other fields")
            checkEq(employees.list(EmployeeFilter(empCode = "employee333")).map { it.id }, listOf(id), "found")
            employees.delete(id)
            val gone = assertThrows<ZkbioException.NotFound> { employees.get(id) }
            checkEq(gone.status, 404, "status")
            checkEq(gone.kind(), "not_found", "kind")
        }
    }

    @Test
    @DisplayName("departments, areas, positions: CRUD")
    fun departmentsAreasPositionsCrud() = suspendTest {
        Sandbox.start().use { sb ->
            val c = sb.client()
            val d = c.departments().create(DepartmentCreate(deptCode = "222", deptName = "Department222", parentDept = 1))
            checkEq(c.departments().get(d.id).deptName, "Department222", "department")
            checkEq(c.departments().update(d.id, DepartmentUpdate(deptName = "D2")).deptName, "D2", "department update")
            checkEq(c.departments().list(DepartmentFilter(deptCode = "222")).single().id, d.id, "department filter")
            c.departments().delete(d.id)
            assertThrows<ZkbioException.NotFound> { c.departments().get(d.id) }

            val a = c.areas().create(AreaCreate(areaCode = "A9", areaName = "Area nine"))
            checkEq(c.areas().get(a.id).areaName, "Area nine", "area")
            checkEq(c.areas().update(a.id, AreaUpdate(areaName = "Area 9")).areaName, "Area 9", "area update")
            checkEq(c.areas().list(AreaFilter(areaCode = "A9")).single().id, a.id, "area filter")
            c.areas().delete(a.id)
            assertThrows<ZkbioException.NotFound> { c.areas().get(a.id) }

            val p = c.positions().create(PositionCreate(positionCode = "P9", positionName = "Welder"))
            checkEq(c.positions().get(p.id).positionName, "Welder", "position")
            checkEq(c.positions().update(p.id, PositionUpdate(positionName = "Lead")).positionName, "Lead", "position update")
            checkEq(c.positions().list(PositionFilter(positionCode = "P9")).single().id, p.id, "position filter")
            c.positions().delete(p.id)
            assertThrows<ZkbioException.NotFound> { c.positions().get(p.id) }
        }
    }

    @Test
    @DisplayName("upsert creates, then updates by code, on every writable resource")
    fun upsertCreatesThenUpdatesByCode() = suspendTest {
        Sandbox.start().use { sb ->
            val c = sb.client()
            val e1 = c.employees().upsert(EmployeeCreate(empCode = "U1", firstName = "One", department = 1, area = listOf(1L)))
            val e2 = c.employees().upsert(EmployeeCreate(empCode = "U1", firstName = "Uno", department = 1, area = listOf(1L)))
            check(e1.created && !e2.created) { "employee: $e1 / $e2" }
            checkEq(e2.record.id, e1.record.id, "the update answer carries the id")
            val stored = c.employees().list(EmployeeFilter(empCode = "U1")).single()
            checkEq(stored.id, e1.record.id, "same employee")
            checkEq(stored.firstName, "Uno", "updated")
            val d1 = c.departments().upsert(DepartmentCreate(deptCode = "UD", deptName = "One"))
            val d2 = c.departments().upsert(DepartmentCreate(deptCode = "UD", deptName = "Two"))
            check(d1.created && !d2.created && d2.record.deptName == "Two") { "department: $d1 / $d2" }
            val a1 = c.areas().upsert(AreaCreate(areaCode = "UA", areaName = "One"))
            val a2 = c.areas().upsert(AreaCreate(areaCode = "UA", areaName = "Two"))
            check(a1.created && !a2.created && a2.record.id == a1.record.id) { "area: $a1 / $a2" }
            val p1 = c.positions().upsert(PositionCreate(positionCode = "UP", positionName = "One"))
            val p2 = c.positions().upsert(PositionCreate(positionCode = "UP", positionName = "Two"))
            check(p1.created && !p2.created && p2.record.positionName == "Two") { "position: $p1 / $p2" }
        }
    }
}

class PagingAndSyncTest {
    @Test
    @DisplayName("pager: every page once, count, null at the end; page(n)")
    fun pagerEveryPageOnceCountNullAtTheEnd() = suspendTest {
        Sandbox.start("--employees", "250").use { sb ->
            val employees = sb.client { it.copy(pageSize = 40, concurrency = 3) }.employees()
            val pager = employees.pager()
            val total = pager.count()
            check(total > 250) { "count $total" }
            val ids = mutableListOf<Long>()
            var pages = 0
            while (true) {
                val page = pager.nextPage() ?: break
                pages++
                checkEq(page.number, pages.toLong(), "page number")
                checkEq(page.count, total, "count on every page")
                checkEq(page.hasNext, ids.size + page.items.size < total, "has_next")
                ids += page.items.map { it.id }
            }
            checkEq(pager.nextPage(), null, "still null after the end")
            checkEq(ids.size.toLong(), total, "records")
            checkEq(ids.toSet().size, ids.size, "no record twice")
            checkEq(pages, ((total + 39) / 40).toInt(), "pages")
            val second = employees.page(2)
            checkEq(second.items.map { it.id }, ids.subList(40, 80), "page(2)")
            checkEq(employees.list().map { it.id }, ids, "list = pager")
            checkEq(employees.pager(EmployeeFilter(empCode = "NOPE")).nextPage()?.items, emptyList<Employee>(), "empty list")
        }
    }

    @Test
    @DisplayName("sync: every punch once across batches and runs; state as JSON")
    fun syncEveryPunchOnceAcrossBatchesAndRuns() = suspendTest {
        Sandbox.start("--employees", "30", "--days", "3", "--late-uploads", "0.2").use { sb ->
            val tx = sb.client { it.copy(pageSize = 50) }.transactions()
            val truth = tx.list().map { it.id }.toSet()
            val seen = mutableListOf<Long>()
            var state: String? = null
            var batches = 0
            do {
                val batch = tx.sync(state, 97)
                check(batch.punches.size <= 97) { "max respected" }
                seen += batch.punches.map { it.id }
                state = batch.state
                batches++
            } while (!batch.complete)
            check(batches > 1) { "several batches: $batches" }
            checkEq(seen.toSet().size, seen.size, "no punch twice")
            checkEq(seen.toSet(), truth, "no punch missing")
            val again = tx.sync(state)
            check(again.complete && again.punches.isEmpty()) { "nothing new: ${again.punches.size}" }
        }
    }

    @Test
    @DisplayName("fault-injected pull loses nothing (502-504, 429, drops, HTML, revoked tokens)")
    fun faultInjectedPullLosesNothing() = suspendTest {
        val args = arrayOf("--employees", "60", "--days", "5", "--seed", "7")
        val truth = Sandbox.start(*args).use { clean -> clean.client().transactions().list().map { it.id } }
        // 502/503/504, not 500: the core retries only answers that say "try again".
        val faults = "502=0.03,503=0.03,504=0.03,429=0.04,drop=0.04,html=0.04,revoke-every=25,retry-after=0.05"
        Sandbox.start(*args, "--faults", faults).use { sb ->
            // The faults are real: without retries, pulls fail.
            val fragile = sb.client { it.copy(pageSize = 100, retries = 0) }
            var failures = 0
            repeat(5) {
                try {
                    fragile.transactions().list()
                } catch (e: ZkbioException) {
                    failures++
                }
            }
            check(failures > 0) { "no fault was injected" }
            val tx = sb.client { it.copy(pageSize = 100).quickRetries() }.transactions()
            checkEq(tx.list().map { it.id }, truth, "full list under faults")
            val synced = mutableListOf<Long>()
            var state: String? = null
            do {
                val batch = tx.sync(state, 500)
                synced += batch.punches.map { it.id }
                state = batch.state
            } while (!batch.complete)
            checkEq(synced.sorted(), truth.sorted(), "sync under faults")
        }
    }
}

class ErrorsTest {
    @Test
    @DisplayName("TLS: CA bundle, verification on by default, skip-verification switch")
    fun tlsCaBundleAndVerification() = suspendTest {
        val dir = java.nio.file.Files.createTempDirectory("zkbio-tls").toFile()
        fun openssl(vararg args: String) {
            val p = ProcessBuilder(listOf("openssl") + args).directory(dir).redirectErrorStream(true).start()
            val out = p.inputStream.bufferedReader().readText()
            check(p.waitFor() == 0) { "openssl ${args.toList()}: $out" }
        }
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=zkbio test CA")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost")
        dir.resolve("leaf.ext").writeText("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
        openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "leaf.pem", "-days", "2", "-extfile", "leaf.ext")
        dir.resolve("chain.pem").writeText(dir.resolve("leaf.pem").readText() + dir.resolve("ca.pem").readText())
        Sandbox.start("--tls-cert", dir.resolve("chain.pem").path, "--tls-key", dir.resolve("leaf.key").path).use { sb ->
            check(sb.url.startsWith("https://")) { sb.url }
            val trusted = sb.client { it.copy(caBundle = dir.resolve("ca.pem").path) }
            checkEq(trusted.employees().get(1).lastName, "Potter", "with the CA bundle")
            val pem = sb.client { it.copy(caPem = dir.resolve("ca.pem").readText()) }
            checkEq(pem.employees().get(1).lastName, "Potter", "with the CA as PEM text")
            val untrusted = sb.client { it.copy(retries = 0) }
            val e = assertThrows<ZkbioException.Transport> { untrusted.employees().get(1) }
            check("certificate" in e.detail.lowercase()) { e.detail }
            val reckless = sb.client { it.copy(insecureSkipTlsVerify = true) }
            checkEq(reckless.employees().get(1).lastName, "Potter", "verification off")
        }
        dir.deleteRecursively()
    }

    @Test
    @DisplayName("wrong password: authentication error, then a local cool-down")
    fun wrongPasswordThenCooldown() = suspendTest {
        Sandbox.start().use { sb ->
            val c = Client(ClientConfig(baseUrl = sb.url, username = "admin", password = Secret("wrong-password")))
            val e = assertThrows<ZkbioException.Authentication> { c.employees().get(1) }
            checkEq(e.status, 400, "status")
            check("Unable to log in" in e.detail) { e.detail }
            check("wrong-password" !in e.toString() && "wrong-password" !in e.message!!) { "no password in text" }
            val again = assertThrows<ZkbioException.LoginCooldown> { c.employees().get(1) }
            check(again.retryAfter!! > Duration.ofSeconds(50)) { "retry after ${again.retryAfter}" }
            checkEq(again.kind(), "login_cooldown", "kind")
        }
    }

    @Test
    @DisplayName("bad token: 401 with method and path")
    fun badToken401WithMethodAndPath() = suspendTest {
        Sandbox.start().use { sb ->
            val c = Client(ClientConfig(baseUrl = sb.url, token = Secret("0000")))
            val e = assertThrows<ZkbioException.Authentication> { c.employees().get(1) }
            checkEq(e.status, 401, "status")
            checkEq(e.detail, "Invalid token.", "detail")
            checkEq(e.method, "GET", "method")
            checkEq(e.path, "/personnel/api/employees/1/", "path")
            checkEq(e.toString(), "authentication (HTTP 401) on GET /personnel/api/employees/1/: Invalid token.", "text")
        }
    }

    @Test
    @DisplayName("validation errors carry per-field messages")
    fun validationErrorsCarryPerFieldMessages() = suspendTest {
        Sandbox.start().use { sb ->
            val e = assertThrows<ZkbioException.BadRequest> {
                sb.client().employees().create(EmployeeCreate(empCode = "1", department = 1, area = listOf(2L)))
            }
            checkEq(e.status, 400, "status")
            check(e.fieldErrors["emp_code"]?.isNotEmpty() == true) { "field errors: ${e.fieldErrors}" }
        }
    }

    @Test
    @DisplayName("transport, timeout, HTML and server errors")
    fun transportTimeoutHtmlAndServerErrors() = suspendTest {
        val closed = java.net.ServerSocket(0).use { it.localPort }
        val refused = Client(ClientConfig(baseUrl = "http://127.0.0.1:$closed", token = Secret("t"), retries = 0))
        val t = assertThrows<ZkbioException.Transport> { refused.terminals().get(1) }
        checkEq(t.status, null, "no status")
        Sandbox.start("--faults", "slow=1,slow-ms=2000").use { sb ->
            val slow = sb.client { it.copy(timeout = Duration.ofMillis(300), retries = 0) }
            assertThrows<ZkbioException.Timeout> { slow.terminals().get(1) }
        }
        Sandbox.start("--faults", "html=1").use { sb ->
            val html = sb.client { it.copy(retries = 0) }
            val e = assertThrows<ZkbioException.UnexpectedResponse> { html.terminals().get(1) }
            check(e.detail.isNotEmpty()) { "detail" }
        }
        Sandbox.start("--faults", "503=1").use { sb ->
            val down = sb.client { it.quickRetries(2) }
            val e = assertThrows<ZkbioException.Server> { down.terminals().get(1) }
            checkEq(e.status, 503, "status")
        }
    }

    @Test
    @DisplayName("User-Agent names the binding; maxResponseBytes caps an answer")
    fun userAgentAndAnswerCap() = suspendTest {
        val agents = java.util.concurrent.CopyOnWriteArrayList<String>()
        val server = com.sun.net.httpserver.HttpServer.create(java.net.InetSocketAddress("127.0.0.1", 0), 0)
        server.createContext("/") { exchange ->
            exchange.use {
                agents += exchange.requestHeaders.getFirst("User-Agent") ?: ""
                // 2 KiB: over the smallest cap the core accepts (1 KiB).
                val body = """{"count": 0, "next": null, "previous": null, "data": [], "pad": "${"x".repeat(2048)}"}""".toByteArray()
                exchange.responseHeaders.add("Content-Type", "application/json")
                exchange.sendResponseHeaders(200, body.size.toLong())
                exchange.responseBody.write(body)
            }
        }
        server.start()
        try {
            val url = "http://127.0.0.1:${server.address.port}"
            checkEq(Client(ClientConfig(baseUrl = url, token = Secret("t"))).terminals().list().size, 0, "empty list")
            checkEq(agents.size, 1, "one request")
            check(Regex("""zkbiotime-uniffi/\d+\.\d+\.\d+ \(core \d+\.\d+\.\d+\)""").matches(agents[0])) { agents[0] }
            val capped = Client(ClientConfig(baseUrl = url, token = Secret("t"), maxResponseBytes = 1024, retries = 0))
            val e = assertThrows<ZkbioException.UnexpectedResponse> { capped.terminals().list() }
            check("1024 bytes limit" in e.detail) { e.detail }
        } finally {
            server.stop(0)
        }
    }

    @Test
    @DisplayName("invalid arguments fail before any request")
    fun invalidArgumentsFailBeforeAnyRequest() = suspendTest {
        Sandbox.start().use { sb ->
            assertThrows<ZkbioException.InvalidArgument> { Client(ClientConfig(baseUrl = "not a url", token = Secret("t"))) }
            assertThrows<ZkbioException.InvalidArgument> { Client(ClientConfig(baseUrl = sb.url)) }
            assertThrows<ZkbioException.InvalidArgument> {
                Client(ClientConfig(baseUrl = sb.url, token = Secret("t"), username = "a", password = Secret("b")))
            }
            assertThrows<ZkbioException.InvalidArgument> { sb.client { it.copy(timezone = "Mars/Olympus") } }
            assertThrows<ZkbioException.InvalidArgument> { sb.client { it.copy(caBundle = "/no/such/ca.pem") } }
            assertThrows<ZkbioException.InvalidArgument> { sb.client { it.copy(caPem = "not PEM") } }
            val c = sb.client()
            val date = assertThrows<ZkbioException.InvalidArgument> {
                c.employees().create(EmployeeCreate(empCode = "x", department = 1, area = listOf(1L), hireDate = "26/06/2018"))
            }
            check("hire_date" in date.detail) { date.detail }
            val json = assertThrows<ZkbioException.InvalidArgument> {
                c.employees().create(EmployeeCreate(empCode = "x", department = 1, area = listOf(1L), extra = mapOf("Primary Job" to "Welder")))
            }
            check("Primary Job" in json.detail) { json.detail }
            assertThrows<ZkbioException.InvalidArgument> { c.employees().page(0) }
            assertThrows<ZkbioException.InvalidArgument> { c.localize("2024-06-26 15:36:22") }
            assertThrows<ZkbioException.InvalidArgument> { c.transactions().sync("{\"version\": 99}") }
            checkEq(c.employees().list(EmployeeFilter(empCode = "x")), emptyList<Employee>(), "nothing was created")
        }
    }
}

class RequestsTest {
    @Test
    @DisplayName("labels: what punch_state and verify_type codes mean, from the spec")
    fun labelsOfPunchStateAndVerifyType() = suspendTest {
        checkEq(labels("Transaction", "punch_state")["0"], "Check In", "punch_state 0")
        checkEq(labels("Transaction", "verify_type")["15"], "Face", "verify_type 15")
        check(labels("Employee", "emp_code").isEmpty()) { "no labels for emp_code" }
    }

    @Test
    @DisplayName("request: any path through the client, JSON text in and out")
    fun requestAnyPathWithJsonText() = suspendTest {
        Sandbox.start().use { sb ->
            val c = sb.client()
            val page = c.request("GET", "/personnel/api/employees/", mapOf("page_size" to "1"))
            val count = Regex("\"count\":(\\d+)").find(page)?.groupValues?.get(1)?.toLong()
            check(count != null && count >= 1) { "count in $page" }
            check(Regex("\"emp_code\":").findAll(page).count() == 1) { "one record: $page" }
            val one = c.request("get", "/personnel/api/employees/", mapOf("emp_code" to "1"))
            check("\"last_name\":\"Potter\"" in one) { one }
            val created = c.request("POST", "/personnel/api/areas/", json = "{\"area_code\": \"RQ1\", \"area_name\": \"Request area\"}")
            check("\"area_code\":\"RQ1\"" in created) { created }
            val id = c.areas().list(AreaFilter(areaCode = "RQ1")).single().id
            val patched = c.request("PATCH", "/personnel/api/areas/$id/", json = "{\"area_name\": \"Renamed\"}")
            check("\"area_name\":\"Renamed\"" in patched) { patched }
            c.request("DELETE", "/personnel/api/areas/$id/")
            assertThrows<ZkbioException.NotFound> { c.request("GET", "/personnel/api/areas/$id/") }
        }
    }

    @Test
    @DisplayName("request: bad method, path or JSON is InvalidArgument before any request")
    fun requestBadInputIsInvalidArgument() = suspendTest {
        Sandbox.start().use { sb ->
            val c = sb.client()
            val method = assertThrows<ZkbioException.InvalidArgument> { c.request("FETCH", "/personnel/api/employees/") }
            check("FETCH" in method.detail) { method.detail }
            assertThrows<ZkbioException.InvalidArgument> { c.request("GET", "personnel/api/employees/") }
            assertThrows<ZkbioException.InvalidArgument> { c.request("GET", "/personnel/api/employees/?page=1") }
            val json = assertThrows<ZkbioException.InvalidArgument> { c.request("POST", "/personnel/api/areas/", json = "{oops") }
            check("JSON" in json.detail) { json.detail }
        }
    }

    @Test
    @DisplayName("serverInfo of the default sandbox")
    fun serverInfoOfTheDefaultSandbox() = suspendTest {
        Sandbox.start().use { sb ->
            val info = sb.client().serverInfo()
            checkEq(info["envelope_key"], "data", "envelope key")
            checkEq(info["employee_shape"], "nested", "employee shape")
            check(info.keys.all { it in setOf("docs_title", "version", "employee_shape", "resign_api", "envelope_key", "page_size_param") }) { "keys: $info" }
        }
    }

    @Test
    @DisplayName("auth schemes: basic, jwt, token by name; unknown or contradicting names")
    fun authSchemesByName() = suspendTest {
        Sandbox.start().use { sb ->
            checkEq(sb.client { it.copy(auth = "basic") }.employees().get(1).lastName, "Potter", "basic")
            val basicPage = sb.client { it.copy(auth = "basic") }.request("GET", "/personnel/api/employees/", mapOf("page_size" to "1"))
            check("\"count\":" in basicPage) { basicPage }
            checkEq(sb.client { it.copy(auth = "jwt") }.employees().get(1).empCode, "1", "jwt")
            checkEq(sb.client { it.copy(auth = "token") }.employees().get(1).empCode, "1", "token")
            checkEq(sb.client { it.copy(jwt = true, auth = "jwt") }.employees().get(1).empCode, "1", "jwt twice")
            checkEq(sb.client { it.copy(acceptLanguage = "zh-hans") }.employees().get(1).empCode, "1", "accept language")
            val unknown = assertThrows<ZkbioException.InvalidArgument> { sb.client { it.copy(auth = "kerberos") } }
            check("kerberos" in unknown.detail && "token, jwt, staff_token, staff_jwt, basic" in unknown.detail) { unknown.detail }
            assertThrows<ZkbioException.InvalidArgument> { sb.client { it.copy(jwt = true, auth = "basic") } }
            assertThrows<ZkbioException.InvalidArgument> {
                Client(ClientConfig(baseUrl = sb.url, token = Secret("t"), auth = "basic"))
            }
            assertThrows<ZkbioException.InvalidArgument> { sb.client { it.copy(acceptLanguage = "en\nX-Evil: 1") } }
        }
    }

    @Test
    @DisplayName("licence gate: a token meets Licence, basic passes")
    fun licenceGateTokenMeetsLicenceBasicPasses() = suspendTest {
        Sandbox.start("--licence-gate").use { sb ->
            val gated = sb.client { it.copy(retries = 0) }
            val e = assertThrows<ZkbioException.Licence> { gated.employees().get(1) }
            checkEq(e.status, 403, "status")
            checkEq(e.kind(), "licence", "kind")
            checkEq(sb.client { it.copy(auth = "basic") }.employees().get(1).lastName, "Potter", "basic passes")
        }
    }
}

class RuntimeTest {
    @Test
    @DisplayName("a Rust panic is a ZkbioException.Internal, not a crash")
    fun rustPanicIsInternal() = suspendTest {
        val sync = assertThrows<ZkbioException.Internal> { testingPanic("boom") }
        check("boom" in sync.detail) { sync.detail }
        checkEq(sync.kind(), "internal", "kind")
        val async = assertThrows<ZkbioException.Internal> { testingPanicAsync("bang") }
        check("bang" in async.detail) { async.detail }
        Sandbox.start().use { sb -> checkEq(sb.client().employees().get(1).empCode, "1", "still working") }
    }

    @Test
    @DisplayName("200 coroutines at once share one client")
    fun manyCoroutinesShareOneClient() = suspendTest {
        Sandbox.start("--employees", "120").use { sb ->
            val c = sb.client { it.copy(pageSize = 50) }
            val expected = c.employees().list().size
            val results = withContext(Dispatchers.Default) {
                coroutineScope {
                    (0 until 200).map { i ->
                        async {
                            when (i % 4) {
                                0 -> c.employees().get(1).lastName
                                1 -> c.employees().page(1 + (i % 3).toLong()).number.toString()
                                2 -> c.terminals().list().size.toString()
                                else -> c.employees().list().size.toString()
                            }
                        }
                    }.awaitAll()
                }
            }
            checkEq(results.count { it == "Potter" }, 50, "gets")
            checkEq(results.filterIndexed { i, _ -> i % 4 == 3 }.toSet(), setOf(expected.toString()), "lists")
        }
    }

    @Test
    @DisplayName("a cancelled call leaves the client usable")
    fun cancelledCallLeavesClientUsable() = suspendTest {
        Sandbox.start("--faults", "slow=1,slow-ms=1500").use { sb ->
            val c = sb.client()
            var cancelled = 0
            repeat(2) {
                try {
                    withTimeout(500) { c.terminals().list() }
                } catch (e: TimeoutCancellationException) {
                    cancelled++
                }
            }
            checkEq(cancelled, 2, "cancelled calls")
            checkEq(withTimeout(20_000) { c.terminals().get(1) }.sn, "CKJF201260077", "after cancelling")
        }
    }

    @Test
    @DisplayName("secrets never show in toString")
    fun secretsNeverShowInToString() = suspendTest {
        val config = ClientConfig(baseUrl = "http://x", username = "admin", password = Secret("admin123"))
        check("admin123" !in config.toString() && "***" in config.toString()) { config.toString() }
        checkEq(Secret("admin123").expose(), "admin123", "expose")
        checkEq(Secret("a"), Secret("a"), "equality by value")
    }
}
