//! `plads rates …` (rate sheets) and `plads report …` (the steering group's reports).

use clap::Subcommand;
use pladsoverblik_core::{reports, Error, Result};
use std::path::PathBuf;

use crate::{open, print_json};

#[derive(Subcommand)]
pub enum RatesCommand {
    /// Indlæs en takstoversigt (.xlsx eller .csv): nye og ændrede takster gemmes i én
    /// transaktion. Med --preview vises ændringerne uden at gemme.
    Import {
        file: PathBuf,
        #[arg(long)]
        preview: bool,
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Kategorier (højt specialiseret / klyngetilbud / lokalt) med de tal, der afgjorde dem.
    Categories {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Skriv rapporten som PDF/A.
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
    /// Udgifter efter udstedte kontrakter pr. år: offentlige og private tilbud, pr.
    /// lovgrundlag.
    Spend {
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Skriv rapporten som PDF/A.
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
    /// Tilbud hvis faktiske belægning afviger 5 procentpoint (indstilling) eller mere fra den
    /// budgetterede.
    Occupancy {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Skriv rapporten som PDF/A.
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
    /// Takststigninger over tærsklen (standard 5 %) fra året før, pr. døgn ekskl. moms.
    RateIncreases {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        /// Skriv rapporten som CSV til dansk Excel (semikolon, UTF-8 med BOM, decimalkomma).
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Skriv rapporten som PDF/A.
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
}

pub fn rates(command: RatesCommand) -> Result<()> {
    match command {
        RatesCommand::Import {
            file,
            preview,
            db,
            json,
        } => {
            let engine = open(&db)?;
            let p = if preview {
                engine.rates_preview(&file)?
            } else {
                engine.rates_import(&file)?
            };
            if json {
                return print_json(&p);
            }
            for l in &p.lines {
                let what = match l.change {
                    pladsoverblik_core::ratesheet::Change::New => "ny",
                    pladsoverblik_core::ratesheet::Change::Changed => "ændret",
                    pladsoverblik_core::ratesheet::Change::Unchanged => "uændret",
                    pladsoverblik_core::ratesheet::Change::OfferNotFound => "tilbud findes ikke",
                };
                println!(
                    "{:<10} {} {} {}: {}{}",
                    what,
                    l.rate.offer_id,
                    l.rate.basis.label(),
                    l.rate.year,
                    l.before
                        .as_deref()
                        .map(|b| format!("{b} → "))
                        .unwrap_or_default(),
                    l.after
                );
            }
            println!(
                "{}{}",
                p.text,
                if preview {
                    " Intet er gemt (--preview)."
                } else {
                    " Gemt."
                }
            );
            Ok(())
        }
    }
}

pub fn report(command: ReportCommand) -> Result<()> {
    match command {
        ReportCommand::Categories {
            year,
            db,
            json,
            csv,
            pdf,
        } => {
            let engine = open(&db)?;
            let report = engine.report_categories(year)?;
            if export(
                &engine,
                &report,
                reports::categories_table(&report),
                &pdf,
                &csv,
                json,
            )? {
                return Ok(());
            }
            for l in &report.lines {
                println!(
                    "{} ({}): {} – {}",
                    l.offer_name, l.offer_id, l.category_label, l.reason
                );
            }
            println!("{}", report.text);
            Ok(())
        }
        ReportCommand::Spend { db, json, csv, pdf } => {
            let engine = open(&db)?;
            let report = engine.report_spend()?;
            if export(
                &engine,
                &report,
                reports::spend_table(&report),
                &pdf,
                &csv,
                json,
            )? {
                return Ok(());
            }
            for r in &report.rows {
                println!(
                    "{} {:<9} {:<18} {:>18}  ({} kontrakter)",
                    r.year,
                    if r.public { "offentlig" } else { "privat" },
                    r.basis_label,
                    r.total_text,
                    r.contracts
                );
            }
            println!("{}", report.text);
            Ok(())
        }
        ReportCommand::Occupancy {
            year,
            db,
            json,
            csv,
            pdf,
        } => {
            let engine = open(&db)?;
            let report = engine.report_occupancy(year)?;
            if export(
                &engine,
                &report,
                reports::occupancy_table(&report),
                &pdf,
                &csv,
                json,
            )? {
                return Ok(());
            }
            for l in &report.lines {
                println!(
                    "{} ({}) {}, {}: budget {}, faktisk {}, {}",
                    l.offer_name,
                    l.offer_id,
                    l.texts.basis,
                    l.operator_name,
                    l.texts.budgeted,
                    l.texts.actual,
                    l.texts.deviation
                );
            }
            println!("{}", report.text);
            Ok(())
        }
        ReportCommand::RateIncreases {
            year,
            db,
            json,
            csv,
            pdf,
        } => {
            let engine = open(&db)?;
            let report = engine.report_rate_increases(year)?;
            if export(
                &engine,
                &report,
                reports::rate_increases_table(&report),
                &pdf,
                &csv,
                json,
            )? {
                return Ok(());
            }
            for (operator, lines) in &report.groups {
                println!("{operator}");
                for l in lines {
                    println!(
                        "  {} ({}) {}: {} → {} pr. døgn ekskl. moms, +{} (ud over PL: {})",
                        l.offer_name,
                        l.offer_id,
                        l.basis.label(),
                        l.texts.previous,
                        l.texts.current,
                        l.texts.increase,
                        l.texts.above_pl
                    );
                }
            }
            println!("{}", report.text);
            Ok(())
        }
    }
}

/// A report's exports, all from the same table: the PDF with `--pdf FILE` (author: the user
/// in the audit log), the CSV with `--csv FILE`, and the report as JSON on standard output
/// with `--json` (returns true then, and nothing else is printed there).
fn export<T: serde::Serialize>(
    engine: &pladsoverblik_core::Engine,
    report: &T,
    table: reports::Table,
    pdf: &Option<PathBuf>,
    csv: &Option<PathBuf>,
    json: bool,
) -> Result<bool> {
    let mut written = Vec::new();
    if let Some(path) = pdf {
        let author = engine.settings()?.effective_user;
        let today = pladsoverblik_core::clock::today();
        let rendered = pladsoverblik_pdf::render_table(&table, &author, today)?;
        std::fs::write(path, &rendered.bytes).map_err(|e| Error::io(path.display(), e))?;
        written.push(format!(
            "PDF skrevet til {} ({}).",
            path.display(),
            pladsoverblik_pdf::pages_text(rendered.pages)
        ));
    }
    if let Some(path) = csv {
        std::fs::write(path, table.to_csv()).map_err(|e| Error::io(path.display(), e))?;
        written.push(format!("CSV skrevet til {}.", path.display()));
    }
    if json {
        print_json(report)?;
        return Ok(true);
    }
    for line in written {
        println!("{line}");
    }
    Ok(false)
}
