// Settings: the user name in the audit log and the numbers the rules use; backups.
import { invoke, pickFile } from './tauri.js';

export const getSettings = () => invoke('settings_get');
export const setSetting = (key, value) => invoke('settings_set', { key, value });

/** Where a restore's result waits across the reload that follows it (the settings screen
 * opens again with it). */
export const RESTORED_KEY = 'pladsoverblik.restored';

// Backups: a copy of the whole database through the save dialog, the automatic backups, and
// a restore through the open dialog once the user has seen what the backup holds. The dialogs
// give a token for the picked file, never a path.
export const backupStatus = () => invoke('backup_status');

/** Asks where to save a backup and takes it; null when cancelled. */
export async function takeBackup(suggestedName) {
  const file = await pickFile('backup_save', suggestedName);
  if (!file) return null;
  return invoke('backup_create', { file });
}

/** Asks for a backup file; resolves to its token or null. */
export const chooseBackup = () => pickFile('backup');

/** Checks a backup as a restore would and says what it holds; nothing changes. */
export const inspectBackup = (file) => invoke('backup_inspect', { file });
/** Replaces the database with the backup; the database as it was is kept as a backup. */
export const restoreBackup = (file) => invoke('backup_restore', { file });
