// The platform's types: java.time properties beside the raw text, zone-aware conversion,
// signed numbers only in the public API, no testing hooks in it.
package kotlintests

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test
import io.github.zkbiotime.*
import java.io.File
import java.lang.reflect.Modifier
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.ZoneId
import java.time.ZoneOffset
import java.time.format.DateTimeParseException
import java.util.jar.JarFile
import kotlin.reflect.KClass
import kotlin.reflect.KType
import kotlin.reflect.KVisibility
import kotlin.reflect.full.declaredMemberExtensionFunctions
import kotlin.reflect.full.declaredMemberFunctions
import kotlin.reflect.full.declaredMemberProperties
import kotlin.reflect.jvm.kotlinFunction
import kotlin.reflect.jvm.kotlinProperty

class TimesTest {
    @Test
    @DisplayName("java.time: records' dates and server times as LocalDate / LocalDateTime, text kept")
    fun recordTimesAsJavaTime() = suspendTest {
        Sandbox.start("--employees", "5", "--days", "2").use { sb ->
            val client = sb.client()
            val harry = client.employees().get(1)
            checkEq(harry.hireDate, "2018-06-26", "the text stays")
            checkEq(harry.hireLocalDate, LocalDate.of(2018, 6, 26), "hireLocalDate")
            val punch = client.transactions().page(1).items.first()
            val at: LocalDateTime = punch.punchDateTime
            checkEq(at, LocalDateTime.parse(punch.punchTime.replace(' ', 'T')), "punchDateTime")
            checkEq(punch.uploadDateTime, punch.uploadTime?.let { LocalDateTime.parse(it.replace(' ', 'T')) }, "uploadDateTime")
        }
        checkEq(parseServerTime("2024-06-26 15:36:22"), LocalDateTime.of(2024, 6, 26, 15, 36, 22), "server text")
        checkEq(parseServerTime("2024-06-26T15:36:22.5"), LocalDateTime.of(2024, 6, 26, 15, 36, 22, 500_000_000), "ISO text")
        assertThrows<DateTimeParseException> { parseServerTime("26/06/2024 15:36") }
        assertThrows<DateTimeParseException> { parseDate("2024-02-30") }
    }

    @Test
    @DisplayName("java.time: with the server's zone a ZonedDateTime, without it InvalidArgument")
    fun zonedAndUnzoned() = suspendTest {
        Sandbox.start("--employees", "5", "--days", "2").use { sb ->
            val zoned = sb.client { it.copy(timezone = "Asia/Karachi") }
            checkEq(zoned.serverZone, ZoneId.of("Asia/Karachi"), "serverZone")
            val punch = zoned.transactions().page(1).items.first()
            val z = zoned.localizeDateTime(punch.punchDateTime)
            checkEq(z.zone, ZoneId.of("Asia/Karachi"), "zone")
            checkEq(z.offset, ZoneOffset.ofHours(5), "offset")
            checkEq(z.toLocalDateTime(), punch.punchDateTime, "the same wall time")
            checkEq(zoned.localizeDateTime(punch.punchTime), z, "from the text")
            checkEq(z.toOffsetDateTime(), java.time.OffsetDateTime.parse(zoned.localize(punch.punchTime)), "what localize says")
            // New York: the offset follows daylight saving time (the core decides it).
            val ny = sb.client { it.copy(timezone = "America/New_York") }
            checkEq(ny.localizeDateTime(LocalDateTime.of(2024, 1, 15, 9, 0)).offset, ZoneOffset.ofHours(-5), "winter")
            checkEq(ny.localizeDateTime(LocalDateTime.of(2024, 7, 15, 9, 0)).offset, ZoneOffset.ofHours(-4), "summer")

            val plain = sb.client()
            checkEq(plain.serverZone, null, "no zone configured")
            assertThrows<ZkbioException.InvalidArgument> { plain.localizeDateTime(punch.punchDateTime) }
        }
    }
}

class PublicApiTest {
    /** uniffi's runtime: public in the generated file, but plumbing, not the SDK's API. */
    private fun plumbing(name: String) =
        name.startsWith("FfiConverter") || name.startsWith("RustBuffer") || name.startsWith("Uniffi") ||
            name.startsWith("ForeignBytes")

    /** Every class of the binding (package io.github.zkbiotime) in the main classes or the jar. */
    private fun mainClasses(): List<Class<*>> {
        val location = File(Client::class.java.protectionDomain.codeSource.location.toURI())
        val names = if (location.isDirectory) {
            location.walk().filter { it.extension == "class" }
                .map { it.relativeTo(location).path.removeSuffix(".class").replace(File.separatorChar, '.') }.toList()
        } else {
            JarFile(location).use { jar ->
                jar.entries().toList().map { it.name }.filter { it.endsWith(".class") }
                    .map { it.removeSuffix(".class").replace('/', '.') }
            }
        }
        return names.filter { it.startsWith("io.github.zkbiotime.") }
            .map { Class.forName(it, false, Client::class.java.classLoader) }
    }

