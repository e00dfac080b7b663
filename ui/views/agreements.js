// The Rammeaftaler screen: which agreement binds a municipality on a day, importing an
// agreement file, and every agreement in use with its terms and where each comes from
// ("ikke fastsat" where no source fixes a value).
import { listAgreements, agreementFor, chooseAgreementFile, importAgreements, mostSpecialised } from '../api/agreements.js';
import { h, option, fill } from '../components/dom.js';
import { showError, showInfo, clearMessage } from '../components/message.js';
import { todayText } from '../components/today.js';
import { field } from '../components/field.js';

const $ = (id) => document.getElementById(id);

let ref = null;
let formReady = false;

export function initAgreements(referenceData) {
  ref = referenceData;
  $('agreements-import').addEventListener('click', importFlow);
}

/** Called each time the screen is shown: the form once, the list afresh. */
export async function showAgreements() {
  if (!formReady && ref) {
    renderForm();
    formReady = true;
  }
  await refreshAgreements();
}

function renderForm() {
  const municipality = h('select', { id: 'af-municipality', name: 'municipality' },
    option('', 'Vælg …'), ref.municipalities.map((m) => option(String(m.code), m.name)));
  const form = h('form', { id: 'agreement-for', class: 'inline-form', autocomplete: 'off' },
    field('Kommune', municipality),
    field('Dato', h('input', { id: 'af-date', name: 'on', type: 'text', size: 11, placeholder: 'dd.mm.åååå', value: todayText() })),
    h('button', { type: 'submit', id: 'af-submit' }, 'Vis'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!municipality.value) {
      showError({ code: 'invalid', message: 'Kommune: vælg kommunen.' });
      return;
    }
    try {
      const a = await agreementFor(municipality.value, $('af-date').value.trim());
      clearMessage();
      fill($('agreement-answer'),
        h('p', { id: 'agreement-answer-text', tabindex: -1, class: a.fallback ? 'outstanding' : (a.agreement ? 'outstanding done' : 'outstanding') }, a.text),
        a.agreement ? h('button', { type: 'button', class: 'link', onclick: () => reveal(a.agreement.id) }, `Se vilkårene i ${a.agreement.id}`) : null);
      // The answer is not a live region: it takes focus, so it is read.
      $('agreement-answer-text').focus();
    } catch (err) {
      showError(err);
    }
  });
  fill($('agreement-for-panel'), form, h('div', { id: 'agreement-answer' }));
}

/** Scrolls to an agreement in the list and opens it. */
function reveal(id) {
  const article = document.querySelector(`#agreement-list [data-id="${CSS.escape(id)}"]`);
  if (!article) return;
  article.open = true;
  article.scrollIntoView({ block: 'start' });
  article.querySelector('summary')?.focus();
}

export async function refreshAgreements() {
  try {
    const [list, lists] = await Promise.all([listAgreements(), mostSpecialised()]);
    // Keep open what the user opened.
    const open = new Set([...document.querySelectorAll('#agreement-list details[open]')].map((d) => d.dataset.id));
    fill($('agreement-list'),
      list.length === 0
        ? h('p', { class: 'sub' }, 'Ingen rammeaftaler er indlæst.')
        : list.map((a) => agreementView(a, open.has(a.id), lists.find((l) => l.agreement_id === a.id))));
  } catch (e) {
    showError(e);
  }
}

/** An agreement's list of most specialised offers against the catalogue: each name with the
 * offers it matched, or that it matches none (never a guess). */
function specialisedList(l) {
  if (!l) return null;
  return h('section', { class: 'specialised-list', id: `specialised-${l.agreement_id}` },
    h('h3', {}, 'Mest specialiserede tilbud i kataloget'),
    h('p', { class: 'sub' }, `${l.status_text} ${l.text}`),
    h('table', { class: 'terms' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Navn på listen'), h('th', { scope: 'col' }, 'Tilbud i kataloget'))),
      h('tbody', {}, l.names.map((n) => h('tr', { class: n.offers.length ? 'matched' : 'unmatched', 'data-name': n.name },
        h('th', { scope: 'row' }, n.name, n.note ? h('small', { class: 'term-source' }, n.note) : null),
        h('td', {}, h('span', { class: n.offers.length ? 'term-value' : 'term-value not-set' }, n.text)))))),
    h('p', { class: 'sub' }, l.procedure_text));
}

function agreementView(a, open, specialised) {
  const notSet = a.terms.filter((t) => !t.set).length;
  return h('details', { class: 'agreement', 'data-id': a.id, open },
    h('summary', {},
      h('span', { class: 'agreement-name' }, a.name),
      h('span', { class: 'sub' }, ` ${a.id} version ${a.version} · ${a.period_text} · ${notSet} af ${a.terms.length} vilkår ikke fastsat`)),
    h('dl', { class: 'facts' },
      h('dt', {}, 'KKR'), h('dd', {}, a.kkr),
      h('dt', {}, 'Periode'), h('dd', {}, a.period_text),
      h('dt', {}, 'Medlemmer'), h('dd', {}, a.members_text),
      h('dt', {}, 'Region'), h('dd', {}, a.region_text),
      h('dt', {}, 'Kilde'), h('dd', {}, a.origin)),
    h('table', { class: 'terms' },
      h('caption', { class: 'sub' }, notSet === 0 ? 'Alle vilkår er fastsat.' : `${notSet} af ${a.terms.length} vilkår er ikke fastsat i aftalen; de aftales i den enkelte kontrakt.`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Vilkår'), h('th', { scope: 'col' }, 'Værdi og kilde'))),
      h('tbody', {}, a.terms.map((t) => h('tr', { class: t.set ? 'set' : 'not-set', 'data-term': t.label },
        h('th', { scope: 'row' }, t.label),
        h('td', {},
          h('span', { class: t.set ? 'term-value' : 'term-value not-set' }, t.value),
          h('small', { class: 'term-source' }, t.source)))))),
    specialisedList(specialised));
}

async function importFlow() {
  try {
    const path = await chooseAgreementFile();
    if (!path) return;
    const button = $('agreements-import');
    button.disabled = true;
    let r;
    try {
      r = await importAgreements(path);
    } finally {
      button.disabled = false;
    }
    showInfo(r.text);
    await refreshAgreements();
  } catch (e) {
    showError(e);
  }
}
