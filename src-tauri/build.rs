fn main() {
    // Packed relative relocations (DT_RELR, glibc ≥ 2.36 as in Debian 12): the loader reads a
    // few KB instead of 2,5 MB of relocation entries at every start, which stays resident.
    // Only this crate's binaries are linked differently; nothing else is rebuilt.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg=-Wl,-z,pack-relative-relocs");
    }
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
