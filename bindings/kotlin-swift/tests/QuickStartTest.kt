// The Kotlin quick start of bindings/kotlin-swift/README.md (the ```kotlin block after
// `<!-- quickstart -->`) against a sandbox, in a child JVM with ZKBIO_URL, ZKBIO_USERNAME and
// ZKBIO_PASSWORD set. `cargo xtask test-kotlin` extracts the block into package `quickstart`
// (<build dir>/generated-test-sources/quickstart, a test source root of the pom); a plain
// `mvn verify` has no such file and skips this test.
package kotlintests

import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test

class QuickStartTest {
    @Test
    @DisplayName("the README quick start runs against a sandbox")
    fun readmeQuickStart() {
        val compiled = runCatching { Class.forName("quickstart.QuickStartKt") }.isSuccess
        assumeTrue(compiled) { "quickstart.QuickStartKt is not compiled (`cargo xtask test-kotlin` extracts it from the README)" }
        Sandbox.start().use { sb ->
            val (code, output) = runChild(
                "quickstart.QuickStartKt",
                mapOf("ZKBIO_URL" to sb.url, "ZKBIO_USERNAME" to "admin", "ZKBIO_PASSWORD" to "admin123"),
            )
            print(output)
            check(code == 0) { "the quick start failed ($code):\n$output" }
            check("read " in output && "punches in all" in output) { "the quick start printed:\n$output" }
        }
    }
}
