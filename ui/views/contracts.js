// The Kontrakter screen: the list (what runs out soon, follow-ups due; CPR masked), the
// editor for drafts with live problems and price, and the issued contract with its life:
// signed, active, notice, renewal, correction.
import {
  listContracts, getContract, prefillContract, evaluateContract, createContract, saveContract,
  issueContract, correctContract, markContract, terminateContract, renewContract, exportContractPdf,
  discardContract,
} from '../api/contracts.js';
import { h, option, fill } from '../components/dom.js';
import { showError, showInfo, clearMessage } from '../components/message.js';
import { todayText } from '../components/today.js';
import { dateText, timestampText } from '../components/format.js';
import { count } from '../components/plural.js';
import { budgetFieldset, readBudget, renderBudget, issuedBudget } from './budget.js';
import { initOldContracts, openOldContract, showRegisterForm } from './old_contracts.js';
import { rovingList, updateRoving } from '../components/roving.js';
import { focusElement } from '../components/focus.js';
import { tieError } from '../components/field_error.js';
import { field, describeBy, undescribe } from '../components/field.js';

const $ = (id) => document.getElementById(id);

let ref = null;
let current = null;
let evalTimer = null;
let evalSeq = 0;

export function initContracts(referenceData) {
  ref = referenceData;
  initOldContracts(referenceData, { refresh: refreshContracts, newStandard: (offerId) => newContract(null, offerId) });
  rovingList($('contract-list').tBodies[0]);
  $('register-old-contract')?.addEventListener('click', () => {
    current = null;
    showRegisterForm();
  });
}

export async function refreshContracts() {
  try {
    const items = await listContracts();
    const body = $('contract-list').tBodies[0];
    fill(body,
      ...items.map((c) =>
        h('tr', {
          'data-id': c.id,
          class: [current?.id === c.id ? 'selected' : '', c.old ? 'old' : ''].join(' ').trim(),
          onclick: () => (c.old ? openOldContract(c.id) : openContract(c.id)),
        },
        h('td', {}, h('div', { class: 'offer-name' }, h('button', { type: 'button', class: 'row-open', 'aria-label': `${c.id} v${c.version} – ${c.offer_name}, ${c.state_text}` }, `${c.id} v${c.version}`)),
          h('div', { class: 'sub' }, c.state_text),
          c.one_person ? h('span', { class: 'tag one-person' }, 'Enkeltmandstilbud') : null),
        h('td', {}, c.citizen_name || h('span', { class: 'sub' }, 'Ikke udfyldt'), c.citizen_cpr_masked ? h('div', { class: 'sub cpr' }, c.citizen_cpr_masked) : null),
        h('td', { class: 'warnings' }, c.offer_name, h('div', { class: 'sub' }, c.period_text),
          (c.flags ?? []).map((f) => h('div', { class: 'warning flag' }, f))),
        h('td', { class: 'warnings' }, c.warnings.map((w) => h('div', { class: 'warning' }, w))))),
    );
    if (items.length === 0) {
      body.append(h('tr', {}, h('td', { colspan: 4, class: 'sub' }, 'Ingen kontrakter endnu. Opret en fra en lukket afstemning eller fra et offentligt tilbud.')));
    }
    updateRoving(body);
  } catch (e) {
    showError(e);
  }
}

/** A new contract from a closed check and/or an offer. It is not stored yet: the draft is
 * stored the first time the form holds something beyond what was prefilled (the user typed or
 * changed a field; spaces alone are nothing), so "Opret kontrakt" never leaves an empty draft
 * in the list. The core refuses such an empty draft as well (`contracts::untouched`). */
export async function newContract(checkId, offerId) {
  try {
    const form = await prefillContract(checkId, offerId);
    const evaluation = await evaluateContract(form);
    clearMessage();
    render({
      id: null, unsaved: true, form, evaluation, state: 'kladde', state_text: 'Ikke gemt endnu',
      current: { version: 1, issued: false }, versions: [], warnings: [], actions: {},
    });
    focusElement($('contract-title'));
    // What the editor shows for the prefilled form: "something typed" is a difference from it.
    current.baseline = comparable(readForm());
    for (const tr of $('contract-list').tBodies[0].rows) tr.classList.remove('selected');
    showInfo('Ny kontrakt: den gemmes som kladde, så snart du skriver eller ændrer noget i den.');
  } catch (e) {
    showError(e);
  }
}

