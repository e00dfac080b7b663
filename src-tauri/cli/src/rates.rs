//! `plads rates …`: rate sheets, previewed and imported.

use clap::Subcommand;
use pladsoverblik_core::rates::import::Change;
use pladsoverblik_core::Result;
use std::path::PathBuf;

use crate::{open, print_json};

#[derive(Subcommand)]
pub enum RatesCommand {
    /// Indlæs en takstoversigt (.xlsx eller .csv): filen kontrolleres som i vinduets
    /// forhåndsvisning, og nye og ændrede takster gemmes i én transaktion. Med --preview vises
    /// ændringerne uden at gemme.
    Import {
        file: PathBuf,
        #[arg(long)]
        preview: bool,
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Vis, hvad en takstoversigt (.xlsx eller .csv) ville ændre, uden at gemme noget (det
    /// samme som `rates import --preview`).
    Preview {
        file: PathBuf,
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

pub fn rates(command: RatesCommand) -> Result<()> {
    let (file, preview, db, json) = match command {
        RatesCommand::Import {
            file,
            preview,
            db,
            json,
        } => (file, preview, db, json),
        RatesCommand::Preview { file, db, json } => (file, true, db, json),
    };
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
            Change::New => "ny",
            Change::Changed => "ændret",
            Change::Unchanged => "uændret",
            Change::OfferNotFound => "venter på tilbuddet",
        };
        let r = &l.rate.rate;
        outln!(
            "{:<19} {} {} {}: {}{}",
            what,
            r.offer_id,
            r.basis.label(),
            r.year,
            l.before
                .as_deref()
                .map(|b| format!("{b} → "))
                .unwrap_or_default(),
            l.after
        );
    }
    outln!(
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
