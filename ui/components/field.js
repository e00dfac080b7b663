// A labelled field for the views' forms: the label's text, the control, and a hint under it.
// The hint describes the control (aria-describedby) instead of being part of its name, so a
// screen reader says «Talt med, tekstfelt, Kontaktperson på tilbuddet» rather than reading the
// hint as the label; it is still shown where it was.
import { h } from './dom.js';

let counter = 0;

/** Adds `id` to the element's aria-describedby (keeping what is there). */
export function describeBy(el, id) {
  const ids = (el.getAttribute('aria-describedby') ?? '').split(' ').filter((x) => x && x !== id);
  el.setAttribute('aria-describedby', [...ids, id].join(' '));
}

/** Removes the ids for which `drop(id)` is true from the element's aria-describedby. */
export function undescribe(el, drop) {
  const ids = (el.getAttribute('aria-describedby') ?? '').split(' ').filter((x) => x && !drop(x));
  if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
  else el.removeAttribute('aria-describedby');
}

export function field(label, control, hint) {
  let note = null;
  if (hint) {
    counter += 1;
    const id = `field-hint-${counter}`;
    note = h('small', { class: 'sub', id, 'aria-hidden': 'true' }, hint);
    if (control?.matches?.('input, select, textarea')) describeBy(control, id);
  }
  return h('label', { class: 'field' }, h('span', {}, label), control, note);
}
