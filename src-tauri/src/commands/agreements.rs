//! Agreement commands (rammeaftaler): the agreements in use, which one binds a municipality on
//! a day, and importing an agreement file.

use pladsoverblik_core::agreements::most_specialised::ListMatches;
use pladsoverblik_core::agreements::{AgreementView, Applies, ImportReport};
use pladsoverblik_core::{fmt, Engine, Error};
use tauri::State;

use crate::error::IpcResult;
use crate::files::{Picked, Purpose};
use crate::today;

#[tauri::command(async)]
pub fn agreements_list(engine: State<'_, Engine>) -> IpcResult<Vec<AgreementView>> {
    Ok(engine.agreements()?)
}

/// The agreements' lists of most specialised offers matched to the catalogue: which names
/// match which offers, and which match none.
#[tauri::command(async)]
pub fn agreements_most_specialised(engine: State<'_, Engine>) -> IpcResult<Vec<ListMatches>> {
    Ok(engine.most_specialised(today())?)
}

/// Which agreement binds `municipality` (code or name) on `on` (dd.mm.åååå; today when empty).
#[tauri::command(async)]
pub fn agreement_for(
    engine: State<'_, Engine>,
    municipality: String,
    on: String,
) -> IpcResult<Applies> {
    let day = if on.trim().is_empty() {
        today()
    } else {
        fmt::parse_date(&on).ok_or_else(|| {
            Error::Invalid(format!(
                "Dato: «{}» er ikke en dato; skriv dd.mm.åååå.",
                on.trim()
            ))
        })?
    };
    Ok(engine.agreement_for(&municipality, day)?)
}

/// Imports the agreement file picked in the open dialog (`file`: its token).
#[tauri::command(async)]
pub fn agreements_import(
    engine: State<'_, Engine>,
    picked: State<'_, Picked>,
    file: String,
) -> IpcResult<ImportReport> {
    let path = picked.path(&file, Purpose::Agreements)?;
    Ok(engine.agreements_import(&path)?)
}