/** A form as compared with the prefill: spaces around a text are nothing typed. */
function comparable(form) {
  return JSON.stringify(form, (_, v) => (typeof v === 'string' ? v.trim() : v));
}

let storing = null;

/** Stores the new contract on screen as a draft (once), keeping the editor as it is so typing
 * goes on; resolves to the stored view, or null when it is not the one on screen any more. */
function ensureStored() {
  if (!current?.unsaved) return Promise.resolve(current);
  if (!storing) {
    const mine = current;
    storing = createContract(readForm()).then((view) => {
      if (current !== mine) return null;
      current = { ...view, baseline: mine.baseline };
      $('contract-title').textContent = `Kontrakt ${view.id} version ${view.current.version}`;
      $('contract-state').textContent = view.state_text;
      $('contract-discard').textContent = 'Kassér kladden …';
      refreshContracts();
      showInfo(`Kladde ${view.id} er gemt. Udfyld de manglende felter og udsted kontrakten.`);
      return current;
    }).finally(() => { storing = null; });
  }
  return storing;
}

export async function openContract(id) {
  try {
    render(await getContract(id));
    await refreshContracts();
  } catch (e) {
    showError(e);
  }
}

/** Runs a change and shows the contract as it comes back; refused, the field of `form` the
 * message names is marked and focused. */
async function apply(action, done, form = null) {
  try {
    const view = await action();
    clearMessage();
    render(view);
    await refreshContracts();
    if (done) showInfo(done);
    return view;
  } catch (e) {
    showError(e);
    tieError(e, form);
    return null;
  }
}

// ---- editor -------------------------------------------------------------------------

const TEXT_FIELDS = [
  ['buyer_ean', 'Købers EAN-nummer', { inputmode: 'numeric', size: 15 }],
  ['buyer_contact', 'Købers kontaktperson', { size: 30 }],
  ['payer_ean', 'Betalingskommunens EAN-nummer', { inputmode: 'numeric', size: 15, placeholder: 'som køber' }],
  ['provider_cvr', 'Leverandørens CVR-nummer', { inputmode: 'numeric', size: 10 }],
  ['provider_ean', 'Leverandørens EAN-nummer', { inputmode: 'numeric', size: 15 }],
  ['citizen_name', 'Borgerens navn', { size: 30, autocomplete: 'off' }],
  ['citizen_cpr', 'CPR-nummer', { size: 12, placeholder: 'DDMMÅÅ-LLLL', autocomplete: 'off' }],
  ['start', 'Startdato', { size: 11, placeholder: 'dd.mm.åååå' }],
  ['end', 'Slutdato', { size: 11, placeholder: 'dd.mm.åååå' }],
  ['followups', 'Opfølgning', { size: 30, placeholder: 'dd.mm.åååå, dd.mm.åååå' }],
];

// The terms the agreement may leave to the contract (TermStatus.field; the absence row
// covers absence_days and hospital_days).
const TERM_FIELDS = ['notice_buyer', 'notice_provider', 'payment_timing', 'payment_days', 'absence_days', 'hospital_days', 'closure'];

function municipalitySelect(id, value, empty) {
  const s = h('select', { id, name: id }, option('', empty), ref.municipalities.map((m) => option(String(m.code), m.name)));
  const found = ref.municipalities.find((m) => String(m.code) === String(value) || m.name === value);
  s.value = found ? String(found.code) : '';
  return s;
}

function addonRow(a = {}) {
  const unit = h('select', { name: 'addon-unit' }, option('dag', 'pr. døgn'), option('maaned', 'pr. måned'), option('engang', 'engangsbeløb'));
  unit.value = a.unit || 'dag';
  return h('tr', { class: 'addon' },
    h('td', {}, h('input', { name: 'addon-description', value: a.description ?? '', size: 18, 'aria-label': 'Beskrivelse' })),
    h('td', {}, h('input', { name: 'addon-basis', value: a.basis ?? '', size: 26, 'aria-label': 'Begrundelse og beregningsgrundlag' })),
    h('td', {}, h('input', { name: 'addon-amount', value: a.amount ?? '', size: 9, inputmode: 'decimal', 'aria-label': 'Beløb' })),
    h('td', {}, unit),
    h('td', {}, h('button', { type: 'button', class: 'link', 'aria-label': 'Fjern tillægsydelsen', onclick: (e) => { e.currentTarget.closest('tr').remove(); scheduleEvaluate(); $('add-addon')?.focus(); } }, 'Fjern')));
}

