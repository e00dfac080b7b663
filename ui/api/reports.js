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

/** Asks where to save the report as CSV and writes it; null when the user cancels. */
export async function exportRateIncreasesCsv(year) {
  const path = await saveFile({
    title: 'Gem rapporten som CSV',
    defaultPath: `Takststigninger ${year}.csv`,
    filters: [{ name: 'CSV (Excel)', extensions: ['csv'] }],
  });
  if (!path) return null;
  return invoke('report_rate_increases_csv', { year, path });
}

export const occupancy = (year) => invoke('report_occupancy', { year });
export const spend = () => invoke('report_spend');

/** Asks where to save the occupancy report as CSV and writes it; null when cancelled. */
export async function exportOccupancyCsv(year) {
  const path = await saveFile({
    title: 'Gem belægningsrapporten som CSV',
    defaultPath: `Belægning ${year}.csv`,
    filters: [{ name: 'CSV (Excel)', extensions: ['csv'] }],
  });
  if (!path) return null;
  return invoke('report_occupancy_csv', { year, path });
}
export const categories = (year) => invoke('report_categories', { year });

async function saveCsv(title, name, command, args) {
  const path = await saveFile({ title, defaultPath: name, filters: [{ name: 'CSV (Excel)', extensions: ['csv'] }] });
  if (!path) return null;
  return invoke(command, { ...args, path });
}

export const exportCategoriesCsv = (year) =>
  saveCsv('Gem kategorierne som CSV', `Kategorier ${year}.csv`, 'report_categories_csv', { year });
export const exportSpendCsv = () => saveCsv('Gem udgiftsoversigten som CSV', 'Udgifter efter kontrakter.csv', 'report_spend_csv', {});

/** Asks where to save a report as PDF and writes it; null when cancelled. */
export async function exportReportPdf(kind, year, name) {
  const path = await saveFile({ title: 'Gem rapporten som PDF', defaultPath: `${name}.pdf`, filters: [{ name: 'PDF', extensions: ['pdf'] }] });
  if (!path) return null;
  return invoke('report_pdf', { kind, year, path });
}
