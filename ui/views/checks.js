// The Afstemninger screen: the list of checks, the new-check form, one check with its
// candidates (confirm / reject / shortlist), the shortlist side by side, and closing.
import {
  listChecks, getCheck, createCheck, confirmFree, rejectOffer, addToShortlist,
  removeFromShortlist, closeCheck,
} from '../api/checks.js';
import { h, option, fill } from '../components/dom.js';
import { showError, showInfo, clearMessage } from '../components/message.js';
import { todayText } from '../components/today.js';
import { timestampText } from '../components/format.js';
import { specialisedNotice } from '../components/specialised.js';
import { rovingList, updateRoving } from '../components/roving.js';
import { focusElement } from '../components/focus.js';
import { tieError } from '../components/field_error.js';
import { field } from '../components/field.js';
import { onePersonBody, onePersonCloseForm, onePersonContractForm } from './one_person_check.js';
import { showGroupPath } from '../components/groups.js';

const $ = (id) => document.getElementById(id);

let ref = null;
let current = null; // the check on screen
let hooks = { findMore: () => {} };

/** The open check offers are added to from the search screen, if any. */
export function activeCheck() {
  return current && !current.closed ? current : null;
}

export function initChecks(referenceData, options) {
  ref = referenceData;
  hooks = options;
  $('new-check-button').addEventListener('click', () => showNewForm({}));
  rovingList($('check-list').tBodies[0]);
}

export async function refreshList() {
  try {
    const items = await listChecks();
    const body = $('check-list').tBodies[0];
    fill(body,
      ...items.map((c) =>
        h(
          'tr',
          {
            'data-id': c.id,
            class: current?.id === c.id ? 'selected' : '',
            onclick: () => openCheck(c.id),
          },
          h('td', {}, h('div', { class: 'offer-name' }, h('button', { type: 'button', class: 'row-open', 'aria-label': `${c.id} – ${c.text.need}, ${c.text.status}` }, c.id)),
            h('div', { class: 'sub' }, c.text.created)),
          h('td', {}, c.text.need, c.reference ? h('div', { class: 'sub' }, c.reference) : null),
          h('td', {}, h('span', { class: `status ${c.status}` }, c.text.status),
            c.valid_until ? h('div', { class: 'sub' }, `til ${c.text.valid_until}`) : null),
        ),
      ),
    );
    if (items.length === 0) {
      body.append(h('tr', {}, h('td', { colspan: 3, class: 'sub' }, 'Ingen afstemninger endnu. Tryk «Ny afstemning».')));
    }
    updateRoving(body);
  } catch (e) {
    showError(e);
  }
}

