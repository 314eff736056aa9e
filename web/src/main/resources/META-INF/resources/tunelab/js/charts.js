// Charts: uPlot (from the WebJar, loaded as the global `uPlot`) for everything on x/y axes,
// and a small canvas of our own for parallel coordinates. Colours are Okabe–Ito, which
// stay distinct for the common kinds of colour blindness; no chart relies on colour alone
// (lines versus points, solid versus dashed, and a legend in words).

import {h, num, paramText} from './dom.js';

export const PALETTE = {
  blue: '#0072B2', orange: '#E69F00', sky: '#56B4E9', green: '#009E73',
  vermillion: '#D55E00', purple: '#CC79A7', yellow: '#F0E442', black: '#000000', grey: '#8a8a8a',
};
const CYCLE = [PALETTE.blue, PALETTE.orange, PALETTE.green, PALETTE.vermillion, PALETTE.purple, PALETTE.sky, PALETTE.black];

const AXIS = {stroke: '#3b3b3b', grid: {stroke: '#ececec', width: 1}, ticks: {stroke: '#d0d0d0', width: 1}, font: '12px system-ui, sans-serif', labelFont: '12px system-ui, sans-serif'};

/** Keeps a chart as wide as its box. */
function autoSize(box, resize) {
  let width = box.clientWidth;
  const observer = new ResizeObserver(() => {
    if (box.clientWidth > 0 && box.clientWidth !== width) {
      width = box.clientWidth;
      resize(width);
    }
  });
  observer.observe(box);
  return () => observer.disconnect();
}

/**
 * A scatter/line chart over a numeric x. groups = [{label, color, points: [[x, y], …],
 * line: false|'linear'|'step', dash}], merged on one sorted x so uPlot can draw them.
 * options: {xLabel, yLabel, xLog, yLog, xIntegers, xChoices (categorical labels for x = 0..n-1), height, legend,
 * onPick(x) called with the x of the point clicked, onDrawn() called once, when the chart has first drawn its data}.
 * Returns {el, update(groups), destroy()}.
 */
export function scatter(options, groups) {
  const box = h('div', {class: 'chart-box'});
  let plot = null;
  let stopSizing = null;
  const height = options.height || 240;

  const build = (groups) => {
    if (plot) plot.destroy();
    const {data, series} = merge(groups);
    const xChoices = options.xChoices;
    const opts = {
      width: Math.max(200, box.clientWidth || 400),
      height,
      legend: {show: options.legend !== false},
      cursor: {drag: {x: true, y: false}, points: {size: 6}},
      scales: {
        x: {time: false, distr: options.xLog ? 3 : 1,
          range: xChoices ? () => [-0.5, xChoices.length - 0.5] : singleSafe(options.xLog)},
        y: {distr: options.yLog ? 3 : 1},
      },
      axes: [
        {...AXIS, label: options.xLabel, size: 40,
          ...(xChoices ? {splits: () => xChoices.map((_, i) => i), values: (u, splits) => splits.map((i) => String(xChoices[i] ?? ''))}
            : {values: (u, splits) => splits.map(options.xLog ? decade : num), incrs: options.xIntegers ? INTEGER_STEPS : undefined})},
        {...AXIS, label: options.yLabel, size: 60, values: (u, splits) => splits.map(options.yLog ? decade : num)},
      ],
      series: [
        {label: options.xLabel || 'x', value: (u, v) => (v === null || v === undefined ? '—' : xChoices ? String(xChoices[v] ?? v) : num(v))},
        ...series.map((g) => ({
          label: g.label,
          stroke: g.color,
          width: g.line ? (g.width || 1.5) : 0,
          dash: g.dash,
          spanGaps: true,
          value: (u, v) => num(v),
          paths: g.line === 'step' ? uPlot.paths.stepped({align: 1}) : g.line ? undefined : () => null,
          points: g.line ? {show: false} : {show: true, size: g.size || 5, width: 1, stroke: g.color, fill: g.fill || g.color},
        })),
      ],
    };
    opts.hooks = {};
    if (options.onDrawn) {
      let drawn = false;
      opts.hooks.draw = [() => {
        if (drawn) return;
        drawn = true;
        options.onDrawn();
      }];
    }
    if (options.onPick) {
      // A click picks the point under the cursor (uPlot snaps the cursor to the nearest x).
      opts.hooks.ready = [(u) => {
        u.over.style.cursor = 'pointer';
        let down = null;
        u.over.addEventListener('mousedown', (e) => (down = [e.clientX, e.clientY]));
        u.over.addEventListener('click', (e) => {
          // A drag (zooming) also ends in a click: only a click that stayed put picks.
          const still = down && Math.abs(e.clientX - down[0]) < 4 && Math.abs(e.clientY - down[1]) < 4;
          const i = u.cursor.idx;
          if (still && i !== null && i !== undefined) options.onPick(u.data[0][i]);
        });
      }];
    }
    plot = new uPlot(opts, data, box);
  };

  const el = h('div', {class: 'chart'}, box);
  // The box must be in the document to know its width: build on the next frame.
  requestAnimationFrame(() => {
    build(groups);
    stopSizing = autoSize(box, (w) => plot && plot.setSize({width: w, height}));
  });
  return {
    el,
    update(next) {
      groups = next;
      if (!plot) return;
      const {data, series} = merge(next);
      // Same series: swap the data in place (keeps zoom and cursor); otherwise rebuild.
      if (series.length === plot.series.length - 1) plot.setData(data);
      else build(next);
    },
    destroy() {
      if (stopSizing) stopSizing();
      if (plot) plot.destroy();
      plot = null;
    },
  };
}

