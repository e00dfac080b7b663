// Contracts from before the standard ("ældre kontrakter", seed 003 L169-175: standard
// contracts are obligatory for new contracts only): registering an existing contract so that
// spend, end-date warnings and the contract list are complete, showing it (never as a
// standard contract: no editor, no issuing, no PDF), and correcting it as a new version with
// a reason. The CPR only ever comes back masked.
import { registerOldContract, getOldContract, correctOldContract } from '../api/contracts.js';
import { h, option, fill } from '../components/dom.js';
import { showError, showInfo, clearMessage } from '../components/message.js';
import { timestampText } from '../components/format.js';
import { tieError } from '../components/field_error.js';
import { field } from '../components/field.js';

const $ = (id) => document.getElementById(id);

let ref = null;
let hooks = { refresh: async () => {}, newStandard: () => {} };

export function initOldContracts(referenceData, options) {
  ref = referenceData;
  hooks = options;
}

function select(name, items, value, empty) {
  const s = h('select', { name, id: `oc-${name}` }, empty ? option('', empty) : null, items.map(([v, l]) => option(v, l)));
  s.value = value ?? '';
  return s;
}

/** The registration form, filled with `f` (a correction starts from the current version). */
function form(f, correction) {
  const input = (name, attrs) => h('input', { name, id: `oc-${name}`, value: f[name] ?? '', ...attrs });
  const buyer = ref.municipalities.find((m) => String(m.code) === String(f.buyer_municipality) || m.name === f.buyer_municipality);
  return h('form', { id: correction ? 'old-contract-correct' : 'old-contract-form', class: 'contract-form old-contract-form', autocomplete: 'off' },
    h('fieldset', {}, h('legend', {}, 'Tilbud og køber'),
      h('div', { class: 'row' },
        field('Tilbud (id)', input('offer_id', { size: 12, placeholder: 'fx SJ-1048' })),
        field('Lovgrundlag', select('legal_basis', ref.legal_bases.map((b) => [b.code, b.label]), f.legal_basis, 'Vælg …')),
        field('Køber (handlekommune)', select('buyer_municipality', ref.municipalities.map((m) => [String(m.code), m.name]), buyer ? String(buyer.code) : '', 'Vælg …')))),
    h('fieldset', {}, h('legend', {}, 'Borger'),
      h('p', { class: 'sub' }, 'Navn og CPR-nummer som i en standardkontrakt (CPR vises maskeret overalt), eller kun en sagsreference uden CPR-nummer.'),
      h('div', { class: 'row' },
        field('Borgerens navn', input('citizen_name', { size: 26 })),
        field('CPR-nummer', input('citizen_cpr', { size: 12, placeholder: 'DDMMÅÅ-LLLL' })),
        field('Sagsreference', input('case_reference', { size: 24, placeholder: 'fx journalnummer' })))),
    h('fieldset', {}, h('legend', {}, 'Periode og pris'),
      h('div', { class: 'row' },
        field('Startdato', input('start', { size: 11, placeholder: 'dd.mm.åååå' })),
        field('Slutdato', input('end', { size: 11, placeholder: 'dd.mm.åååå' }), 'Tom: uden slutdato'),
        field('Pris', input('amount', { size: 11, inputmode: 'decimal' }), 'Som i kontrakten'),
        field('Enhed', select('unit', [['dag', 'pr. døgn'], ['maaned', 'pr. måned']], f.unit || 'dag')))),
    h('fieldset', {}, h('legend', {}, 'Kontrakten'),
      field('Kontraktdokument', input('document', { size: 44 }), 'Hvor den underskrevne kontrakt ligger: ESDH-/journalnummer eller den scannede fils navn'),
      field('Bemærkning', input('note', { size: 44 })),
      correction ? field('Årsag til rettelsen', h('input', { name: 'reason', id: 'oc-reason', size: 44 }), 'Påkrævet; rettelsen gemmes som en ny version') : null),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: correction ? 'old-contract-correct-save' : 'old-contract-save' },
        correction ? 'Gem rettelse (ny version)' : 'Registrér ældre kontrakt')));
}

function read(el) {
  const v = (name) => el.elements[name]?.value ?? '';
  return Object.fromEntries(['offer_id', 'legal_basis', 'buyer_municipality', 'citizen_name', 'citizen_cpr', 'case_reference',
    'start', 'end', 'amount', 'unit', 'document', 'note'].map((n) => [n, v(n)]));
}

/** Runs a change and shows the contract as it comes back; refused, the field of `form` the
 * message names is marked and focused. */
