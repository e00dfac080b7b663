//! App-level commands that are not about the domain.

use std::time::{SystemTime, UNIX_EPOCH};

use tauri::{AppHandle, Emitter, Manager, Runtime};

/// The event that asks the window to search again: the first results came from the index
/// file of the last start, and the index built from the database differs from it.
pub const INDEX_CHANGED: &str = "search-index-changed";

/// The UI calls this once its first search results are on screen: the search index is now
/// built from the database (`Engine::first_results_shown`), and when it differs from the
/// file's the window gets `search-index-changed`. When `PLADSOVERBLIK_READY_FILE` is set (by
/// `make bench`), the wall-clock time in nanoseconds is written there, so launch-to-results
/// can be measured from outside. `page`: the page's own milestones (what, wall-clock ms),
/// written with the others under `PLADSOVERBLIK_TIMING=1` (`pladsoverblik_core::timing`).
#[tauri::command]
pub fn ui_ready<R: Runtime>(
    app: AppHandle<R>,
    engine: tauri::State<'_, pladsoverblik_core::Engine>,
    page: Option<Vec<(String, f64)>>,
) {
    engine.first_results_shown();
    let _ = std::thread::Builder::new()
        .name("søgeindeks-tjek".into())
        .spawn(move || {
            let engine = app.state::<pladsoverblik_core::Engine>();
            if engine.index_checked().unwrap_or(false) {
                let _ = app.emit(INDEX_CHANGED, ());
            }
        });
    for (what, ms) in page.unwrap_or_default() {
        pladsoverblik_core::timing::mark_at(&format!("side: {what}"), ms);
    }
    pladsoverblik_core::timing::mark("resultater på skærmen");
    if let Some(path) = std::env::var_os("PLADSOVERBLIK_READY_FILE") {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let _ = std::fs::write(path, nanos.to_string());
    }
}

/// An unexpected error the window caught (a script error, a failure nobody expected): the
/// user was shown a Danish message; the technical text goes to the app's log without CPR
/// numbers (`pladsoverblik_core::ui_log`).
#[tauri::command(async)]
pub fn ui_log_error(
    engine: tauri::State<'_, pladsoverblik_core::Engine>,
    context: String,
    text: String,
) -> crate::error::IpcResult<()> {
    Ok(engine.ui_error(&context, &text)?)
}
