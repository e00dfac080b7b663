//! Rate sheet commands: each takes the engine from managed state and calls one core function.

use pladsoverblik_core::rates::import::Preview;
use pladsoverblik_core::Engine;
use tauri::State;

use crate::error::IpcResult;

/// What importing the chosen rate sheet would change; nothing is saved.
#[tauri::command(async)]
pub fn rates_preview(engine: State<'_, Engine>, path: String) -> IpcResult<Preview> {
    Ok(engine.rates_preview(std::path::Path::new(&path))?)
}

/// Saves the rate sheet's new and changed rates (after the user has seen the preview).
#[tauri::command(async)]
pub fn rates_import(engine: State<'_, Engine>, path: String) -> IpcResult<Preview> {
    Ok(engine.rates_import(std::path::Path::new(&path))?)
}
