//! Steering commands (Rammeaftale Syddanmark 2018, seed 002): set a year's categories once and
//! decide one otherwise with a reason (R7); the occupancy reporting runs with their deadlines,
//! lines and submission, exported as CSV and PDF/A from the run's table (R6). The reports
//! themselves come through `commands::reports::report` (kinds `categories`, `occupancy`).

use pladsoverblik_core::reports::category_year::DecisionForm;
use pladsoverblik_core::reports::occupancy_runs::{self, LineForm, OccupancyStatus, RunView};
use pladsoverblik_core::{Engine, Error};
use tauri::State;

use crate::error::IpcResult;
use crate::files::{Picked, Purpose};

/// "Fastsæt kategorier for år N"; the report's summary as the message.
#[tauri::command(async)]
pub fn categories_set(engine: State<'_, Engine>, year: i32) -> IpcResult<String> {
    Ok(engine.categories_set(year)?.text)
}

/// The municipality's decision on one offer's category (reason and who decided).
#[tauri::command(async)]
pub fn category_decide(
    engine: State<'_, Engine>,
    year: i32,
    form: DecisionForm,
) -> IpcResult<String> {
    let r = engine.category_decide(year, &form)?;
    let name = r
        .lines
        .iter()
        .find(|l| l.offer_id == form.offer_id.trim())
        .map(|l| format!("{} er nu {}", l.offer_name, l.category_label.to_lowercase()))
        .unwrap_or_default();
    Ok(format!("Afgørelsen er gemt: {name} for {year}."))
}

/// The years whose categories are set, newest first.
#[tauri::command(async)]
pub fn category_years(engine: State<'_, Engine>) -> IpcResult<Vec<i32>> {
    Ok(engine.category_years()?)
}

/// The next occupancy deadline, what is due by then, missed deadlines and the runs.
#[tauri::command(async)]
pub fn occupancy_status(engine: State<'_, Engine>) -> IpcResult<OccupancyStatus> {
    Ok(engine.occupancy_status(crate::today())?)
}

#[tauri::command(async)]
pub fn occupancy_run_create(
    engine: State<'_, Engine>,
    year: i32,
    period: String,
) -> IpcResult<RunView> {
    Ok(engine.occupancy_run_create(year, &period, None, crate::today())?)
}

#[tauri::command(async)]
pub fn occupancy_run_get(engine: State<'_, Engine>, run: i64) -> IpcResult<RunView> {
    Ok(engine.occupancy_run(run, crate::today())?)
}

/// The actual occupancy, efterregulering and the text of one line of a draft run.
#[tauri::command(async)]
pub fn occupancy_line_set(
    engine: State<'_, Engine>,
    run: i64,
    offer: String,
    form: LineForm,
) -> IpcResult<RunView> {
    Ok(engine.occupancy_line_set(run, &offer, &form, crate::today())?)
}

/// Submits a run; it is locked from then on.
#[tauri::command(async)]
pub fn occupancy_run_submit(engine: State<'_, Engine>, run: i64) -> IpcResult<RunView> {
    Ok(engine.occupancy_run_submit(run, crate::today())?)
}

/// Writes a run's report as CSV for Danish Excel to the file picked in the save dialog.
#[tauri::command(async)]
pub fn occupancy_run_csv(
    engine: State<'_, Engine>,
    picked: State<'_, Picked>,
    run: i64,
    file: String,
) -> IpcResult<String> {
    let path = picked.path(&file, Purpose::ReportCsv)?;
    let table = occupancy_runs::run_table(&engine.occupancy_run(run, crate::today())?);
    pladsoverblik_core::paths::write_private(&path, &table.to_csv())
        .map_err(|e| Error::io(path.display(), e))?;
    Ok(format!("Indberetningen er gemt som {}.", path.display()))
}

/// Writes a run's report as PDF/A to the file picked in the save dialog.
#[tauri::command(async)]
pub fn occupancy_run_pdf(
    engine: State<'_, Engine>,
    picked: State<'_, Picked>,
    run: i64,
    file: String,
) -> IpcResult<String> {
    let path = picked.path(&file, Purpose::ReportPdf)?;
    let table = occupancy_runs::run_table(&engine.occupancy_run(run, crate::today())?);
    let pages = pladsoverblik_pdf::export_report(&engine, &table, None, &path, crate::today())?;
    Ok(format!(
        "Indberetningen er gemt som {} {}",
        path.display(),
        pladsoverblik_pdf::report_written(&table, pages)
    ))
}
