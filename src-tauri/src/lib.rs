//! The desktop shell: opens the core's engine on the per-user database and maps IPC commands
//! to core calls. Nothing here knows the domain rules.

mod background;
mod commands;
mod error;
mod files;
mod first_page;

use pladsoverblik_core::{paths, Engine};
use std::path::PathBuf;
use tauri::{Manager, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogKind};

/// WebKitGTK settings for a forms-and-tables app, applied before the first window (and by
/// `make bench`'s empty window, so the floor is built the same way). A value the user has set
/// wins for each.
///
/// - Without GPU compositing WebKit paints the page directly instead of keeping a texture per
///   scrolling pane, which saves about 100 MB per window under software rendering and avoids
///   the blank or transparent windows some drivers give
///   (`WEBKIT_DISABLE_COMPOSITING_MODE=0` turns compositing back on).
/// - JavaScriptCore runs the page's scripts in its interpreter, without its JIT compilers
///   (`JSC_useJIT`, read by the WebKit processes the window starts): the page's scripts are
///   glue between the form and the core, and the compilers' code and threads cost the window
///   about 9 MB (6–7 MB more than they cost an empty window) and compete with the page for 2
///   cores at start-up. Measured in docs/benchmarks-changes.md (round 10), with what it costs
///   script-heavy work (`JSC_useJIT=true` turns the JIT back on).
pub fn prepare_webkit() {
    #[cfg(target_os = "linux")]
    for (key, value) in [
        ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
        ("JSC_useJIT", "false"),
    ] {
        if std::env::var_os(key).is_none() {
            std::env::set_var(key, value);
        }
    }
}

/// The day every command works on (`PLADSOVERBLIK_TODAY` fixes it for tests).
pub fn today() -> chrono::NaiveDate {
    pladsoverblik_core::clock::today()
}

/// The database file: `PLADSOVERBLIK_DATA_DIR` if set, else the per-user data directory the
/// CLI uses too (a separate one for development builds, `paths::identifier`).
fn db_path<R: Runtime>(app: &tauri::App<R>) -> Result<PathBuf, String> {
    if let Some(dir) = paths::data_dir() {
        return Ok(dir.join(paths::DB_FILE_NAME));
    }
    app.path()
        .app_data_dir()
        .map(|d| d.join(paths::DB_FILE_NAME))
        .map_err(|e| format!("Kan ikke finde mappen til programdata: {e}"))
}

/// The app with its plugins and commands; generic so tests can use the mock runtime.
pub fn builder<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .manage(files::Picked::default())
        .manage(pladsoverblik_server::state::Syncer::default())
        .invoke_handler(tauri::generate_handler![
            files::pick_file,
            commands::catalogue::catalogue_info,
            commands::catalogue::reference_data,
            commands::catalogue::search_offers,
            commands::catalogue::offer_detail,
            commands::catalogue::import_catalogue,
            commands::app::ui_ready,
            commands::app::ui_log_error,
            commands::checks::checks_list,
            commands::checks::check_get,
            commands::checks::check_create,
            commands::checks::check_confirm,
            commands::checks::check_reject,
            commands::checks::check_shortlist_add,
            commands::checks::check_shortlist_remove,
            commands::checks::check_close,
            commands::checks::check_inquire,
            commands::checks::check_answer,
            commands::settings::settings_get,
            commands::settings::settings_set,
            commands::server::server_state,
            commands::server::server_test,
            commands::server::server_sync,
            commands::backup::backup_status,
            commands::backup::backup_create,
            commands::backup::backup_inspect,
            commands::backup::backup_restore,
            commands::agreements::agreements_list,
            commands::agreements::agreement_for,
            commands::agreements::agreements_import,
            commands::agreements::agreements_most_specialised,
            commands::contracts::contracts_list,
            commands::contracts::contract_get,
            commands::contracts::contract_prefill,
            commands::contracts::contract_evaluate,
            commands::contracts::contract_create,
            commands::contracts::contract_save,
            commands::contracts::contract_issue,
            commands::contracts::contract_correct,
            commands::contracts::contract_mark,
            commands::contracts::contract_terminate,
            commands::contracts::contract_renew,
            commands::contracts::contract_discard,
            commands::contracts::contract_pdf_name,
            commands::contracts::contract_export_pdf,
            commands::contracts::old_contract_register,
            commands::contracts::old_contract_get,
            commands::contracts::old_contract_correct,
            commands::rates::rates_preview,
            commands::rates::rates_import,
            commands::reports::report,
            commands::reports::report_csv,
            commands::reports::report_pdf,
            commands::steering::categories_set,
            commands::steering::category_decide,
            commands::steering::category_years,
            commands::steering::occupancy_status,
            commands::steering::occupancy_run_create,
            commands::steering::occupancy_run_get,
            commands::steering::occupancy_line_set,
            commands::steering::occupancy_run_submit,
            commands::steering::occupancy_run_csv,
            commands::steering::occupancy_run_pdf,
        ])
}