function readForm() {
  const form = $('contract-form');
  if (!form) throw new Error('readForm: the contract editor is not on screen');
  const value = (name) => form.elements[name]?.value ?? '';
  const out = { ...current.form };
  for (const [name] of TEXT_FIELDS) out[name] = value(name);
  out.legal_basis = value('legal_basis');
  out.check_id = value('check_id');
  out.buyer_municipality = value('buyer_municipality');
  out.payer_municipality = value('payer_municipality');
  out.intervention = value('intervention');
  out.goals = value('goals');
  // A term's input exists only while the agreement does not fix it; otherwise the value
  // typed before (if any) is kept as it was.
  for (const name of TERM_FIELDS) {
    const el = form.elements[name];
    if (el) out[name] = el.value;
  }
  Object.assign(out, readBudget(form));
  out.addons = [...form.querySelectorAll('tr.addon')].map((tr) => ({
    description: tr.querySelector('[name=addon-description]').value,
    basis: tr.querySelector('[name=addon-basis]').value,
    amount: tr.querySelector('[name=addon-amount]').value,
    unit: tr.querySelector('[name=addon-unit]').value,
  }));
  return out;
}

function scheduleEvaluate() {
  clearTimeout(evalTimer);
  // The re-check belongs to the editor on screen now; `render` cancels it when the editor is
  // replaced, and it checks again that this editor is still the one on screen (issued, or
  // another contract opened, in the meantime).
  const editorForm = $('contract-form');
  evalTimer = setTimeout(async () => {
    evalTimer = null;
    if (!editorForm || !editorForm.isConnected || $('contract-form') !== editorForm) return;
    const mine = ++evalSeq;
    try {
      const form = readForm();
      if (current?.unsaved && comparable(form) !== current.baseline) await ensureStored();
      const evaluation = await evaluateContract(form);
      if (mine === evalSeq && editorForm.isConnected) renderEvaluation(evaluation);
    } catch (e) {
      if (mine === evalSeq && editorForm.isConnected) showError(e, 'kontrakt: genberegning');
    }
  }, 250);
}

/** The price: the basis of the figures said plainly, each calendar year's rate (per day and
 * per month) and amount with the whole term's total, the labelled average, then the lines it
 * is made of, how the rate moves and the VAT in it. */
function priceBlock(price) {
  const years = price.years ?? [];
  const num = (text) => h('td', { class: 'num' }, text);
  return [
    price.basis_text ? h('p', { class: 'price-basis', id: 'contract-basis' }, `${price.basis_text}.`) : null,
    years.length === 0 ? null : h('table', { id: 'contract-years', class: 'price-table years' },
      h('caption', {}, 'Pris pr. kalenderår (taksten skifter 1. januar)'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'År'),
        h('th', { scope: 'col', class: 'num' }, 'Pr. døgn'), h('th', { scope: 'col', class: 'num' }, 'Pr. måned'),
        h('th', { scope: 'col', class: 'num' }, 'Årets beløb'))),
      // Each year's figures, and under them the rule its rate follows.
      years.map((y) => h('tbody', { class: y.provisional ? 'provisional' : '', 'data-year': y.year },
        h('tr', { class: 'year' },
          h('th', { scope: 'row' }, y.year),
          num(y.per_day_text), num(y.per_month_text),
          num(y.amount_text ? [y.amount_text, h('div', { class: 'sub' }, count(y.days, 'dag', 'dage'))] : '–')),
        h('tr', { class: 'year-rule' }, h('td', { colspan: 4, class: 'sub' }, y.rule)))),
      h('tfoot', {}, h('tr', { class: 'total' },
        h('th', { scope: 'row', colspan: 3 }, `Hele perioden (${count(price.days, 'dag', 'dage')})`),
        h('td', { class: 'num', id: 'contract-total' }, price.total_text)))),
    h('dl', { class: 'facts price-average', id: 'contract-average' },
      h('dt', {}, 'Gennemsnit pr. døgn'), h('dd', {}, price.per_day_text),
      h('dt', {}, 'Gennemsnit pr. måned'), h('dd', {}, price.per_month_text)),
    h('table', { id: 'contract-price', class: 'price-table lines' },
      h('caption', {}, 'Linjer'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Linje'), h('th', { scope: 'col', class: 'num' }, 'Sats'), h('th', { scope: 'col', class: 'num' }, 'I alt'))),
      h('tbody', {}, price.lines.map((l) => h('tr', { class: l.provisional ? 'provisional' : '' },
        h('td', {}, l.label, h('div', { class: 'sub' }, l.basis)), num(l.amount_text), num(l.total_text)))),
      years.length === 0 ? h('tfoot', {}, h('tr', { class: 'total' },
        h('th', { colspan: 2 }, `Hele perioden (${count(price.days, 'dag', 'dage')})`),
        h('td', { class: 'num', id: 'contract-total' }, price.total_text))) : null),
    price.rule_text ? h('p', { class: 'sub', id: 'contract-price-rule' }, price.rule_text) : null,
    h('p', { class: 'sub', id: 'contract-vat' }, price.vat_text),
  ];
}

