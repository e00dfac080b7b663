//! App-level commands that are not about the domain.

use std::time::{SystemTime, UNIX_EPOCH};

/// The UI calls this once its first search results are on screen. When
/// `PLADSOVERBLIK_READY_FILE` is set (by `make bench`), the wall-clock time in nanoseconds is
/// written there, so launch-to-results can be measured from outside; otherwise nothing happens.
/// `page`: the page's own milestones (what, wall-clock ms), written with the others under
/// `PLADSOVERBLIK_TIMING=1` (`pladsoverblik_core::timing`).
#[tauri::command]
pub fn ui_ready(page: Option<Vec<(String, f64)>>) {
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
