// A check before a one-person project (enkeltmandstilbud; seed 003 L226): which municipalities
// were asked whether they could join an existing or shared offer, when, how, who was asked
// and what they answered — not a search for free places. Closing needs at least one answer:
// no municipality could join (the one-person project is justified), or a shared or existing
// offer with a municipality that answered yes. checks.js calls these for checks of that kind.
import { inquire, answerInquiry, closeCheck } from '../api/checks.js';
import { h, option } from '../components/dom.js';
import { todayText } from '../components/today.js';
import { dateText, timestampText } from '../components/format.js';

const METHODS = [['email', 'E-mail'], ['telefon', 'Telefon'], ['moede', 'Møde'], ['brev', 'Brev'], ['andet', 'Andet']];
const ANSWERS = [
  ['nej', 'Nej, kan ikke være med'],
  ['ja_eksisterende', 'Ja, borgeren kan indgå i et eksisterende tilbud'],
  ['ja_faelles', 'Ja, vil være med i et fælles tilbud'],
];

function select(name, items, value, empty) {
  const s = h('select', { name, id: `op-${name}` }, empty ? option('', empty) : null, items.map(([v, l]) => option(v, l)));
  s.value = value ?? '';
  return s;
}

/** The municipality select: the agreement's members not asked yet first, then all others. */
function municipalitySelect(c, ref) {
  const suggested = new Set(c.not_asked.map((m) => m.code));
  const asked = new Set(c.asked.map((r) => r.municipality_code));
  const others = ref.municipalities.filter((m) => !suggested.has(m.code) && !asked.has(m.code) && m.code !== c.need.home_municipality);
  return h('select', { name: 'municipality', id: 'op-municipality' },
    option('', 'Vælg …'),
    c.not_asked.length ? h('optgroup', { label: 'Rammeaftalens kommuner' }, c.not_asked.map((m) => option(String(m.code), m.name))) : null,
    h('optgroup', { label: 'Andre kommuner' }, others.map((m) => option(String(m.code), m.name))));
}

function answerFields(field, prefix = '') {
  return [
    field('Svar', select(`${prefix}answer`, ANSWERS, '', prefix ? 'Vælg …' : 'Intet svar endnu')),
    field('Svardato', h('input', { name: `${prefix}answered_on`, id: `op-${prefix}answered_on`, size: 11, placeholder: 'dd.mm.åååå' })),
    field('Hvad kommunen svarede', h('input', { name: `${prefix}answer_text`, id: `op-${prefix}answer_text`, size: 44 })),
  ];
}

/** The form to record that a municipality was asked (with its answer, if it came at once). */
function askForm(c, ref, { apply, field }) {
  const form = h('form', { id: 'inquiry-form', class: 'inline-form inquiry-form', autocomplete: 'off' },
    field('Kommune', municipalitySelect(c, ref)),
    field('Spurgt', h('input', { name: 'asked_on', id: 'op-asked_on', size: 11, value: todayText() })),
    field('Hvordan', select('method', METHODS, 'email')),
    field('Spurgt hos', h('input', { name: 'contact', id: 'op-contact', size: 24, placeholder: 'navn og titel' })),
    answerFields(field),
    h('button', { type: 'submit', id: 'inquiry-save' }, 'Registrér'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = (n) => form.elements[n].value;
    const name = form.elements.municipality.selectedOptions[0]?.textContent ?? '';
    apply(() => inquire(c.id, {
      municipality: v('municipality'), asked_on: v('asked_on'), method: v('method'), contact: v('contact'),
      answer: v('answer'), answered_on: v('answered_on'), answer_text: v('answer_text'),
    }), `${name} Kommune er registreret som spurgt.`, form);
  });
  return form;
}

/** An inline form under an asked municipality's row to record its answer. */
function answerRow(c, r, button, { apply, field }) {
  const row = button.closest('tr');
  row.parentElement.querySelectorAll('tr.inline').forEach((x) => x.remove());
  const form = h('form', { class: 'inline-form', id: 'answer-form' }, answerFields(field, 'a_'),
    h('button', { type: 'submit' }, 'Gem svar'),
    h('button', { type: 'button', class: 'secondary', onclick: () => { inline.remove(); button.focus(); } }, 'Annullér'));
  form.elements.a_answered_on.value = todayText();
  // Saved, focus returns to this municipality's button in the new rows.
  const opener = `#inquiries tr[data-municipality="${r.municipality_code}"] [data-action="answer"]`;
  const inline = h('tr', { class: 'inline', 'data-focus-return': opener }, h('td', { colspan: 5 }, form));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    apply(() => answerInquiry(c.id, {
      municipality: String(r.municipality_code),
      answer: form.elements.a_answer.value,
      answered_on: form.elements.a_answered_on.value,
      answer_text: form.elements.a_answer_text.value,
    }), `Svaret fra ${r.municipality} Kommune er registreret.`, form);
  });
  row.after(inline);
  form.querySelector('select')?.focus();
}

function answerCell(r) {
  if (!r.answer) return h('span', { class: 'state ukendt' }, 'Afventer svar');
  const label = ANSWERS.find(([v]) => v === r.answer)?.[1] ?? r.answer;
  return [h('span', { class: `state ${r.answer === 'nej' ? 'optaget' : 'ledig'}` }, label),
    h('div', { class: 'sub' }, `${dateText(r.answered_on)}: ${r.answer_text}`)];
}