/** Focuses the input a problem is about, if it is on the form. */
function focusField(name) {
  const el = $('contract-form')?.elements[name];
  if (!el || !el.focus) return;
  el.scrollIntoView({ block: 'center' });
  el.focus();
}

function renderEvaluation(e) {
  const box = $('contract-evaluation');
  if (!box) return;
  renderTerms(e);
  renderBudget(e);
  fill(box,
    e.template ? h('p', { class: 'sub', id: 'contract-template' }, `${e.template.title} (skabelon ${e.template.version})`) : null,
    e.problems.length
      ? [h('h3', {}, `${e.problems.length} fejl skal rettes før udstedelse`),
        h('ul', { id: 'contract-problems', class: 'problems' }, e.problems.map((p, i) => h('li', { 'data-field': p.field, id: `contract-problem-${i}` },
          $('contract-form')?.elements[p.field]
            ? h('button', { type: 'button', class: 'problem-link', title: 'Gå til feltet', onclick: () => focusField(p.field) }, p.message)
            : p.message)))]
      : h('p', { id: 'contract-ready', class: 'outstanding done' }, 'Kontrakten er klar til at blive udstedt.'),
    e.price ? [h('h3', {}, 'Pris'), priceBlock(e.price)] : null,
    e.notice_today_text ? h('p', { class: 'sub', id: 'contract-notice-today' }, e.notice_today_text) : null,
  );
  // Each field with a problem is marked invalid and described by its problem's text.
  for (const el of document.querySelectorAll('#contract-form [aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    undescribe(el, (id) => id.startsWith('contract-problem-'));
  }
  e.problems.forEach((p, i) => {
    const el = $('contract-form')?.elements[p.field];
    if (!el || !el.setAttribute) return;
    el.setAttribute('aria-invalid', 'true');
    describeBy(el, `contract-problem-${i}`);
  });
}

// ---- terms (Vilkår) -----------------------------------------------------------------

const NOTICE_HINT = 'fx «løbende måned + 1 måned», «3 måneder» eller «14 dage»';

/** The input(s) for a term the contract must give. */
function termInputs(t, f) {
  const input = (name, attrs) => h('input', { name, id: `c-${name}`, value: f[name] ?? '', ...attrs });
  switch (t.field) {
    case 'payment_timing': {
      const timing = h('select', { name: 'payment_timing', id: 'c-payment_timing' },
        option('', 'Vælg …'), option('forud', 'forud'), option('bagud', 'bagud'));
      timing.value = f.payment_timing ?? '';
      return field(t.label, timing);
    }
    case 'payment_days':
      return field(t.label, input('payment_days', { size: 4, inputmode: 'numeric' }), 'dage efter modtaget faktura');
    case 'absence_days':
      return h('div', {},
        h('div', { class: 'row' },
          field('Fravær (dage)', input('absence_days', { size: 4, inputmode: 'numeric' })),
          field('Hospitalsophold (dage)', input('hospital_days', { size: 4, inputmode: 'numeric' }))),
        h('small', { class: 'sub' }, 'Antal dage, taksten betales fuldt under borgerens fravær og under hospitalsophold.'));
    case 'closure':
      return field(t.label, h('textarea', { name: 'closure', id: 'c-closure', rows: 3, cols: 60, placeholder: 'lukning af pladser eller tilbuddet og efterregulering, som aftalt' }, f.closure ?? ''));
    case 'notice_buyer':
    case 'notice_provider':
      return field(t.label, input(t.field, { size: 28, placeholder: 'løbende måned + 1 måned' }), NOTICE_HINT);
    default:
      return field(t.label, input(t.field, { size: 28 }));
  }
}

/** A term the agreement fixes: its value, read-only, with its source. */
function termFixed(t) {
  return h('div', { class: 'term-fixed', 'data-term': t.field },
    h('span', { class: 'term-label' }, t.label),
    h('span', { class: 'term-value', id: `term-value-${t.field}` }, t.value),
    h('small', { class: 'term-source', id: `term-source-${t.field}` }, t.source));
}

/** The Vilkår section: the agreement and the notes, then each term, fixed by the agreement or
 * an input. The inputs are rebuilt only when which terms the agreement fixes changes, so typing
 * is never interrupted. */
function renderTerms(e) {
  const box = $('contract-terms');
  if (!box) return;
  fill($('contract-agreement'),
    e.agreement ? h('p', { id: 'contract-agreement-text', class: e.agreement.fallback ? 'outstanding' : 'sub' }, `Købers rammeaftale: ${e.agreement.text}`) : null,
    e.agreement && e.offer && !e.offer.covered_by_rammeaftale
      ? h('p', { class: 'sub', id: 'contract-outside' }, 'Købet er uden for købers rammeaftale: vilkårene aftales i kontrakten.')
      : null,
    e.notes.length ? h('ul', { id: 'contract-notes', class: 'notes' }, e.notes.map((n) => h('li', {}, n))) : null);
  const terms = e.terms ?? [];
  const signature = terms.map((t) => `${t.field}:${t.from_agreement}`).join('|');
  if (box.dataset.signature === signature) {
    for (const t of terms.filter((x) => x.from_agreement)) {
      const value = $(`term-value-${t.field}`);
      const source = $(`term-source-${t.field}`);
      if (value) value.textContent = t.value;
      if (source) source.textContent = t.source;
    }
    return;
  }
  // Keep what was typed in inputs about to go.
  const form = $('contract-form');
  for (const name of TERM_FIELDS) {
    const el = form?.elements[name];
    if (el) current.form[name] = el.value;
  }
  box.dataset.signature = signature;
  fill(box, terms.map((t) => (t.from_agreement ? termFixed(t) : h('div', { class: 'term-typed', 'data-term': t.field }, termInputs(t, current.form)))));
}

function editor(c) {
  const f = c.form;
  const offer = c.evaluation.offer;
  const basis = h('select', { name: 'legal_basis' }, option('', 'Vælg …'), ref.legal_bases.map((b) => option(b.code, b.label)));
  basis.value = f.legal_basis;
  const input = (name, attrs) => h('input', { name, id: `c-${name}`, value: f[name] ?? '', ...attrs });
  const form = h('form', { id: 'contract-form', class: 'contract-form', autocomplete: 'off' },
    h('fieldset', {}, h('legend', {}, 'Tilbud og afstemning'),
      h('p', {}, offer ? `${offer.name} (${offer.id}) · ${offer.operator_name} (${offer.operator_type})` : f.offer_id),
      h('div', { class: 'row' },
        field('Lovgrundlag', basis),
        field('Afstemning', input('check_id', { size: 14, placeholder: 'A-åååå-nnnn' }),
          offer && !offer.covered_by_rammeaftale
            ? 'Påkrævet: tilbuddet er uden for købers rammeaftale; en lukket, gyldig afstemning for samme behov'
            : 'Kun påkrævet for tilbud uden for købers rammeaftale'))),
    h('fieldset', {}, h('legend', {}, 'Parter'),
      h('div', { class: 'row' },
        field('Køber (handlekommune)', municipalitySelect('buyer_municipality', f.buyer_municipality, 'Vælg …')),
        field(TEXT_FIELDS[0][1], input('buyer_ean', TEXT_FIELDS[0][2]))),
      field(TEXT_FIELDS[1][1], input('buyer_contact', TEXT_FIELDS[1][2])),
      h('div', { class: 'row' },
        field('Betalingskommune', municipalitySelect('payer_municipality', f.payer_municipality, 'Samme som køber')),
        field(TEXT_FIELDS[2][1], input('payer_ean', TEXT_FIELDS[2][2]))),
      h('div', { class: 'row' },
        field(TEXT_FIELDS[3][1], input('provider_cvr', TEXT_FIELDS[3][2])),
        field(TEXT_FIELDS[4][1], input('provider_ean', TEXT_FIELDS[4][2])))),
    h('fieldset', {}, h('legend', {}, 'Borger og indsats'),
      h('div', { class: 'row' },
        field(TEXT_FIELDS[5][1], input('citizen_name', TEXT_FIELDS[5][2])),
        field(TEXT_FIELDS[6][1], input('citizen_cpr', TEXT_FIELDS[6][2]))),
      field('Indsats', h('textarea', { name: 'intervention', id: 'c-intervention', rows: 2, cols: 60 }, f.intervention)),
      field('Mål (ét pr. linje)', h('textarea', { name: 'goals', id: 'c-goals', rows: 3, cols: 60 }, f.goals))),
    h('fieldset', {}, h('legend', {}, 'Periode'),
      h('div', { class: 'row' },
        field(TEXT_FIELDS[7][1], input('start', TEXT_FIELDS[7][2])),
        field(TEXT_FIELDS[8][1], input('end', TEXT_FIELDS[8][2]), c.evaluation.max_end ? 'Tidsbegrænset: højst den længste løbetid' : null),
        field(TEXT_FIELDS[9][1], input('followups', TEXT_FIELDS[9][2])))),
    h('fieldset', { id: 'contract-terms-fieldset' }, h('legend', {}, 'Vilkår'),
      h('div', { id: 'contract-agreement' }),
      h('div', { id: 'contract-terms' })),
    h('fieldset', {}, h('legend', {}, 'Tillægsydelser'),
      h('table', { class: 'addons' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Beskrivelse'), h('th', {}, 'Begrundelse og beregning'), h('th', {}, 'Beløb'), h('th', {}, 'Enhed'), h('th', {}, ''))),
        h('tbody', { id: 'addon-rows' }, f.addons.map(addonRow))),
      h('button', { type: 'button', class: 'secondary small', id: 'add-addon', onclick: () => { $('addon-rows').append(addonRow()); } }, 'Tilføj tillægsydelse')),
    budgetFieldset(f, field),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'secondary', id: 'contract-save' }, 'Gem kladde'),
      h('button', { type: 'button', id: 'contract-issue', onclick: issueCurrent }, 'Udsted kontrakt'),
      h('button', { type: 'button', class: 'secondary danger', id: 'contract-discard', onclick: () => discardForm(c) },
        c.unsaved ? 'Kassér' : (c.current.version > 1 ? 'Kassér rettelsen …' : 'Kassér kladden …'))),
    h('div', { id: 'contract-discard-confirm' }),
  );
  form.addEventListener('input', scheduleEvaluate);
  form.addEventListener('change', scheduleEvaluate);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const stored = await storedOrShown();
    if (!stored) return;
    apply(() => saveContract(stored.id, readForm()), `Kladde ${stored.id} er gemt.`);
  });
  return form;
}

