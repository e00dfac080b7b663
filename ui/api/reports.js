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

/** One report: {kind, report, title, table: {title, summary, header, rows}}. `year` is
 * ignored by the spend overview. */
export const report = (kind, year) => invoke('report', { kind, year });

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
