//! Catalogue commands: each takes the engine from managed state and calls one core function.

use pladsoverblik_core::catalogue::{detail::OfferDetail, import::ImportReport};
use pladsoverblik_core::catalogue::{CatalogueInfo, ReferenceData};
use pladsoverblik_core::geo::Point;
use pladsoverblik_core::search::SearchResult;
use pladsoverblik_core::search_form::SearchForm;
use pladsoverblik_core::Engine;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::error::IpcResult;
use crate::files::{Picked, Purpose};
use crate::today;

#[tauri::command(async)]
pub fn catalogue_info(engine: State<'_, Engine>) -> IpcResult<CatalogueInfo> {
    pladsoverblik_core::timing::mark("katalogets data");
    Ok(engine.info(today())?)
}

#[tauri::command(async)]
pub fn reference_data(engine: State<'_, Engine>) -> IpcResult<ReferenceData> {
    pladsoverblik_core::timing::mark("opslagsdata");
    let data = engine.reference_data(today())?;
    pladsoverblik_core::timing::mark("opslagsdata svaret");
    Ok(data)
}

/// The search form as the user typed it; the core parses it (with Danish messages naming the
/// field) and searches.
#[tauri::command(async)]
pub fn search_offers(engine: State<'_, Engine>, form: SearchForm) -> IpcResult<SearchResult> {
    pladsoverblik_core::timing::mark("søgning begynder");
    let result = engine.search(&form.parse()?, today())?;
    pladsoverblik_core::timing::mark("søgning svaret");
    Ok(result)
}

/// One offer; `origin` is the point the search measured distances from (`SearchResult.origin`).
#[tauri::command(async)]
pub fn offer_detail(
    engine: State<'_, Engine>,
    id: String,
    origin: Option<Point>,
) -> IpcResult<OfferDetail> {
    Ok(engine.offer(&id, today(), origin)?)
}

#[derive(Clone, Serialize)]
struct ImportProgress {
    read: u64,
    total: u64,
}

/// Imports the catalogue file the user picked in the open dialog (`file`: its token),
/// reporting progress as
/// `import-progress` events.
#[tauri::command(async)]
pub fn import_catalogue<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Engine>,
    picked: State<'_, Picked>,
    file: String,
) -> IpcResult<ImportReport> {
    let path = picked.path(&file, Purpose::Catalogue)?;
    let report = engine.import_file(&path, |read, total| {
        let _ = app.emit("import-progress", ImportProgress { read, total });
    })?;
    Ok(report)
}
