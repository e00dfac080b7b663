// The Rapporter screen: import a rate sheet (preview first, then save), and the report of
// rate increases over the threshold with its CSV export for Danish Excel.
import {
  chooseRateSheet, previewRates, importRates, rateIncreases, exportRateIncreasesCsv, occupancy, spend, exportOccupancyCsv, categories,
  exportCategoriesCsv, exportSpendCsv, exportReportPdf,
} from '../api/reports.js';
import { h, fill } from '../components/dom.js';
import { showError, showInfo, clearMessage } from '../components/message.js';
import { thisYear } from '../components/today.js';

const $ = (id) => document.getElementById(id);
// The report on screen, for "Eksportér PDF": its kind and a file name.
let shown = null;
function showing(kind, name) {
  shown = { kind, name };
  document.getElementById('report-pdf').disabled = false;
}

const CHANGE = { new: 'Ny', changed: 'Ændret', unchanged: 'Uændret', offer_not_found: 'Tilbud findes ikke' };

export function initReports() {
  $('rates-import').addEventListener('click', importFlow);
  $('report-form').addEventListener('submit', (e) => {
    e.preventDefault();
    runReport();
  });
  $('report-csv').addEventListener('click', exportCsv);
  $('occupancy-run').addEventListener('click', runOccupancy);
  $('occupancy-csv').addEventListener('click', async () => {
    const y = year();
    if (y === null) return;
    try {
      const text = await exportOccupancyCsv(y);
      if (text) showInfo(text);
    } catch (e) {
      showError(e);
    }
  });
  $('spend-run').addEventListener('click', runSpend);
  $('categories-run').addEventListener('click', runCategories);
  $('categories-csv').addEventListener('click', () => saveWith(() => { const y = year(); return y === null ? null : exportCategoriesCsv(y); }));
  $('spend-csv').addEventListener('click', () => saveWith(exportSpendCsv));
  $('report-pdf').addEventListener('click', () => saveWith(() => {
    const y = year();
    if (y === null || !shown) return null;
    return exportReportPdf(shown.kind, y, shown.name(y));
  }));
  $('report-year').value = String(thisYear() + 1);
}

async function importFlow() {
  try {
    const path = await chooseRateSheet();
    if (!path) return;
    const p = await busy('Læser og kontrollerer takstoversigten …', () => previewRates(path));
    clearMessage();
    fill($('rates-preview'),
      h('h3', {}, `Forhåndsvisning: ${p.file_name}`),
      h('p', { id: 'rates-summary' }, p.text),
      h('div', { class: 'compare-wrap' }, h('table', { class: 'results-table', id: 'rates-lines' },
        h('thead', {}, h('tr', {}, ['Ændring', 'Tilbud', 'Lovgrundlag', 'År', 'Før', 'Efter'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, p.lines.map((l) => h('tr', { class: `change ${l.change}` },
          h('td', {}, CHANGE[l.change] ?? l.change),
          h('td', {}, l.rate.offer_id, h('div', { class: 'sub' }, l.rate.place)),
          h('td', {}, l.basis_label),
          h('td', {}, l.rate.year),
          h('td', {}, l.before ?? '–'),
          h('td', {}, l.after)))))),
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'rates-commit', disabled: p.new + p.changed === 0, onclick: () => commit(path) },
          `Gem ${p.new + p.changed} takster`),
        h('button', { type: 'button', class: 'secondary', onclick: () => fill($('rates-preview')) }, 'Annullér')));
  } catch (e) {
    showError(e);
  }
}

/** Shows a running progress bar in the preview area while `work` runs; the import button
 * is disabled meanwhile. On failure the area is emptied (nothing was saved). */
async function busy(label, work) {
  const button = $('rates-import');
  button.disabled = true;
  fill($('rates-preview'), h('p', { class: 'busy' }, h('progress', { id: 'rates-progress', 'aria-label': label }), ` ${label}`));
  try {
    return await work();
  } catch (e) {
    fill($('rates-preview'));
    throw e;
  } finally {
    button.disabled = false;
  }
}

async function commit(path) {
  try {
    const p = await busy('Gemmer taksterne …', () => importRates(path));
    fill($('rates-preview'));
    showInfo(`Takstoversigten er gemt: ${p.text}`);
  } catch (e) {
    showError(e);
  }
}

function year() {
  const y = Number($('report-year').value.trim());
  if (!Number.isInteger(y) || y < 2000 || y > 2100) {
    showError({ code: 'invalid', message: `År: «${$('report-year').value}» er ikke et årstal.` });
    return null;
  }
  return y;
}

