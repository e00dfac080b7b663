// Maps the core's error codes ({code, message} at the IPC edge) to how the UI shows them. An
// error without a code is unexpected (a script error in the window, a failed call nobody
// foresaw): the user gets a Danish message saying what to do, never the raw text, and the
// technical text goes to the app's log (`ui_log_error`; the core leaves out CPR numbers).
import { invoke } from './tauri.js';

const KINDS = {
  invalid: { level: 'error', title: 'Tjek det indtastede' },
  not_found: { level: 'error', title: 'Findes ikke' },
  refused: { level: 'error', title: 'Kan ikke lade sig gøre' },
  conflict: { level: 'error', title: 'Passer ikke med det gemte' },
  internal: { level: 'error', title: 'Uventet fejl' },
  rejected: { level: 'error', title: 'Filen blev afvist' },
  database_too_new: { level: 'error', title: 'Databasen er fra en nyere version' },
  database: { level: 'error', title: 'Fejl i databasen' },
  io: { level: 'error', title: 'Fejl ved filen' },
};

/** What the user reads when something unexpected happened in the window. */
export const UNEXPECTED = {
  level: 'error',
  title: 'Uventet fejl',
  message: 'Der opstod en uventet fejl i vinduet. Det, der allerede er gemt, er bevaret. Prøv igen; sker det igen, så genstart Pladsoverblik og meld fejlen til support (den er skrevet i programmets log).',
};

/** The technical text of an unexpected error, for the log only. */
function technical(error) {
  if (error instanceof Error) return `${error.name}: ${error.message}${error.stack ? `\n${error.stack}` : ''}`;
  try {
    return typeof error === 'string' ? error : JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/** Sends an unexpected error's technical text to the app's log; never fails itself. */
export function logUnexpected(context, error) {
  try {
    invoke('ui_log_error', { context, text: technical(error) }).catch(() => {});
  } catch {
    // Logging must never become a second error.
  }
}

/** Whether `error` is one of the core's errors ({code, message}). */
export function isKnown(error) {
  return !!error && typeof error === 'object' && typeof error.code === 'string' && typeof error.message === 'string';
}

export function describe(error, context = 'vindue') {
  if (isKnown(error)) {
    const kind = KINDS[error.code] || { level: 'error', title: 'Fejl' };
    return { ...kind, message: error.message };
  }
  logUnexpected(context, error);
  return UNEXPECTED;
}
