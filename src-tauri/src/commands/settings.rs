//! Settings commands: the user name for the audit log and the numbers the rules use.

use pladsoverblik_core::settings::Settings;
use pladsoverblik_core::Engine;
use tauri::State;

use crate::error::IpcResult;

#[tauri::command(async)]
pub fn settings_get(engine: State<'_, Engine>) -> IpcResult<Settings> {
    Ok(engine.settings()?)
}

#[tauri::command(async)]
pub fn settings_set(engine: State<'_, Engine>, key: String, value: String) -> IpcResult<Settings> {
    Ok(engine.set_setting(&key, &value)?)
}