/** The data's own x range, except that a single x value gets room on both sides (uPlot would span 0 to 100). */
function singleSafe(log) {
  return (u, min, max) => {
    const xs = u.data[0];
    if (!xs || !xs.length || xs[0] !== xs[xs.length - 1]) return [min, max];
    const x = xs[0];
    return log ? [x / 10, x * 10] : [x - 1, x + 1];
  };
}

/** Tick spacings for axes of whole numbers (steps, trial numbers): never a tick between two. */
const INTEGER_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000, 100000, 1e6];

/** Labels only the powers of ten on a log axis, so its ticks stay readable. */
function decade(v) {
  return Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9 ? num(v) : '';
}

/** Merges groups of [x, y] points into uPlot's aligned columns: one sorted x, a y column per group. */
function merge(groups) {
  const all = [];
  groups.forEach((g, gi) => {
    for (const [x, y] of g.points) {
      if (typeof x === 'number' && Number.isFinite(x)) all.push([x, gi, y]);
    }
  });
  all.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const xs = new Array(all.length);
  const ys = groups.map(() => new Array(all.length).fill(null));
  all.forEach(([x, gi, y], i) => {
    xs[i] = x;
    ys[gi][i] = typeof y === 'number' && Number.isFinite(y) ? y : null;
  });
  return {data: [xs, ...ys], series: groups};
}

/** Lines on a shared step axis, one per curve: curves = [{label, color, dash, width, steps, values}]. */
export function lines(options, curves) {
  const toGroups = (cs) => cs.map((c) => ({
    label: c.label, color: c.color, dash: c.dash, width: c.width, line: 'linear',
    points: c.steps.map((s, i) => [s, c.values[i]]),
  }));
  const chart = scatter({xIntegers: true, ...options, legend: options.legend ?? curves.length <= 6}, toGroups(curves));
  return {...chart, update: (next) => chart.update(toGroups(next))};
}

/** A colour for a trial line, by its state. */
export function curveStyle(state, index) {
  switch (state) {
    case 'RUNNING': return {color: PALETTE.vermillion, width: 2};
    case 'PRUNED': return {color: PALETTE.grey, dash: [4, 4]};
    case 'FAILED': return {color: PALETTE.purple, dash: [2, 3]};
    default: return {color: CYCLE[index % 2 === 0 ? 0 : 5]};
  }
}

export function seriesColor(i) {
  return CYCLE[i % CYCLE.length];
}

