//! `plads categories …` and `plads occupancy …`: the steering steps of Rammeaftale Syddanmark
//! 2018 (seed 002). Categories are set once a year and may be decided otherwise with a reason
//! (R7); occupancy is reported in two runs a year, each line with its efterregulering answer
//! and text, submitted once (R6). The reports themselves: `plads report categories|occupancy`.

use clap::Subcommand;
use pladsoverblik_core::reports::category_year::DecisionForm;
use pladsoverblik_core::reports::occupancy_runs::{self, LineForm, OccupancyStatus, RunView};
use pladsoverblik_core::reports::{self, CategoryReport};
use pladsoverblik_core::{Error, Result};
use std::path::PathBuf;

use crate::{open, print_json, today};

#[derive(Subcommand)]
pub enum CategoriesCommand {
    /// Fastsæt kategorierne for et år (én gang; de ændres ikke i løbet af året).
    Set {
        #[arg(long, allow_hyphen_values = true)]
        year: String,
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Kommunens afgørelse om et tilbuds kategori, med begrundelse og hvem der besluttede.
    Override {
        /// Tilbuddets id, fx SY-1003.
        offer: String,
        #[arg(long, allow_hyphen_values = true)]
        year: String,
        /// hoejt (højt specialiseret), klynge eller lokalt.
        #[arg(long)]
        category: String,
        /// Begrundelsen (fx faglighed, behov, specialisering, kompleksitet).
        #[arg(long)]
        reason: String,
        /// Hvem der har truffet afgørelsen.
        #[arg(long)]
        decided_by: String,
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum OccupancyCommand {
    /// Næste frist, hvilke tilbud der skal indberettes, overskredne frister og indberetningerne.
    Status {
        #[arg(long)]
        today: Option<String>,
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Start indberetningen for et år og en periode (q1 eller q1-q3).
    Run {
        #[arg(long, allow_hyphen_values = true)]
        year: String,
        #[arg(long)]
        period: String,
        /// Rammeaftalen, når årets kategorier er fastsat efter flere.
        #[arg(long)]
        agreement: Option<String>,
        #[arg(long)]
        today: Option<String>,
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Vis en indberetning; eksportér den som CSV eller PDF/A.
    Show {
        run: String,
        #[arg(long)]
        csv: Option<PathBuf>,
        #[arg(long)]
        pdf: Option<PathBuf>,
        #[arg(long)]
        today: Option<String>,
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Angiv periodens faktiske belægning, om afvigelsen medfører efterregulering (ja/nej) og
    /// teksten om udfordringer og initiativer for ét tilbud i en kladde.
    Line {
        run: String,
        offer: String,
        /// Periodens gennemsnitlige faktiske belægning i procent, fx 90,25.
        #[arg(long)]
        actual: Option<String>,
        #[arg(long)]
        efterregulering: Option<String>,
        /// Udfordringer og initiativer.
        #[arg(long)]
        text: Option<String>,
        #[arg(long)]
        today: Option<String>,
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Indsend en indberetning; derefter kan den ikke ændres.
    Submit {
        run: String,
        #[arg(long)]
        today: Option<String>,
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

fn year(y: &str) -> Result<i32> {
    y.trim().parse::<i32>().map_err(|_| {
        Error::Invalid(format!(
            "År: «{}» er ikke et årstal; skriv fx 2026.",
            y.trim()
        ))
    })
}

fn run_id(s: &str) -> Result<i64> {
    s.trim()
        .trim_start_matches("nr.")
        .trim()
        .parse::<i64>()
        .map_err(|_| {
            Error::Invalid(format!(
                "Indberetning: «{}» er ikke et nummer; se plads occupancy status.",
                s.trim()
            ))
        })
}

fn print_categories(r: &CategoryReport, json: bool) -> Result<()> {
    if json {
        return print_json(r);
    }
    for line in reports::categories::lines_text(r) {
        outln!("{line}");
    }
    outln!("{}", r.text);
    Ok(())
}

pub fn categories(command: CategoriesCommand) -> Result<()> {
    match command {
        CategoriesCommand::Set { year: y, db, json } => {
            let r = open(&db)?.categories_set(year(&y)?)?;
            print_categories(&r, json)
        }
        CategoriesCommand::Override {
            offer,
            year: y,
            category,
            reason,
            decided_by,
            db,
            json,
        } => {
            let form = DecisionForm {
                offer_id: offer,
                category,
                reason,
                decided_by,
            };
            let r = open(&db)?.category_decide(year(&y)?, &form)?;
            print_categories(&r, json)
        }
    }
}

fn print_run(v: &RunView) {
    outln!("Indberetning nr. {}: {}", v.id, v.title);
    for l in &v.lines {
        outln!(
            "{} ({}), {}: budget {}, faktisk {}, afvigelse {}; skal indberettes: {}; medfører efterregulering: {}{}",
            l.offer_name,
            l.offer_id,
            l.category_label,
            l.texts.budgeted,
            l.texts.actual,
            l.texts.deviation,
            l.texts.due,
            l.texts.efterregulering,
            if l.note.is_empty() {
                String::new()
            } else {
                format!("; {}", l.note)
            }
        );
    }
    outln!("{}", v.text);
}

fn print_status(s: &OccupancyStatus) {
    match &s.next {
        Some(n) => {
            outln!("Næste frist: {} – {} {}", n.deadline_text, n.label, n.year);
            outln!("  {} ({})", n.text, n.agreement_text);
        }
        None => outln!("Ingen kommende frist."),
    }
    outln!("{}", s.due_text);
    for d in &s.due {
        outln!("  {} ({}): {}", d.offer_name, d.offer_id, d.deviation);
    }
    for o in &s.overdue {
        outln!("Overskredet: {}", o.text);
    }
    for r in &s.runs {
        outln!(
            "Nr. {}: {} {} ({}), frist {} – {}",
            r.id,
            r.label,
            r.year,
            r.agreement_id,
            r.deadline_text,
            r.state_text
        );
    }
}

/// A run's report as PDF/A (`--pdf`, author: the user in the audit log) and CSV (`--csv`),
/// from the same table.
fn export(
    engine: &pladsoverblik_core::Engine,
    table: &reports::Table,
    pdf: &Option<PathBuf>,
    csv: &Option<PathBuf>,
) -> Result<()> {
    if let Some(path) = pdf {
        let day = pladsoverblik_core::clock::today();
        let pages = pladsoverblik_pdf::export_report(engine, table, None, path, day)?;
        outln!(
            "PDF skrevet til {} {}",
            path.display(),
            pladsoverblik_pdf::report_written(table, pages)
        );
    }
    if let Some(path) = csv {
        pladsoverblik_core::paths::write_private(path, &table.to_csv())
            .map_err(|e| Error::io(path.display(), e))?;
        outln!("CSV skrevet til {}.", path.display());
    }
    Ok(())
}

fn show(v: RunView, json: bool) -> Result<()> {
    if json {
        print_json(&v)
    } else {
        print_run(&v);
        Ok(())
    }
}

pub fn occupancy(command: OccupancyCommand) -> Result<()> {
    match command {
        OccupancyCommand::Status { today: t, db, json } => {
            let s = open(&db)?.occupancy_status(today(&t)?)?;
            if json {
                return print_json(&s);
            }
            print_status(&s);
            Ok(())
        }
        OccupancyCommand::Run {
            year: y,
            period,
            agreement,
            today: t,
            db,
            json,
        } => {
            let engine = open(&db)?;
            let v = engine.occupancy_run_create(
                year(&y)?,
                &period,
                agreement.as_deref(),
                today(&t)?,
            )?;
            show(v, json)
        }
        OccupancyCommand::Show {
            run,
            csv,
            pdf,
            today: t,
            db,
            json,
        } => {
            let engine = open(&db)?;
            let v = engine.occupancy_run(run_id(&run)?, today(&t)?)?;
            if json {
                return print_json(&v);
            }
            export(&engine, &occupancy_runs::run_table(&v), &pdf, &csv)?;
            if pdf.is_none() && csv.is_none() {
                print_run(&v);
            }
            Ok(())
        }
        OccupancyCommand::Line {
            run,
            offer,
            actual,
            efterregulering,
            text,
            today: t,
            db,
            json,
        } => {
            let form = LineForm {
                actual,
                efterregulering,
                note: text,
            };
            let engine = open(&db)?;
            let v = engine.occupancy_line_set(run_id(&run)?, &offer, &form, today(&t)?)?;
            show(v, json)
        }
        OccupancyCommand::Submit {
            run,
            today: t,
            db,
            json,
        } => {
            let v = open(&db)?.occupancy_run_submit(run_id(&run)?, today(&t)?)?;
            show(v, json)
        }
    }
}
