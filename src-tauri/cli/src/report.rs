//! `plads report KIND`: the steering group's reports, dispatched once on `reports::Kind`; every
//! report exports as PDF/A, CSV and JSON from the same table.

use pladsoverblik_core::{reports, Error, Result};
use std::path::PathBuf;

use crate::{open, print_json};

/// `plads report KIND`: one of the steering group's reports.
#[derive(clap::Args)]
pub struct ReportArgs {
    /// rate-increases, occupancy, spend eller categories.
    pub kind: String,
    /// Året (alle rapporter undtagen spend).
    #[arg(long, allow_hyphen_values = true)]
    pub year: Option<String>,
    #[arg(long)]
    pub db: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
    /// Skriv rapporten som CSV til dansk Excel (semikolon, UTF-8 med BOM, decimalkomma).
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Skriv rapporten som PDF/A.
    #[arg(long)]
    pub pdf: Option<PathBuf>,
}

/// The report as `--json` prints it: the report (`kind`, `report`) and its figures and chart
/// (`glance`), as the window shows them.
#[derive(serde::Serialize)]
struct ReportJson<'a> {
    #[serde(flatten)]
    report: &'a reports::Report,
    glance: &'a reports::Glance,
}

pub fn report(a: ReportArgs) -> Result<()> {
    let kind = reports::Kind::parse(&a.kind)?;
    let year = match (&a.year, kind.needs_year()) {
        (Some(y), _) => y.trim().parse::<i32>().map_err(|_| {
            Error::Invalid(format!(
                "År: «{}» er ikke et årstal; skriv fx 2027.",
                y.trim()
            ))
        })?,
        (None, false) => 0,
        (None, true) => {
            return Err(Error::Invalid(format!(
                "År: rapporten «{}» gælder ét år; angiv --year, fx --year 2027.",
                kind.code()
            )))
        }
    };
    let engine = open(&a.db)?;
    let report = engine.report(kind, year)?;
    let glance = report.glance();
    let json = ReportJson {
        report: &report,
        glance: &glance,
    };
    if export(
        &engine,
        &json,
        (report.table(), &glance),
        &a.pdf,
        &a.csv,
        a.json,
    )? {
        return Ok(());
    }
    for line in report.lines_text() {
        outln!("{line}");
    }
    outln!("{}", report.text());
    Ok(())
}

/// A report's exports, all from the same report: the PDF with `--pdf FILE` (table, figures
/// and chart; author: the user in the audit log), the CSV with `--csv FILE` (the table), and
/// the report as JSON on standard output with `--json` (returns true then, and nothing else
/// is printed there).
fn export<T: serde::Serialize>(
    engine: &pladsoverblik_core::Engine,
    report: &T,
    (table, glance): (reports::Table, &reports::Glance),
    pdf: &Option<PathBuf>,
    csv: &Option<PathBuf>,
    json: bool,
) -> Result<bool> {
    let mut written = Vec::new();
    if let Some(path) = pdf {
        let today = pladsoverblik_core::clock::today();
        let pages = pladsoverblik_pdf::export_report(engine, &table, Some(glance), path, today)?;
        written.push(format!(
            "PDF skrevet til {} {}",
            path.display(),
            pladsoverblik_pdf::report_written(&table, pages)
        ));
    }
    if let Some(path) = csv {
        pladsoverblik_core::paths::write_private(path, &table.to_csv())
            .map_err(|e| Error::io(path.display(), e))?;
        written.push(format!("CSV skrevet til {}.", path.display()));
    }
    if json {
        print_json(report)?;
        return Ok(true);
    }
    for line in written {
        outln!("{line}");
    }
    Ok(false)
}