async function runReport() {
  const y = year();
  if (y === null) return;
  try {
    const r = await rateIncreases(y);
    clearMessage();
    fill($('report-result'),
      h('p', { id: 'report-summary' }, r.text),
      r.groups.length === 0 ? null : h('table', { class: 'results-table', id: 'report-table' },
        h('thead', {}, h('tr', {}, ['Tilbud', 'Lovgrundlag', `Takst ${y - 1}`, `Takst ${y}`, 'Stigning', 'Ud over PL'].map((t) => h('th', { scope: 'col' }, t)))),
        r.groups.map(([operator, lines]) => h('tbody', {},
          h('tr', { class: 'group' }, h('th', { colspan: 6, scope: 'rowgroup' }, operator)),
          lines.map((l) => h('tr', { 'data-offer': l.offer_id },
            h('td', {}, l.offer_name, h('div', { class: 'sub' }, l.offer_id)),
            h('td', {}, l.texts.basis),
            h('td', { class: 'num' }, l.texts.previous),
            h('td', { class: 'num' }, l.texts.current),
            h('td', { class: 'num increase' }, l.texts.increase),
            h('td', { class: 'num' }, l.texts.above_pl)))))));
    $('report-csv').disabled = false;
    showing('rate_increases', (y) => `Takststigninger ${y}`);
  } catch (e) {
    showError(e);
  }
}

async function exportCsv() {
  const y = year();
  if (y === null) return;
  try {
    const text = await exportRateIncreasesCsv(y);
    if (text) showInfo(text);
  } catch (e) {
    showError(e);
  }
}

async function runOccupancy() {
  const y = year();
  if (y === null) return;
  try {
    const r = await occupancy(y);
    clearMessage();
    fill($('report-result'),
      h('p', { id: 'occupancy-summary' }, r.text),
      showing('occupancy', (y) => `Belægning ${y}`),
      r.lines.length === 0 ? null : h('table', { class: 'results-table', id: 'occupancy-table' },
        h('thead', {}, h('tr', {}, ['Tilbud', 'Lovgrundlag', 'Budgetteret', 'Faktisk', 'Afvigelse'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, r.lines.map((l) => h('tr', { 'data-offer': l.offer_id },
          h('td', {}, l.offer_name, h('div', { class: 'sub' }, `${l.offer_id} · ${l.operator_name}`)),
          h('td', {}, l.texts.basis),
          h('td', { class: 'num' }, l.texts.budgeted),
          h('td', { class: 'num' }, l.texts.actual),
          h('td', { class: 'num increase' }, l.texts.deviation))))));
  } catch (e) {
    showError(e);
  }
}

async function runSpend() {
  try {
    const r = await spend();
    clearMessage();
    fill($('report-result'),
      h('p', { id: 'spend-summary' }, r.text),
      showing('spend', () => 'Udgifter efter kontrakter'),
      r.rows.length === 0 ? null : h('table', { class: 'results-table', id: 'spend-table' },
        h('thead', {}, h('tr', {}, ['År', 'Tilbud', 'Lovgrundlag', 'Kontrakter', 'Udgift'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, r.rows.map((x) => h('tr', {},
          h('td', {}, x.year),
          h('td', {}, x.public ? 'Offentlige' : 'Private'),
          h('td', {}, x.basis_label),
          h('td', { class: 'num' }, x.contracts),
          h('td', { class: 'num' }, x.total_text))))));
  } catch (e) {
    showError(e);
  }
}

async function runCategories() {
  const y = year();
  if (y === null) return;
  try {
    const r = await categories(y);
    clearMessage();
    fill($('report-result'),
      h('p', { id: 'categories-summary' }, r.text),
      showing('categories', (y) => `Kategorier ${y}`),
      r.lines.length === 0 ? null : h('table', { class: 'results-table', id: 'categories-table' },
        h('thead', {}, h('tr', {}, ['Tilbud', 'Kategori', 'Afgjort af'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, r.lines.map((l) => h('tr', { 'data-offer': l.offer_id },
          h('td', {}, l.offer_name, h('div', { class: 'sub' }, `${l.offer_id} · ${l.operator_name}`)),
          h('td', {}, l.category_label),
          h('td', { class: 'sub' }, l.reason))))));
  } catch (e) {
    showError(e);
  }
}

async function saveWith(action) {
  try {
    const text = await action();
    if (text) showInfo(text);
  } catch (e) {
    showError(e);
  }
}
