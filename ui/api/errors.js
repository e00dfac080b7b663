// Maps the core's error codes ({code, message} at the IPC edge) to how the UI shows them.
const KINDS = {
  invalid: { level: 'error', title: 'Ugyldigt input' },
  not_found: { level: 'error', title: 'Ikke fundet' },
  refused: { level: 'error', title: 'Ikke tilladt' },
  conflict: { level: 'error', title: 'Konflikt med det gemte' },
  internal: { level: 'error', title: 'Intern fejl' },
  rejected: { level: 'error', title: 'Filen blev afvist' },
  database_too_new: { level: 'error', title: 'Databasen er for ny' },
  database: { level: 'error', title: 'Databasefejl' },
  io: { level: 'error', title: 'Filfejl' },
};

export function describe(error) {
  if (error && typeof error === 'object' && 'code' in error) {
    const kind = KINDS[error.code] || { level: 'error', title: 'Fejl' };
    return { ...kind, message: error.message };
  }
  return { level: 'error', title: 'Fejl', message: String(error) };
}
