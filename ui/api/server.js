// The municipality's server (issue 15): the connection state, "Test forbindelsen" and
// "Synkronisér nu". The app syncs in the background by itself and sends `sync-state` after
// each attempt; the server settings themselves are saved with setSetting (api/settings.js).
import { invoke, listen } from './tauri.js';

/** The connection state: kind, the header's line, last sync, what waits, refusals … */
export const serverState = () => invoke('server_state');
/** Connects (at most one second) and says who the server knows us as; rejects with why not. */
export const testServer = () => invoke('server_test');
/** Syncs now; resolves to the report's Danish lines. */
export const syncNow = () => invoke('server_sync');
/** Calls `handler(state)` after every sync attempt (also the background's). */
export const onServerState = (handler) => listen('sync-state', handler);
