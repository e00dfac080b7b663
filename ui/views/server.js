// The municipality's server (issue 15) in the window: the state line in the top bar and the
// "Kommunens server" section of Indstillinger (server, port, database, user; where the
// password lives; Test forbindelsen; Synkronisér nu; what waits and what the server refused).
// The app syncs in the background by itself (src-tauri/src/background.rs); after every
// attempt it sends the state, and both places show it.
import { serverState, testServer, syncNow, onServerState } from '../api/server.js';
import { setSetting } from '../api/settings.js';
import { describe } from '../api/errors.js';
import { h, fill } from '../components/dom.js';
import { settingError, clearSettingErrors } from '../components/setting_error.js';
import { field } from '../components/field.js';

const FIELDS = [
  ['server_host', 'Server', 'Værtsnavn eller IP-adresse, fx pladsoverblik.kommune.dk. Tomt: ingen server'],
  ['server_port', 'Port', 'Normalt 5432'],
  ['server_database', 'Database', 'Fx pladsoverblik'],
  ['server_user', 'Bruger på serveren', 'Din egen bruger i kommunens database'],
];

/** Redraws the open section when a state arrives (null when the dialog is closed). */
let redrawSection = null;
/** Opens Indstillinger at the server section (set by views/settings.js). */
let openAtServer = () => {};

/** The top bar's line: nothing without a server; the refusals' count when there are any. */
function headerText(state) {
  if (state.kind === 'none') return '';
  const refused = state.refused.length;
  return refused ? `${state.line} · ${refused} afvist af serveren` : state.line;
}

function showHeader(state) {
  const box = document.getElementById('sync-state');
  const button = document.getElementById('sync-state-open');
  if (!box || !button) return;
  const text = headerText(state);
  box.hidden = text === '';
  box.dataset.kind = state.kind;
  // Only a changed line is announced (the live region is polite).
  if (button.textContent !== text) button.textContent = text;
}

/** Whether the window listens for the background's states (from the first state with a
 * server: without one there are none, and a listener costs the app process JavaScriptCore's
 * pages, docs/benchmarks-changes.md round 11). */
let listening = false;

/** The attempt number of the state shown. A state read just before an attempt can arrive
 * after that attempt's own event (the reply and the event travel apart): an older one is not
 * shown over a newer one. */
let shownAttempt = 0;

function showState(state) {
  if (state.attempt < shownAttempt) return;
  shownAttempt = state.attempt;
  showHeader(state);
  if (redrawSection) redrawSection(state);
  if (!listening && state.kind !== 'none') {
    listening = true;
    // A state sent before the listener was in place is read once more after it.
    onServerState(showState).then(refresh, () => { listening = false; });
  }
}

async function refresh() {
  try {
    showState(await serverState());
  } catch {
    // The state line is a convenience: when it cannot be read it stays as it was.
  }
}

/** Starts the top bar's line: reads the state now, and after every sync attempt once a server
 * is set up. */
export function initServerState(openSettingsAtServer) {
  openAtServer = openSettingsAtServer;
  document.getElementById('sync-state-open')?.addEventListener('click', () => openAtServer());
  refresh();
}

/** The "Kommunens server" section for the settings dialog. Over 80 lines on purpose: its
 * fields, buttons and the one status line they all write to share the closures below. */
