// A setting the core refused, shown under its field in the settings dialog (the main message
// area is behind the modal dialog): marked invalid, described by the message and focused.
import { h } from './dom.js';
import { undescribe } from './field.js';

/** Shows `text` under the setting `key`'s input, linked to it, and focuses it. */
export function settingError(form, key, text) {
  const input = key ? form.elements[key] : null;
  const note = h('p', { class: 'field-error', id: `setting-${key ?? 'form'}-error` }, text);
  if (!input) {
    // No field to focus and describe: the dialog's own alert (the message area is behind it).
    note.setAttribute('role', 'alert');
    form.querySelector('.actions').before(note);
    return;
  }
  input.closest('label').append(note);
  input.setAttribute('aria-invalid', 'true');
  // The message first, then the field's own hint.
  input.setAttribute('aria-describedby', [note.id, input.getAttribute('aria-describedby')].filter(Boolean).join(' '));
  input.focus();
}

export function clearSettingErrors(form) {
  for (const note of form.querySelectorAll('.field-error')) note.remove();
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    undescribe(input, (id) => id.endsWith('-error'));
  }
}
