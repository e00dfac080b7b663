// The day the app works on, as the core says (never the browser's clock): set at start-up
// from the catalogue header, so the UI and the rules always agree on "today".
let current = null;

export function setToday(iso, text) {
  current = { iso, text, year: Number(iso.slice(0, 4)) };
}

/** `dd.mm.åååå` */
export function todayText() {
  return current ? current.text : '';
}

export function thisYear() {
  return current ? current.year : new Date().getFullYear();
}
