fn main() {
    // Packed relative relocations (DT_RELR, glibc ≥ 2.36 as in Debian 12): the loader reads a
    // few KB instead of 2,5 MB of relocation entries at every start, which stays resident.
    // Only this crate's binaries are linked differently; nothing else is rebuilt.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg=-Wl,-z,pack-relative-relocs");
    }
    tauri_build::build()
}
