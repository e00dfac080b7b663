// The Rapporter screen: one place per report. A list of reports on the left (a vertical tab
// list); each report has its own section with its year (or run), the show and export buttons,
// and what it shows: title, summary figures, chart and table. Every report arrives from the
// core as one view (table + figures + chart); the CSV and the PDF are made by the core from
// the same report. The rate-sheet import (preview first, then save) is its own section.
import {
  chooseRateSheet, previewRates, importRates, REPORT_KINDS, report, exportReportCsv, exportReportPdf,
} from '../api/reports.js';
import { h, fill } from '../components/dom.js';
import { chartFigure } from '../components/chart.js';
import { showError, showInfo, clearMessage } from '../components/message.js';
import { thisYear } from '../components/today.js';
import { focusElement } from '../components/focus.js';
import { initCategoryActions, initOccupancyRuns } from './steering.js';

const $ = (id) => document.getElementById(id);

/** The section of report `kind` and an element in it. */
const section = (kind) => $(`report-${kind}`);
const inSection = (kind, css) => section(kind)?.querySelector(css) ?? null;

// Per report: what is on screen, for the exports ({kind, year, title}), and whether it has
// been shown since the screen opened.
const shown = {};

const CHANGE = { new: 'Ny', changed: 'Ændret', unchanged: 'Uændret', offer_not_found: 'Venter: tilbuddet er ikke i kataloget' };

/** The year a report opens with: rate sheets for next year arrive in the autumn, so rate
 * increases look at next year; the other reports at this year. */
const defaultYear = (kind) => thisYear() + (kind === 'rate_increases' ? 1 : 0);

export function initReports() {
  $('rates-import').addEventListener('click', importFlow);
  for (const k of REPORT_KINDS) initSection(k);
  initCategoryActions();
  initOccupancyRuns();
  const tabs = Array.from(document.querySelectorAll('#report-tabs [role=tab]'));
  for (const tab of tabs) {
    tab.addEventListener('click', () => selectReport(tab.dataset.report));
    tab.addEventListener('keydown', (e) => tabKey(e, tabs));
  }
}

/** When the Rapporter tab opens: the chosen report is shown if it is not on screen yet. */
export function showReports() {
  const kind = currentReport();
  if (kind && kind !== 'rates' && !shown[kind]) runReport(kind);
}

/** What a section does each time its report is shown, with the report (asked with its own
 * lines) and its year: kind -> function. */
const followers = {};

/** `after(view, year)` runs each time report `kind` is shown; the report then comes with its
 * own lines (`view.report`). */
export function followReport(kind, after) {
  followers[kind] = after;
}

/** Shows report `kind` again with the year (or run) on screen, e.g. after a step in its
 * section changed what it reports. */
export function rerunReport(kind) {
  return runReport(kind);
}

/** The report whose section is open ('rates' for the rate-sheet import). */
export function currentReport() {
  return document.querySelector('#report-tabs [aria-selected=true]')?.dataset.report ?? null;
}

/** Opens the section of `name` (a report kind or 'rates') and shows it if it is new. */
export function selectReport(name) {
  for (const tab of document.querySelectorAll('#report-tabs [role=tab]')) {
    const on = tab.dataset.report === name;
    tab.setAttribute('aria-selected', on ? 'true' : 'false');
    tab.tabIndex = on ? 0 : -1;
    $(tab.getAttribute('aria-controls')).hidden = !on;
  }
  if (name !== 'rates' && !shown[name]) runReport(name);
}

/** Arrow keys move between the reports, as in any vertical tab list. */
function tabKey(e, tabs) {
  const i = tabs.indexOf(e.currentTarget);
  const next = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
  if (next === undefined) return;
  e.preventDefault();
  const tab = tabs[(next + tabs.length) % tabs.length];
  tab.focus();
  selectReport(tab.dataset.report);
}

