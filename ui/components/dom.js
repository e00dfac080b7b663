import { rememberFocus } from './focus.js';

// A tiny element builder: h('td', {class: 'num'}, 'text', child, …). Text is always text,
// never parsed as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function option(value, label) {
  return h('option', { value }, label);
}

/** Replaces an element's children; arrays are flattened and null/false left out, as in h().
 * Focus inside `el` stays where the user was (components/focus.js). */
export function fill(el, ...children) {
  const restore = rememberFocus(el);
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  restore();
  return el;
}

/** A whole number with Danish thousands separators ("12.345"), without Intl (which would
 * load the ICU locale data into the web process). */
export function thousands(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}
