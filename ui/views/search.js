// The search screen: filters on the left, results in the middle. Searches as you type.
import { searchOffers } from '../api/catalogue.js';
import { h, option, thousands, fill } from '../components/dom.js';
import { showError, clearMessage } from '../components/message.js';
import { count as plural } from '../components/plural.js';
import { showGroupPath } from '../components/groups.js';
import { rovingList, updateRoving, focusRow } from '../components/roving.js';
import { logUnexpected } from '../api/errors.js';

const $ = (id) => document.getElementById(id);

// Rows per page; "Vis flere" fetches the next page.
const PAGE = 50;

let onOpen = () => {};
// Updates the line naming the chosen target group's parents (also when set by code).
let groupPathUpdate = () => {};
// The query on screen and how many of its hits are shown, for "Vis flere".
let shownQuery = null;
let shownCount = 0;
let seq = 0;
let timer = null;

// The first results as the app served them in the page, for the empty form
// (src-tauri/src/first_page.rs), so they are on screen before this script has run. The first
// render of the empty form puts its own in their place and compares: they must be the same.
let served = (() => {
  const body = $('results').tBodies[0];
  if (body.rows.length === 0) return null;
  return { rows: body.innerHTML, count: $('result-count').textContent, more: moreText() };
})();

function moreText() {
  return $('more').hidden ? null : $('more').textContent;
}

/** The form as the page opens: no filter, sorted by relevance. */
function pristine(query) {
  return Object.entries(query).every(([k, v]) => (k === 'limit' ? v === PAGE
    : k === 'sort' ? v === 'relevance'
      : !v || (Array.isArray(v) && v.length === 0)));
}

/** On the first render: the served rows, count and "Vis flere" against the rendered ones;
 * the table says which (`data-served`), and a difference goes to the app's log. */
function compareServed(query, rows) {
  const s = served;
  served = null;
  if (!s || !pristine(query)) return;
  const same = s.rows === rows && s.count === $('result-count').textContent && s.more === moreText();
  $('results').dataset.served = same ? 'same' : 'differs';
  if (!same) logUnexpected('første resultater', new Error('De første resultater, siden kom med, afveg fra søgningens.'));
}

export function initSearch(ref, openOffer) {
  onOpen = openOffer;
  for (const b of ref.legal_bases) $('basis').append(option(b.code, b.label));
  for (const g of ref.target_groups) {
    $('target-group').append(option(g.code, `${'\u00a0\u00a0'.repeat(g.depth)}${g.label}`));
  }
  groupPathUpdate = showGroupPath($('target-group'), ref.target_groups);
  for (const m of ref.municipalities) $('near').append(option(String(m.code), m.name));
  for (const r of ref.regions) $('region').append(option(r.code, r.label));
  for (const o of ref.operator_types) {
    $('operator-types').append(
      h('label', {}, h('input', { type: 'checkbox', value: o.code, 'data-operator': o.code }), ` ${o.label}`),
    );
  }
  $('more').addEventListener('click', showMore);
  rovingList($('results').tBodies[0]);
  const form = $('search-form');
  form.addEventListener('input', () => schedule());
  form.addEventListener('change', () => schedule());
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    run();
  });
  form.addEventListener('reset', () => setTimeout(run, 0));
  document.addEventListener('keydown', (e) => {
    // "/" goes to the search field, except while typing (a "/" in a text is a character).
    const typing = e.target.closest?.('input, textarea, select, [contenteditable]');
    if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      $('q').focus();
    }
  });
  return run();
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(run, 120);
}

/** The form as typed: the core parses it and names the field that is wrong. */
function readForm() {
  const value = (id) => $(id).value.trim();
  return {
    text: value('q'),
    bases: $('basis').value ? [$('basis').value] : [],
    target_group: value('target-group'),
    operators: [...document.querySelectorAll('[data-operator]:checked')].map((c) => c.value),
    only_free: $('only-free').checked,
    rammeaftale: $('only-ra').checked ? 'ja' : '',
    only_approved: $('only-approved').checked,
    region: value('region'),
    region_date: value('region-date'),
    age: value('age'),
    // A postcode typed by hand wins over the municipality chosen in the list.
    near: value('near-postcode') || value('near'),
    max_km: value('max-km'),
    max_rate: value('max-rate'),
    sort: $('sort').value,
    limit: PAGE,
  };
}

export async function run() {
  groupPathUpdate();
  const mine = ++seq;
  const query = readForm();
  try {
    const result = await searchOffers(query);
    if (mine !== seq) return; // a newer search has started
    clearMessage();
    clearFieldErrors();
    lastOrigin = result.origin;
    render(result, query);
  } catch (e) {
    if (mine !== seq) return;
    // A search that ends after the user left the screen (the field's change event fires as
    // focus leaves it) marks its field, but the message belongs to the search screen only.
    if (!$('search-view').hidden) showError(e);
    if (e?.code === 'invalid') showFilterError(e.message);
  }
}

// A filter value the core refused: the message under its field (linked by aria-describedby,
// the field marked invalid), and no result count or rows while the filter is wrong, so an old
// "188 tilbud" never stands beside a filter that was not applied.
const FIELD_WORDS = [
  [/^Alder/, 'age'], [/^Maks\. døgntakst/, 'max-rate'], [/^Afstand/, 'max-km'],
  [/^Datoen/, 'region-date'], [/^(Kommune|Postnummer|Punkt)/, 'near-postcode'],
];

