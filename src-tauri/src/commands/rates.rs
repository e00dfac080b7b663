//! Rate sheet and report commands: each takes the engine from managed state and calls one
//! core function.

use pladsoverblik_core::ratesheet::Preview;
use pladsoverblik_core::reports::{
    self, CategoryReport, IncreaseReport, OccupancyReport, SpendReport,
};
use pladsoverblik_core::{Engine, Error};
use tauri::State;

use crate::error::IpcResult;

/// What importing the chosen rate sheet would change; nothing is saved.
#[tauri::command(async)]
pub fn rates_preview(engine: State<'_, Engine>, path: String) -> IpcResult<Preview> {
    Ok(engine.rates_preview(std::path::Path::new(&path))?)
}

/// Saves the rate sheet's new and changed rates (after the user has seen the preview).
#[tauri::command(async)]
pub fn rates_import(engine: State<'_, Engine>, path: String) -> IpcResult<Preview> {
    Ok(engine.rates_import(std::path::Path::new(&path))?)
}

#[tauri::command(async)]
pub fn report_rate_increases(engine: State<'_, Engine>, year: i32) -> IpcResult<IncreaseReport> {
    Ok(engine.report_rate_increases(year)?)
}

#[tauri::command(async)]
pub fn report_occupancy(engine: State<'_, Engine>, year: i32) -> IpcResult<OccupancyReport> {
    Ok(engine.report_occupancy(year)?)
}

#[tauri::command(async)]
pub fn report_spend(engine: State<'_, Engine>) -> IpcResult<SpendReport> {
    Ok(engine.report_spend()?)
}

#[tauri::command(async)]
pub fn report_categories(engine: State<'_, Engine>, year: i32) -> IpcResult<CategoryReport> {
    Ok(engine.report_categories(year)?)
}

/// A report as a table (`rate_increases`, `occupancy`, `categories` or `spend`): what the
/// CSV and the PDF are made from.
fn report_table(engine: &Engine, kind: &str, year: i32) -> Result<reports::Table, Error> {
    Ok(match kind {
        "rate_increases" => reports::rate_increases_table(&engine.report_rate_increases(year)?),
        "occupancy" => reports::occupancy_table(&engine.report_occupancy(year)?),
        "categories" => reports::categories_table(&engine.report_categories(year)?),
        "spend" => reports::spend_table(&engine.report_spend()?),
        other => return Err(Error::Invalid(format!("Rapporten «{other}» findes ikke."))),
    })
}

/// Writes a report as CSV for Danish Excel to the path chosen in the save dialog.
#[tauri::command(async)]
pub fn report_csv(
    engine: State<'_, Engine>,
    kind: String,
    year: i32,
    path: String,
) -> IpcResult<String> {
    let table = report_table(&engine, &kind, year)?;
    std::fs::write(&path, table.to_csv()).map_err(|e| Error::io(&path, e))?;
    let what = if kind == "spend" {
        "Oversigten"
    } else {
        "Rapporten"
    };
    Ok(format!("{what} er gemt som {path}."))
}

/// Writes a report (`rate_increases`, `occupancy`, `categories` or `spend`) as PDF/A to the
/// path chosen in the save dialog.
#[tauri::command(async)]
pub fn report_pdf(
    engine: State<'_, Engine>,
    kind: String,
    year: i32,
    path: String,
) -> IpcResult<String> {
    let table = report_table(&engine, &kind, year)?;
    let author = engine.settings()?.effective_user;
    let rendered = pladsoverblik_pdf::render_table(&table, &author, crate::today())?;
    std::fs::write(&path, &rendered.bytes).map_err(|e| Error::io(&path, e))?;
    Ok(format!(
        "Rapporten er gemt som {path} ({}).",
        pladsoverblik_pdf::pages_text(rendered.pages)
    ))
}
