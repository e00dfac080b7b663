// The Målgruppe lists are the catalogue's tree, indented by depth. A chosen group deep in the
// tree would show alone and indented in the closed list (a leaf without its parent), so the
// line under the list names where it sits: "Under Funktionsnedsættelse › Psykisk … ".
import { h } from './dom.js';

/** The labels of the group's ancestors, outermost first (`groups` in depth-first order). */
export function ancestors(groups, code) {
  const i = groups.findIndex((g) => g.code === code);
  if (i < 0) return [];
  const out = [];
  let depth = groups[i].depth;
  for (let j = i - 1; j >= 0 && depth > 0; j -= 1) {
    if (groups[j].depth === depth - 1) {
      out.unshift(groups[j].label);
      depth -= 1;
    }
  }
  return out;
}

/** Adds the "Under …" line after `select` (linked by aria-describedby) and keeps it current. */
export function showGroupPath(select, groups) {
  const id = `${select.id}-path`;
  const line = h('small', { id, class: 'sub group-path' });
  select.after(line);
  const described = (select.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  select.setAttribute('aria-describedby', [...described, id].join(' '));
  const update = () => {
    const path = ancestors(groups, select.value);
    line.textContent = path.length ? `Under ${path.join(' › ')}` : '';
    line.hidden = path.length === 0;
  };
  select.addEventListener('change', update);
  update();
  return update;
}
