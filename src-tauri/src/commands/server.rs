//! The municipality's server (issue 15, docs/server.md): the connection state, "Test
//! forbindelsen" and "Synkronisér nu". The network work runs off the UI thread (`async`
//! commands); the engine's lock is only held for the local steps inside `sync`.

use pladsoverblik_core::Engine;
use pladsoverblik_server::state::{ConnectionState, Syncer};
use tauri::{AppHandle, Runtime, State};

use crate::background;
use crate::error::IpcResult;

#[tauri::command(async)]
pub fn server_state(
    engine: State<'_, Engine>,
    syncer: State<'_, Syncer>,
) -> IpcResult<ConnectionState> {
    Ok(syncer.state(&engine)?)
}

#[tauri::command(async)]
pub fn server_test<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Engine>,
    syncer: State<'_, Syncer>,
) -> IpcResult<String> {
    let result = syncer.test(&engine);
    background::announce(&app, &engine, &syncer);
    Ok(result?)
}

/// Runs a sync now and returns its report's lines (none when no server is set).
#[tauri::command(async)]
pub fn server_sync<R: Runtime>(
    app: AppHandle<R>,
    engine: State<'_, Engine>,
    syncer: State<'_, Syncer>,
) -> IpcResult<Vec<String>> {
    let result = syncer.sync_now(&engine, crate::today());
    background::announce(&app, &engine, &syncer);
    Ok(result?.map(|r| r.lines()).unwrap_or_default())
}