/** The need form; `prefill` may carry basis, group, age, home (from the search screen). */
export function showNewForm(prefill) {
  current = null;
  const select = (id, items, value, empty) => {
    const s = h('select', { id }, empty ? option('', empty) : null, items.map(([v, l]) => option(v, l)));
    s.value = value ?? '';
    return s;
  };
  const form = h(
    'form',
    { id: 'new-check', class: 'panel-form', autocomplete: 'off' },
    h('h2', {}, 'Ny afstemning'),
    h('p', { class: 'sub' }, 'Beskriv behovet. Borgerens navn og CPR-nummer hører ikke til her, kun i kontrakten.'),
    field('Formål', select('nc-kind', [['privat', 'Før køb hos privat leverandør'], ['enkeltmand', 'Før oprettelse af enkeltmandstilbud']], 'privat')),
    field('Lovgrundlag', select('nc-basis', ref.legal_bases.map((b) => [b.code, b.label]), prefill.basis, 'Vælg …')),
    field('Målgruppe', select('nc-group', ref.target_groups.map((g) => [g.code, `${'\u00a0\u00a0'.repeat(g.depth)}${g.label}`]), prefill.group, 'Vælg …'), 'Undergrupper tæller med.'),
    h('div', { class: 'row' },
      field('Alder', h('input', { id: 'nc-age', type: 'text', inputmode: 'numeric', size: 4, value: prefill.age ?? '' })),
      field('Ønsket start', h('input', { id: 'nc-start', type: 'text', size: 11, placeholder: 'dd.mm.åååå', value: prefill.start ?? todayText() }))),
    field('Hjemkommune', select('nc-home', ref.municipalities.map((m) => [String(m.code), m.name]), prefill.home, 'Vælg …')),
    field('Ekstra afstand (km)', h('input', { id: 'nc-radius', type: 'text', inputmode: 'numeric', size: 5, placeholder: 'standard' }),
      'Ud over hjemkommunens region medtages offentlige tilbud inden for denne afstand.'),
    field('Sagsreference', h('input', { id: 'nc-reference', type: 'text', maxlength: 100, placeholder: 'fx journalnummer' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'nc-submit' }, 'Find offentlige tilbud')),
  );
  // A one-person check asks municipalities afterwards; it does not search for free places.
  form.querySelector('#nc-kind').addEventListener('change', (e) => {
    const onePerson = e.currentTarget.value === 'enkeltmand';
    form.querySelector('#nc-submit').textContent = onePerson ? 'Opret afstemning' : 'Find offentlige tilbud';
    form.querySelector('#nc-radius').closest('label').hidden = onePerson;
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const check = await createCheck({
        kind: $('nc-kind').value,
        need: {
          legal_basis: $('nc-basis').value,
          target_group: $('nc-group').value,
          age: $('nc-age').value,
          home_municipality: $('nc-home').value,
          wanted_start: $('nc-start').value,
        },
        reference: $('nc-reference').value,
        radius_km: $('nc-radius').value,
      });
      clearMessage();
      render(check);
      await refreshList();
    } catch (err) {
      showError(err);
      tieError(err, form);
    }
  });
  showGroupPath(form.querySelector('#nc-group'), ref.target_groups);
  $('check-panel').replaceChildren(form);
  $('nc-basis').focus();
}

export async function openCheck(id) {
  try {
    render(await getCheck(id));
    await refreshList();
  } catch (e) {
    showError(e);
  }
}

/** Runs a change and shows the check as it comes back; refused, the field of `form` the
 * message names is marked and focused. */
async function apply(action, done, form = null) {
  try {
    const check = await action();
    clearMessage();
    render(check);
    if (done) showInfo(done);
    await refreshList();
    return true;
  } catch (e) {
    showError(e);
    tieError(e, form);
    return false;
  }
}

function facts(c) {
  const rows = [
    ['Formål', c.text.kind],
    ['Behov', c.text.need],
    c.reference ? ['Sagsreference', c.reference] : null,
    ['Afgrænsning', c.text.scope],
    ['Katalog', c.text.catalogue],
    ['Oprettet', c.text.created],
    c.received ? ['Oprindelse', c.received] : null,
    c.closed ? ['Lukket', c.text.closed] : null,
    c.closed ? ['Konklusion', c.text.conclusion] : null,
  ].filter(Boolean);
  return h('dl', { class: 'facts' }, rows.flatMap(([k, v]) => [h('dt', {}, k),
    h('dd', k === 'Afgrænsning' ? { id: 'check-scope', class: c.scope?.agreement_fallback ? 'scope-fallback' : null } : {}, v)]));
}

