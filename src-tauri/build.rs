fn main() {
    // Packed relative relocations (DT_RELR, glibc ≥ 2.36 as in Debian 12): the loader reads a
    // few KB instead of 2,5 MB of relocation entries at every start, which stays resident.
    // Only this crate's binaries are linked differently; nothing else is rebuilt.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg=-Wl,-z,pack-relative-relocs");
    }
    startup_order();
    // Every command the window may call gets its own permission (`allow-<command>`), granted
    // in capabilities/default.json; a command not listed here cannot be called from the page.
    // `tests::every_command_has_its_permission` keeps this list, the handler and the
    // capability equal.
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        println!("cargo:warning=tauri-build: {e}");
        std::process::exit(1);
    }
}

/// The functions a start runs, laid out first in the release binary (`startup-order.txt`,
/// written by `make startup-order`: docs/benchmarks.md). The kernel maps a binary's code 64 KB
/// around each page a start touches; with these functions scattered over 33 MB of code a start
/// kept 10,8 MB of it resident, with them together 2,7 MB. Only the app's own binaries, only
/// release builds, and only where the linker is LLD (Rust's default for x86_64 Linux since
/// 1.90): other linkers do not know the option. A name the build no longer has is skipped, so
/// a stale file costs memory, never correctness.
fn startup_order() {
    let target = std::env::var("TARGET").unwrap_or_default();
    let release = std::env::var("PROFILE").as_deref() == Ok("release");
    println!("cargo:rerun-if-changed=startup-order.txt");
    let file = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default())
        .join("startup-order.txt");
    if release && target == "x86_64-unknown-linux-gnu" && file.is_file() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            file.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}

const COMMANDS: &[&str] = &[
    "pick_file",
    "catalogue_info",
    "reference_data",
    "search_offers",
    "offer_detail",
    "import_catalogue",
    "ui_ready",
    "ui_log_error",
    "checks_list",
    "check_get",
    "check_create",
    "check_confirm",
    "check_reject",
    "check_shortlist_add",
    "check_shortlist_remove",
    "check_close",
    "check_inquire",
    "check_answer",
    "settings_get",
    "settings_set",
    "server_state",
    "server_test",
    "server_sync",
    "backup_status",
    "backup_create",
    "backup_inspect",
    "backup_restore",
    "agreements_list",
    "agreement_for",
    "agreements_import",
    "agreements_most_specialised",
    "contracts_list",
    "contract_get",
    "contract_prefill",
    "contract_evaluate",
    "contract_create",
    "contract_save",
    "contract_issue",
    "contract_correct",
    "contract_mark",
    "contract_terminate",
    "contract_renew",
    "contract_discard",
    "contract_pdf_name",
    "contract_export_pdf",
    "old_contract_register",
    "old_contract_get",
    "old_contract_correct",
    "rates_preview",
    "rates_import",
    "report",
    "report_csv",
    "report_pdf",
    "categories_set",
    "category_decide",
    "category_years",
    "occupancy_status",
    "occupancy_run_create",
    "occupancy_run_get",
    "occupancy_line_set",
    "occupancy_run_submit",
    "occupancy_run_csv",
    "occupancy_run_pdf",
];
