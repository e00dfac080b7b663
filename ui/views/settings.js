// Indstillinger: the name in the audit log and the numbers the rules use. Each field is saved
// on its own; a bad value is refused with the core's Danish message and nothing changes.
import { getSettings, setSetting } from '../api/checks.js';
import { h } from '../components/dom.js';
import { showError, showInfo } from '../components/message.js';

const FIELDS = [
  ['user_name', 'Brugernavn i loggen', 'Tomt: styresystemets bruger'],
  ['stale_after_days', 'Ledige pladser er forældede efter (dage)', 'Standard 30'],
  ['check_validity_days', 'En afstemning er gyldig i (dage)', 'Standard 14'],
  ['check_radius_km', 'Afstemningen omfatter også tilbud inden for (km)', 'Ud over hjemkommunens region. Standard 50'],
];

export async function openSettings() {
  const dialog = document.getElementById('settings-dialog');
  let s;
  try {
    s = await getSettings();
  } catch (e) {
    showError(e);
    return;
  }
  const form = h('form', { method: 'dialog', id: 'settings-form', class: 'panel-form' },
    h('h2', {}, 'Indstillinger'),
    FIELDS.map(([key, label, hint]) => h('label', { class: 'field' }, h('span', {}, label),
      h('input', { name: key, id: `setting-${key}`, value: String(s[key] ?? ''), placeholder: key === 'user_name' ? s.effective_user : '' }),
      h('small', { class: 'sub' }, hint))),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'settings-save' }, 'Gem'),
      h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Luk')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      for (const [key] of FIELDS) {
        const value = form.elements[key].value;
        if (value !== String(s[key] ?? '')) s = await setSetting(key, value);
      }
      dialog.close();
      showInfo(`Indstillingerne er gemt. Loggen skriver «${s.effective_user}».`);
    } catch (err) {
      dialog.close();
      showError(err);
    }
  });
  dialog.replaceChildren(form);
  dialog.showModal();
}
