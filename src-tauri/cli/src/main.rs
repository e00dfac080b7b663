//! `plads`: Pladsoverblik without a window. English subcommands, Danish messages; every
//! command takes `--db PATH` (default: the desktop app's database). Exit code 1 on any error.

#[macro_use]
mod output;
mod agreements;
mod args;
mod backup;
mod check;
mod contract;
mod parse;
mod rates;
mod report;
mod server;
mod settings;
mod steering;

use chrono::NaiveDate;
use clap::Parser;
use pladsoverblik_core::catalogue::generate;
use pladsoverblik_core::catalogue::snapshot;
use pladsoverblik_core::search::SearchResult;
use pladsoverblik_core::{fmt, paths, Engine, Error, Result};
use std::io::Write;
use std::path::PathBuf;

use args::{Cli, Command, SearchArgs};

fn main() {
    pladsoverblik_core::error::quiet_panics();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => args::exit_with_clap_error(e),
    };
    if let Err(e) = run(cli) {
        eprintln!("Fejl: {e}");
        std::process::exit(1);
    }
}

pub(crate) fn today(arg: &Option<String>) -> Result<NaiveDate> {
    match arg {
        Some(s) => parse::date(s),
        None => Ok(pladsoverblik_core::clock::today()),
    }
}

/// The database file: `--db`, else the desktop app's.
pub(crate) fn db_path(db: &Option<PathBuf>) -> Result<PathBuf> {
    match db {
        Some(p) => Ok(p.clone()),
        None => paths::default_db_path().ok_or_else(|| {
            Error::Invalid(
                "Kan ikke finde en mappe til databasen (HOME er ikke sat). Brug --db STI.".into(),
            )
        }),
    }
}

pub(crate) fn open(db: &Option<PathBuf>) -> Result<Engine> {
    Engine::open_for_cli(&db_path(db)?)
}

// A dispatcher: one arm per command, each a function.
fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::GenerateCatalogue {
            offers,
            seed,
            extracted,
            example,
            sjaelland,
        } => generate_catalogue(offers, seed, extracted, example, sjaelland),
        Command::ImportCatalogue { file, db } => import_catalogue(&file, &db),
        Command::Info { db, today: t } => info(&db, &t),
        Command::Show {
            id,
            db,
            near,
            today: t,
            json,
        } => show(&id, &db, near, &t, json),
        Command::Search(a) => search(a),
        Command::Check { command } => check::run(command),
        Command::Contract { command } => contract::run(command),
        Command::Rates { command } => rates::rates(command),
        Command::Report(a) => report::report(a),
        Command::Settings { command, db, json } => settings::settings(command, &db, json),
        Command::Server { command } => server::server(command),
        Command::Sync(a) => server::run_sync(a),
        Command::Agreements { command } => agreements::run(command),
        Command::Categories { command } => steering::categories(command),
        Command::Occupancy { command } => steering::occupancy(command),
        Command::Backup {
            file,
            overwrite,
            db,
            json,
        } => backup::backup(file, overwrite, &db, json),
        Command::Restore {
            file,
            preview,
            db,
            today,
            json,
        } => backup::restore(file, preview, &db, &today, json),
    }
}

/// `plads generate-catalogue`: a generated catalogue (JSON) on standard output.
fn generate_catalogue(
    offers: Option<usize>,
    seed: Option<u64>,
    extracted: Option<String>,
    example: bool,
    sjaelland: bool,
) -> Result<()> {
    let mut opts = if example {
        generate::Options::example()
    } else {
        generate::Options {
            offers: 1000,
            seed: 1,
            extracted: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap_or_default(),
            sjaelland_only: false,
            example: false,
        }
    };
    if let Some(n) = offers {
        opts.offers = n;
    }
    if let Some(s) = seed {
        opts.seed = s;
    }
    if let Some(d) = extracted {
        opts.extracted = fmt::parse_date(&d).ok_or_else(|| {
            Error::Invalid(format!(
                "Udtræksdatoen «{d}» kan ikke læses; skriv dd.mm.åååå."
            ))
        })?;
    }
    if sjaelland {
        opts.sjaelland_only = true;
    }
    let stdout = std::io::stdout();
    let out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    if let Err(e) = snapshot::write(out, &generate::header(&opts), generate::offers(&opts)) {
        output::failed(&e);
    }
    Ok(())
}

