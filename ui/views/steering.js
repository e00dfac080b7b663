// The steering steps of Rammeaftale Syddanmark 2018 inside the Rapporter screen (issue 13):
// in the Kategorier section, "Fastsæt kategorier for år N" (once a year) and the
// municipality's decision on one offer with its reason; in the Belægning section, the next
// reporting deadline with the offers due, the runs, and one run's lines (actual occupancy,
// "medfører efterregulering" and the text on challenges and initiatives), submitted once and
// exported as CSV and PDF/A. Every rule is the core's; this file only shows and sends.
import {
  setCategories, decideCategory, occupancyStatus, createOccupancyRun, occupancyRun,
  setOccupancyLine, submitOccupancyRun, exportOccupancyRunCsv, exportOccupancyRunPdf,
} from '../api/reports.js';
import { h, fill } from '../components/dom.js';
import { showError, showInfo } from '../components/message.js';
import { thisYear } from '../components/today.js';
import { rerunReport, followReport } from './reports.js';
import { field } from '../components/field.js';

const $ = (id) => document.getElementById(id);

// ---- categories ---------------------------------------------------------------------

/** Wires the Kategorier section: its panel follows the report shown (the same call brings
 * the report's own lines, so the categories are computed once per showing). */
export function initCategoryActions() {
  followReport('categories', (view, y) => {
    const panel = $('categories-actions');
    const r = view.report;
    if (panel && r) fill(panel, r.set ? decisionForm(y, r) : setButton(y, r));
  });
}

function setButton(y, r) {
  return h('div', { class: 'steering-box', id: 'categories-state', 'data-set': 'false' },
    h('p', {}, `Kategorierne for ${y} er ikke fastsat. Tabellen nedenfor viser forslaget ud fra kataloget og kontrakterne i dag (${r.lines.length} tilbud omfattet af en kategoriregel).`),
    h('button', { type: 'button', id: 'categories-set', onclick: () => doSet(y) }, `Fastsæt kategorier for ${y}`),
    h('p', { class: 'sub' }, 'Kategorierne gemmes med tallene bag og ændres ikke i løbet af året (Rammeaftale Syddanmark 2018). Kommunen kan bagefter ændre en enkelt kategori med en skriftlig begrundelse.'));
}

async function doSet(y) {
  try {
    await setCategories(y);
    // Showing the report again clears the message line: the message comes after it.
    await rerunReport('categories');
    showInfo(`Kategorierne for ${y} er fastsat.`);
  } catch (e) {
    showError(e);
  }
}

const CATEGORY_CHOICES = [
  ['hoejt', 'Højt specialiseret tilbud med regional betydning'],
  ['klynge', 'Klyngetilbud'],
  ['lokalt', 'Lokalt tilbud'],
];

/** A field across the form's width. */
function wide(el) {
  el.classList.add('wide');
  return el;
}

function decisionForm(y, r) {
  const form = h('form', { class: 'panel-form', id: 'category-decision', autocomplete: 'off' },
    h('div', { class: 'row' },
      h('label', { class: 'field' }, h('span', {}, 'Tilbud'),
        h('select', { id: 'category-offer', required: true },
          r.lines.map((l) => h('option', { value: l.offer_id }, `${l.offer_name} (${l.offer_id}) – ${l.category_label}`)))),
      h('label', { class: 'field' }, h('span', {}, 'Kommunens kategori'),
        h('select', { id: 'category-choice' }, CATEGORY_CHOICES.map(([v, t]) => h('option', { value: v }, t))))),
    wide(field('Begrundelse', h('textarea', { id: 'category-reason', rows: 2, maxlength: 4000 }),
      'Fx faglighed, behov, specialisering eller kompleksitet.')),
    h('div', { class: 'row' },
      h('label', { class: 'field' }, h('span', {}, 'Besluttet af'),
        h('input', { id: 'category-decided-by', type: 'text', maxlength: 200 })),
      h('button', { type: 'submit', id: 'category-decide' }, 'Gem afgørelsen')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    doDecide(y);
  });
  return h('div', { class: 'steering-box', id: 'categories-state', 'data-set': 'true' },
    h('p', {}, `Kategorierne for ${y} er fastsat ${r.set.set_at_text} af ${r.set.set_by} og ændres ikke i løbet af året. Kommunen kan vælge en anden kategori for et tilbud med en skriftlig begrundelse; den beregnede kategori står fortsat ved siden af.`),
    h('details', { class: 'steering-details', id: 'category-decision-box' },
      h('summary', {}, 'Kommunens afgørelse om et tilbuds kategori'),
      form));
}

