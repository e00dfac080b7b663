// Indstillinger: the name in the audit log and the numbers the rules use. Each field is saved
// on its own; a bad value is refused with the core's Danish message and nothing changes.
import { getSettings, setSetting } from '../api/settings.js';
import { h } from '../components/dom.js';
import { showError, showInfo } from '../components/message.js';
import { thisYear } from '../components/today.js';

const FIELDS = [
  ['user_name', 'Brugernavn i loggen', 'Tomt: styresystemets bruger'],
  ['stale_after_days', 'Ledige pladser er forældede efter (dage)', 'Standard 30'],
  ['check_validity_days', 'En afstemning er gyldig i (dage)', 'Standard 14'],
  ['check_radius_km', 'Afstemningen omfatter også tilbud inden for (km)', 'Ud over hjemkommunens region. Standard 50'],
  ['contract_max_term_months', 'En kontrakt må højst løbe (måneder)', 'Standard 12'],
  ['contract_warn_days', 'Advar om kontrakter, der udløber inden for (dage)', 'Standard 60'],
];

/** PL rates for this year and the next (uplift of rates outside the rammeaftale). */
function plFields(s) {
  const year = thisYear();
  return [year, year + 1].map((y) => {
    const found = s.pl_rates.find(([py]) => py === y);
    return [`pl_rate_${y}`, `PL-sats ${y} (%)`, 'Fra den seneste økonomiaftale, fx 2,9', found ? String(found[1]).replace('.', ',') : ''];
  });
}

export async function openSettings() {
  const dialog = document.getElementById('settings-dialog');
  let s;
  try {
    s = await getSettings();
  } catch (e) {
    showError(e);
    return;
  }
  const fields = [...FIELDS.map(([key, label, hint]) => [key, label, hint, String(s[key] ?? '')]), ...plFields(s)];
  const initial = Object.fromEntries(fields.map(([key, , , value]) => [key, value]));
  const form = h('form', { method: 'dialog', id: 'settings-form', class: 'panel-form' },
    h('h2', {}, 'Indstillinger'),
    fields.map(([key, label, hint, value]) => h('label', { class: 'field' }, h('span', {}, label),
      h('input', { name: key, id: `setting-${key}`, value, placeholder: key === 'user_name' ? s.effective_user : '' }),
      h('small', { class: 'sub' }, hint))),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'settings-save' }, 'Gem'),
      h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Luk')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      for (const [key] of fields) {
        const value = form.elements[key].value;
        if (value !== initial[key]) s = await setSetting(key, value);
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