/** The contract on screen as stored (a new one is stored first); null when it could not be
 * (the message says why) or another contract was opened meanwhile. */
async function storedOrShown() {
  try {
    return await ensureStored();
  } catch (e) {
    showError(e);
    return null;
  }
}

async function issueCurrent() {
  const stored = await storedOrShown();
  if (!stored) return;
  const id = stored.id;
  const saved = await apply(() => saveContract(id, readForm()));
  if (!saved) return;
  await apply(() => issueContract(id), `Kontrakt ${id} er udstedt og kan ikke længere ændres.`);
}

// ---- issued contract ----------------------------------------------------------------

function issuedView(c) {
  const d = c.data;
  // What may be done is the core's state machine (`c.actions`); the view only shows it.
  const can = c.actions;
  const open = can.terminate;
  const facts = [
    ['Skabelon', `${d.template.title} (version ${d.template.version})`],
    ['Køber', `${d.buyer.name}, EAN ${d.buyer.ean}${d.buyer.contact ? ` · ${d.buyer.contact}` : ''}`],
    ['Betaler', `${d.payer.name}, EAN ${d.payer.ean}`],
    ['Leverandør', `${d.provider.name}${d.provider.cvr ? `, CVR ${d.provider.cvr}` : ''}, EAN ${d.provider.ean}`],
    ['Tilbud', `${d.offer.name} (${d.offer.id}), ${d.offer.address}`],
    ['Borger', `${d.citizen_name} (${c.citizen_cpr_masked})`],
    ['Lovgrundlag', d.legal_basis_label],
    ['Indsats', d.intervention],
    ['Mål', d.goals.join('; ')],
    ['Periode', `${dateText(d.start)}–${dateText(d.end)} (${count(d.price.days, 'dag', 'dage')})`],
    ['Opfølgning', d.followups.map(dateText).join(', ')],
    ['Købers rammeaftale', d.agreement ? d.agreement.text : 'Ingen rammeaftale'],
    ['Købers opsigelsesvarsel', d.notice.buyer_text, d.notice.buyer_source],
    ['Leverandørens opsigelsesvarsel', d.notice.provider_text, d.notice.provider_source],
    ['Betaling', `${d.payment.timing}, senest ${d.payment.days_after_invoice} dage efter modtaget faktura`, d.payment.source],
    ['Fravær og hospitalsophold', `fuld takst i op til ${d.absence.absence_days} dage under fravær og ${d.absence.hospital_days} dage under hospitalsophold`, d.absence.source],
    d.closure?.text ? ['Lukning og efterregulering', d.closure.text, d.closure.source] : null,
    ['Region', d.buyer_region_text],
    d.check_id ? ['Afstemning', d.check_id] : null,
    ['SHA-256 (data)', c.current.data_sha256],
    c.current.pdf_sha256 ? ['SHA-256 (PDF)', c.current.pdf_sha256] : null,
  ].filter(Boolean);
  return [
    c.warnings.length ? h('ul', { class: 'contract-warnings' }, c.warnings.map((w) => h('li', {}, w))) : null,
    h('dl', { class: 'facts', id: 'contract-facts' }, facts.flatMap(([k, v, source]) => [h('dt', {}, k),
      h('dd', {}, v, source ? h('small', { class: 'term-source' }, source) : null)])),
    d.notes?.length ? h('ul', { class: 'notes', id: 'contract-notes' }, d.notes.map((n) => h('li', {}, n))) : null,
    c.evaluation.notice_today_text && open ? h('p', { class: 'sub' }, c.evaluation.notice_today_text) : null,
    h('h3', {}, 'Pris'),
    priceBlock(d.price),
    issuedBudget(d.one_person),
    h('div', { class: 'actions contract-actions' },
      h('button', { type: 'button', id: 'export-pdf', onclick: () => exportPdf(c) }, 'Eksportér PDF …'),
      can.mark_signed ? h('button', { type: 'button', class: 'secondary', id: 'mark-signed', onclick: () => apply(() => markContract(c.id, 'underskrevet'), 'Kontrakten er markeret som underskrevet.') }, 'Markér underskrevet') : null,
      can.mark_active ? h('button', { type: 'button', class: 'secondary', id: 'mark-active', onclick: () => apply(() => markContract(c.id, 'aktiv'), 'Kontrakten er markeret som aktiv.') }, 'Markér aktiv') : null,
      can.terminate ? h('button', { type: 'button', class: 'secondary', id: 'terminate', onclick: () => terminateForm(c) }, 'Opsig …') : null,
      can.renew ? h('button', { type: 'button', class: 'secondary', id: 'renew', onclick: () => apply(() => renewContract(c.id), 'Fornyelsen er oprettet som kladde.') }, 'Forny') : null,
      can.correct ? h('button', { type: 'button', class: 'secondary', id: 'correct', onclick: () => correctForm(c) }, 'Ret (ny version)') : null),
    h('div', { id: 'contract-inline' }),
    h('details', {}, h('summary', {}, `Kontraktens ${count(d.clauses.length, 'punkt', 'punkter')}`),
      h('ol', { class: 'clauses' }, d.clauses.map((cl) => h('li', {}, h('strong', {}, cl.title), h('p', {}, cl.text))))),
    c.versions.length > 1 ? h('details', {}, h('summary', {}, 'Versioner'),
      h('ul', {}, c.versions.map((v) => h('li', {}, `v${v.version}: ${v.issued ? `udstedt ${timestampText(v.issued_at)} af ${v.issued_by}` : 'kladde'}${v.reason ? ` – ${v.reason}` : ''}`)))) : null,
  ];
}