export function serverSection() {
  const note = h('p', { id: 'server-note', class: 'backup-note', role: 'status' });
  const details = h('div', { id: 'server-details' });
  const say = (text, error = false) => {
    note.textContent = text;
    note.classList.toggle('error', error);
  };
  const sayError = (e) => { const d = describe(e); say(`${d.title}: ${d.message}`, true); };
  const inputs = Object.fromEntries(FIELDS.map(([key]) => [key, h('input', { name: key, id: `setting-${key}` })]));
  const initial = {};
  const form = h('form', { id: 'server-form', class: 'panel-form', 'aria-labelledby': 'server-title' },
    h('p', { class: 'sub' }, 'Uden en server virker alt på denne computer alene. Med kommunens server sendes lukkede afstemninger, udstedte kontrakter og revisionssporet dertil, og det, kollegerne har lavet, hentes hertil. Det sker af sig selv i baggrunden, når serveren kan nås; arbejdet her går aldrig i stå, hvis den ikke kan.'),
    h('div', { class: 'server-fields' },
      FIELDS.map(([key, label, hint]) => field(label, inputs[key], hint))),
    h('p', { id: 'server-password', class: 'sub' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'server-save' }, 'Gem serveren'),
      h('button', { type: 'button', class: 'secondary', id: 'server-test', onclick: (e) => test(e.currentTarget) }, 'Test forbindelsen'),
      h('button', { type: 'button', class: 'secondary', id: 'server-sync', onclick: (e) => sync(e.currentTarget) }, 'Synkronisér nu')));

  /** Saves the fields that changed; false (with the message under the field) when refused.
   * The host goes last: a server is set only once its other fields are. */
  const save = async () => {
    clearSettingErrors(form);
    for (const key of ['server_port', 'server_database', 'server_user', 'server_host']) {
      const value = inputs[key].value.trim();
      if (value === initial[key]) continue;
      try {
        await setSetting(key, value);
        initial[key] = value;
      } catch (err) {
        const d = describe(err);
        settingError(form, key, `${d.title}: ${d.message}`);
        return false;
      }
    }
    return true;
  };
  const busy = async (button, working, run) => {
    for (const b of form.querySelectorAll('button')) b.disabled = true;
    say(working);
    try {
      await run();
    } catch (e) {
      sayError(e);
    } finally {
      for (const b of form.querySelectorAll('button')) b.disabled = false;
      button.focus();
      refresh();
    }
  };
  const test = (button) => busy(button, 'Forbinder …', async () => {
    if (!(await save())) return say('');
    say(await testServer());
  });
  const sync = (button) => busy(button, 'Synkroniserer …', async () => {
    if (!(await save())) return say('');
    const lines = await syncNow();
    say(lines.length ? lines.join('\n') : 'Der er ikke sat en server op.');
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(e.submitter ?? form.querySelector('#server-save'), '', async () => {
      if (await save()) say('Serveren er gemt.');
    });
  });

  const fillFields = (state) => {
    const s = state.server ?? { host: '', port: '', database: '', user: '' };
    const values = { server_host: s.host, server_port: String(s.port ?? ''), server_database: s.database, server_user: s.user };
    for (const [key] of FIELDS) {
      // A field being edited keeps what is typed.
      if (inputs[key].value === (initial[key] ?? '') || initial[key] === undefined) inputs[key].value = values[key];
      initial[key] = values[key];
    }
    inputs.server_port.placeholder = '5432';
  };
  redrawSection = (state) => {
    fillFields(state);
    passwordText(form.querySelector('#server-password'), state);
    // The last failure is said once: in the note when it came from the button just pressed.
    stateDetails(details, state, state.error && note.textContent.includes(state.error));
  };
  serverState().then((state) => { if (state.attempt >= shownAttempt) redrawSection?.(state); }).catch(sayError);
  return h('section', { class: 'panel-form server-section', 'aria-labelledby': 'server-title' },
    h('h2', { id: 'server-title', tabindex: '-1' }, 'Kommunens server'),
    form, note, details);
}

function passwordText(el, state) {
  const line = state.password_line ?? 'server:5432:database:bruger:ADGANGSKODE';
  fill(el,
    'Adgangskoden gemmes aldrig i Pladsoverblik. Den læses fra PostgreSQL\'s adgangskodefil ',
    h('code', {}, state.password_file),
    ', som kun du må kunne læse (chmod 600). Skriv linjen ',
    h('code', { id: 'server-password-line' }, line),
    ' i filen med din egen adgangskode i stedet for ADGANGSKODE.');
}

/** Last sync, what waits, the last failure, what the server refused, the last report. */
function stateDetails(box, state, errorShown) {
  if (state.kind === 'none') {
    fill(box, h('p', { class: 'sub', id: 'server-status-line' }, 'Der er ikke sat en server op: alt gemmes på denne computer.'));
    return;
  }
  fill(box,
    h('p', { id: 'server-status-line' }, state.line),
    h('p', { class: 'sub' }, `Sidst synkroniseret: ${state.last_sync ?? 'aldrig'}. Venter på at blive sendt: ${state.waiting}. Hentet i alt: ${state.received}.`),
    state.error && !errorShown ? h('p', { class: 'sub', id: 'server-error' }, state.error) : null,
    state.refused.length
      ? [h('h3', { id: 'server-refused-title' }, 'Afvist af serveren'),
        h('ul', { id: 'server-refused', 'aria-labelledby': 'server-refused-title' }, state.refused.map((r) => h('li', {}, r)))]
      : null,
    state.report.length
      ? [h('h3', { id: 'server-report-title' }, 'Seneste synkronisering'),
        h('ul', { id: 'server-report', 'aria-labelledby': 'server-report-title' }, state.report.map((r) => h('li', {}, r)))]
      : null);
}
