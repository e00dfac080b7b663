// A list of rows that open something (search results, checks, contracts) is ONE Tab stop:
// each row's name is a button (`.row-open`), only one of them is in the Tab order
// (tabindex 0, the others -1: a roving tabindex), and the arrow keys move between them —
// Up/Down one row, Home/End the first/last. Enter and Space open the row (native buttons).
// The row in the Tab order is the one last focused (its `data-id`), kept across re-renders.

const ITEM = '.row-open';

/** Wires `tbody` once: the keys, and remembering which row was focused. */
export function rovingList(tbody) {
  tbody.addEventListener('keydown', (e) => {
    const items = [...tbody.querySelectorAll(ITEM)];
    const i = items.indexOf(document.activeElement);
    if (i < 0) return;
    const next = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: items.length - 1 }[e.key];
    if (next === undefined || next < 0 || next >= items.length) return;
    e.preventDefault();
    moveTo(tbody, items[next]);
  });
  tbody.addEventListener('focusin', (e) => {
    if (e.target.matches(ITEM)) moveTo(tbody, e.target, false);
  });
}

/** Puts `item` in the Tab order (and focuses it when `focus`). */
function moveTo(tbody, item, focus = true) {
  for (const other of tbody.querySelectorAll(ITEM)) other.tabIndex = other === item ? 0 : -1;
  tbody.dataset.current = item.closest('[data-id]')?.dataset.id ?? '';
  if (focus) {
    item.focus();
    item.scrollIntoView({ block: 'nearest' });
  }
}

/** After the rows were rendered: the row focused last (or the first) is the Tab stop. */
export function updateRoving(tbody) {
  const items = [...tbody.querySelectorAll(ITEM)];
  if (items.length === 0) return;
  const key = tbody.dataset.current;
  const current = items.find((b) => b.closest('[data-id]')?.dataset.id === key) ?? items[0];
  for (const b of items) b.tabIndex = b === current ? 0 : -1;
}

/** Focuses the row `id` in `tbody` (e.g. when an offer page closes). */
export function focusRow(tbody, id) {
  const item = [...tbody.querySelectorAll(ITEM)].find((b) => b.closest('[data-id]')?.dataset.id === id);
  if (item) moveTo(tbody, item);
}
