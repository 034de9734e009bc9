// The panic hooks of a dev build of the library (`testing_panic`, `testing_panic_async`),
// called from the tests only. They are not in the generated Kotlin (uniffi.toml excludes
// them; a release library does not have them),
// so this file binds the two symbols itself with JNA, the way the generated code binds
// every other one, and uses the generated code's internals (call status, async call,
// error lifting), which the test sources may see (Kotlin `internal`: one Maven module).
package io.github.zkbiotime

import com.sun.jna.Native

internal object TestingLib {
    init {
        val name = System.getProperty("uniffi.component.zkbiotime.libraryOverride") ?: "zkbiotime_uniffi"
        // Loads and checks the library as every call does (contract version, checksums).
        uniffiEnsureInitialized()
        Native.register(TestingLib::class.java, name)
    }

    external fun uniffi_zkbiotime_uniffi_fn_func_testing_panic(text: RustBuffer.ByValue, status: UniffiRustCallStatus)

    external fun uniffi_zkbiotime_uniffi_fn_func_testing_panic_async(text: RustBuffer.ByValue): Long
}

/** Panics inside Rust (a plain call): must throw `ZkbioException.Internal`. */
fun testingPanic(text: String) {
    val status = UniffiRustCallStatus()
    TestingLib.uniffi_zkbiotime_uniffi_fn_func_testing_panic(FfiConverterString.lower(text), status)
    when (status.code) {
        UNIFFI_CALL_SUCCESS -> Unit
        UNIFFI_CALL_ERROR -> throw ZkbioException.ErrorHandler.lift(status.error_buf)
        else -> throw InternalException("testing_panic: call status ${status.code}")
    }
}

/** Panics inside an async call on the tokio runtime: must throw `ZkbioException.Internal`. */
suspend fun testingPanicAsync(text: String) {
    uniffiRustCallAsync(
        TestingLib.uniffi_zkbiotime_uniffi_fn_func_testing_panic_async(FfiConverterString.lower(text)),
        { future, callback, continuation -> UniffiLib.ffi_zkbiotime_uniffi_rust_future_poll_void(future, callback, continuation) },
        { future, continuation -> UniffiLib.ffi_zkbiotime_uniffi_rust_future_complete_void(future, continuation) },
        { future -> UniffiLib.ffi_zkbiotime_uniffi_rust_future_free_void(future) },
        { },
        ZkbioException.ErrorHandler,
    )
}
