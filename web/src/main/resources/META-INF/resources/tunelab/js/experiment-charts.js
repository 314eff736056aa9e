// The experiment's charts: optimization history, intermediate values, parallel coordinates,
// slice plots, the Pareto front, and the data-quality report when the worker wrote one.

import {h, fill, num, throttle, trialHref, errorBox} from './dom.js';
import {api} from './api.js';
import {scatter, lines, parallel, curveStyle, PALETTE} from './charts.js';
import {primaryOf, isMax, paramNames, paramDef} from './spec.js';
import {dataReport} from './data-report.js';

/** How many finished trials feed the slice plots, parallel coordinates and Pareto context. */
const SAMPLE = 1000;

/** The charts: history, curves, parallel coordinates, slices, Pareto front, data report. */
export function chartsSection(container, ref) {
  let exp = null;
  let closed = false;
  const charts = {};
  const cards = {};

  const card = (key, title, note, wide) => {
    if (!cards[key]) {
      const body = h('div', {class: 'chart-body'});
      const noteEl = h('p', {class: 'muted small chart-note'}, note || '');
      cards[key] = {el: h('section', {class: `card chart-card${wide ? ' wide' : ''}`, id: `chart-${key}`, 'aria-label': title},
          h('h2', {}, title), noteEl, body), body, noteEl};
      container.appendChild(cards[key].el);
    }
    return cards[key];
  };
  const setChart = (key, make, data) => {
    if (charts[key]) charts[key].update(data);
    else {
      charts[key] = make(data);
      fill(cards[key].body, charts[key].el);
    }
  };
  const empty = (key, text) => {
    if (charts[key]) {
      charts[key].destroy();
      delete charts[key];
    }
    cards[key].noteEl.textContent = '';
    fill(cards[key].body, h('p', {class: 'muted empty-chart'}, text));
  };

  // Trial numbers run 0, 1, 2, … in an experiment, so number n is at offset n in number order.
  const loadHistory = async () => {
    const primary = primaryOf(exp);
    const c = card('history', 'Optimization history', `${primary.metric} of every finished trial, and the best so far`, true);
    const hist = await api.history(ref);
    if (closed) return;
    const n = hist.number || [];
    if (!n.length) return empty('history', 'No finished trials yet.');
    c.noteEl.textContent = `${hist.metric || primary.metric} of ${num(n.length)} finished trials (points) and the best so far (line).`
        + ' Click a point to open its trial; drag to zoom, double-click to reset.';
    const groups = [
      {label: `trial ${hist.metric || primary.metric}`, color: PALETTE.sky, size: n.length > 2000 ? 3 : 5, points: n.map((x, i) => [x, hist.value[i]])},
      {label: 'best so far', color: PALETTE.vermillion, line: 'step', points: n.map((x, i) => [x, hist.best[i]])},
    ];
    // The history carries each point's trial id, so a click opens the trial without a lookup.
    const idByNumber = new Map(n.map((x, i) => [x, (hist.trial || [])[i]]));
    const openTrial = (number) => {
      const id = idByNumber.get(number);
      if (id !== undefined) location.hash = trialHref(id);
    };
    // The page's clock marks when the history first drew its points (the browser tests print it).
    const onDrawn = () => performance.getEntriesByName('tunelab:history-drawn').length || performance.mark('tunelab:history-drawn');
    setChart('history', (g) => scatter({xLabel: 'trial', xIntegers: true, yLabel: hist.metric || primary.metric, onPick: openTrial, onDrawn}, g),
        groups);
  };

  const loadCurves = async () => {
    const c = card('curves', 'Intermediate values', 'Reported values by step: running trials bold, pruned dashed.', false);
    const curves = await api.curves(ref, 50);
    if (closed) return;
    const withData = (curves || []).filter((cv) => cv.steps && cv.steps.length);
    if (!withData.length) return empty('curves', 'No trial has reported intermediate values.');
    const metric = withData[0].metric;
    const running = withData.filter((cv) => cv.state === 'RUNNING').length;
    const lastStep = Math.max(...withData.map((cv) => cv.steps[cv.steps.length - 1]));
    c.noteEl.textContent = `${metric} by step, up to step ${num(lastStep)}, for ${plural(withData.length, 'trial')}`
        + `${running ? `, ${running} running (bold vermillion)` : ''}; pruned trials dashed grey.`;
    // Running trials last, so their bold lines are drawn on top of the finished ones.
    const ordered = [...withData.filter((cv) => cv.state !== 'RUNNING'), ...withData.filter((cv) => cv.state === 'RUNNING')];
    const lineData = ordered.map((cv, i) => ({label: `#${cv.number} ${String(cv.state).toLowerCase()}`, ...curveStyle(cv.state, i), steps: cv.steps, values: cv.values}));
    // Lines come and go, and change style as trials finish: rebuild when the set of lines changes.
    const signature = lineData.map((l) => l.label).join('\n');
    if (charts.curves && charts.curves.signature !== signature) {
      charts.curves.destroy();
      delete charts.curves;
    }
    setChart('curves', (d) => Object.assign(lines({xLabel: 'step', yLabel: metric}, d), {signature}), lineData);
  };

  const loadSample = async () => {
    const primary = primaryOf(exp);
    const params = paramNames(exp);
    const pc = card('parallel', 'Parallel coordinates', '', true);
    const sc = card('slices', 'Slice plots', `${primary.metric} against each param`, true);
    const {trials, total} = await api.trials(ref, {state: 'COMPLETE', sort: 'number', order: 'desc', offset: 0, limit: SAMPLE});
    if (closed) return;
    const done = trials.filter((t) => t.values && typeof t.values[primary.metric] === 'number');
    const what = total !== null && total > done.length ? `the latest ${num(done.length)} of ${num(total)} complete trials` : `${num(done.length)} complete trials`;
    if (!done.length || !params.length) {
      empty('parallel', params.length ? 'No complete trials yet.' : 'This experiment has no params.');
      empty('slices', params.length ? 'No complete trials yet.' : 'This experiment has no params.');
      return;
    }
    pc.noteEl.textContent = `Params against ${primary.metric}, for ${what}.`;
    sc.noteEl.textContent = `${primary.metric} against each param, for ${what}.`;
    const axes = params.map((p) => axisOf(paramDef(exp, p), done.map((t) => t.params[p])));
    axes.forEach((a, i) => (a.name = params[i]));
    const rows = done.map((t) => ({values: params.map((p) => (t.params || {})[p]), objective: t.values[primary.metric]}));
    setChart('parallel', (r) => parallel({axes, objective: primary.metric, maximize: isMax(primary)}, r), rows);

    // Slices: one small chart per param, rebuilt with the sample (they are cheap).
    if (charts.slices) charts.slices.destroy();
    const slices = params.map((p, i) => {
      const axis = axes[i];
      const points = done.map((t) => {
        const v = (t.params || {})[p];
        const x = axis.kind === 'category' ? axis.choices.indexOf(String(v)) : v;
        return [typeof x === 'number' && x >= 0 ? x : null, t.values[primary.metric]];
      });
      const chart = scatter({xLabel: p, yLabel: primary.metric, xLog: axis.kind === 'log', xIntegers: axis.integer, height: 200, legend: false,
        xChoices: axis.kind === 'category' ? axis.choices : null},
      [{label: primary.metric, color: PALETTE.blue, size: done.length > 500 ? 3 : 5, points}]);
      return chart;
    });
    charts.slices = {
      el: h('div', {class: 'slices'}, slices.map((s, i) => h('figure', {class: 'slice'}, h('figcaption', {}, params[i]), s.el))),
      update() {},
      destroy: () => slices.forEach((s) => s.destroy()),
    };
    fill(sc.body, charts.slices.el);
  };

  const loadPareto = async () => {
    const objectives = (exp.summary && exp.summary.objectives) || [];
    if (objectives.length < 2) return;
    const [a, b] = objectives;
    const c = card('pareto', 'Pareto front', '', false);
    // The front, and the other trials behind it for context.
    const [front, rest] = await Promise.all([api.pareto(ref),
      api.trials(ref, {state: 'COMPLETE', sort: 'number', order: 'desc', offset: 0, limit: SAMPLE})]);
    if (closed) return;
    const both = (t) => t.values && typeof t.values[a.metric] === 'number' && typeof t.values[b.metric] === 'number';
    const onFront = new Set((front || []).map((t) => t.id));
    const points = (front || []).filter(both).map((t) => [t.values[a.metric], t.values[b.metric]]);
    const others = rest.trials.filter((t) => both(t) && !onFront.has(t.id)).map((t) => [t.values[a.metric], t.values[b.metric]]);
    if (!points.length) return empty('pareto', 'No complete trials yet.');
    c.noteEl.textContent = `${plural(points.length, 'non-dominated trial')} (blue) of ${plural(points.length + others.length, 'trial')}: `
        + `${a.metric} ${isMax(a) ? '↑' : '↓'} against ${b.metric} ${isMax(b) ? '↑' : '↓'}`
        + (objectives.length > 2 ? ` (the first two of ${objectives.length} objectives).` : '.');
    const groups = [
      {label: 'dominated', color: '#b8bec8', size: 4, points: others},
      {label: 'non-dominated', color: PALETTE.blue, size: 7, points},
      {label: 'front', color: PALETTE.orange, line: 'step', points},
    ];
    setChart('pareto', (g) => scatter({xLabel: a.metric, yLabel: b.metric}, g), groups);
  };

  const loadReport = async () => {
    const report = await api.dataReport(ref);
    if (closed || report === null || report === undefined) return;
    const c = card('data-report', 'Data quality', 'What the worker found in the experiment’s data before training.', true);
    fill(c.body, dataReport(report));
  };

  // A chart that cannot load says why in its own card; the others still draw.
  const guard = (fn, ...keys) => () => fn().catch((e) => {
    if (closed) return;
    for (const key of keys) {
      if (charts[key]) {
        charts[key].destroy();
        delete charts[key];
      }
      if (cards[key]) fill(cards[key].body, errorBox(e));
    }
  });
  // History is every finished trial: at most every 2 s, however fast trials arrive.
  const history = throttle(guard(loadHistory, 'history'), 2000);
  const curves = guard(loadCurves, 'curves');
  const sample = throttle(guard(loadSample, 'parallel', 'slices'), 5000);
  const pareto = throttle(guard(loadPareto, 'pareto'), 3000);
  // The worker writes the report when it first prepares the data, possibly after the page opened.
  const report = throttle(guard(loadReport, 'data-report'), 5000);

  // Reports arrive as trial events, but a slow reader's stream may drop some: while trials
  // run, poll the curves gently as well.
  const poll = setInterval(() => {
    const running = exp && exp.summary && exp.summary.trials && exp.summary.trials.RUNNING;
    if (running && !document.hidden) curves();
  }, 3000);

  return {
    /** The experiment as it is now; the first call also lays out the cards and loads them. */
    setExperiment(e) {
      const firstTime = !exp;
      exp = e;
      if (firstTime) {
        // Card order is fixed up front so the page does not jump as data arrives.
        card('history', 'Optimization history', 'Loading…', true);
        if (((e.summary && e.summary.objectives) || []).length > 1) card('pareto', 'Pareto front', 'Loading…', false);
        card('curves', 'Intermediate values', 'Loading…', ((e.summary && e.summary.objectives) || []).length < 2);
        card('parallel', 'Parallel coordinates', 'Loading…', true);
        card('slices', 'Slice plots', 'Loading…', true);
        history();
        curves();
        sample();
        pareto();
        report();
      }
    },
    refresh() {
      if (!exp) return;
      history();
      curves();
      sample();
      pareto();
      if (!cards['data-report']) report();
    },
    dispose() {
      closed = true;
      clearInterval(poll);
      history.cancel();
      sample.cancel();
      pareto.cancel();
      report.cancel();
      Object.values(charts).forEach((c) => c.destroy());
    },
  };
}

function plural(n, word) {
  return `${num(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** How a param is drawn on an axis: from its definition in the spec, else from its values. */
function axisOf(def, values) {
  if (def && def.type === 'categorical') return {kind: 'category', choices: def.choices.map(String)};
  if (def && (def.type === 'float' || def.type === 'int')) return {kind: def.log ? 'log' : 'number', integer: def.type === 'int'};
  if (values.some((v) => v !== null && v !== undefined && typeof v !== 'number')) {
    return {kind: 'category', choices: [...new Set(values.filter((v) => v !== null && v !== undefined).map(String))].sort()};
  }
  return {kind: 'number'};
}