    private fun unsigned(type: KType): Boolean {
        val c = type.classifier as? KClass<*> ?: return false
        return c in setOf(UInt::class, ULong::class, UShort::class, UByte::class) || type.arguments.any { a -> a.type?.let(::unsigned) == true }
    }

    @Test
    @DisplayName("public API: no unsigned types, no testing hooks (reflection over the jar's classes)")
    fun noUnsignedTypesNoTestingHooks() {
        val classes = mainClasses()
        check(classes.size > 50) { "${classes.size} classes found" }
        val found = mutableListOf<String>()
        var seen = 0
        for (c in classes) {
            if (!Modifier.isPublic(c.modifiers) || plumbing(c.simpleName) || c.isSynthetic) continue
            if ("testing" in c.name.lowercase()) found += "class ${c.name}"
            // Kotlin metadata kind: 1 a class, 2 a file's top-level declarations, 3 a lambda.
            val kind = c.getAnnotation(Metadata::class.java)?.kind ?: continue
            if (kind != 1 && kind != 2) continue
            val k = c.kotlin
            if (kind == 2) {
                // A file's top-level functions and properties (zkbiotime.kt, Paging.kt, Times.kt, ...).
                for (m in c.declaredMethods) {
                    if (!Modifier.isPublic(m.modifiers)) continue
                    if (m.name.lowercase().startsWith("testing")) found += "${c.simpleName}.${m.name}"
                    val f = m.kotlinFunction ?: continue
                    if (f.visibility != KVisibility.PUBLIC || plumbing(f.name.replaceFirstChar { it.uppercase() })) continue
                    seen += 1
                    if (unsigned(f.returnType) || f.parameters.any { unsigned(it.type) }) found += "${c.simpleName}.${f.name}"
                }
                for (field in c.declaredFields) field.kotlinProperty?.let { p ->
                    if (p.visibility == KVisibility.PUBLIC && unsigned(p.returnType)) found += "${c.simpleName}.${p.name}"
                }
                continue
            }
            if (k.visibility != KVisibility.PUBLIC) continue
            for (f in k.declaredMemberFunctions + k.declaredMemberExtensionFunctions) {
                if (f.visibility != KVisibility.PUBLIC) continue
                seen += 1
                if (f.name.lowercase().startsWith("testing")) found += "${c.simpleName}.${f.name}"
                if (unsigned(f.returnType) || f.parameters.any { unsigned(it.type) }) found += "${c.simpleName}.${f.name}"
            }
            for (p in k.declaredMemberProperties) {
                if (p.visibility != KVisibility.PUBLIC) continue
                seen += 1
                if (unsigned(p.returnType)) found += "${c.simpleName}.${p.name}: ${p.returnType}"
            }
            for (ctor in k.constructors) {
                if (ctor.visibility == KVisibility.PUBLIC && ctor.parameters.any { unsigned(it.type) }) found += "${c.simpleName}(${ctor.parameters.map { it.type }})"
            }
        }
        check(seen > 300) { "only $seen members inspected" }
        checkEq(found, emptyList<String>(), "unsigned types or testing hooks in the public API")
        // The guard works: the plumbing does have unsigned types.
        check(FfiConverterString::class.declaredMemberFunctions.any { unsigned(it.returnType) }) { "the check sees ULong" }
    }

    @Test
    @DisplayName("signed numbers: negatives and zero are InvalidArgument, named")
    fun negativeNumbersAreInvalidArgument() = suspendTest {
        Sandbox.start().use { sb ->
            val cases = listOf<Pair<String, (ClientConfig) -> ClientConfig>>(
                "page_size" to { it.copy(pageSize = -1) },
                "page_size" to { it.copy(pageSize = 0) },
                "concurrency" to { it.copy(concurrency = -3) },
                "retries" to { it.copy(retries = -1) },
                "max_response_bytes" to { it.copy(maxResponseBytes = -1) },
            )
            for ((name, configure) in cases) {
                val e = assertThrows<ZkbioException.InvalidArgument> { sb.client(configure) }
                check(name in e.detail) { "$name: ${e.detail}" }
            }
            val e = assertThrows<ZkbioException.InvalidArgument> { sb.client().transactions().sync(null, -1) }
            check("max" in e.detail) { e.detail }
            checkEq(runBlocking { sb.client().transactions().sync(null, 3) }.punches.size, 3, "sync max 3")
        }
    }
}
