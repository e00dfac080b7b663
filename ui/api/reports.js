// Rate sheets and the steering group's reports. Every report comes from one command as a
// table (title, summary, header, rows); the CSV and the PDF are made from the same table.
import { invoke, openFile, saveFile } from './tauri.js';

/** Asks for a rate sheet (.xlsx or .csv); resolves to a path or null. */
export const chooseRateSheet = () =>
  openFile({
    title: 'Vælg takstoversigt',
    multiple: false,
    directory: false,
    filters: [{ name: 'Takstoversigt (Excel eller CSV)', extensions: ['xlsx', 'csv'] }],
  });

export const previewRates = (path) => invoke('rates_preview', { path });
export const importRates = (path) => invoke('rates_import', { path });

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
  const path = await saveFile({ title: 'Gem rapporten som CSV', defaultPath: `${name}.csv`, filters: [{ name: 'CSV (Excel)', extensions: ['csv'] }] });
  if (!path) return null;
  return invoke('report_csv', { kind, year, path });
}

/** Asks where to save a report as PDF and writes it; null when cancelled. */
export async function exportReportPdf(kind, year, name) {
  const path = await saveFile({ title: 'Gem rapporten som PDF', defaultPath: `${name}.pdf`, filters: [{ name: 'PDF', extensions: ['pdf'] }] });
  if (!path) return null;
  return invoke('report_pdf', { kind, year, path });
}
