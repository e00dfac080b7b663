// Rate sheets and the steering group's reports.
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
export const rateIncreases = (year) => invoke('report_rate_increases', { year });

export const occupancy = (year) => invoke('report_occupancy', { year });
export const spend = () => invoke('report_spend');

export const categories = (year) => invoke('report_categories', { year });

/** Asks where to save a report (`kind` as for the PDF) as CSV and writes it; null when cancelled. */
async function saveCsv(title, name, kind, year) {
  const path = await saveFile({ title, defaultPath: name, filters: [{ name: 'CSV (Excel)', extensions: ['csv'] }] });
  if (!path) return null;
  return invoke('report_csv', { kind, year, path });
}

export const exportRateIncreasesCsv = (year) =>
  saveCsv('Gem rapporten som CSV', `Takststigninger ${year}.csv`, 'rate_increases', year);
export const exportOccupancyCsv = (year) =>
  saveCsv('Gem belægningsrapporten som CSV', `Belægning ${year}.csv`, 'occupancy', year);
export const exportCategoriesCsv = (year) =>
  saveCsv('Gem kategorierne som CSV', `Kategorier ${year}.csv`, 'categories', year);
export const exportSpendCsv = () =>
  saveCsv('Gem udgiftsoversigten som CSV', 'Udgifter efter kontrakter.csv', 'spend', 0);

/** Asks where to save a report as PDF and writes it; null when cancelled. */
export async function exportReportPdf(kind, year, name) {
  const path = await saveFile({ title: 'Gem rapporten som PDF', defaultPath: `${name}.pdf`, filters: [{ name: 'PDF', extensions: ['pdf'] }] });
  if (!path) return null;
  return invoke('report_pdf', { kind, year, path });
}
