// Hand-written Kotlin shipped with the binding: the parsing behind the generated java.time
// properties (generated/Times.kt) and the zone-aware conversions of `Client`.
@file:JvmName("ServerTimes")

package io.github.zkbiotime

import java.time.LocalDate
import java.time.LocalDateTime
import java.time.OffsetDateTime
import java.time.ZoneId
import java.time.ZonedDateTime
import java.time.format.DateTimeFormatter

private val SERVER_TIME: DateTimeFormatter = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")

/** `YYYY-MM-DD` → [LocalDate]; throws `DateTimeParseException` on other text. */
internal fun parseDate(text: String): LocalDate = LocalDate.parse(text.trim())

/**
 * A server-local time, `YYYY-MM-DD HH:MM:SS` (fractions of a second and a `T` separator
 * are read too), → [LocalDateTime]; throws `DateTimeParseException` on other text.
 */
internal fun parseServerTime(text: String): LocalDateTime =
    LocalDateTime.parse(text.trim().replaceFirst(' ', 'T'))

/** The server's time zone (`ClientConfig.timezone`), or null when none was set. */
val Client.serverZone: ZoneId?
    get() = serverTimezone()?.let(ZoneId::of)

/**
 * A server-local time (`2024-06-26 15:36:22`, as in the records) in the server's zone:
 * `2024-06-26T15:36:22+05:00[Asia/Karachi]`. The offset is the core's (`Client.localize`,
 * the same in every binding, also for times in a DST gap or overlap). Needs
 * `ClientConfig.timezone`, else `ZkbioException.InvalidArgument`.
 */
fun Client.localizeDateTime(serverTime: String): ZonedDateTime {
    val instant = OffsetDateTime.parse(localize(serverTime))
    return instant.atZoneSameInstant(serverZone ?: instant.offset)
}

/** [localizeDateTime] of a [LocalDateTime] such as `Transaction.punchDateTime`. */
fun Client.localizeDateTime(serverTime: LocalDateTime): ZonedDateTime =
    localizeDateTime(serverTime.format(SERVER_TIME))