/** The asked municipalities (the latest record of each), their answers, and the form. */
export function onePersonBody(c, ref, tools) {
  const rule = c.one_person_rule;
  const open = !c.closed;
  return [
    rule ? h('p', { id: 'one-person-rule', class: rule.required ? 'rule required' : 'rule recommended' }, rule.text) : null,
    h('h3', {}, `Spurgte kommuner (${c.asked.length})`),
    c.asked.length === 0
      ? h('p', { class: 'sub' }, 'Ingen kommune er spurgt endnu. Spørg rammeaftalens andre kommuner, om de kan være med i et eksisterende eller fælles botilbud.')
      : h('table', { id: 'inquiries', class: 'results-table' },
          h('thead', {}, h('tr', {}, ['Kommune', 'Spurgt', 'Spurgt hos', 'Svar', ''].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, c.asked.map((r) => h('tr', { 'data-municipality': r.municipality_code },
            h('td', {}, h('div', { class: 'offer-name' }, `${r.municipality} Kommune`)),
            h('td', {}, dateText(r.asked_on), h('div', { class: 'sub' }, METHODS.find(([v]) => v === r.method)?.[1] ?? r.method)),
            h('td', {}, r.contact),
            h('td', { class: 'handling' }, answerCell(r)),
            h('td', { class: 'row-actions' }, open
              ? h('button', { type: 'button', class: 'secondary small', 'data-action': 'answer', 'aria-label': `${r.answer ? 'Nyt svar' : 'Registrér svar'} – ${r.municipality} Kommune`, onclick: (e) => answerRow(c, r, e.currentTarget, tools) }, r.answer ? 'Nyt svar' : 'Registrér svar')
              : null))))),
    open ? [h('h3', {}, 'Registrér en forespørgsel'), askForm(c, ref, tools)] : null,
    c.inquiries.length > c.asked.length
      ? h('details', { id: 'inquiry-history', class: 'events' },
          h('summary', {}, h('h3', {}, `Alle registreringer (${c.inquiries.length})`)),
          h('ul', {}, c.inquiries.map((r) => h('li', {}, r.text, h('div', { class: 'sub' }, `Registreret ${timestampText(r.recorded_at)} af ${r.recorded_by}`)))))
      : null,
  ];
}

/** Closing a one-person check: no municipality could join, or a shared or existing offer. */
export function onePersonCloseForm(c, { apply, field }) {
  const yes = c.asked.filter((r) => r.answer && r.answer !== 'nej');
  const shortlisted = c.shortlist.map((s) => [s.figures.offer_id, s.figures.name]);
  const form = h('form', { id: 'close-form', class: 'close-form', 'aria-labelledby': 'close-form-title', 'data-focus-return': '#check-title' },
    h('h3', { id: 'close-form-title' }, 'Luk afstemningen'),
    h('fieldset', { class: 'choices' }, h('legend', {}, 'Konklusion'),
      h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'conclusion', value: 'enkeltmand_begrundet', id: 'conclusion-one-person' }),
        ' Ingen anden kommune kunne være med: oprettelse af enkeltmandstilbud er begrundet',
        shortlisted.length
          ? [': ', h('select', { name: 'offer', 'aria-label': 'Tilbud til enkeltmandstilbuddet' }, option('', 'Intet tilbud valgt endnu'), shortlisted.map(([v, l]) => option(v, l)))]
          : null),
      h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'conclusion', value: 'faelles', id: 'conclusion-shared', disabled: yes.length === 0 }),
        ' Fælles eller eksisterende tilbud med: ',
        h('select', { name: 'municipality', 'aria-label': 'Kommunen, der svarede ja', disabled: yes.length === 0 },
          yes.length ? yes.map((r) => option(String(r.municipality_code), `${r.municipality} Kommune`)) : option('', 'ingen har svaret ja')))),
    yes.length && !c.closed
      ? h('p', { class: 'sub' }, 'En kommune har svaret ja: vælges enkeltmandstilbuddet alligevel, skal bemærkningen sige hvorfor.')
      : null,
    field('Bemærkning', h('input', { name: 'note', size: 60 })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'close-check' }, 'Luk afstemning')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const conclusion = form.elements.conclusion.value;
    apply(() => closeCheck(c.id, {
      conclusion,
      chosen_offer_id: conclusion === 'enkeltmand_begrundet' ? (form.elements.offer?.value ?? '') : '',
      chosen_municipality: conclusion === 'faelles' ? form.elements.municipality.value : '',
      note: form.elements.note.value,
    }), `Afstemning ${c.id} er lukket.`, form);
  });
  return form;
}

/** After a justified one-person check: the contract is made for the offer chosen (or typed). */
export function onePersonContractForm(c, createContract, field) {
  const chosen = c.closed?.chosen_offer_id ?? '';
  const form = h('form', { id: 'one-person-contract', class: 'inline-form' },
    field('Tilbud (id)', h('input', { name: 'offer', id: 'op-contract-offer', size: 14, value: chosen, placeholder: 'fx SJ-1101' }),
      'Det tilbud, enkeltmandstilbuddet købes hos'),
    h('button', { type: 'submit', id: 'create-contract' }, 'Opret kontrakt for enkeltmandstilbuddet'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    createContract(c, form.elements.offer.value.trim());
  });
  return form;
}
