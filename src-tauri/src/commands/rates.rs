//! Rate sheet commands: each takes the engine from managed state and calls one core function.

use pladsoverblik_core::rates::import::Preview;
use pladsoverblik_core::Engine;
use tauri::State;

use crate::error::IpcResult;
use crate::files::{Picked, Purpose};

/// What importing the rate sheet picked in the open dialog (`file`: its token) would change;
/// nothing is saved. The rates as read are kept in the engine under the preview's `token`.
#[tauri::command(async)]
pub fn rates_preview(
    engine: State<'_, Engine>,
    picked: State<'_, Picked>,
    file: String,
) -> IpcResult<Preview> {
    let path = picked.path(&file, Purpose::RateSheet)?;
    Ok(engine.rates_preview(&path)?)
}

/// Saves exactly the rates the preview named `token` showed (the file is not read again).
#[tauri::command(async)]
pub fn rates_import(engine: State<'_, Engine>, token: String) -> IpcResult<Preview> {
    Ok(engine.rates_import_previewed(&token)?)
}
