// The search screen: filters on the left, results in the middle. Searches as you type.
import { searchOffers } from '../api/catalogue.js';
import { h, option, thousands } from '../components/dom.js';
import { showError, clearMessage } from '../components/message.js';

const $ = (id) => document.getElementById(id);

// Rows per page; "Vis flere" fetches the next page.
const PAGE = 50;

let onOpen = () => {};
// The query on screen and how many of its hits are shown, for "Vis flere".
let shownQuery = null;
let shownCount = 0;
let seq = 0;
let timer = null;

export function initSearch(ref, openOffer) {
  onOpen = openOffer;
  for (const b of ref.legal_bases) $('basis').append(option(b.code, b.label));
  for (const g of ref.target_groups) {
    $('target-group').append(option(g.code, `${'\u00a0\u00a0'.repeat(g.depth)}${g.label}`));
  }
  for (const m of ref.municipalities) $('near').append(option(String(m.code), m.name));
  for (const r of ref.regions) $('region').append(option(r.code, r.label));
  for (const o of ref.operator_types) {
    $('operator-types').append(
      h('label', {}, h('input', { type: 'checkbox', value: o.code, 'data-operator': o.code }), ` ${o.label}`),
    );
  }
  $('more').addEventListener('click', showMore);
  const form = $('search-form');
  form.addEventListener('input', () => schedule());
  form.addEventListener('change', () => schedule());
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    run();
  });
  form.addEventListener('reset', () => setTimeout(run, 0));
  document.addEventListener('keydown', (e) => {
    if (e.key === '/' && document.activeElement?.tagName !== 'INPUT') {
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
  const mine = ++seq;
  const query = readForm();
  try {
    const result = await searchOffers(query);
    if (mine !== seq) return; // a newer search has started
    clearMessage();
    lastOrigin = result.origin;
    render(result, query);
  } catch (e) {
    if (mine === seq) showError(e);
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
  const count = result.total === 1 ? '1 tilbud' : `${thousands(result.total)} tilbud`;
  $('result-count').textContent =
    result.total > shownCount ? `${count} – viser de første ${thousands(shownCount)}` : count;
  const body = $('results').tBodies[0];
  const rows = result.hits.map((hit) =>
    h(
      'tr',
      {
        tabindex: 0,
        'data-id': hit.id,
        onclick: () => onOpen(hit.id),
        onkeydown: (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            onOpen(hit.id);
          } else if (e.key === 'ArrowDown') {
            e.preventDefault();
            (e.currentTarget.nextElementSibling ?? (result.total > shownCount ? $('more') : null))?.focus();
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            e.currentTarget.previousElementSibling?.focus();
          }
        },
      },
      h('td', {}, h('div', { class: 'offer-name' }, hit.name), specialisedMarks(hit), h('div', { class: 'sub' }, `${hit.city} · ${hit.text.age}`)),
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
  if (append) body.append(...rows);
  else body.replaceChildren(...rows);
  if (result.total === 0) {
    body.append(h('tr', {}, h('td', { colspan: 6, class: 'sub' }, 'Ingen tilbud matcher søgningen.')));
  }
  const rest = result.total - shownCount;
  const more = $('more');
  more.hidden = rest <= 0;
  more.textContent = `Vis ${thousands(Math.min(rest, PAGE))} flere`;
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
    $('results').tBodies[0].rows[before]?.focus();
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
