//! Report commands: one kind (`reports::Kind`) names the report, the core computes it and lays
//! it out as a table; the screen, the CSV and the PDF all come from that one table.

use pladsoverblik_core::reports::{Glance, Kind, Report, ScreenTable};
use pladsoverblik_core::{Engine, Error};
use serde::Serialize;
use tauri::State;

use crate::error::IpcResult;
use crate::files::{Picked, Purpose};

/// A report with its table (the first rows: `Table::for_screen`), figures and chart (what
/// the screen shows), and with `lines` the report's own lines as well (`kind` and `report`).
#[derive(Serialize)]
pub struct ReportView {
    #[serde(flatten)]
    pub report: Option<Report>,
    pub title: String,
    pub table: ScreenTable,
    pub glance: Glance,
}

/// `lines`: whether the view needs the report's lines themselves (the categories' decision
/// form lists every offer); a report over the whole catalogue has tens of thousands, which
/// the table on screen does not show.
#[tauri::command(async)]
pub fn report(
    engine: State<'_, Engine>,
    kind: String,
    year: i32,
    lines: Option<bool>,
) -> IpcResult<ReportView> {
    let report = engine.report(Kind::parse(&kind)?, year)?;
    let table = report.table().for_screen();
    Ok(ReportView {
        title: table.table.title.clone(),
        table,
        glance: report.glance(),
        report: lines.unwrap_or(false).then_some(report),
    })
}

/// Writes a report as CSV for Danish Excel to the file picked in the save dialog (`file`:
/// its token, `files::pick_file`).
#[tauri::command(async)]
pub fn report_csv(
    engine: State<'_, Engine>,
    picked: State<'_, Picked>,
    kind: String,
    year: i32,
    file: String,
) -> IpcResult<String> {
    let path = picked.path(&file, Purpose::ReportCsv)?;
    let kind = Kind::parse(&kind)?;
    let table = engine.report(kind, year)?.table();
    pladsoverblik_core::paths::write_private(&path, &table.to_csv())
        .map_err(|e| Error::io(path.display(), e))?;
    let path = path.display();
    let what = if kind == Kind::Spend {
        "Oversigten"
    } else {
        "Rapporten"
    };
    Ok(format!("{what} er gemt som {path}."))
}

/// Writes a report as PDF/A to the file picked in the save dialog.
#[tauri::command(async)]
pub fn report_pdf(
    engine: State<'_, Engine>,
    picked: State<'_, Picked>,
    kind: String,
    year: i32,
    file: String,
) -> IpcResult<String> {
    let path = picked.path(&file, Purpose::ReportPdf)?;
    let report = engine.report(Kind::parse(&kind)?, year)?;
    let table = report.table();
    let pages = pladsoverblik_pdf::export_report(
        &engine,
        &table,
        Some(&report.glance()),
        &path,
        crate::today(),
    )?;
    Ok(format!(
        "Rapporten er gemt som {} {}",
        path.display(),
        pladsoverblik_pdf::report_written(&table, pages)
    ))
}