function candidateRows(c) {
  const open = !c.closed;
  const onList = new Set(c.shortlist.map((s) => s.figures.offer_id));
  return c.candidates.map((k) =>
    h(
      'tr',
      { 'data-offer': k.offer_id, class: k.blocking ? 'blocking' : '', 'data-focus-return': open ? `#check-candidates tr[data-offer="${CSS.escape(k.offer_id)}"] [data-action="confirm"]` : null },
      h('td', {}, h('div', { class: 'offer-name' }, k.name), h('div', { class: 'sub' }, `${k.city} · ${k.operator_name}`),
        k.covered_by_rammeaftale ? null : h('div', { class: 'outside-agreement' }, 'Uden for rammeaftalen')),
      h('td', {}, h('span', { class: `badge ${k.operator_type}` }, k.text.operator_type)),
      h('td', { class: 'num' }, k.text.distance, k.in_region ? null : h('div', { class: 'sub' }, 'uden for regionen')),
      h('td', {}, h('span', { class: k.effective_free ? 'free' : 'free none' }, k.text.free),
        h('div', { class: k.text.as_of.includes('forældet') ? 'sub stale' : 'sub' }, k.text.as_of)),
      h('td', {}, h('span', { class: `state ${k.rejection ? 'afvist' : k.state}` }, k.text.state)),
      h('td', { class: 'handling' }, k.text.handling),
      h('td', { class: 'row-actions' },
        open ? [
          // Each button names its offer to a screen reader ("Bekræft – Botilbuddet Solsikken").
          h('button', { type: 'button', class: 'secondary small', 'data-action': 'confirm', 'aria-label': `Bekræft – ${k.name}`, onclick: (e) => confirmRow(c, k, e.currentTarget) }, 'Bekræft'),
          h('button', { type: 'button', class: 'secondary small', 'data-action': 'reject', 'aria-label': `Afvis – ${k.name}`, onclick: (e) => rejectRow(c, k, e.currentTarget) }, 'Afvis'),
          onList.has(k.offer_id) ? null
            : h('button', { type: 'button', class: 'secondary small', 'data-action': 'shortlist', 'aria-label': `Kortliste – ${k.name}`, onclick: () => apply(() => addToShortlist(c.id, k.offer_id), `${k.name} er føjet til kortlisten.`) }, 'Kortliste'),
        ] : null),
    ),
  );
}

/** An inline form under a candidate's row. */
function inlineForm(button, id, fields, save) {
  const row = button.closest('tr');
  row.parentElement.querySelectorAll('tr.inline').forEach((r) => r.remove());
  // Saved or cancelled, focus goes back to the button that opened the form.
  const opener = `#check-candidates tr[data-offer="${CSS.escape(row.dataset.offer)}"] [data-action="${button.dataset.action}"]`;
  const form = h('form', { class: 'inline-form', id, 'aria-label': button.getAttribute('aria-label') ?? button.textContent }, fields,
    h('button', { type: 'submit' }, 'Gem'),
    h('button', { type: 'button', class: 'secondary', onclick: () => { inline.remove(); focusElement(document.querySelector(opener)); } }, 'Annullér'));
  const inline = h('tr', { class: 'inline', 'data-focus-return': opener }, h('td', { colspan: 7 }, form));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    await save(form);
  });
  row.after(inline);
  form.querySelector('input, select')?.focus();
}

function confirmRow(c, k, button) {
  inlineForm(button, 'confirm-form', [
    field('Kontaktdato', h('input', { name: 'contacted_on', size: 11, value: todayText() })),
    field('Ledige pladser', h('input', { name: 'free_places', size: 4, inputmode: 'numeric' }), '0 = ingen ledig plads'),
    field('Kontaktform', h('select', { name: 'method' }, option('telefon', 'Telefon'), option('email', 'E-mail'), option('tilbudsportalen', 'Tilbudsportalen'), option('andet', 'Andet'))),
    field('Talt med', h('input', { name: 'contact', size: 22, placeholder: 'navn og funktion' }), 'Kontaktperson på tilbuddet'),
    field('Bemærkning', h('input', { name: 'note', size: 24 })),
  ], (form) => apply(() => confirmFree(c.id, {
    offer_id: k.offer_id,
    contacted_on: form.elements.contacted_on.value,
    free_places: form.elements.free_places.value,
    method: form.elements.method.value,
    contact: form.elements.contact.value,
    note: form.elements.note.value,
  }), `Bekræftelsen for ${k.name} er registreret.`, form));
}

