// Indstillinger: the name in the audit log and the numbers the rules use. Each field is saved
// on its own; a bad value is refused with the core's Danish message and nothing changes.
// Sikkerhedskopi: take a backup, see the automatic ones, restore one (checked and described
// first, then confirmed; afterwards the window reloads so every view shows the restored data).
import {
  getSettings, setSetting, backupStatus, takeBackup, chooseBackup, inspectBackup, restoreBackup,
  RESTORED_KEY,
} from '../api/settings.js';
import { describe } from '../api/errors.js';
import { h, fill } from '../components/dom.js';
import { showError, showInfo } from '../components/message.js';
import { thisYear, todayText } from '../components/today.js';
import { settingError, clearSettingErrors } from '../components/setting_error.js';
import { serverSection } from './server.js';
import { field } from '../components/field.js';

const FIELDS = [
  ['user_name', 'Brugernavn i loggen', 'Tomt: styresystemets bruger'],
  ['stale_after_days', 'Ledige pladser er forældede efter (dage)', 'Standard 30'],
  ['check_validity_days', 'En afstemning er gyldig i (dage)', 'Standard 14'],
  ['check_radius_km', 'Afstemningen omfatter også tilbud inden for (km)', 'Ud over hjemkommunens region. Standard 50'],
  ['contract_max_term_months', 'En kontrakt må højst løbe (måneder)', 'Standard 12'],
  ['contract_warn_days', 'Advar om kontrakter, der udløber inden for (dage)', 'Standard 60'],
  ['rate_increase_threshold_pct', 'Rapportér takststigninger over (%)', 'Rammeaftalernes grænse er 5 % (bo- og døgntilbud). Standard 5'],
  ['occupancy_deviation_pct', 'Rapportér belægningsafvigelser på (% af den budgetterede belægning)', 'Kun hvor rammeaftalen ikke selv fastsætter en grænse. Standard 5'],
];

/** PL rates for this year and the next (uplift of rates outside the rammeaftale). */
function plFields(s) {
  const year = thisYear();
  return [year, year + 1].map((y) => {
    const found = s.pl_rates.find(([py]) => py === y);
    return [`pl_rate_${y}`, `PL-sats ${y} (%)`, 'Fra den seneste økonomiaftale, fx 2,9', found ? String(found[1]).replace('.', ',') : ''];
  });
}

export async function openSettings(notice = null) {
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
    fields.map(([key, label, hint, value]) => field(label,
      h('input', { name: key, id: `setting-${key}`, value, placeholder: key === 'user_name' ? s.effective_user : '' }),
      hint)),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'settings-save' }, 'Gem'),
      h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Luk')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearSettingErrors(form);
    let key = null;
    try {
      for (const [k] of fields) {
        key = k;
        const value = form.elements[k].value;
        if (value !== initial[k]) {
          s = await setSetting(k, value);
          initial[k] = value;
        }
      }
      dialog.close();
      showInfo(`Indstillingerne er gemt. Loggen skriver «${s.effective_user}».`);
    } catch (err) {
      // The message belongs to the dialog: under the setting it is about (by its label, never
      // its internal key), and the dialog stays open so the value can be corrected.
      const d = describe(err);
      settingError(form, key, `${d.title}: ${d.message}`);
    }
  });
  const said = typeof notice === 'string' ? notice : null;
  dialog.replaceChildren(form, serverSection(), backupSection(said));
  dialog.showModal();
}

