// The offer page: everything about one offer, each figure with its date and age.
import { offerDetail } from '../api/catalogue.js';
import { h, fill } from '../components/dom.js';
import { showError } from '../components/message.js';
import { focusRow } from '../components/roving.js';
import { focusElement } from '../components/focus.js';

const panel = () => document.getElementById('offer');

// Extra buttons for the offer's header (e.g. "Føj til kortliste" while a check is open).
let extras = () => null;
export function setOfferExtras(fn) {
  extras = fn;
}

export async function openOffer(id, origin) {
  try {
    const o = await offerDetail(id, origin);
    render(o);
  } catch (e) {
    showError(e);
  }
}

export function closeOffer() {
  const p = panel();
  p.hidden = true;
  p.replaceChildren();
  document.querySelector('.layout').classList.remove('with-offer');
  const selected = document.querySelector('#results tr.selected');
  document.querySelectorAll('#results tr.selected').forEach((tr) => tr.classList.remove('selected'));
  // Back to the row the offer was opened from.
  if (selected) focusRow(selected.parentElement, selected.dataset.id);
}

/** The offer is on an agreement's list of most specialised offers: which agreement, its
 * period (and that it has ended), the source, and the procedure exactly as the source words
 * it. */
function specialised(marks) {
  if (marks.length === 0) return null;
  return marks.map((m) => h('section', { class: 'specialised-note', id: `offer-specialised-${m.agreement_id}`, 'aria-label': 'Mest specialiserede tilbud' },
    h('p', { class: 'specialised-text' }, `${m.text}.`),
    h('p', { class: 'sub' }, m.note ? `Listen skriver: ${m.listed_name} (${m.note}). ${m.status_text}` : m.status_text),
    h('p', { class: 'sub specialised-procedure' }, m.procedure_text)));
}

// Over 80 lines on purpose: the offer page as one declarative tree, section after section in
// the order the caseworker reads them; cut up, the page's order would be in several places.
function render(o) {
  const current = o.operators.find((op) => op.current) || o.operators[0];
  const p = panel();
  fill(p,
    h('header', {}, h('h2', { id: 'offer-name' }, o.name), extras(o), h('button', { type: 'button', class: 'secondary', id: 'close-offer', onclick: closeOffer, title: 'Luk (Esc)' }, 'Luk')),
    h('div', { class: 'sub' }, `${o.id} · ${o.catalogue_extracted_text}`),
    specialised(o.most_specialised ?? []),
    h('p', {}, o.description),
    h(
      'dl',
      {},
      h('dt', {}, 'Adresse'), h('dd', {}, `${o.street}, ${o.postcode} ${o.city}`),
      h('dt', {}, 'Kommune'), h('dd', {}, `${o.municipality} (${o.municipality_code}), ${o.region_today}`),
      o.distance_text ? [h('dt', {}, 'Afstand'), h('dd', {}, o.distance_text)] : null,
      h('dt', {}, 'Driftsherre'), h('dd', {}, current ? `${current.name} (${current.kind})` : '–'),
      h('dt', {}, 'Rammeaftale'), h('dd', { id: 'offer-agreements' }, o.agreements_text),
      h('dt', {}, 'Godkendelse'), h('dd', {}, o.approval_text),
      h('dt', {}, 'Socialtilsyn'), h('dd', {}, o.socialtilsyn),
      h('dt', {}, 'Alder'), h('dd', {}, o.age_text),
      o.cvr ? [h('dt', {}, 'CVR'), h('dd', {}, o.cvr)] : null,
      o.p_number ? [h('dt', {}, 'P-nummer'), h('dd', {}, o.p_number)] : null,
    ),
    h('h3', {}, 'Målgrupper'),
    h('ul', {}, o.target_groups.map((t) => h('li', {}, t))),
    h('h3', {}, 'Afdelinger, pladser og ledige pladser'),
    h(
      'table',
      { id: 'offer-places' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Afdeling'), h('th', {}, 'Lovgrundlag'), h('th', { class: 'num' }, 'Pladser'), h('th', {}, 'Ledige'))),
      h(
        'tbody',
        {},
        o.departments.flatMap((d) =>
          d.places.map((pl) =>
            h('tr', {}, h('td', {}, d.name), h('td', {}, pl.basis_label), h('td', { class: 'num' }, pl.places), h('td', { class: pl.free_stale ? 'stale' : '' }, pl.free_text)),
          ),
        ),
      ),
    ),
    h('h3', {}, 'Takster'),
    o.rates.length === 0
      ? h('p', { class: 'sub' }, 'Ingen takster i kataloget.')
      : h('div', { class: 'table-scroll' }, h(
          'table',
          { id: 'offer-rates' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'År'), h('th', { scope: 'col' }, 'Lovgrundlag'), h('th', { scope: 'col', class: 'num' }, 'Takst'),
            h('th', { scope: 'col', class: 'num' }, 'Pr. døgn ekskl. moms (sammenlignelig)'))),
          h(
            'tbody',
            {},
            // Each rate, and its calculation basis as a line of its own below it.
            o.rates.flatMap((r) => [
              h(
                'tr',
                { class: 'has-calc' },
                h('td', {}, r.year),
                h('td', {}, r.basis_label, r.department_id ? h('div', { class: 'sub' }, r.department_name) : null),
                h('td', { class: 'num' }, r.amount_text),
                h('td', { class: 'num' }, r.daily_ex_vat_text),
              ),
              h('tr', { class: 'calc' }, h('td', { colspan: 4 },
                r.has_calculation ? `Beregningsgrundlag: ${r.calculation_text.join(' · ')}` : h('span', { class: 'no-basis' }, 'Intet beregningsgrundlag'))),
            ]),
          ),
        )),
    o.buyers.length === 0
      ? null
      : [
          h('h3', {}, 'Købende kommuner'),
          h('ul', { id: 'offer-buyers' }, o.buyers.map((b) => h('li', {}, `${b.year}: ${b.text}`))),
        ],
    o.operators.length > 1
      ? [
          h('h3', {}, 'Driftsherrehistorik'),
          h('ul', {}, o.operators.map((op) => h('li', {}, `${op.period_text}: ${op.name} (${op.kind})`))),
        ]
      : null,
    h('h3', {}, 'Kontakt'),
    h(
      'dl',
      {},
      o.manager ? [h('dt', {}, 'Leder'), h('dd', {}, o.manager)] : null,
      o.phone ? [h('dt', {}, 'Telefon'), h('dd', {}, o.phone)] : null,
      o.email ? [h('dt', {}, 'E-mail'), h('dd', {}, o.email)] : null,
      o.website ? [h('dt', {}, 'Websted'), h('dd', {}, o.website)] : null,
    ),
  );
  p.hidden = false;
  document.querySelector('.layout').classList.add('with-offer');
  focusElement(document.getElementById('offer-name'));
}