async function exportPdf(c) {
  try {
    const result = await exportContractPdf(c.id);
    if (result) {
      showInfo(result.text);
      render(await getContract(c.id));
    }
  } catch (e) {
    showError(e);
  }
}

function terminateForm(c) {
  const form = h('form', { class: 'inline-form', id: 'terminate-form', 'aria-label': 'Opsig kontrakten', 'data-focus-return': '#terminate' },
    field('Opsagt af', h('select', { name: 'party' }, option('koeber', 'Køber'), option('leverandoer', 'Leverandøren'))),
    field('Opsigelsen er givet', h('input', { name: 'given_on', size: 11, value: todayText() })),
    h('button', { type: 'submit' }, 'Registrér opsigelse'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    apply(() => terminateContract(c.id, form.elements.party.value, form.elements.given_on.value), 'Opsigelsen er registreret.', form);
  });
  $('contract-inline').replaceChildren(form);
  form.elements.party.focus();
}

function correctForm(c) {
  const form = h('form', { class: 'inline-form', id: 'correct-form', 'aria-label': 'Ret kontrakten', 'data-focus-return': '#correct' },
    field('Årsag til rettelsen', h('input', { name: 'reason', size: 40 })),
    h('button', { type: 'submit' }, 'Opret ny version'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    apply(() => correctContract(c.id, form.elements.reason.value), 'En ny version er oprettet som kladde.', form);
  });
  $('contract-inline').replaceChildren(form);
  form.elements.reason.focus();
}

