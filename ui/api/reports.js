// Rate sheets and the steering group's reports. Every report comes from one command as a
// table (title, summary, header, rows); the CSV and the PDF are made from the same table.
import { invoke, pickFile } from './tauri.js';

/** Asks for a rate sheet (.xlsx or .csv); resolves to its token or null. */
export const chooseRateSheet = () => pickFile('rate_sheet');

/** Reads and checks the picked rate sheet; resolves to the preview (nothing is saved). The
 * core keeps the rates as read under `preview.token`. */
export const previewRates = (file) => invoke('rates_preview', { file });
/** Saves exactly the rates of the preview named `token` (the file is not read again). */
export const importRates = (token) => invoke('rates_import', { token });

/** The reports there are (`kind` as the core names them) and whether they are for one year. */
export const REPORT_KINDS = [
  { kind: 'rate_increases', label: 'Takststigninger', needsYear: true },
  { kind: 'occupancy', label: 'Belægning', needsYear: true },
  { kind: 'categories', label: 'Kategorier', needsYear: true },
  { kind: 'spend', label: 'Udgifter efter kontrakter', needsYear: false },
];

/** One report: {title, table: {title, summary, header, rows (the first 1.000), rows_total,
 * more}, glance}; with `lines`, also {kind, report} (the report's own lines). `year` is
 * ignored by the spend overview. */
export const report = (kind, year, { lines = false } = {}) => invoke('report', { kind, year, lines });

/** Asks where to save a report as CSV (for Danish Excel) and writes it; null when cancelled. */
export async function exportReportCsv(kind, year, name) {
  const file = await pickFile('report_csv', `${name}.csv`);
  if (!file) return null;
  return invoke('report_csv', { kind, year, file });
}

/** Asks where to save a report as PDF and writes it; null when cancelled. */
export async function exportReportPdf(kind, year, name) {
  const file = await pickFile('report_pdf', `${name}.pdf`);
  if (!file) return null;
  return invoke('report_pdf', { kind, year, file });
}

// ---- steering (Rammeaftale Syddanmark 2018): categories set once a year, occupancy runs ----

/** "Fastsæt kategorier for år N": stores the year's categories once; resolves to the
 * report's summary. Refused (code `conflict`) when the year is set already. */
export const setCategories = (year) => invoke('categories_set', { year });

/** The municipality's decision on one offer's category: form = {offer_id, category
 * ('hoejt' | 'klynge' | 'lokalt'), reason, decided_by}; resolves to a message. */
export const decideCategory = (year, form) => invoke('category_decide', { year, form });

/** The years whose categories are set, newest first. */
export const categoryYears = () => invoke('category_years');

/** The next occupancy deadline, the offers due by then, missed deadlines and the runs. */
export const occupancyStatus = () => invoke('occupancy_status');

/** Starts the run of `year` for `period` ('q1' or 'q1-q3'); resolves to the run. */
export const createOccupancyRun = (year, period) => invoke('occupancy_run_create', { year, period });

/** One run with its lines. */
export const occupancyRun = (run) => invoke('occupancy_run_get', { run });

/** States a line of a draft run: form = {actual, efterregulering ('ja' | 'nej' | ''), note};
 * resolves to the run. */
export const setOccupancyLine = (run, offer, form) => invoke('occupancy_line_set', { run, offer, form });

/** Submits a run; it is locked from then on. */
export const submitOccupancyRun = (run) => invoke('occupancy_run_submit', { run });

/** Asks where to save a run's report as CSV and writes it; null when cancelled. */
export async function exportOccupancyRunCsv(run, name) {
  const file = await pickFile('report_csv', `${name}.csv`);
  if (!file) return null;
  return invoke('occupancy_run_csv', { run, file });
}

/** Asks where to save a run's report as PDF/A and writes it; null when cancelled. */
export async function exportOccupancyRunPdf(run, name) {
  const file = await pickFile('report_pdf', `${name}.pdf`);
  if (!file) return null;
  return invoke('occupancy_run_pdf', { run, file });
}