/// The engine being opened in a thread of its own.
type Opening = std::thread::JoinHandle<Result<Engine, String>>;

/// Opens the database — and so starts building the search index — from the first moment of
/// the process, while GTK and the window start (about 150 ms on 2 cores), so the index is
/// ready sooner after the page asks for the first results. `None` when the data directory is
/// only known to Tauri (no home directory): `setup` opens it then.
///
/// Not under libfaketime (`make test-any-date`): its `pthread_cond` wrappers take a global lock
/// that GTK's X connection then waits on for ever when other threads start during `gtk_init`
/// (seen once: the window never opened). There the database opens in `setup`, as before.
fn open_early() -> Option<Opening> {
    if std::env::var_os("FAKETIME").is_some() {
        return None;
    }
    let path = paths::default_db_path()?;
    std::thread::Builder::new()
        .name("database".into())
        .spawn(move || Engine::open_for_window(&path).map_err(|e| e.to_string()))
        .ok()
}

/// Opens the window and puts the engine (opened early, or now) in managed state. A failure is
/// shown in a native dialog and the app exits.
pub fn setup<R: Runtime>(
    app: &mut tauri::App<R>,
    early: Option<Opening>,
) -> Result<(), Box<dyn std::error::Error>> {
    open_window(app)?;
    let opened = match early.map(std::thread::JoinHandle::join) {
        Some(Ok(opened)) => opened,
        Some(Err(_)) => Err("Databasen kunne ikke åbnes: intern fejl under åbningen.".into()),
        None => db_path(app).and_then(|p| Engine::open_for_window(&p).map_err(|e| e.to_string())),
    };
    match opened {
        Ok(engine) => {
            app.manage(engine);
            background::start(app.handle().clone());
            pladsoverblik_core::timing::mark("opsætning færdig");
            Ok(())
        }
        Err(message) => {
            app.dialog()
                .message(format!("Pladsoverblik kan ikke starte.\n\n{message}"))
                .title("Pladsoverblik")
                .kind(MessageDialogKind::Error)
                .blocking_show();
            std::process::exit(1);
        }
    }
}

/// The main window, as `tauri.conf.json` describes it (`"create": false` there, so it is made
/// here), with the start page served with its first results (`first_page`). Made first, as
/// Tauri would, while the engine may still be opening (a database whose write-ahead log was
/// left large, after `plads import-catalogue` or a killed window, takes 100–200 ms to open
/// at 100.000 offers): the window's requests are answered by the main loop, which runs once
/// `setup` has put the engine in place.
fn open_window<R: Runtime>(app: &tauri::App<R>) -> tauri::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
        .on_web_resource_request(first_page::on_request(app.handle().clone()))
        .build()?;
    Ok(())
}

pub fn run() {
    pladsoverblik_core::timing::mark("proces startet");
    pladsoverblik_core::error::quiet_panics();
    prepare_webkit();
    let early = open_early();
    let result = builder(tauri::Builder::default())
        .setup(move |app| setup(app, early))
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Pladsoverblik kunne ikke starte: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code
mod tests {
    /// The handler's commands, the build script's permission list and the capability's grants
    /// are one set: a new command is neither forgotten (denied) nor granted by accident.
    #[test]
    fn every_command_has_its_permission() {
        let names = |text: &str, start: &str, end: char| -> Vec<String> {
            let from = text.find(start).map(|i| i + start.len()).unwrap_or(0);
            let block = &text[from..];
            let block = &block[..block.find(end).unwrap_or(block.len())];
            let mut out: Vec<String> = block
                .split(',')
                .map(|s| {
                    s.trim()
                        .trim_matches('"')
                        .rsplit("::")
                        .next()
                        .unwrap_or("")
                        .to_string()
                })
                .filter(|s| !s.is_empty())
                .collect();
            out.sort();
            out
        };
        let handler = names(include_str!("lib.rs"), "generate_handler![", ']');
        let manifest = names(include_str!("../build.rs"), "COMMANDS: &[&str] = &[", ']');
        assert_eq!(handler, manifest);
        let cap: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/default.json")).unwrap();
        let mut granted: Vec<String> = cap["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
            .map(|p| p.replace('-', "_"))
            .collect();
        granted.sort();
        assert_eq!(handler, granted);
        assert!(handler.contains(&"pick_file".to_string()));
    }
}