async function doDecide(y) {
  try {
    const message = await decideCategory(y, {
      offer_id: $('category-offer').value,
      category: $('category-choice').value,
      reason: $('category-reason').value,
      decided_by: $('category-decided-by').value,
    });
    await rerunReport('categories');
    showInfo(message);
  } catch (e) {
    showError(e);
  }
}

// ---- occupancy runs -------------------------------------------------------------------

let openRun = null;

/** Wires the Belægning section: the deadlines and runs follow the tab. */
export function initOccupancyRuns() {
  $('report-tab-occupancy')?.addEventListener('click', () => refreshOccupancy());
  $('report-occupancy-form')?.addEventListener('submit', () => refreshOccupancy());
}

/** The next deadline, what is due, missed deadlines, the runs, and the open run. */
export async function refreshOccupancy() {
  const panel = $('occupancy-runs');
  if (!panel) return;
  try {
    const s = await occupancyStatus();
    fill(panel, statusBox(s), openRun ? h('div', { id: 'occupancy-run' }) : null);
    if (openRun) await showRun(openRun);
  } catch (e) {
    showError(e);
  }
}

function statusBox(s) {
  const next = s.next;
  return h('div', { class: 'steering-box', id: 'occupancy-status' },
    h('h3', {}, 'Indberetning af belægning'),
    next
      ? h('p', { id: 'occupancy-next' }, h('strong', {}, `Næste frist: ${next.deadline_text}`), ` – ${next.label} ${next.year}. `, next.text, h('span', { class: 'sub' }, ` (${next.agreement_text})`))
      : h('p', { id: 'occupancy-next' }, 'Ingen kommende frist.'),
    h('p', { id: 'occupancy-due-text' }, s.due_text),
    s.due.length ? h('ul', { id: 'occupancy-due' }, s.due.map((d) => h('li', { 'data-offer': d.offer_id }, `${d.offer_name} (${d.offer_id}): ${d.deviation}`))) : null,
    s.overdue.length ? h('ul', { id: 'occupancy-overdue', class: 'overdue' }, s.overdue.map((o) => h('li', {}, o.text))) : null,
    runList(s.runs),
    newRunForm(s.periods));
}

function runList(runs) {
  if (runs.length === 0) return h('p', { class: 'sub', id: 'occupancy-run-list' }, 'Ingen indberetninger endnu.');
  return h('ul', { id: 'occupancy-run-list', class: 'run-list' }, runs.map((r) => h('li', { 'data-run': r.id },
    `Nr. ${r.id}: ${r.label} ${r.year} (${r.agreement_id}), frist ${r.deadline_text} – ${r.state_text} `,
    h('button', { type: 'button', class: 'secondary small', 'data-action': 'open', 'aria-label': `Åbn – indberetning nr. ${r.id}`, onclick: () => openAndShow(r.id) }, 'Åbn'))));
}

function newRunForm(periods) {
  if (periods.length === 0) return null;
  const form = h('form', { class: 'inline-form', id: 'occupancy-new', autocomplete: 'off' },
    h('label', { class: 'field' }, h('span', {}, 'År'),
      h('input', { id: 'occupancy-run-year', type: 'text', inputmode: 'numeric', size: 6, value: String(thisYear()) })),
    h('label', { class: 'field' }, h('span', {}, 'Periode'),
      h('select', { id: 'occupancy-run-period' }, periods.map((p) => h('option', { value: p.code }, `${p.label} (frist ${p.deadline_text})`)))),
    h('button', { type: 'submit', id: 'occupancy-run-create' }, 'Start indberetning'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const run = await createOccupancyRun(Number($('occupancy-run-year').value.trim()), $('occupancy-run-period').value);
      showInfo(`Indberetning nr. ${run.id} er startet: ${run.title}.`);
      openRun = run.id;
      await refreshOccupancy();
    } catch (err) {
      showError(err);
    }
  });
  return form;
}

async function openAndShow(id) {
  openRun = id;
  await refreshOccupancy();
}

async function showRun(id) {
  try {
    renderRun(await occupancyRun(id));
  } catch (e) {
    showError(e);
  }
}