/** Asks before a draft is discarded: the draft (with the citizen's data) is deleted. */
function discardForm(shown) {
  // The contract on screen now (a new one may have been stored since the editor was built).
  const c = current ?? shown;
  if (c.unsaved) {
    // Nothing is stored yet: the new contract is simply dropped.
    closeEditor();
    showInfo('Den nye kontrakt er kasseret; intet var gemt.');
    return;
  }
  const correction = c.current.version > 1;
  const box = h('div', { class: 'inline-form', role: 'alertdialog', 'aria-labelledby': 'discard-question' },
    h('p', { id: 'discard-question' }, correction
      ? `Kassér rettelsen (version ${c.current.version})? Det, der er skrevet i den, slettes; den udstedte version gælder fortsat.`
      : `Kassér kladde ${c.id}? Kladden og borgerens oplysninger i den slettes. Nummeret bruges ikke igen.`),
    h('button', { type: 'button', class: 'danger', id: 'contract-discard-yes', onclick: () => discardCurrent(current ?? c) }, 'Kassér'),
    h('button', { type: 'button', class: 'secondary', id: 'contract-discard-no', onclick: () => box.remove() }, 'Fortryd'));
  $('contract-discard-confirm').replaceChildren(box);
  $('contract-discard-yes').focus();
}

