// Charts drawn in the window as inline SVG, built with DOM calls only (no remote content, no
// HTML strings, no style attributes: colours come from classes in styles/reports.css, the
// geometry from SVG attributes). The chart arrives from the core (`reports::chart::Chart`):
// its kind, categories, series with values and their Danish texts, and the value axis with
// its ticks already chosen, so the window and the PDF draw the same figure. Every chart has a
// <title> and a <desc> (its text alternative) and its numbers in a table below it.
import { h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
let counter = 0;

/** An SVG element with attributes (set with setAttribute, never as style). */
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const num = (v) => Number(v);
const fixed = (v) => Math.round(v * 10) / 10;

/** The class of series `i`: a data series gets one of eight colours, a reference line
 * (the PL line) its own dashed style. */
const seriesClass = (series, i) => (series.role === 'reference' ? 'reference' : `series-${i % 8}`);

/** A chart as `<figure>`: the SVG, a legend, the note, and the numbers as a table. */
export function chartFigure(chart) {
  counter += 1;
  const id = `chart-${counter}`;
  const svg = chart.kind === 'hbars' ? hbars(chart, id) : vertical(chart, id);
  return h('figure', { class: `report-chart chart-${chart.kind}`, 'data-chart': chart.kind },
    svg,
    legend(chart),
    h('figcaption', {}, h('strong', {}, chart.title), chart.note ? ` ${chart.note}` : null),
    dataTable(chart));
}

/** The accessible name and description every chart carries. */
function labelled(chart, id, width, height) {
  return s('svg', {
    viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-labelledby': `${id}-title ${id}-desc`, class: 'chart-svg',
  },
  s('title', { id: `${id}-title` }, chart.title),
  s('desc', { id: `${id}-desc` }, chart.description));
}

// ---- vertical charts: lines over years, grouped bars ----------------------------------

const V = { width: 760, height: 300, left: 72, right: 16, top: 30, bottom: 44 };

/** Line chart (one category per year) or grouped vertical bars. */
function vertical(chart, id) {
  const svg = labelled(chart, id, V.width, V.height);
  const plotW = V.width - V.left - V.right;
  const plotH = V.height - V.top - V.bottom;
  const { min, max } = { min: num(chart.axis.min), max: num(chart.axis.max) };
  const y = (v) => fixed(V.top + plotH - ((num(v) - min) / (max - min || 1)) * plotH);
  const n = Math.max(chart.categories.length, 1);
  const step = plotW / n;
  const x = (i) => fixed(V.left + step * (i + 0.5));
  svg.append(valueAxis(chart, y, V.left, V.width - V.right));
  svg.append(s('g', { class: 'axis category-axis' },
    chart.categories.map((c, i) => s('text', { x: x(i), y: V.height - V.bottom + 16, 'text-anchor': 'middle' }, c)),
    s('text', { class: 'axis-label', x: V.left + plotW / 2, y: V.height - 6, 'text-anchor': 'middle' }, chart.category_label)));
  if (chart.kind === 'line') {
    chart.series.forEach((se, i) => svg.append(line(se, seriesClass(se, i), x, y, chart.categories)));
  } else {
    const data = chart.series;
    const barW = Math.min(28, (step * 0.7) / Math.max(data.length, 1));
    data.forEach((se, i) => svg.append(s('g', { class: `bars ${seriesClass(se, i)}` },
      se.values.map((v, c) => {
        if (!v) return null;
        const top = y(Math.max(num(v.value), min));
        const base = y(Math.max(min, 0));
        const left = fixed(x(c) - (barW * data.length) / 2 + barW * i);
        return s('rect', {
          class: 'bar', x: left, y: Math.min(top, base), width: fixed(barW - 2), height: fixed(Math.abs(base - top)), 'data-value': v.value,
        }, s('title', {}, `${se.name}, ${chart.categories[c]}: ${v.text}`));
      }))));
  }
  return svg;
}

/** The value axis: gridlines and tick labels as the core chose them, and the axis label. */
function valueAxis(chart, y, left, right) {
  return s('g', { class: 'axis value-axis' },
    chart.axis.ticks.map((t) => s('g', {},
      s('line', { class: 'grid', x1: left, x2: right, y1: y(t.value), y2: y(t.value) }),
      s('text', { x: left - 6, y: y(t.value) + 4, 'text-anchor': 'end' }, t.label))),
    s('text', { class: 'axis-label', x: 8, y: 14, 'text-anchor': 'start' }, chart.value_label));
}

/** One series as a line through its points (a gap where a year has no value). */
function line(series, cls, x, y, categories) {
  const parts = [];
  let d = '';
  series.values.forEach((v, i) => {
    if (!v) { d += ' '; return; }
    d += `${d.endsWith(' ') || d === '' ? 'M' : 'L'}${x(i)},${y(v.value)}`;
  });
  parts.push(s('path', { class: 'line', d: d.trim().replace(/ +/g, ' ') || 'M0,0', fill: 'none' }));
  series.values.forEach((v, i) => {
    if (!v) return;
    parts.push(s('circle', { class: 'point', cx: x(i), cy: y(v.value), r: series.role === 'reference' ? 2.5 : 3.5, 'data-value': v.value },
      s('title', {}, `${series.name}, ${categories[i]}: ${v.text}`)));
  });
  return s('g', { class: `series ${cls}`, 'data-series': series.name }, parts);
}

// ---- horizontal bars: one row per offer ---------------------------------------------

const HB = { width: 760, left: 230, right: 24, top: 26, bottom: 34, bar: 10, gap: 10 };

/** Grouped horizontal bars: one group per category (an offer), one bar per series. */
function hbars(chart, id) {
  const groupH = chart.series.length * HB.bar + HB.gap;
  const height = HB.top + HB.bottom + groupH * Math.max(chart.categories.length, 1);
  const svg = labelled(chart, id, HB.width, height);
  const { min, max } = { min: num(chart.axis.min), max: num(chart.axis.max) };
  const plotW = HB.width - HB.left - HB.right;
  const x = (v) => fixed(HB.left + ((num(v) - min) / (max - min || 1)) * plotW);
  svg.append(s('g', { class: 'axis value-axis' },
    chart.axis.ticks.map((t) => s('g', {},
      s('line', { class: 'grid', x1: x(t.value), x2: x(t.value), y1: HB.top - 4, y2: height - HB.bottom }),
      s('text', { x: x(t.value), y: height - HB.bottom + 14, 'text-anchor': 'middle' }, t.label))),
    s('text', { class: 'axis-label', x: HB.left + plotW / 2, y: height - 4, 'text-anchor': 'middle' }, chart.value_label)));
  chart.categories.forEach((c, ci) => {
    const top = HB.top + ci * groupH;
    svg.append(s('text', { class: 'category', x: HB.left - 8, y: top + (groupH - HB.gap) / 2 + 4, 'text-anchor': 'end' },
      short(c), s('title', {}, c)));
    chart.series.forEach((se, si) => {
      const v = se.values[ci];
      if (!v) return;
      const x0 = x(Math.max(min, 0));
      const x1 = x(v.value);
      svg.append(s('rect', {
        class: `bar ${seriesClass(se, si)}`, x: Math.min(x0, x1), y: top + si * HB.bar, width: fixed(Math.abs(x1 - x0)), height: HB.bar - 1, 'data-value': v.value,
      }, s('title', {}, `${c}, ${se.name}: ${v.text}`)));
    });
  });
  return svg;
}

/** A long offer name cut to fit the label column (the whole name is in its <title>). */
function short(text) {
  return text.length > 34 ? `${text.slice(0, 33)}…` : text;
}

// ---- legend and numbers -------------------------------------------------------------

function legend(chart) {
  return h('ul', { class: 'chart-legend' }, chart.series.map((se, i) => h('li', {},
    h('span', { class: `swatch ${seriesClass(se, i)}`, 'aria-hidden': 'true' }), se.name)));
}

/** The chart's numbers as a table (categories down, series across), folded away. */
function dataTable(chart) {
  return h('details', { class: 'chart-data' },
    h('summary', {}, 'Tallene i grafen'),
    h('table', { class: 'results-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, chart.category_label), chart.series.map((se) => h('th', { scope: 'col', class: 'num' }, se.name)))),
      h('tbody', {}, chart.categories.map((c, i) => h('tr', {},
        h('th', { scope: 'row' }, c),
        chart.series.map((se) => h('td', { class: 'num' }, se.values[i]?.text ?? '–')))))));
}