async function apply(action, done, form = null) {
  try {
    const view = await action();
    clearMessage();
    render(view);
    await hooks.refresh();
    if (done) showInfo(done);
    return view;
  } catch (e) {
    showError(e);
    tieError(e, form);
    return null;
  }
}

/** The form to register an existing, non-standard contract. */
export function showRegisterForm() {
  const el = form({}, false);
  el.addEventListener('submit', (e) => {
    e.preventDefault();
    apply(() => registerOldContract(read(el)), 'Den ældre kontrakt er registreret.', el);
  });
  fill($('contract-panel'),
    h('header', { class: 'check-head' }, h('h2', { id: 'contract-title' }, 'Registrér ældre kontrakt')),
    h('p', { class: 'sub' }, 'En eksisterende kontrakt fra før standardkontrakterne (rammeaftalen kræver standardkontrakter for nye kontrakter). Den registreres, så udgifter, udløbsvarsler og kontraktlisten er fuldstændige; den bliver aldrig en standardkontrakt. Nye kontrakter oprettes som standardkontrakter.'),
    el);
  el.elements.offer_id.focus();
}

export async function openOldContract(id) {
  try {
    render(await getOldContract(id));
    await hooks.refresh();
  } catch (e) {
    showError(e);
  }
}

function correctForm(v) {
  const el = form(v.form, true);
  el.addEventListener('submit', (e) => {
    e.preventDefault();
    apply(() => correctOldContract(v.id, read(el), el.elements.reason.value), `${v.id} er rettet (ny version).`, el);
  });
  $('contract-inline').replaceChildren(el);
  el.elements.reason.focus();
}

function render(v) {
  const d = v.data;
  const citizen = d.citizen_name
    ? `${d.citizen_name}${v.citizen_cpr_masked ? ` (${v.citizen_cpr_masked})` : ''}`
    : null;
  const facts = [
    ['Tilbud', `${d.offer_name} (${d.offer_id})`],
    citizen ? ['Borger', citizen] : null,
    d.case_reference ? ['Sagsreference', d.case_reference] : null,
    ['Køber', v.buyer_name],
    ['Lovgrundlag', v.basis_label],
    ['Periode', v.period_text],
    ['Pris', v.price_text],
    ['Kontraktdokument', d.document],
    d.note ? ['Bemærkning', d.note] : null,
    ['Standardkontrakter', v.rule_text],
  ].filter(Boolean);
  fill($('contract-panel'),
    h('header', { class: 'check-head' },
      h('h2', { id: 'contract-title' }, `Ældre kontrakt ${v.id} version ${v.version}`),
      h('span', { id: 'contract-state', class: 'status old' }, 'Ældre kontrakt')),
    h('p', { class: 'sub', id: 'old-contract-kind' }, `${v.kind_text}. Den kan ikke redigeres, udstedes, opsiges eller eksporteres som standardkontrakt; rettelser gemmes som nye versioner med en årsag.`),
    v.flags.length ? h('ul', { class: 'contract-warnings flags', id: 'old-contract-flags' }, v.flags.map((f) => h('li', {}, f))) : null,
    v.warnings.length ? h('ul', { class: 'contract-warnings' }, v.warnings.map((w) => h('li', {}, w))) : null,
    h('dl', { class: 'facts', id: 'contract-facts' }, facts.flatMap(([k, x]) => [h('dt', {}, k), h('dd', {}, x)])),
    h('h3', {}, 'Udgift pr. år'),
    h('ul', { id: 'old-contract-years', class: 'years' }, v.years.map((y) => h('li', {}, y.text))),
    h('div', { class: 'actions contract-actions' },
      h('button', { type: 'button', class: 'secondary', id: 'old-contract-correct-button', onclick: () => correctForm(v) }, 'Ret (ny version) …'),
      h('button', { type: 'button', class: 'secondary', id: 'old-contract-renegotiate', onclick: () => hooks.newStandard(d.offer_id) }, 'Opret standardkontrakt for tilbuddet')),
    h('div', { id: 'contract-inline' }),
    v.versions.length > 1 ? h('details', {}, h('summary', {}, 'Versioner'),
      h('ul', {}, v.versions.map((x) => h('li', {}, `v${x.version}: ${timestampText(x.created_at)} af ${x.created_by}${x.reason ? ` – ${x.reason}` : ''}`)))) : null,
  );
  for (const tr of $('contract-list').tBodies[0].rows) tr.classList.toggle('selected', tr.dataset.id === v.id);
}