async function discardCurrent(c) {
  try {
    const text = await discardContract(c.id);
    clearTimeout(evalTimer);
    evalSeq += 1;
    if (c.current.version > 1) {
      render(await getContract(c.id));
    } else {
      closeEditor();
    }
    await refreshContracts();
    showInfo(text);
  } catch (e) {
    showError(e);
  }
}

/** Empties the panel (after a discard): nothing of the editor is left to re-check. */
function closeEditor() {
  clearTimeout(evalTimer);
  evalSeq += 1;
  current = null;
  fill($('contract-panel'), h('p', { class: 'sub' }, 'Vælg en kontrakt i listen.'));
}

function render(c) {
  // An evaluation still pending belongs to what was on screen before.
  clearTimeout(evalTimer);
  evalSeq += 1;
  current = c;
  const draft = !c.current.issued;
  fill($('contract-panel'),
    h('header', { class: 'check-head' },
      h('h2', { id: 'contract-title' }, c.unsaved ? 'Ny kontrakt' : `Kontrakt ${c.id} version ${c.current.version}`),
      h('span', { id: 'contract-state', class: `status ${c.state}` }, c.state_text)),
    c.current.reason ? h('p', { class: 'sub' }, c.current.reason) : null,
    c.renewed_from ? h('p', { class: 'sub' }, `Fornyelse af ${c.renewed_from}`) : null,
    // Issued on another computer: read-only here, and the text says where it can be changed.
    c.received ? h('p', { id: 'contract-received', class: 'sub' }, c.received) : null,
    draft
      // The check of the draft scrolls on its own, so it is a Tab stop (keyboard scrolling).
      ? h('div', { class: 'contract-editor' }, editor(c), h('aside', { id: 'contract-evaluation', class: 'contract-evaluation', tabindex: 0, 'aria-label': 'Kontrol og pris' }))
      : issuedView(c),
  );
  if (draft) renderEvaluation(c.evaluation);
  for (const tr of $('contract-list').tBodies[0].rows) tr.classList.toggle('selected', tr.dataset.id === c.id);
}
