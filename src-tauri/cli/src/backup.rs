//! `plads backup` and `plads restore`: a consistent copy of the database (also while the
//! desktop app has it open), the automatic backups, and restoring a backup after checking it.

use pladsoverblik_core::backup;
use pladsoverblik_core::store::Db;
use pladsoverblik_core::{Error, Result};
use std::path::PathBuf;

use crate::{db_path, print_json, today};

/// `plads backup FILE` or `plads backup --list`.
pub fn backup(
    file: Option<PathBuf>,
    overwrite: bool,
    db: &Option<PathBuf>,
    json: bool,
) -> Result<()> {
    let path = db_path(db)?;
    let Some(file) = file else {
        return list(&path, json);
    };
    if !path.exists() {
        return Err(Error::NotFound(format!(
            "Der er ingen database i {} at tage en sikkerhedskopi af.",
            path.display()
        )));
    }
    let report = backup::backup_to(&Db::open(&path)?, &file, overwrite)?;
    if json {
        return print_json(&report);
    }
    outln!("{}", report.text);
    Ok(())
}

fn list(path: &std::path::Path, json: bool) -> Result<()> {
    let status = backup::status(Some(path))?;
    if json {
        return print_json(&status);
    }
    outln!("{}", status.text);
    if status.automatic.is_empty() {
        outln!("Der er ingen automatiske sikkerhedskopier endnu.");
    }
    for f in &status.automatic {
        outln!(
            "{:<22} {:<28} {:>9}  {}",
            f.taken_text,
            f.reason_text,
            f.size_text,
            f.path.display()
        );
    }
    Ok(())
}

/// `plads restore FILE [--preview]`.
pub fn restore(
    file: PathBuf,
    preview: bool,
    db: &Option<PathBuf>,
    day: &Option<String>,
    json: bool,
) -> Result<()> {
    let path = db_path(db)?;
    let day = today(day)?;
    if preview {
        let contents = backup::inspect(&path, &file, day)?;
        if json {
            return print_json(&contents);
        }
        outln!(
            "Sikkerhedskopien er hel og kan gendannes: {} Intet er ændret (--preview).",
            contents.text
        );
        return Ok(());
    }
    let report = backup::restore_at(&path, &file, day)?;
    if json {
        return print_json(&report);
    }
    outln!("{}", report.text);
    outln!(
        "Har Pladsoverblik databasen åben, så genstart programmet, så søgningen bygger på de \
         gendannede data."
    );
    Ok(())
}
