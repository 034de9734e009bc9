// Hand-written Kotlin shipped with the binding: where the native library is loaded from.
//
// JNA copies a library it finds inside a jar to a new temporary file at every start: for
// this 16-20 MB library that was 0.1-0.3 s of each cold JVM's first call
// (`cargo xtask bench`, Kotlin rows). The generated loader (`findLibraryName`, patched by
// `cargo xtask codegen`) asks [NativeLibraryCache.locate] instead, which copies the library
// once per version into the user's cache directory and hands JNA that file.
package io.github.zkbiotime

import com.sun.jna.Platform
import java.net.JarURLConnection
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.nio.file.StandardCopyOption
import java.nio.file.attribute.PosixFilePermissions

internal object NativeLibraryCache {
    /**
     * The absolute path of a cached copy of library [name] (as JNA names it, e.g.
     * `zkbiotime_uniffi`), or [name] itself, leaving JNA to find it as usual: on Android
     * (jniLibs), with the system property `zkbiotime.nativeCache=false`, when the library is
     * not inside a jar (JNA loads it in place), or when the cache cannot be written.
     */
    fun locate(name: String): String =
        try {
            cached(name) ?: name
        } catch (e: Exception) {
            name
        }

    private fun cached(name: String): String? {
        if (Platform.isAndroid() || System.getProperty("zkbiotime.nativeCache") == "false") return null
        val fileName = System.mapLibraryName(name)
        val url = NativeLibraryCache::class.java.classLoader
            ?.getResource("${Platform.RESOURCE_PREFIX}/$fileName") ?: return null
        val connection = url.openConnection() as? JarURLConnection ?: return null
        connection.useCaches = false
        val entry = connection.jarEntry ?: return null
        if (entry.size < 0) return null
        // Size and CRC from the jar's directory name the copy: another build, another folder.
        val dir = cacheRoot()?.resolve("native-${entry.size}-${java.lang.Long.toHexString(entry.crc)}")
            ?: return null
        val library = dir.resolve(fileName)
        if (Files.isRegularFile(library) && Files.size(library) == entry.size) {
            return library.toString()
        }
        createPrivateDirectories(dir)
        // Written beside its final name and renamed: a reader sees the whole file or none.
        val partial = Files.createTempFile(dir, fileName, ".partial")
        try {
            connection.inputStream.use { Files.copy(it, partial, StandardCopyOption.REPLACE_EXISTING) }
            if (Files.size(partial) != entry.size) return null
            Files.move(partial, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING)
        } finally {
            Files.deleteIfExists(partial)
        }
        return library.toString()
    }

    /** `$XDG_CACHE_HOME/zkbiotime`, else `~/.cache/zkbiotime` (the user's own, not /tmp). */
    private fun cacheRoot(): Path? {
        val base = System.getenv("XDG_CACHE_HOME")?.takeIf { it.isNotBlank() }?.let { Paths.get(it) }
            ?: System.getProperty("user.home")?.takeIf { it.isNotBlank() }?.let { Paths.get(it, ".cache") }
        return base?.resolve("zkbiotime")
    }

    /** Readable and writable by the user alone where the file system has POSIX modes. */
    private fun createPrivateDirectories(dir: Path) {
        if (Files.isDirectory(dir)) return
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
        } catch (e: UnsupportedOperationException) {
            Files.createDirectories(dir)
        }
    }
}