/// `plads import-catalogue`.
fn import_catalogue(file: &std::path::Path, db: &Option<PathBuf>) -> Result<()> {
    let engine = open(db)?;
    let started = std::time::Instant::now();
    let report = engine.import_file(file, |_, _| {})?;
    outln!(
        "Indlæst {} tilbud og {} takster fra {} (katalog pr. {}) på {} ms.",
        report.offers,
        report.rates,
        file.display(),
        fmt::date(report.extracted),
        started.elapsed().as_millis()
    );
    for text in [&report.changes_text, &report.sheet_rates_text]
        .into_iter()
        .flatten()
    {
        outln!("{text}");
    }
    Ok(())
}

/// `plads info`.
fn info(db: &Option<PathBuf>, t: &Option<String>) -> Result<()> {
    let engine = open(db)?;
    let info = engine.info(today(t)?)?;
    outln!("{}", info.extracted_text);
    outln!("Kilde: {}", info.source);
    outln!("Tilbud: {}", info.offer_count);
    if info.is_example {
        outln!("Eksempeldata");
    }
    Ok(())
}

/// `plads show`: one offer.
fn show(
    id: &str,
    db: &Option<PathBuf>,
    near: Option<String>,
    t: &Option<String>,
    json: bool,
) -> Result<()> {
    let engine = open(db)?;
    let origin = match near {
        Some(n) => Some(parse::origin(&n)?),
        None => None,
    };
    let detail = engine.offer(id, today(t)?, origin)?;
    if json {
        print_json(&detail)
    } else {
        outln!("{} ({})", detail.name, detail.id);
        outln!("{}, {} {}", detail.street, detail.postcode, detail.city);
        for o in detail.operators.iter().filter(|o| o.current) {
            outln!("Driftsherre: {} ({})", o.name, o.kind.code());
        }
        outln!(
            "Godkendelse: {}, {}",
            detail.approval_text,
            detail.socialtilsyn
        );
        outln!("Alder: {}", detail.age_text);
        outln!("Målgrupper: {}", detail.target_groups.join("; "));
        for d in &detail.departments {
            for p in &d.places {
                outln!(
                    "{}: {} pladser efter {}. {}",
                    d.name,
                    p.places,
                    p.basis_label,
                    p.free_text
                );
            }
        }
        for r in &detail.rates {
            outln!(
                "Takst {} {}: {} = {}",
                r.rate.year,
                r.basis_label,
                r.amount_text,
                r.daily_ex_vat_text
            );
        }
        for b in &detail.buyers {
            outln!("Købende kommuner {}: {}", b.year, b.text);
        }
        Ok(())
    }
}

fn search(a: SearchArgs) -> Result<()> {
    let engine = open(&a.db)?;
    let day = today(&a.today)?;
    let query = a.form().parse()?;
    let result = engine.search(&query, day)?;
    if a.json {
        print_json(&result.hits)
    } else {
        print_table(&result);
        Ok(())
    }
}

pub(crate) fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let written = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush());
    if let Err(e) = written {
        output::failed(&e);
    }
    Ok(())
}

fn print_table(r: &SearchResult) {
    outln!(
        "{} tilbud fundet{}.",
        r.total,
        if r.total > r.hits.len() {
            format!(", viser de første {}", r.hits.len())
        } else {
            String::new()
        }
    );
    for h in &r.hits {
        outln!(
            "{:<10} {:<42} {:<11} {:<18} ledige {} {:<24} {:<22} {}",
            h.id,
            h.name,
            h.text.operator_type,
            h.city,
            h.text.free_places,
            h.text.free_as_of,
            h.text.daily_rate,
            h.text.distance
        );
    }
}