/** The input a message is about: the one holding the value it quotes («…»), else by its words. */
function fieldOf(message) {
  const quoted = /«([^»]*)»/.exec(message)?.[1]?.trim();
  const inputs = [...$('search-form').querySelectorAll('input[type=text], input[type=search]')];
  const holding = quoted ? inputs.filter((i) => i.value.trim() === quoted) : [];
  if (holding.length === 1) return holding[0];
  const found = FIELD_WORDS.find(([re]) => re.test(message));
  return found ? $(found[1]) : null;
}

function showFilterError(message) {
  clearFieldErrors();
  const input = fieldOf(message);
  if (input) {
    const id = `${input.id}-error`;
    const note = h('p', { id, class: 'field-error' }, message);
    const row = input.parentElement.classList.contains('row') ? input.parentElement : input;
    row.after(note);
    input.setAttribute('aria-invalid', 'true');
    const described = (input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
    input.setAttribute('aria-describedby', [...described, id].join(' '));
  }
  $('result-count').textContent = input
    ? 'Ingen søgning: ret det markerede filter.'
    : 'Ingen søgning: ret filteret.';
  $('results').tBodies[0].replaceChildren();
  $('more').hidden = true;
}

function clearFieldErrors() {
  for (const note of document.querySelectorAll('#search-form .field-error')) {
    const input = $(note.id.replace(/-error$/, ''));
    if (input) {
      input.removeAttribute('aria-invalid');
      const rest = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((x) => x && x !== note.id);
      if (rest.length) input.setAttribute('aria-describedby', rest.join(' '));
      else input.removeAttribute('aria-describedby');
    }
    note.remove();
  }
}

let lastOrigin = null;

/** The point the last search measured distances from (for the offer page). */
export function currentOrigin() {
  return lastOrigin;
}

function render(result, query, append = false) {
  shownQuery = query;
  shownCount = (append ? shownCount : 0) + result.hits.length;
  const count = plural(result.total, 'tilbud', 'tilbud');
  $('result-count').textContent =
    result.total > shownCount ? `${count} – viser de første ${thousands(shownCount)}` : count;
  const body = $('results').tBodies[0];
  const rows = result.hits.map((hit) =>
    h(
      'tr',
      // The row opens the offer on a click anywhere; its name is the button the keyboard
      // reaches (one Tab stop for the list, arrows inside: components/roving.js).
      { 'data-id': hit.id, onclick: () => onOpen(hit.id) },
      h('td', {}, h('div', { class: 'offer-name' }, h('button', { type: 'button', class: 'row-open' }, hit.name)),
        specialisedMarks(hit), h('div', { class: 'sub' }, `${hit.city} · ${hit.text.age}`)),
      h('td', {}, h('span', { class: `badge ${hit.operator_type}` }, hit.text.operator_type), h('div', { class: 'sub' }, hit.operator_name)),
      h('td', {}, hit.text.legal_bases),
      h(
        'td',
        {},
        h('span', { class: hit.free_places ? 'free' : 'free none' }, hit.text.free_places),
        h('div', { class: hit.free_stale ? 'sub stale' : 'sub' }, hit.text.free_as_of),
      ),
      h('td', { class: 'num', title: 'pr. døgn ekskl. moms' }, hit.text.daily_rate_short),
      h('td', { class: 'num' }, hit.text.distance),
    ),
  );
  const rendered = append || !served ? null : rows.map((r) => r.outerHTML).join('');
  if (append) body.append(...rows);
  else fill(body, rows);
  if (result.total === 0) {
    body.append(h('tr', {}, h('td', { colspan: 6, class: 'sub' }, 'Ingen tilbud matcher søgningen.')));
  }
  updateRoving(body);
  const rest = result.total - shownCount;
  const more = $('more');
  more.hidden = rest <= 0;
  more.textContent = `Vis ${thousands(Math.min(rest, PAGE))} flere`;
  if (rendered !== null) compareServed(query, rendered);
}

/** The next page of the search on screen, added below the rows already shown. */
async function showMore() {
  if (!shownQuery) return;
  const mine = seq;
  const before = shownCount;
  try {
    const result = await searchOffers({ ...shownQuery, offset: shownCount });
    if (mine !== seq || before !== shownCount) return; // the search changed meanwhile
    render(result, shownQuery, true);
    const first = $('results').tBodies[0].rows[before];
    if (first) focusRow($('results').tBodies[0], first.dataset.id);
  } catch (e) {
    showError(e);
  }
}

/** "Mest specialiseret (2018-2020)" under the name of an offer on an agreement's list; the
 * whole sentence with the agreement, its period and the source as its title. */
function specialisedMarks(hit) {
  return (hit.most_specialised ?? []).map((m) => h('span', {
    class: m.expired ? 'specialised-mark expired' : 'specialised-mark',
    title: `${m.text}. ${m.status_text}`,
    'data-agreement': m.agreement_id,
  }, m.label));
}

export function markSelected(id) {
  for (const tr of $('results').tBodies[0].rows) tr.classList.toggle('selected', tr.dataset.id === id);
}