function rejectRow(c, k, button) {
  inlineForm(button, 'reject-form', [
    field('Begrundelse', h('select', { name: 'reason' },
      option('', 'Vælg …'),
      option('afslaaet_af_tilbuddet', 'Afslået af tilbuddet'),
      option('ikke_egnet', 'Ikke egnet'),
      option('andet', 'Anden begrundelse'))),
    field('Skriftlig begrundelse', h('input', { name: 'note', size: 40, placeholder: 'hvorfor tilbuddet ikke bruges' }), 'Påkrævet'),
    field('Besluttet af', h('input', { name: 'decided_by', size: 24, placeholder: 'navn og titel' }), 'Påkrævet'),
    h('p', { class: 'sub reject-hint' }, 'Ingen ledig plads registreres med «Bekræft» og 0 ledige pladser (dato, kontaktform og kontaktperson), ikke som en afvisning.'),
  ], (form) => apply(() => rejectOffer(c.id, {
    offer_id: k.offer_id,
    reason: form.elements.reason.value,
    note: form.elements.note.value,
    decided_by: form.elements.decided_by.value,
  }), `Begrundelsen for ${k.name} er registreret.`, form));
}

/** Public offers of the area left out of the check, each with why. */
function excludedList(c) {
  const list = c.excluded ?? [];
  if (list.length === 0) return null;
  return h('details', { id: 'check-excluded', class: 'excluded', open: list.length <= 5 },
    h('summary', {}, h('h3', {}, `Udeladt (${list.length})`)),
    h('p', { class: 'sub' }, 'Offentlige tilbud i afgrænsningen, der ikke er kandidater, og hvorfor.'),
    h('table', { class: 'results-table' },
      h('thead', {}, h('tr', {}, ['Tilbud', 'Kommune', 'Udeladt fordi'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, list.map((x) => h('tr', { 'data-offer': x.offer_id },
        h('td', {}, h('div', {}, x.name), h('div', { class: 'sub' }, x.offer_id)),
        h('td', {}, x.municipality),
        h('td', { class: 'reason' }, x.reason))))));
}

/** Every confirmation and rejection recorded, oldest first; those that document that a
 * candidate has no room for the citizen are marked. */
function eventList(c) {
  const events = c.events ?? [];
  if (events.length === 0) return null;
  return h('details', { id: 'check-events', class: 'events' },
    h('summary', {}, h('h3', {}, `Registreringer (${events.length})`)),
    h('ul', {}, events.map((e) => h('li', { 'data-offer': e.offer_id },
      h('strong', {}, e.offer_name || e.offer_id), ': ', e.text,
      e.evidence ? h('span', { class: 'evidence', title: 'Dokumenterer, at tilbuddet ikke har plads til borgeren' }, 'Gyldig dokumentation') : null,
      h('div', { class: 'sub' }, `Registreret ${timestampText(e.recorded_at)} af ${e.recorded_by}`)))));
}

const COMPARE = [
  ['Driftsherre', (f) => `${f.operator_name} (${f.operator_type})`],
  ['Rammeaftale', (f) => (f.counts_as_public ? 'Omfattet af rammeaftalen' : 'Uden for rammeaftalen (kræver afstemning)')],
  ['Lovgrundlag', (f) => f.legal_bases],
  ['Målgrupper', (f) => f.target_groups.join(', ')],
  ['Alder', (f) => f.age],
  ['Ledige pladser', (f) => f.free_text],
  ['Opgjort', (f) => f.free_as_of_text],
  ['Døgntakst ekskl. moms', (f) => f.daily_rate_text],
  ['Afstand', (f) => f.distance_text],
  ['Beliggenhed', (f) => (f.city === f.municipality ? f.city : `${f.city}, ${f.municipality} Kommune`)],
  ['Godkendelse', (f) => f.approval],
];

function shortlist(c) {
  const list = c.shortlist;
  return h('section', { class: 'shortlist', 'aria-labelledby': 'shortlist-title' },
    h('header', {},
      h('h3', { id: 'shortlist-title' }, `Kortliste (${list.length})`),
      c.closed ? null : h('button', { type: 'button', class: 'secondary', id: 'find-more', onclick: () => hooks.findMore(c) }, 'Find flere tilbud til kortlisten')),
    list.length === 0
      ? h('p', { class: 'sub' }, 'Føj offentlige kandidater eller private tilbud til kortlisten for at sammenligne dem side om side.')
      : h('div', { class: 'compare-wrap' },
        h('p', { class: 'price-basis', id: 'shortlist-basis' }, 'Takster pr. døgn ekskl. moms (leverandørens ikke-fradragsberettigede moms trukket fra), så tilbuddene sammenlignes ens. Kontrakten viser taksten som i takstoversigten og siger, om den indeholder moms.'),
        h('table', { id: 'shortlist', class: 'compare' },
          h('thead', {}, h('tr', {}, h('th', {}, ''), list.map((s) => h('th', { scope: 'col', 'data-offer': s.figures.offer_id }, s.figures.name,
            c.closed ? null : h('button', { type: 'button', class: 'link', 'data-action': 'remove', title: 'Fjern fra kortlisten', 'aria-label': `Fjern – ${s.figures.name}`, onclick: () => apply(() => removeFromShortlist(c.id, s.figures.offer_id)) }, 'Fjern'))))),
          h('tbody', {},
            COMPARE.map(([label, get]) => h('tr', {}, h('th', { scope: 'row' }, label), list.map((s) => h('td', {}, get(s.figures))))),
            h('tr', { class: 'choosable-row' }, h('th', { scope: 'row' }, 'Kan vælges'),
              list.map((s) => h('td', { class: s.choosable ? 'choosable yes' : 'choosable no', 'data-offer': s.figures.offer_id }, s.choosable_text)))))),
  );
}

function closeForm(c) {
  const publicChoices = [
    ...c.candidates.filter((k) => !k.rejection).map((k) => [k.offer_id, k.name]),
    ...c.shortlist.filter((s) => s.figures.counts_as_public && !c.candidates.some((k) => k.offer_id === s.figures.offer_id))
      .map((s) => [s.figures.offer_id, s.figures.name]),
  ];
  // Bought outside the agreement: an offer on the shortlist that it does not cover, or a
  // public candidate of the area that it does not cover.
  const outsideCandidates = c.candidates.filter((k) => k.covered_by_rammeaftale === false && !k.rejection);
  const privateChoices = [
    ...outsideCandidates.map((k) => [k.offer_id, `${k.name} (kandidat uden for rammeaftalen)`]),
    ...c.shortlist.filter((s) => !s.figures.counts_as_public && !outsideCandidates.some((k) => k.offer_id === s.figures.offer_id))
      .map((s) => [s.figures.offer_id, s.figures.name]),
  ];
  const justified = c.kind === 'enkeltmand' ? 'enkeltmand_begrundet' : 'privat_begrundet';
  const justifiedLabel = c.kind === 'enkeltmand' ? 'Oprettelse af enkeltmandstilbud er begrundet' : 'Køb uden for rammeaftalen er begrundet';
  const form = h('form', { id: 'close-form', class: 'close-form', 'aria-labelledby': 'close-form-title', 'data-focus-return': '#check-title' },
    h('h3', { id: 'close-form-title' }, 'Luk afstemningen'),
    h('fieldset', { class: 'choices' }, h('legend', {}, 'Konklusion'),
      h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'conclusion', value: 'offentligt_valgt', id: 'conclusion-public' }), ' Et offentligt tilbud er valgt: ',
        h('select', { name: 'public_offer', 'aria-label': 'Valgt offentligt tilbud' }, option('', 'Vælg …'), publicChoices.map(([v, l]) => option(v, l)))),
      h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'conclusion', value: justified, id: 'conclusion-private' }), ` ${justifiedLabel}`,
        c.kind === 'privat' && privateChoices.length
          ? [': ', h('select', { name: 'private_offer', 'aria-label': 'Valgt tilbud uden for rammeaftalen' }, option('', 'Intet valgt endnu'), privateChoices.map(([v, l]) => option(v, l)))]
          : null)),
    field('Bemærkning', h('input', { name: 'note', size: 60 })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'close-check' }, 'Luk afstemning')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const conclusion = form.elements.conclusion.value;
    const chosen = conclusion === 'offentligt_valgt'
      ? form.elements.public_offer.value
      : (form.elements.private_offer?.value ?? '');
    apply(() => closeCheck(c.id, { conclusion, chosen_offer_id: chosen, note: form.elements.note.value }),
      `Afstemning ${c.id} er lukket.`, form);
  });
  return form;
}