function renderRun(v) {
  const box = $('occupancy-run');
  if (!box) return;
  const name = v.title;
  fill(box,
    h('h3', { id: 'occupancy-run-title' }, `Nr. ${v.id}: ${v.title}`),
    h('p', { id: 'occupancy-run-state', class: v.submitted ? 'outstanding done' : 'outstanding' }, v.state_text),
    h('p', { class: 'report-summary', id: 'occupancy-run-text' }, v.text),
    h('div', { class: 'compare-wrap' }, h('table', { class: 'results-table', id: 'occupancy-lines' },
      h('thead', {}, h('tr', {}, ['Tilbud', 'Kategori', 'Budgetteret', 'Faktisk', 'Afvigelse', 'Skal indberettes', 'Medfører efterregulering', 'Udfordringer og initiativer', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, v.lines.map((l) => lineRow(v, l))))),
    h('div', { class: 'actions' },
      v.submitted ? null : h('button', { type: 'button', id: 'occupancy-submit', onclick: () => doSubmit(v.id) }, 'Indsend indberetningen'),
      h('button', { type: 'button', class: 'secondary', id: 'occupancy-run-csv', onclick: () => doExport(exportOccupancyRunCsv, v.id, name) }, 'Eksportér CSV …'),
      h('button', { type: 'button', class: 'secondary', id: 'occupancy-run-pdf', onclick: () => doExport(exportOccupancyRunPdf, v.id, name) }, 'Eksportér PDF …')));
}

/** The actual occupancy as the input shows it ("90,25"), empty when there is none. */
const shownActual = (l) => (l.actual_pct === null ? '' : l.texts.actual.replace(' %', ''));

function lineRow(v, l) {
  const locked = v.submitted;
  const id = (what) => `occ-${what}-${l.offer_id}`;
  const yesNo = h('select', { id: id('efterregulering'), disabled: locked, 'aria-label': `Medfører efterregulering for ${l.offer_name}` },
    [['', 'ikke angivet'], ['ja', 'ja'], ['nej', 'nej']].map(([val, t]) => h('option', {
      value: val, selected: (l.efterregulering === true && val === 'ja') || (l.efterregulering === false && val === 'nej') || (l.efterregulering === null && val === ''),
    }, t)));
  return h('tr', { 'data-offer': l.offer_id, class: l.due === true ? 'due' : null },
    h('td', {}, l.offer_name, h('div', { class: 'sub' }, l.offer_id)),
    h('td', {}, l.category_label),
    h('td', { class: 'num' }, l.texts.budgeted),
    h('td', {}, locked
      ? l.texts.actual
      : h('input', { id: id('actual'), type: 'text', inputmode: 'decimal', size: 7, value: shownActual(l), 'data-shown': shownActual(l), 'aria-label': `Faktisk belægning for ${l.offer_name}` }),
    l.texts.actual_source ? h('div', { class: 'sub' }, l.texts.actual_source) : null),
    h('td', { class: 'num deviation' }, l.texts.deviation),
    h('td', { class: 'due-cell' }, l.texts.due),
    h('td', { class: 'efterregulering' }, locked ? l.texts.efterregulering : yesNo),
    h('td', { class: 'note' }, locked ? l.note : h('textarea', { id: id('note'), rows: 2, cols: 28, maxlength: 4000, 'aria-label': `Udfordringer og initiativer for ${l.offer_name}` }, l.note)),
    h('td', {}, locked ? null : h('button', { type: 'button', class: 'secondary small', id: id('save'), 'aria-label': `Gem – ${l.offer_name}`, onclick: () => doSaveLine(v.id, l.offer_id) }, 'Gem')));
}

async function doSaveLine(run, offer) {
  const val = (what) => $(`occ-${what}-${offer}`)?.value ?? '';
  // The figure is sent only when the user changed it, so the rate sheet's stays marked as such.
  const actual = $(`occ-actual-${offer}`);
  const changed = actual && actual.value.trim() !== actual.dataset.shown;
  try {
    const v = await setOccupancyLine(run, offer, {
      actual: changed ? actual.value : '',
      efterregulering: val('efterregulering'),
      note: val('note'),
    });
    showInfo(`Linjen for ${offer} er gemt.`);
    renderRun(v);
  } catch (e) {
    showError(e);
  }
}

async function doSubmit(run) {
  try {
    const v = await submitOccupancyRun(run);
    showInfo(`Indberetning nr. ${v.id} er indsendt og kan ikke ændres.`);
    await refreshOccupancy();
  } catch (e) {
    showError(e);
  }
}

async function doExport(save, run, name) {
  try {
    const text = await save(run, name);
    if (text) showInfo(text);
  } catch (e) {
    showError(e);
  }
}