/** The "Sikkerhedskopi" section: two buttons, a line for what happened, the automatic backups. */
function backupSection(notice) {
  const note = h('p', { id: 'backup-note', class: 'backup-note', role: 'status' }, notice || '');
  const confirm = h('div', { id: 'backup-confirm', class: 'backup-confirm', hidden: true });
  const list = h('div', { id: 'backup-list' });
  const say = (text, error = false) => {
    note.textContent = text;
    note.classList.toggle('error', error);
  };
  const sayError = (e) => { const d = describe(e); say(`${d.title}: ${d.message}`, true); };
  const refresh = async () => {
    try {
      const st = await backupStatus();
      fill(list, h('p', { class: 'sub' }, st.text), automaticTable(st.automatic));
      // What a restore did is below the settings: bring it into view once laid out.
      if (notice) requestAnimationFrame(() => note.scrollIntoView({ block: 'center' }));
    } catch (e) {
      sayError(e);
    }
  };
  const take = async (button) => {
    button.disabled = true;
    try {
      const r = await takeBackup(backupName());
      if (r) say(r.text);
    } catch (e) {
      sayError(e);
    } finally {
      button.disabled = false;
    }
  };
  const restore = async () => {
    const file = await chooseBackup();
    if (!file) return;
    say('Tjekker sikkerhedskopien …');
    try {
      const contents = await inspectBackup(file);
      say('');
      askRestore(confirm, file, contents, say, sayError);
    } catch (e) {
      sayError(e);
    }
  };
  refresh();
  return h('section', { class: 'panel-form backup-section', 'aria-labelledby': 'backup-title' },
    h('h2', { id: 'backup-title' }, 'Sikkerhedskopi'),
    h('p', { class: 'sub' }, 'En sikkerhedskopi er hele databasen i én fil: katalog, takster, afstemninger og kontrakter med CPR-numre. Opbevar den lige så sikkert som selve databasen.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'backup-take', onclick: (e) => take(e.currentTarget) }, 'Tag sikkerhedskopi …'),
      h('button', { type: 'button', class: 'secondary', id: 'backup-restore', onclick: restore }, 'Gendan fra sikkerhedskopi …')),
    note, confirm, list);
}

/** "pladsoverblik-sikkerhedskopi-2026-11-24.sqlite": the day as the core sees it, sortable. */
function backupName() {
  const day = todayText().split('.').reverse().join('-');
  return day ? `pladsoverblik-sikkerhedskopi-${day}.sqlite` : 'pladsoverblik-sikkerhedskopi.sqlite';
}

/** Asks before a restore, saying what the backup holds and what happens to today's data. */
function askRestore(box, file, contents, say, sayError) {
  const go = async (button) => {
    button.disabled = true;
    say('Gendanner …');
    try {
      const r = await restoreBackup(file);
      sessionStorage.setItem(RESTORED_KEY, r.text);
      window.location.reload();
    } catch (e) {
      box.hidden = true;
      sayError(e);
    }
  };
  fill(box,
    h('p', {}, `Gendan ${contents.text}`),
    h('p', { class: 'sub' }, 'Alt i den nuværende database erstattes af sikkerhedskopiens indhold. Den nuværende database gemmes først i mappen med automatiske sikkerhedskopier, så den kan hentes igen.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'backup-restore-confirm', onclick: (e) => go(e.currentTarget) }, 'Gendan'),
      h('button', { type: 'button', class: 'secondary', id: 'backup-restore-cancel', onclick: () => { box.hidden = true; } }, 'Annullér')));
  box.hidden = false;
}

function automaticTable(files) {
  if (!files.length) return h('p', { class: 'sub' }, 'Der er ingen automatiske sikkerhedskopier endnu.');
  return h('table', { class: 'backup-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Taget'), h('th', {}, 'Hvorfor'), h('th', { class: 'num' }, 'Størrelse'))),
    h('tbody', {}, files.map((f) => h('tr', { title: f.path },
      h('td', {}, f.taken_text), h('td', {}, f.reason_text), h('td', { class: 'num' }, f.size_text)))));
}

// After a restore the window reloads; the settings open again with what was restored (main.js
// loads this module at start then).
const restored = sessionStorage.getItem(RESTORED_KEY);
if (restored) {
  sessionStorage.removeItem(RESTORED_KEY);
  openSettings(restored);
}