/** Whether the check still waits for something before it can be closed. */
function waiting(c) {
  return c.kind === 'enkeltmand' ? !c.asked.some((r) => r.answer) : c.blocking > 0;
}

function render(c) {
  // Another check, or this one just closed: the panel starts at its top, so the heading and
  // the conclusion show (a re-render of the same open check keeps the user's place).
  const fresh = !current || current.id !== c.id || !!current.closed !== !!c.closed;
  current = c;
  const panel = $('check-panel');
  if (fresh) requestAnimationFrame(() => { panel.scrollTop = 0; });
  fill(panel,
    h('header', { class: 'check-head' },
      h('h2', { id: 'check-title' }, `Afstemning ${c.id}`),
      h('span', { id: 'check-status', class: `status ${c.status}` }, c.text.status)),
    facts(c),
    c.text.outstanding ? h('p', { id: 'check-outstanding', class: waiting(c) ? 'outstanding' : 'outstanding done' }, c.text.outstanding) : null,
    c.kind === 'enkeltmand' ? onePersonBody(c, ref, { apply, field }) : [
    h('h3', {}, `Offentlige kandidater (${c.candidates.length})`),
    c.candidates.length === 0
      ? h('p', { class: 'sub' }, 'Ingen offentlige tilbud matcher behovet i afgrænsningen.')
      : h('table', { id: 'check-candidates', class: 'results-table' },
          h('thead', {}, h('tr', {}, ['Tilbud', 'Driftsherre', 'Afstand', 'Ledige pladser', 'Vurdering', 'Håndtering', ''].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, candidateRows(c))),
    specialisedNotice(c.candidates.map((k) => k.offer_id)),
    excludedList(c),
    eventList(c)],
    shortlist(c),
    c.closed ? null : (c.kind === 'enkeltmand' ? onePersonCloseForm(c, { apply, field }) : closeForm(c)),
    c.kind === 'enkeltmand' && c.closed && c.status === 'lukket' && c.closed.conclusion === 'enkeltmand_begrundet'
      ? onePersonContractForm(c, hooks.createContract, field)
      : null,
    c.kind === 'privat' && c.closed && c.status === 'lukket'
      ? h('div', { class: 'actions' },
          h('button', { type: 'button', id: 'create-contract', onclick: () => hooks.createContract(c) },
            c.closed.chosen_offer_id ? `Opret kontrakt med ${c.closed.chosen_offer_name}` : 'Opret kontrakt'))
      : null,
  );
  for (const tr of $('check-list').tBodies[0].rows) tr.classList.toggle('selected', tr.dataset.id === c.id);
}

/** Adds an offer from the search screen to the open check's shortlist. */
export async function addOfferToActive(offerId) {
  const c = activeCheck();
  if (!c) return false;
  return apply(() => addToShortlist(c.id, offerId), 'Tilbuddet er føjet til kortlisten.');
}
