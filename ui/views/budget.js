// A one-person project on the contract editor (enkeltmandstilbud, R4): the check that asked
// other municipalities first, and the individually costed budget (staffing, premises, overhead,
// other; in the rate's unit) with its live sum against the rate. The core decides what the rate
// is (the rate sheet's, else the rate agreed here) and whether the budget adds up.
import { h, option, fill } from '../components/dom.js';

const LINES = [
  ['staffing', 'Personale', 'fx normering, timer og løn'],
  ['premises', 'Lokaler', 'fx husleje og drift af boligen'],
  ['overhead', 'Overhead', 'ledelse og administration'],
  ['other', 'Andet', 'fx aktiviteter, kost, transport'],
];

/** The Enkeltmandstilbud fieldset for form `f` (the contract form as stored). */
export function budgetFieldset(f, field) {
  const b = f.budget ?? {};
  const unit = h('select', { name: 'budget.unit', id: 'c-budget-unit' }, option('dag', 'pr. døgn'), option('maaned', 'pr. måned'));
  unit.value = b.unit || 'dag';
  const box = h('input', { type: 'checkbox', name: 'one_person', id: 'c-one_person', checked: !!f.one_person });
  const fields = h('div', { id: 'one-person-fields', hidden: !f.one_person },
    field('Afstemning før enkeltmandstilbud', h('input', { name: 'one_person_check_id', id: 'c-one_person_check_id', size: 14, placeholder: 'A-åååå-nnnn', value: f.one_person_check_id ?? '' }),
      'En lukket afstemning, der viser hvilke kommuner der er spurgt og deres svar'),
    h('div', { class: 'row' },
      field('Enhed', unit, 'Budgettets og den aftalte takst enhed'),
      field('Aftalt takst', h('input', { name: 'budget.rate', id: 'c-budget-rate', size: 12, inputmode: 'decimal', value: b.rate ?? '', placeholder: 'takstoversigtens' }),
        'Kun når takstoversigten ikke har en takst for tilbuddet')),
    h('table', { class: 'addons budget', id: 'budget-lines' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Budgetpost'), h('th', {}, 'Beløb'), h('th', {}, 'Beregning'))),
      h('tbody', {}, LINES.map(([key, label, hint]) => h('tr', { 'data-line': key },
        h('th', { scope: 'row' }, label),
        h('td', {}, h('input', { name: `budget.${key}`, id: `c-budget-${key}`, size: 10, inputmode: 'decimal', value: b[key]?.amount ?? '', 'aria-label': `${label}, beløb` })),
        h('td', {}, h('input', { name: `budget.${key}.basis`, id: `c-budget-${key}-basis`, size: 34, value: b[key]?.basis ?? '', placeholder: hint, 'aria-label': `${label}, beregning` })))))),
    h('p', { id: 'budget-sum', class: 'budget-sum' }));
  box.addEventListener('change', () => { fields.hidden = !box.checked; });
  return h('fieldset', { id: 'one-person-fieldset' }, h('legend', {}, 'Enkeltmandstilbud'),
    h('label', { class: 'choice' }, box, ' Kontrakten gælder et enkeltmandstilbud (individuelt beregnet budget)'),
    fields);
}

/** The one-person part of the form as typed. */
export function readBudget(form) {
  const v = (name) => form.elements[name]?.value ?? '';
  const line = (key) => ({ amount: v(`budget.${key}`), basis: v(`budget.${key}.basis`) });
  return {
    one_person: !!form.elements.one_person?.checked,
    one_person_check_id: v('one_person_check_id'),
    budget: {
      unit: v('budget.unit'),
      rate: v('budget.rate'),
      staffing: line('staffing'),
      premises: line('premises'),
      overhead: line('overhead'),
      other: line('other'),
    },
  };
}

/** The live sum against the rate, from the evaluation. */
export function renderBudget(e) {
  const el = document.getElementById('budget-sum');
  if (!el) return;
  const o = e.one_person;
  if (!o) {
    fill(el);
    el.className = 'budget-sum';
    return;
  }
  el.className = o.adds_up ? 'budget-sum outstanding done' : 'budget-sum outstanding';
  fill(el, o.sum_text, o.rate_source ? h('small', { class: 'term-source' }, `Takst: ${o.rate_text} (${o.rate_source})`) : null);
}

/** An issued one-person contract's budget and the municipalities asked first. */
export function issuedBudget(o) {
  if (!o) return null;
  return h('section', { id: 'contract-one-person', class: 'one-person' },
    h('h3', {}, 'Enkeltmandstilbud: budget'),
    h('table', { class: 'price-table', id: 'contract-budget' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Budgetpost'), h('th', { class: 'num' }, 'Beløb'))),
      h('tbody', {}, o.lines.map((l) => h('tr', {}, h('td', {}, l.label, h('div', { class: 'sub' }, l.basis)), h('td', { class: 'num' }, l.amount_text)))),
      h('tfoot', {}, h('tr', { class: 'total' }, h('th', {}, 'I alt'), h('td', { class: 'num' }, o.total_text)))),
    h('p', { class: 'sub' }, o.sum_text, ' ', o.rate_source ? `Taksten: ${o.rate_source}.` : ''),
    h('p', { class: 'sub' }, o.rule.text),
    o.check_id ? h('p', {}, `Afstemning ${o.check_id}: ${o.conclusion}`) : null,
    o.asked.length ? h('ul', { class: 'notes asked' }, o.asked.map((a) => h('li', {}, a))) : null);
}
