// Settings: the user name in the audit log and the numbers the rules use.
import { invoke } from './tauri.js';

export const getSettings = () => invoke('settings_get');
export const setSetting = (key, value) => invoke('settings_set', { key, value });
