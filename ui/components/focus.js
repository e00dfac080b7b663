// Focus survives a re-render. The views replace a panel's DOM with every change; before that,
// `rememberFocus(container)` notes where focus is inside it (the element's id, or its row's
// `data-offer`/`data-id` with its `data-action`/`name`), and the function it returns puts focus
// back on the element in the new DOM with the same key. When that element is gone (a form that
// was saved and closed), focus goes to where the form said it returns (`data-focus-return`, a
// selector), else to the container's first heading (or its view's) — never to the page body.

const HEADING = 'h2, h3';

const esc = (v) => CSS.escape(String(v));

/** A selector that finds `el` again after its container was rendered anew, or null. */
function keyOf(el) {
  if (el.id) return `#${esc(el.id)}`;
  const row = el.closest('[data-offer], [data-id]');
  const rowKey = row
    ? (row.dataset.offer !== undefined ? `[data-offer="${esc(row.dataset.offer)}"]` : `[data-id="${esc(row.dataset.id)}"]`)
    : null;
  let own = null;
  if (el.dataset.action) own = `[data-action="${esc(el.dataset.action)}"]`;
  else if (el.classList.contains('row-open')) own = '.row-open';
  else if (el.getAttribute('name')) own = `${el.tagName.toLowerCase()}[name="${esc(el.getAttribute('name'))}"]`;
  // Inside a keyed row, the row's first element of its kind (e.g. an agreement's summary).
  else if (row && row !== el) own = el.tagName.toLowerCase();
  if (!own) return null;
  return rowKey && row !== el ? `${rowKey} ${own}` : own;
}

/** Focuses `el` (a heading gets tabindex=-1 first, so it can take focus). */
export function focusElement(el) {
  if (!el) return false;
  if (el.matches(HEADING) && !el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus({ preventScroll: false });
  return document.activeElement === el;
}

/** Notes where focus is inside `container`; the returned function restores it after the
 * container's content was replaced (a no-op when focus was elsewhere). */
export function rememberFocus(container) {
  const active = document.activeElement;
  if (!active || active === document.body || !container.contains(active) || active === container) return () => {};
  const key = keyOf(active);
  const back = active.closest('[data-focus-return]')?.dataset.focusReturn ?? null;
  return () => {
    const now = document.activeElement;
    // Something else took focus meanwhile (e.g. the view focused a field itself): leave it.
    if (now && now !== document.body && now.isConnected) return;
    const found = (sel) => (sel ? (container.querySelector(sel) ?? document.querySelector(sel)) : null);
    if (key && focusElement(found(key))) return;
    if (back && focusElement(found(back))) return;
    // Else the panel's first heading, or the view's when the panel has none left.
    focusElement(container.querySelector(HEADING) ?? container.closest('main, dialog')?.querySelector(HEADING));
  };
}
