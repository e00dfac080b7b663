// The Rapporter screen: import a rate sheet (preview first, then save), and the steering
// group's reports. Every report arrives as one table (title, summary, header, rows) and is
// shown by one renderer; the CSV and the PDF are made by the core from the same table.
import {
  chooseRateSheet, previewRates, importRates, REPORT_KINDS, report, exportReportCsv, exportReportPdf,
} from '../api/reports.js';
import { h, option, fill } from '../components/dom.js';
import { showError, showInfo, clearMessage } from '../components/message.js';
import { thisYear } from '../components/today.js';

const $ = (id) => document.getElementById(id);

// The report on screen, for the exports: {kind, year, title}.
let shown = null;

const CHANGE = { new: 'Ny', changed: 'Ændret', unchanged: 'Uændret', offer_not_found: 'Tilbud findes ikke' };

const HINTS = {
  rate_increases: 'Takster pr. døgn ekskl. moms sammenlignet med året før; stigninger over tærsklen (Indstillinger, standard 5 %).',
  occupancy: 'Faktisk belægning fra takstoversigterne mod den budgetterede; afvigelser på tærsklen eller derover.',
  categories: 'Hvert tilbuds kategori for året og de tal, der afgjorde den (takst og salg til andre kommuner).',
  spend: 'Hvad de udstedte kontrakter koster pr. kalenderår, offentlige og private, pr. lovgrundlag. Året bruges ikke.',
};

export function initReports() {
  $('rates-import').addEventListener('click', importFlow);
  const kind = $('report-kind');
  fill(kind, REPORT_KINDS.map((k) => option(k.kind, k.label)));
  kind.addEventListener('change', kindChanged);
  $('report-form').addEventListener('submit', (e) => {
    e.preventDefault();
    runReport();
  });
  $('report-csv').addEventListener('click', () => exportShown(exportReportCsv));
  $('report-pdf').addEventListener('click', () => exportShown(exportReportPdf));
  $('report-year').value = String(thisYear() + 1);
  kindChanged();
}

function selectedKind() {
  return REPORT_KINDS.find((k) => k.kind === $('report-kind').value) ?? REPORT_KINDS[0];
}

function kindChanged() {
  const k = selectedKind();
  $('report-year').disabled = !k.needsYear;
  $('report-hint').textContent = HINTS[k.kind] ?? '';
}

// ---- rate sheets --------------------------------------------------------------------

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
        h('button', { type: 'button', id: 'rates-commit', disabled: p.new + p.changed === 0, onclick: () => commit(p.token) },
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

/** Saves what the preview showed: the core keeps the rates as read under `token`. */
async function commit(token) {
  try {
    const p = await busy('Gemmer taksterne …', () => importRates(token));
    fill($('rates-preview'));
    showInfo(`Takstoversigten er gemt: ${p.text}`);
  } catch (e) {
    showError(e);
  }
}

// ---- reports ------------------------------------------------------------------------

/** The year typed, or null (with a message) when it is not a year. */
function year() {
  const text = $('report-year').value.trim();
  const y = Number(text);
  if (!/^\d{4}$/.test(text) || y < 2000 || y > 2100) {
    showError({ code: 'invalid', message: `År: «${$('report-year').value}» er ikke et årstal mellem 2000 og 2100.` });
    return null;
  }
  return y;
}

async function runReport() {
  const k = selectedKind();
  const y = k.needsYear ? year() : 0;
  if (y === null) return;
  try {
    const r = await report(k.kind, y);
    clearMessage();
    shown = { kind: k.kind, year: y, title: r.title };
    fill($('report-result'), reportTable(r.table));
    $('report-csv').disabled = false;
    $('report-pdf').disabled = false;
  } catch (e) {
    showError(e);
  }
}

// A cell that is a Danish number ("3.567,38", "-7,0", "12", "5,26 %") is right-aligned.
const NUMBER = /^-?\d{1,3}(\.\d{3})*(,\d+)?( %| kr\.)?$|^-?\d+(,\d+)?( %| kr\.)?$/;

/** Any report's table: its title, the summary, then header and rows as they are. A row is
 * marked with its offer when the table has an offer id column. */
function reportTable(t) {
  const offerColumn = t.header.indexOf('Tilbuds-id');
  return [
    h('h3', { id: 'report-title' }, t.title),
    h('p', { id: 'report-summary' }, t.summary),
    t.rows.length === 0 ? null : h('div', { class: 'compare-wrap' }, h('table', { class: 'results-table report-table', id: 'report-table' },
      h('thead', {}, h('tr', {}, t.header.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, t.rows.map((row) => h('tr', { 'data-offer': offerColumn >= 0 ? row[offerColumn] : null },
        row.map((c) => h('td', { class: NUMBER.test(c) ? 'num' : null }, c))))))),
  ];
}

/** Exports the report on screen through the save dialog. */
async function exportShown(save) {
  if (!shown) return;
  try {
    const text = await save(shown.kind, shown.year, shown.title);
    if (text) showInfo(text);
  } catch (e) {
    showError(e);
  }
}