// A sequential, colour-blind-safe ramp (viridis stops) from the best trial to the worst.
const RAMP = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
function ramp(t) {
  const x = Math.max(0, Math.min(1, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const c = RAMP[i].map((v, k) => Math.round(v + f * (RAMP[i + 1][k] - v)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/**
 * Parallel coordinates: one vertical axis per param and one for the objective; one line per
 * trial, coloured from best (dark purple) to worst (yellow) and drawn best on top.
 * axes = [{name, kind: 'number'|'log'|'category', choices?}], rows = [{values: [...], objective}].
 */
export function parallel({axes, objective, maximize}, rows) {
  const canvas = h('canvas', {class: 'parallel', role: 'img',
    'aria-label': `Parallel coordinates of ${axes.length} params against ${objective}`});
  const box = h('div', {class: 'chart-box'}, canvas);
  const selection = h('span', {class: 'selection', role: 'status'});
  const el = h('div', {class: 'chart'}, box,
      h('p', {class: 'legend-text'}, 'Each line is a trial; ',
          h('span', {class: 'swatch', style: `background:${ramp(0)}`}), ' best → ',
          h('span', {class: 'swatch', style: `background:${ramp(1)}`}), ' worst, best on top.',
          ' Drag along an axis to keep only the trials in that range; click the axis to clear it. ', selection));
  const height = 300;
  let stopSizing = null;
  // Brushes: axis index → [low, high] in the axis's unit range (0 at the bottom, 1 at the top).
  const brushes = new Map();
  let geometry = null;

  const draw = () => {
    const width = Math.max(300, box.clientWidth);
    const dpr = window.devicePixelRatio || 1;
    canvas.width = width * dpr;
    canvas.height = height * dpr;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const all = [...axes, {name: objective, kind: 'number'}];
    const top = 28;
    const bottom = height - 48;
    const left = 40;
    const right = width - 40;
    const xAt = (i) => (all.length === 1 ? (left + right) / 2 : left + (i * (right - left)) / (all.length - 1));
    geometry = {all, top, bottom, xAt};
    const columns = all.map((axis, i) => rows.map((r) => (i < axes.length ? r.values[i] : r.objective)));
    const scales = all.map((axis, i) => scaleFor(axis, columns[i]));
    const units = rows.map((r, ri) => all.map((axis, i) => scales[i].unit(columns[i][ri])));
    const selected = (ri) => [...brushes].every(([i, [lo, hi]]) => units[ri][i] !== null && units[ri][i] >= lo && units[ri][i] <= hi);

    const objectiveScale = scales[scales.length - 1];
    const order = rows.map((r, i) => i).filter((i) => typeof rows[i].objective === 'number');
    // Worst first, so the best lines end up on top.
    order.sort((a, b) => (maximize ? rows[a].objective - rows[b].objective : rows[b].objective - rows[a].objective));
    const line = (ri) => {
      ctx.beginPath();
      let started = false;
      for (let i = 0; i < all.length; i++) {
        const u = units[ri][i];
        if (u === null) {
          started = false;
          continue;
        }
        const y = bottom - u * (bottom - top);
        if (started) ctx.lineTo(xAt(i), y);
        else ctx.moveTo(xAt(i), y);
        started = true;
      }
      ctx.stroke();
    };
    const inside = order.filter(selected);
    ctx.lineWidth = rows.length > 2000 ? 0.5 : 1;
    if (brushes.size) {
      // Trials outside the selection stay as a faint grey context.
      ctx.globalAlpha = 0.5;
      ctx.strokeStyle = '#dde1e6';
      for (const ri of order) if (!selected(ri)) line(ri);
    }
    ctx.globalAlpha = rows.length > 2000 ? 0.35 : 0.7;
    for (const ri of inside) {
      const t = objectiveScale.unit(rows[ri].objective);
      ctx.strokeStyle = ramp(maximize ? 1 - t : t);
      line(ri);
    }
    selection.textContent = brushes.size ? `${inside.length} of ${order.length} trials selected.` : '';

    ctx.globalAlpha = 1;
    ctx.fillStyle = '#1f1f1f';
    ctx.strokeStyle = '#3b3b3b';
    ctx.lineWidth = 1;
    ctx.font = '12px system-ui, sans-serif';
    all.forEach((axis, i) => {
      const x = xAt(i);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
      ctx.stroke();
      if (brushes.has(i)) {
        const [lo, hi] = brushes.get(i);
        ctx.fillStyle = 'rgba(0, 114, 178, 0.25)';
        ctx.strokeStyle = '#0072b2';
        const y0 = bottom - hi * (bottom - top);
        ctx.fillRect(x - 7, y0, 14, (hi - lo) * (bottom - top));
        ctx.strokeRect(x - 7, y0, 14, (hi - lo) * (bottom - top));
        ctx.fillStyle = '#1f1f1f';
        ctx.strokeStyle = '#3b3b3b';
      }
      ctx.textAlign = i === 0 ? 'left' : i === all.length - 1 ? 'right' : 'center';
      const labelX = i === 0 ? x - 30 : i === all.length - 1 ? x + 30 : x;
      ctx.font = '600 12px system-ui, sans-serif';
      // Labels get the room between two axes (about 8 px a bold character), so neighbours never
      // overlap: a centred label half a gap each side, the outer ones half a gap plus the margin.
      const gap = all.length === 1 ? 320 : (right - left) / (all.length - 1);
      const outer = i === 0 || i === all.length - 1;
      const room = Math.max(4, Math.floor((outer ? gap / 2 + 30 : gap) / 8));
      ctx.fillText(clipMiddle(axis.name, room), labelX, height - 8);
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillStyle = '#555';
      ctx.fillText(clip(scales[i].label(1), Math.min(12, room)), labelX, top - 10);
      ctx.fillText(clip(scales[i].label(0), Math.min(12, room)), labelX, bottom + 16);
      ctx.fillStyle = '#1f1f1f';
    });
  };

  // Brushing: press near an axis, drag along it, release.
  let dragging = null;
  const unitAt = (event) => {
    const rect = canvas.getBoundingClientRect();
    const y = event.clientY - rect.top;
    return Math.max(0, Math.min(1, (geometry.bottom - y) / (geometry.bottom - geometry.top)));
  };
  canvas.addEventListener('pointerdown', (event) => {
    if (!geometry) return;
    const x = event.clientX - canvas.getBoundingClientRect().left;
    const axis = geometry.all.findIndex((a, i) => Math.abs(geometry.xAt(i) - x) <= 12);
    if (axis < 0) return;
    dragging = {axis, from: unitAt(event), moved: false};
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!dragging) return;
    const to = unitAt(event);
    if (Math.abs(to - dragging.from) > 0.01) dragging.moved = true;
    if (dragging.moved) {
      brushes.set(dragging.axis, [Math.min(dragging.from, to), Math.max(dragging.from, to)]);
      draw();
    }
  });
  canvas.addEventListener('pointerup', () => {
    if (dragging && !dragging.moved) {
      brushes.delete(dragging.axis);
      draw();
    }
    dragging = null;
  });
  canvas.style.cursor = 'crosshair';

  requestAnimationFrame(() => {
    draw();
    stopSizing = autoSize(box, draw);
  });
  return {
    el,
    update(next) {
      rows = next;
      draw();
    },
    destroy() {
      if (stopSizing) stopSizing();
    },
  };
}

/** "preprocessing.imputation" → "prep…imputation": keeps the end, where names differ most. */
function clipMiddle(text, n) {
  const s = String(text);
  if (s.length <= n) return s;
  const tail = Math.ceil((n - 1) * 0.6);
  return `${s.slice(0, n - 1 - tail)}…${s.slice(s.length - tail)}`;
}

function clip(text, n) {
  const s = String(text);
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Maps an axis's values to [0, 1] (null when missing) and labels its ends. */
function scaleFor(axis, values) {
  if (axis.kind === 'category') {
    const choices = axis.choices && axis.choices.length ? axis.choices.map(String)
        : [...new Set(values.filter((v) => v !== null && v !== undefined).map(String))].sort();
    const n = choices.length;
    return {
      unit: (v) => {
        const i = v === null || v === undefined ? -1 : choices.indexOf(String(v));
        return i < 0 ? null : n === 1 ? 0.5 : i / (n - 1);
      },
      label: (u) => (n === 0 ? '' : choices[u === 1 ? n - 1 : 0]),
    };
  }
  const log = axis.kind === 'log';
  const f = (v) => (log ? Math.log10(v) : v);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (typeof v === 'number' && Number.isFinite(v) && (!log || v > 0)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const flo = f(lo);
  const span = f(hi) - flo;
  return {
    unit: (v) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || (log && v <= 0)) return null;
      return span > 0 ? (f(v) - flo) / span : 0.5;
    },
    label: (u) => (lo > hi ? '' : paramText(u === 1 ? hi : lo)),
  };
}
