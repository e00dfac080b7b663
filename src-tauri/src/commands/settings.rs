//! Settings commands: the user name for the audit log and the numbers the rules use.

use pladsoverblik_core::settings::{self, Settings};
use pladsoverblik_core::Engine;
use pladsoverblik_server::state::Syncer;
use tauri::State;

use crate::error::IpcResult;

#[tauri::command(async)]
pub fn settings_get(engine: State<'_, Engine>) -> IpcResult<Settings> {
    Ok(engine.settings()?)
}

#[tauri::command(async)]
pub fn settings_set(
    engine: State<'_, Engine>,
    syncer: State<'_, Syncer>,
    key: String,
    value: String,
) -> IpcResult<Settings> {
    let saved = engine.set_setting(&key, &value)?;
    // A server set or changed: the background syncs with it soon.
    if settings::SERVER_KEYS.contains(&key.as_str()) {
        syncer.wake();
    }
    Ok(saved)
}
