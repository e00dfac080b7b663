//! Backup commands: a backup to the file the user picked in the save dialog, the automatic
//! backups, and a restore from the file picked in the open dialog, checked and described
//! first so the window can ask before anything is replaced. Files come as the tokens of
//! `files::pick_file` (purposes `backup_save` and `backup`), never as paths.

use pladsoverblik_core::backup::{BackupReport, Contents, RestoreReport, Status};
use pladsoverblik_core::Engine;
use tauri::State;

use crate::error::IpcResult;
use crate::files::{Picked, Purpose};
use crate::today;

#[tauri::command(async)]
pub fn backup_status(engine: State<'_, Engine>) -> IpcResult<Status> {
    Ok(engine.backup_status()?)
}

/// The save dialog has already asked before replacing an existing file.
#[tauri::command(async)]
pub fn backup_create(
    engine: State<'_, Engine>,
    picked: State<'_, Picked>,
    file: String,
) -> IpcResult<BackupReport> {
    let path = picked.path(&file, Purpose::BackupSave)?;
    Ok(engine.backup_to(&path, true)?)
}

#[tauri::command(async)]
pub fn backup_inspect(
    engine: State<'_, Engine>,
    picked: State<'_, Picked>,
    file: String,
) -> IpcResult<Contents> {
    let path = picked.path(&file, Purpose::Backup)?;
    Ok(engine.backup_inspect(&path, today())?)
}

/// Replaces the running app's database: the engine keeps its connection and rebuilds the
/// search index; the window then reloads its views.
#[tauri::command(async)]
pub fn backup_restore(
    engine: State<'_, Engine>,
    picked: State<'_, Picked>,
    file: String,
) -> IpcResult<RestoreReport> {
    let path = picked.path(&file, Purpose::Backup)?;
    Ok(engine.restore_from(&path, today())?)
}
