// The only module that talks to Tauri. It imports the official API as ES modules (vendored in
// ui/vendor/tauri-api; `withGlobalTauri` is off, so nothing is on `window`). Everything else
// imports from ui/api/*.
import { invoke as tauriInvoke } from '../vendor/tauri-api/core.js';
import { listen as tauriListen } from '../vendor/tauri-api/event.js';

export function invoke(command, args = {}) {
  return tauriInvoke(command, args);
}

export function listen(event, handler) {
  return tauriListen(event, (e) => handler(e.payload));
}

/**
 * Opens the native open or save dialog for `purpose` (catalogue, agreements, rate_sheet,
 * backup, backup_save, report_csv, report_pdf, contract_pdf; the title and file types are set
 * by the app). Resolves to a token for the picked file — the file commands take the token,
 * never a path — or null when the user cancels.
 */
export async function pickFile(purpose, suggestedName) {
  const picked = await invoke('pick_file', { purpose, suggestedName: suggestedName ?? null });
  return picked ? picked.token : null;
}
