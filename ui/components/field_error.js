// A refused form names its field: the core's messages start with the field's label
// ("Besluttet af: skal udfyldes."). `tieError` finds that field in the form, marks it invalid,
// links it to the message area with aria-describedby and puts focus on it, so a screen reader
// reads the field with its error and the keyboard user is where the fix is.

import { describeBy, undescribe } from './field.js';

const MESSAGE_ID = 'message';

/** The label text of a `label.field` (its first span) or of a fieldset (its legend). */
function labelText(el) {
  const own = el.matches('fieldset') ? el.querySelector('legend') : (el.querySelector(':scope > span') ?? el);
  return (own?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Unmarks what an earlier refusal marked in `form`. */
export function clearFieldErrors(form) {
  for (const el of form.querySelectorAll('[data-field-error]')) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('data-field-error');
    undescribe(el, (id) => id === MESSAGE_ID);
  }
}

/** Marks and focuses the field of `form` that `error`'s message is about; true when found. */
export function tieError(error, form) {
  if (!form) return false;
  clearFieldErrors(form);
  const text = typeof error?.message === 'string' ? error.message : '';
  const field = text.includes(':') ? text.slice(0, text.indexOf(':')).trim() : '';
  if (!field) return false;
  const holder = [...form.querySelectorAll('label, fieldset')].find((el) => labelText(el) === field);
  const control = holder?.querySelector('input:not([type=hidden]), select, textarea');
  if (!control) return false;
  const group = holder.matches('fieldset') ? [...holder.querySelectorAll('input, select, textarea')] : [control];
  for (const el of group) {
    el.setAttribute('aria-invalid', 'true');
    el.setAttribute('data-field-error', '');
    describeBy(el, MESSAGE_ID);
  }
  control.focus();
  return true;
}