/** A report's controls: its year (when it has one), show, and the two exports. */
function initSection(k) {
  const { kind } = k;
  const form = h('form', { class: 'inline-form report-form', id: `report-${kind}-form`, autocomplete: 'off' },
    k.needsYear
      ? h('label', { class: 'field' }, h('span', {}, 'År'),
        h('input', { id: `report-${kind}-year`, class: 'report-year', type: 'text', inputmode: 'numeric', size: 6, value: String(defaultYear(kind)) }))
      : null,
    h('button', { id: `report-${kind}-run`, class: 'report-run', type: 'submit' }, k.needsYear ? 'Vis rapport' : 'Opdatér'),
    h('button', { id: `report-${kind}-csv`, class: 'secondary report-csv', type: 'button', disabled: true, onclick: () => exportShown(kind, exportReportCsv) }, 'Eksportér CSV …'),
    h('button', { id: `report-${kind}-pdf`, class: 'secondary report-pdf', type: 'button', disabled: true, onclick: () => exportShown(kind, exportReportPdf) }, 'Eksportér PDF …'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    // Shown on request, the report's title takes focus (the report is not a live region).
    if (await runReport(kind)) focusElement(inSection(kind, '.report-title'));
  });
  fill(inSection(kind, '.report-controls'), form);
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

/** Saves what the preview showed: the core keeps the rates as read under `token`. The
 * reports shown so far are computed again when they are next opened. */
async function commit(token) {
  try {
    const p = await busy('Gemmer taksterne …', () => importRates(token));
    fill($('rates-preview'));
    for (const kind of Object.keys(shown)) {
      delete shown[kind];
      fill(inSection(kind, '.report-result'));
      inSection(kind, '.report-csv').disabled = true;
      inSection(kind, '.report-pdf').disabled = true;
    }
    showInfo(`Takstoversigten er gemt: ${p.text}`);
  } catch (e) {
    showError(e);
  }
}

// ---- reports ------------------------------------------------------------------------

/** The year typed for `kind`, or null (with a message) when it is not a year. */
function year(kind) {
  const input = inSection(kind, '.report-year');
  const text = input.value.trim();
  const y = Number(text);
  if (!/^\d{4}$/.test(text) || y < 2000 || y > 2100) {
    showError({ code: 'invalid', message: `År: «${input.value}» er ikke et årstal mellem 2000 og 2100.` });
    return null;
  }
  return y;
}

async function runReport(kind) {
  const k = REPORT_KINDS.find((r) => r.kind === kind);
  if (!k) return;
  const y = k.needsYear ? year(kind) : 0;
  if (y === null) return;
  try {
    const follow = followers[kind];
    const r = await report(kind, y, { lines: Boolean(follow) });
    clearMessage();
    shown[kind] = { kind, year: y, title: r.title };
    fill(inSection(kind, '.report-result'), reportView(r));
    inSection(kind, '.report-csv').disabled = false;
    inSection(kind, '.report-pdf').disabled = false;
    follow?.(r, y);
    return true;
  } catch (e) {
    showError(e);
    return false;
  }
}

/** What a report shows: title, summary, the figures at a glance, the chart, the table. */
function reportView(r) {
  const glance = r.glance ?? {};
  return [
    h('h3', { class: 'report-title' }, r.table.title),
    h('p', { class: 'report-summary' }, r.table.summary),
    figures(glance.figures ?? []),
    glance.chart ? chartFigure(glance.chart) : null,
    reportTable(r.table),
  ];
}

/** The summary figures as a row of labelled numbers. */
function figures(list) {
  if (list.length === 0) return null;
  return h('dl', { class: 'report-figures' }, list.map((f) => h('div', { class: 'report-figure' },
    h('dt', {}, f.label),
    h('dd', {}, f.value, f.note ? h('span', { class: 'sub' }, f.note) : null))));
}

// A cell that is a Danish number ("3.567,38", "-7,0", "12", "5,26 %") is right-aligned.
const NUMBER = /^-?\d{1,3}(\.\d{3})*(,\d+)?( %| kr\.)?$|^-?\d+(,\d+)?( %| kr\.)?$/;

/** Any report's table, header and rows as they are (the first rows of a long one, with the
 * core's line on the rest). A row is marked with its offer when the table has an offer id
 * column. */
function reportTable(t) {
  if (t.rows.length === 0) return null;
  const offerColumn = t.header.indexOf('Tilbuds-id');
  return [h('div', { class: 'compare-wrap' }, h('table', { class: 'results-table report-table' },
    h('caption', { class: 'visually-hidden' }, t.title),
    h('thead', {}, h('tr', {}, t.header.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, t.rows.map((row) => h('tr', { 'data-offer': offerColumn >= 0 ? row[offerColumn] : null },
      row.map((c) => h('td', { class: NUMBER.test(c) ? 'num' : null }, c))))))),
  // A long report shows its first rows; the core says how many there are and where the rest are.
  t.more ? h('p', { class: 'sub report-more' }, t.more) : null];
}

/** Exports report `kind` as on screen through the save dialog. */
async function exportShown(kind, save) {
  const s = shown[kind];
  if (!s) return;
  try {
    const text = await save(s.kind, s.year, s.title);
    if (text) showInfo(text);
  } catch (e) {
    showError(e);
  }
}
