// The most specialised offers among a check's candidates: a notice naming them, the agreement
// whose list they are on (with its period) and the agreed procedure exactly as the source
// words it (`agreements::most_specialised`; the source does not describe the procedure, and
// the notice says so rather than inventing one).
import { mostSpecialised } from '../api/agreements.js';
import { h, fill } from './dom.js';

/** An element that fills itself with the notice when a candidate in `offerIds` is on an
 * agreement's list of most specialised offers (empty otherwise). */
export function specialisedNotice(offerIds) {
  const el = h('div', { id: 'check-specialised' });
  const ids = new Set(offerIds);
  mostSpecialised().then((lists) => {
    const found = lists.flatMap((l) => l.names.flatMap((n) => n.offers
      .filter((o) => ids.has(o.id))
      .map((o) => ({ list: l, name: n, offer: o }))));
    if (found.length === 0) return;
    const byList = new Map();
    for (const f of found) byList.set(f.list.agreement_id, [...(byList.get(f.list.agreement_id) ?? []), f]);
    fill(el, [...byList.values()].map((fs) => h('section', { class: 'specialised-note' },
      h('p', { class: 'specialised-text' },
        `Blandt kandidaterne er ${fs.length === 1 ? 'et' : fs.length} af de mest specialiserede tilbud i ${fs[0].list.agreement_short}: `,
        fs.map((f) => `${f.offer.name} (${f.offer.id})`).join(', '), '.'),
      h('p', { class: 'sub' }, fs[0].list.status_text),
      h('p', { class: 'specialised-procedure' }, fs[0].list.procedure_text))));
  }).catch(() => {});
  return el;
}
