//! App-level commands that are not about the domain.

use std::time::{SystemTime, UNIX_EPOCH};

use tauri::{AppHandle, Manager, Runtime};

/// The UI calls this once its first search results are on screen: the search index is now
/// built from the database (`Engine::first_results_shown`). The answer comes when that index
/// is ready: true when the first results came from the index file of the last start and the
/// built index differs from it, so the window searches again. (An answer rather than an
/// event: an event is a script the app process runs in the page, and the first one costs the
/// app process JavaScriptCore's pages, 1,4 MB: docs/benchmarks-changes.md, round 11.) When
/// `PLADSOVERBLIK_READY_FILE` is set (by `make bench`), the wall-clock time in nanoseconds is
/// written there, so launch-to-results can be measured from outside: `shown_at`, when the
/// page says when the results were on screen (wall-clock ms: its first paint, when it came
/// with them, `first_page`), else the time of the call. `page`: the page's own milestones
/// (what, wall-clock ms), written with the others under `PLADSOVERBLIK_TIMING=1`
/// (`pladsoverblik_core::timing`).
#[tauri::command]
pub async fn ui_ready<R: Runtime>(
    app: AppHandle<R>,
    page: Option<Vec<(String, f64)>>,
    shown_at: Option<f64>,
) -> bool {
    app.state::<pladsoverblik_core::Engine>()
        .first_results_shown();
    for (what, ms) in page.unwrap_or_default() {
        pladsoverblik_core::timing::mark_at(&format!("side: {what}"), ms);
    }
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0);
    // Never later than now: a page's clock cannot put the results in the future.
    let shown_ms = shown_at
        .filter(|ms| ms.is_finite() && *ms > 0.0)
        .map_or(now_ms, |ms| ms.min(now_ms));
    pladsoverblik_core::timing::mark_at("resultater på skærmen", shown_ms);
    if let Some(path) = std::env::var_os("PLADSOVERBLIK_READY_FILE") {
        let nanos = (shown_ms * 1_000_000.0).round() as u128;
        let _ = std::fs::write(path, nanos.to_string());
    }
    tauri::async_runtime::spawn_blocking(move || {
        app.state::<pladsoverblik_core::Engine>()
            .index_checked()
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
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
