// Danish date texts for the few dates the core sends without a text: ISO dates
// ("2026-11-25") and local timestamps ("2026-11-25T16:50:12").

const ISO = /^(\d{4})-(\d{2})-(\d{2})/;

/** `dd.mm.åååå` from `åååå-mm-dd`; anything else as it is. */
export function dateText(iso) {
  const s = String(iso ?? '');
  const m = ISO.exec(s);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : s;
}

/** `dd.mm.åååå kl. tt:mm` from `åååå-mm-ddTtt:mm:ss`. */
export function timestampText(ts) {
  const s = String(ts ?? '');
  const time = ISO.test(s) ? s.slice(11, 16) : '';
  return time ? `${dateText(s)} kl. ${time}` : dateText(s);
}
