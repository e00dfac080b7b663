//! `plads agreements …`: the rammeaftaler in use, which one binds a municipality on a day, and
//! importing an agreement file.

use clap::Subcommand;
use pladsoverblik_core::agreements::AgreementView;
use pladsoverblik_core::Result;
use std::path::PathBuf;

use crate::{open, parse, print_json, today};

#[derive(Subcommand)]
pub enum AgreementsCommand {
    /// Vis rammeaftalerne med deres vilkår og kilder ("ikke fastsat" hvor ingen kilde fastsætter
    /// værdien).
    List {
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Hvilken rammeaftale binder en kommune på en dato?
    For {
        /// Kommunen (kode eller navn).
        municipality: String,
        /// Datoen (dd.mm.åååå); standard er i dag.
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Vis aftalernes lister over de mest specialiserede tilbud og hvilke tilbud i kataloget
    /// navnene matcher (navne, der ikke matcher et tilbud, nævnes).
    MostSpecialised {
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Indlæs en rammeaftalefil (se docs/agreements.md); nye versioner gemmes, intet ændres
    /// ved fejl.
    Import {
        file: PathBuf,
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

fn print_agreement(a: &AgreementView) {
    outln!(
        "{} ({} version {}), {}",
        a.name,
        a.id,
        a.version,
        a.period_text
    );
    outln!("  {}", a.members_text);
    outln!("  Region: {}. Kilde: {}.", a.region_text, a.origin);
    for t in &a.terms {
        outln!("  {}: {} [{}]", t.label, t.value, t.source);
    }
}

pub fn run(command: AgreementsCommand) -> Result<()> {
    match command {
        AgreementsCommand::List { db, json } => {
            let list = open(&db)?.agreements()?;
            if json {
                return print_json(&list);
            }
            for a in &list {
                print_agreement(a);
            }
            Ok(())
        }
        AgreementsCommand::For {
            municipality,
            date,
            db,
            json,
        } => {
            let on = match date {
                Some(d) => parse::date(&d)?,
                None => today(&None)?,
            };
            let applies = open(&db)?.agreement_for(&municipality, on)?;
            if json {
                return print_json(&applies);
            }
            outln!("{}", applies.text);
            Ok(())
        }
        AgreementsCommand::MostSpecialised { db, json } => {
            let lists = open(&db)?.most_specialised(today(&None)?)?;
            if json {
                return print_json(&lists);
            }
            for l in &lists {
                outln!(
                    "{} ({}): {}",
                    l.agreement_short,
                    l.agreement_id,
                    l.status_text
                );
                for n in &l.names {
                    outln!("  {}: {}", n.name, n.text);
                }
                outln!("  {}", l.text);
                outln!("  {}", l.procedure_text);
            }
            Ok(())
        }
        AgreementsCommand::Import { file, db, json } => {
            let report = open(&db)?.agreements_import(&file)?;
            if json {
                return print_json(&report);
            }
            outln!("{}", report.text);
            Ok(())
        }
    }
}
