import { describe } from '../api/errors.js';

const box = () => document.getElementById('message');

export function showError(error) {
  const d = describe(error);
  const el = box();
  el.className = 'message error';
  el.textContent = `${d.title}: ${d.message}`;
  el.hidden = false;
}

export function showInfo(text) {
  const el = box();
  el.className = 'message info';
  el.textContent = text;
  el.hidden = false;
}

export function clearMessage() {
  const el = box();
  el.hidden = true;
  el.textContent = '';
}
