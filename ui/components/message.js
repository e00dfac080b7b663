// The message area: one message at a time, for the screen that produced it (main.js clears it
// when the view changes). It floats over the bottom of the window, so showing or clearing it
// never moves the layout. Unexpected errors (a script error, a rejected promise nobody
// caught) are shown in Danish and logged, never as raw text (`installSafetyNet`).
import { describe, UNEXPECTED, logUnexpected } from '../api/errors.js';

const box = () => document.getElementById('message');

function show(kind, title, text) {
  const el = box();
  el.className = `message ${kind}`;
  const close = document.createElement('button');
  close.type = 'button';
  // The × is drawn by CSS: the message's text is only what it says.
  close.className = 'message-close';
  close.title = 'Luk beskeden';
  close.setAttribute('aria-label', 'Luk beskeden');
  close.addEventListener('click', clearMessage);
  const body = document.createElement('span');
  body.className = 'message-text';
  if (title) {
    const strong = document.createElement('strong');
    strong.textContent = `${title}:`;
    body.append(strong, ' ');
  }
  body.append(text);
  el.replaceChildren(body, close);
  el.hidden = false;
  document.body.classList.add('has-message');
}

export function showError(error, context) {
  const d = describe(error, context);
  show('error', d.title, d.message);
}

export function showInfo(text) {
  show('info', null, text);
}

export function clearMessage() {
  const el = box();
  el.hidden = true;
  el.replaceChildren();
  document.body.classList.remove('has-message');
}

/** The last resort: any error no view caught becomes the Danish message, logged. */
export function installSafetyNet() {
  window.addEventListener('error', (e) => {
    logUnexpected('window.error', e.error ?? `${e.message} (${e.filename}:${e.lineno})`);
    show('error', UNEXPECTED.title, UNEXPECTED.message);
  });
  window.addEventListener('unhandledrejection', (e) => {
    e.preventDefault();
    if (e.reason && typeof e.reason === 'object' && typeof e.reason.code === 'string') {
      showError(e.reason);
      return;
    }
    logUnexpected('unhandledrejection', e.reason);
    show('error', UNEXPECTED.title, UNEXPECTED.message);
  });
}
