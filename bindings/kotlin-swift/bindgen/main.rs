//! `uniffi-bindgen`, as uniffi's docs recommend: a binary built from the same uniffi version
//! as the library, so generated Kotlin/Swift always match the scaffolding.

fn main() {
    uniffi::uniffi_bindgen_main()
}
