// The experiment page: what it is and how far it got, the controls, the trial leaderboard
// (paged, sorted and filtered by the server) and the charts, all kept live by the events.

import {h, fill, num, paramText, time, badge, duration, secondsBetween, throttle, trialHref, crumbs, errorBox, fact} from './dom.js';
import {api} from './api.js';
import {on} from './events.js';
import {progress} from './experiments-page.js';
import {scatter, lines, parallel, curveStyle, PALETTE} from './charts.js';

const TRIAL_STATES = ['COMPLETE', 'RUNNING', 'WAITING', 'PRUNED', 'FAILED'];
const PAGE_SIZES = [25, 50, 100];
/** How many finished trials feed the slice plots and parallel coordinates. */
const SAMPLE = 1000;

export function experimentPage(main, ref) {
  crumbs(['Experiments', '#/'], [ref]);
  document.title = `${ref} · Tunelab`;
  const disposers = [];
  let experiment = null;
  let closed = false;
  let chartsStarted = false;

  const head = h('section', {class: 'exp-head', 'aria-label': 'Experiment'}, h('h1', {}, ref), h('p', {class: 'muted'}, 'Loading…'));
  const controls = h('section', {class: 'controls card', 'aria-label': 'Controls'});
  const board = h('section', {class: 'card', id: 'leaderboard', 'aria-labelledby': 'leaderboard-title'});
  const charts = h('div', {class: 'charts', id: 'charts'});
  fill(main, head, controls, board, charts);

  const table = leaderboard(board, ref);
  disposers.push(table.dispose);

  const chartSet = chartsSection(charts, ref);
  disposers.push(chartSet.dispose);

  const showHead = (exp) => {
    experiment = exp;
    const s = exp.summary || {};
    const objectives = s.objectives && s.objectives.length ? s.objectives : (exp.spec && exp.spec.objectives) || [];
    crumbs(['Experiments', '#/'], [exp.name]);
    document.title = `${exp.name} · Tunelab`;
    const best = s.best || {};
    const focusedLink = head.contains(document.activeElement) ? document.activeElement.id : null;
    fill(head,
        h('div', {class: 'title-row'}, h('h1', {}, exp.name), badge(s.state || exp.state)),
        s.stopReason ? h('p', {class: 'notice'}, s.stopReason) : null,
        h('dl', {class: 'facts'},
            fact('Objective', objectives.map((o) => `${o.metric} ${String(o.direction).toUpperCase() === 'MAXIMIZE' ? '↑ maximize' : '↓ minimize'}`).join(', ')),
            fact('Best', objectives.map((o) => `${o.metric} ${num(best[o.metric])}`).join(' · '),
                s.bestTrial ? [' ', h('a', {href: trialHref(s.bestTrial), id: 'best-trial'}, 'best trial')] : null),
            fact('Progress', progress(s)),
            fact('Strategy', s.strategy || (exp.spec && exp.spec.strategy && exp.spec.strategy.name) || '—'),
            fact('Seed', exp.seed === undefined ? '—' : String(exp.seed)),
            fact('Started', time(s.created)),
            fact('Updated', time(s.updated))));
    if (focusedLink) document.getElementById(focusedLink)?.focus({preventScroll: true});
    renderControls(exp);
  };

  // Controls: pause, resume with a new trial budget, stop. Built once and only enabled or
  // disabled as the state changes, so live updates never take the keyboard focus away.
  const message = h('p', {class: 'control-message', role: 'status', 'aria-live': 'polite'});
  const budgetInput = h('input', {type: 'number', id: 'resume-trials', min: '1', step: '1', inputmode: 'numeric', 'aria-describedby': 'resume-help'});
  let budgetEdited = false;
  budgetInput.addEventListener('input', () => (budgetEdited = true));
  const say = (text, isError) => {
    message.classList.toggle('error', Boolean(isError));
    message.setAttribute('role', isError ? 'alert' : 'status');
    fill(message, text);
  };
  const act = async (label, call, then) => {
    const hadFocus = controls.contains(document.activeElement);
    say(`${label}…`);
    for (const b of buttons) b.disabled = true;
    try {
      const exp = await call();
      budgetEdited = false;
      showHead(exp && exp.summary ? exp : await api.experiment(ref));
      say(`${label}: done.`);
    } catch (e) {
      say(e.message, true);
      if (experiment) renderControls(experiment);
    }
    // The pressed button may now be disabled: hand the keyboard focus to the next useful one.
    if (hadFocus && (!controls.contains(document.activeElement) || document.activeElement.disabled)) {
      [then, ...buttons].find((b) => b && !b.disabled)?.focus();
    }
  };
  const pauseButton = h('button', {type: 'button', id: 'pause', onclick: () => act('Pause', () => api.pause(ref), resumeButton)}, 'Pause');
  const resumeButton = h('button', {type: 'button', id: 'resume', class: 'primary', onclick: () => {
    const n = budgetInput.value ? Number(budgetInput.value) : null;
    if (n !== null && !(Number.isInteger(n) && n > 0)) {
      say('The trial budget must be a whole number above 0, or empty to keep the current one.', true);
      return;
    }
    act('Resume', () => api.resume(ref, n), pauseButton);
  }}, 'Resume');
  const stopButton = h('button', {type: 'button', id: 'stop', class: 'danger', onclick: () => {
    if (confirmStop()) act('Stop', () => api.stop(ref), resumeButton);
  }}, 'Stop');
  const buttons = [pauseButton, resumeButton, stopButton];
  const renderControls = (exp) => {
    const state = (exp.summary && exp.summary.state) || exp.state;
    const budget = exp.summary && exp.summary.budget && exp.summary.budget.trials;
    if (!budgetEdited && document.activeElement !== budgetInput) {
      // A spent budget suggests half as much again; otherwise the budget as it is.
      const total = exp.summary ? Object.values(exp.summary.trials || {}).reduce((a, b) => a + b, 0) : 0;
      budgetInput.value = budget ? String(state === 'COMPLETED' ? Math.max(budget, total) + Math.max(10, Math.round(budget / 2)) : budget) : '';
    }
    pauseButton.disabled = state !== 'RUNNING';
    resumeButton.disabled = state === 'RUNNING';
    stopButton.disabled = state === 'STOPPED';
    if (!controls.firstChild) {
      fill(controls,
          h('h2', {class: 'visually-hidden'}, 'Controls'),
          h('div', {class: 'control-row'}, pauseButton,
              h('div', {class: 'resume'}, h('label', {for: 'resume-trials'}, 'Trial budget'), budgetInput, resumeButton),
              stopButton),
          h('p', {id: 'resume-help', class: 'muted small'}, 'Resume runs until the experiment has this many trials in all (empty keeps the budget).'),
          message);
    }
  };

  const load = async () => {
    try {
      const exp = await api.experiment(ref);
      if (closed) return;
      showHead(exp);
      // The leaderboard first, alone: the charts' larger queries would compete with it for the server.
      await table.setExperiment(exp);
      if (!closed) {
        chartSet.setExperiment(experiment);
        chartsStarted = true;
      }
    } catch (e) {
      fill(head, h('h1', {}, ref), errorBox(e));
      fill(controls);
      fill(board);
    }
  };
  load();

  const refreshLive = throttle(() => {
    table.refresh();
    chartSet.refresh();
  }, 1000);
  disposers.push(refreshLive.cancel);
  disposers.push(on('experiment', (summary) => {
    if (experiment && summary.id === experiment.id) {
      showHead({...experiment, state: summary.state, summary});
      if (chartsStarted) chartSet.setExperiment(experiment);
    }
  }));
  disposers.push(on('trial', (trial) => {
    if (experiment && trial.experimentId === experiment.id) refreshLive();
  }));
  disposers.push(on('open', () => experiment && load()));

  return () => {
    closed = true;
    disposers.forEach((d) => d());
  };
}

function confirmStop() {
  // A stopped experiment can be resumed, so a plain confirm is enough protection.
  return window.confirm('Stop this experiment? Running trials finish; no new trials start. You can resume it later.');
}


function primaryOf(exp) {
  const objectives = (exp.summary && exp.summary.objectives) || (exp.spec && exp.spec.objectives) || [];
  return objectives[0] || {metric: 'value', direction: 'MINIMIZE'};
}

function isMax(objective) {
  return String(objective.direction).toUpperCase() === 'MAXIMIZE';
}

function paramNames(exp) {
  const space = exp.spec && exp.spec.space;
  const params = space && (space.params || space);
  return params && typeof params === 'object' ? Object.keys(params) : [];
}

function paramDef(exp, name) {
  const space = exp.spec && exp.spec.space;
  const params = space && (space.params || space);
  return params ? params[name] : null;
}

/** The trial leaderboard: sortable headers, a state filter, server-side pages. */
function leaderboard(section, ref) {
  const query = {offset: 0, limit: 50, sort: 'value', order: 'asc', state: ''};
  let exp = null;
  let closed = false;
  let seq = 0;
  let first = true;
  let scrollToTop = false;

  const title = h('h2', {id: 'leaderboard-title'}, 'Trials');
  const stateSelect = h('select', {id: 'trial-state', 'aria-label': 'Show trials in state'},
      h('option', {value: ''}, 'All states'), TRIAL_STATES.map((s) => h('option', {value: s}, s.toLowerCase())));
  const sizeSelect = h('select', {id: 'page-size', 'aria-label': 'Trials per page'},
      PAGE_SIZES.map((n) => h('option', {value: String(n), selected: n === query.limit}, `${n} per page`)));
  const tableBox = h('div', {class: 'table-wrap'}, h('p', {class: 'muted'}, 'Loading trials…'));
  const pager = h('nav', {class: 'pager', 'aria-label': 'Trial pages'});
  fill(section, h('div', {class: 'section-head'}, title, h('div', {class: 'filters'}, stateSelect, sizeSelect)), tableBox, pager);

  stateSelect.addEventListener('change', () => {
    query.state = stateSelect.value;
    query.offset = 0;
    load();
  });
  sizeSelect.addEventListener('change', () => {
    query.limit = Number(sizeSelect.value);
    query.offset = 0;
    load();
  });

  const load = async () => {
    if (!exp) return;
    const mine = ++seq;
    try {
      const {trials, total} = await api.trials(ref, query);
      if (closed || mine !== seq) return;
      render(trials, total);
      if (first) {
        first = false;
        // The first useful paint: the leaderboard's first page is on screen.
        requestAnimationFrame(() => {
          performance.mark('tunelab:first-useful-paint');
          document.body.dataset.firstPaint = String(Math.round(performance.now()));
        });
      }
    } catch (e) {
      if (!closed) fill(tableBox, errorBox(e));
    }
  };

  const sortBy = (column, defaultOrder) => {
    if (query.sort === column) query.order = query.order === 'asc' ? 'desc' : 'asc';
    else {
      query.sort = column;
      query.order = defaultOrder;
    }
    query.offset = 0;
    load();
  };

  const render = (trials, total) => {
    // The table and pager are rebuilt: keep keyboard focus on the same control.
    const focused = section.contains(document.activeElement) ? focusKey(document.activeElement) : null;
    draw(trials, total);
    if (focused) {
      const again = section.querySelector(focused);
      if (again && !again.disabled) again.focus({preventScroll: true});
      else section.querySelector('.page-info')?.focus({preventScroll: true});
    }
    if (scrollToTop && section.getBoundingClientRect().top < 0) section.scrollIntoView({block: 'start'});
    scrollToTop = false;
  };

  const draw = (trials, total) => {
    const primary = primaryOf(exp);
    const bestOrder = isMax(primary) ? 'desc' : 'asc';
    const ranked = query.sort === 'value' && query.order === bestOrder && !query.state;
    const params = paramNames(exp);
    for (const t of trials) for (const k of Object.keys(t.params || {})) if (!params.includes(k)) params.push(k);
    // The other objectives, then every other metric (a worker's result may carry them only as statistics).
    const objectiveMetrics = ((exp.summary && exp.summary.objectives) || []).map((o) => o.metric);
    const others = new Set();
    for (const t of trials) {
      for (const k of [...Object.keys(t.values || {}), ...Object.keys(t.statistics || {})]) {
        if (!objectiveMetrics.includes(k)) others.add(k);
      }
    }
    // Columns read: the objectives, the configuration, then the other metrics.
    const objectiveColumns = objectiveMetrics.slice(1);
    const metricColumns = [...others].sort();
    const metricCell = (t, m) => h('td', {class: 'num'}, valueCell(t, m));
    const metricHeader = (m) => header(m, `metric:${m}`, 'asc', 'num');
    // A numeric param's column is right-aligned throughout, its "—" (inactive) cells too.
    const numericParam = Object.fromEntries(params.map((p) => {
      const def = paramDef(exp, p);
      return [p, def ? def.type === 'float' || def.type === 'int' : trials.some((t) => typeof (t.params || {})[p] === 'number')];
    }));

    const header = (label, column, defaultOrder, cls) => {
      const active = query.sort === column;
      const aria = active ? (query.order === 'asc' ? 'ascending' : 'descending') : null;
      return h('th', {scope: 'col', class: cls, 'aria-sort': aria},
          column ? h('button', {type: 'button', class: 'sort', dataset: {sort: column},
            onclick: () => sortBy(column, defaultOrder)},
          label, h('span', {class: 'arrow', 'aria-hidden': 'true'}, active ? (query.order === 'asc' ? ' ▲' : ' ▼') : '')) : label);
    };
    const rows = trials.map((t, i) => h('tr', {dataset: {trial: String(t.id), number: String(t.number)}},
        // Only a complete trial has a rank: a pruned trial's value is its last intermediate one.
        h('td', {class: 'num rank'}, ranked && t.state === 'COMPLETE' ? String(query.offset + i + 1) : ''),
        h('td', {class: 'num'}, h('a', {href: trialHref(t.id)}, `#${t.number}`)),
        h('td', {}, badge(t.state)),
        h('td', {class: `num value${t.state === 'COMPLETE' ? '' : ' partial'}`,
          title: t.state === 'PRUNED' ? 'the last value reported before the trial was pruned' : null}, valueCell(t, primary.metric)),
        objectiveColumns.map((m) => metricCell(t, m)),
        params.map((p) => h('td', {class: numericParam[p] ? 'num' : ''}, paramText((t.params || {})[p]))),
        metricColumns.map((m) => metricCell(t, m)),
        h('td', {class: 'num'}, duration(secondsBetween(t.started, t.finished))),
        h('td', {class: 'small'}, t.worker || '—')));
    fill(tableBox, h('table', {class: 'trials', id: 'trials-table'},
        h('caption', {class: 'visually-hidden'}, 'Trials of this experiment; the column buttons sort them.'),
        h('thead', {}, h('tr', {},
            h('th', {scope: 'col', class: 'num'}, 'Rank'),
            header('Trial', 'number', 'desc', 'num'),
            header('State', 'state', 'asc'),
            header(`${primary.metric} ${isMax(primary) ? '↑' : '↓'}`, 'value', bestOrder, 'num'),
            objectiveColumns.map(metricHeader),
            params.map((p) => header(dotted(p), `param:${p}`, 'asc', numericParam[p] ? 'num param' : 'param')),
            metricColumns.map(metricHeader),
            header('Duration', 'duration', 'asc', 'num'),
            h('th', {scope: 'col'}, 'Worker'))),
        h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', {colspan: String(6 + objectiveColumns.length + params.length + metricColumns.length), class: 'muted'},
            query.state ? `No ${query.state.toLowerCase()} trials.` : 'No trials yet.')))));

    const totalKnown = total !== null ? total : query.offset + trials.length + (trials.length === query.limit ? 1 : 0);
    const from = trials.length ? query.offset + 1 : 0;
    const to = query.offset + trials.length;
    const last = Math.max(0, Math.floor((totalKnown - 1) / query.limit) * query.limit);
    const go = (offset) => () => {
      query.offset = Math.max(0, offset);
      scrollToTop = true;
      load();
    };
    title.textContent = total !== null ? `Trials (${num(total)})` : 'Trials';
    fill(pager,
        h('button', {type: 'button', class: 'page-first', disabled: query.offset === 0, onclick: go(0)}, '« First'),
        h('button', {type: 'button', class: 'page-prev', disabled: query.offset === 0, onclick: go(query.offset - query.limit)}, '‹ Previous'),
        h('span', {class: 'page-info', role: 'status', tabindex: '-1'}, `${num(from)}–${num(to)} of ${total !== null ? num(total) : 'many'}`),
        h('button', {type: 'button', class: 'page-next', disabled: to >= totalKnown, onclick: go(query.offset + query.limit)}, 'Next ›'),
        total !== null ? h('button', {type: 'button', class: 'page-last', disabled: to >= total, onclick: go(last)}, 'Last »') : null);
  };

  return {
    setExperiment(e) {
      const firstTime = !exp;
      exp = e;
      if (firstTime) {
        const primary = primaryOf(e);
        query.order = isMax(primary) ? 'desc' : 'asc';
      }
      return load();
    },
    refresh: () => load(),
    dispose() {
      closed = true;
    },
  };
}

/** A selector that finds the same control after a re-render: a sort button by its column, a trial's link by its id, a pager button by its class. */
function focusKey(el) {
  if (el.dataset && el.dataset.sort) return `button.sort[data-sort="${CSS.escape(el.dataset.sort)}"]`;
  const row = el.closest && el.closest('tr[data-trial]');
  if (row) return `tr[data-trial="${CSS.escape(row.dataset.trial)}"] a`;
  const cls = [...(el.classList || [])].find((c) => c.startsWith('page-'));
  return cls ? `.${cls}` : null;
}

const twoDigits = new Intl.NumberFormat('en', {maximumSignificantDigits: 2});
/** An uncertainty needs two significant digits, not four. */
function short(v) {
  return Number.isFinite(v) && Math.abs(v) >= 1e-4 ? twoDigits.format(v) : num(v);
}

/** "preprocessing.imputation" as a narrow two-line header: the prefix small above the name. */
function dotted(name) {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return name;
  return h('span', {class: 'dotted'}, h('span', {class: 'prefix'}, name.slice(0, dot + 1)), h('span', {}, name.slice(dot + 1)));
}

/** A metric cell: the value, or mean ± half the 95% CI when there are several repetitions. */
function valueCell(trial, metric) {
  const stats = trial.statistics && trial.statistics[metric];
  if (stats && stats.n > 1) {
    const half = (stats.ciHigh - stats.ciLow) / 2;
    return h('span', {title: `mean of ${stats.n} repetitions; 95% CI [${num(stats.ciLow)}, ${num(stats.ciHigh)}], std ${num(stats.std)}`},
        num(stats.mean), h('span', {class: 'ci'}, ` ± ${short(half)}`));
  }
  const v = trial.values ? trial.values[metric] : undefined;
  return num(v !== undefined ? v : stats ? stats.mean : null);
}

/** The charts: history, curves, parallel coordinates, slices, Pareto front, data report. */
function chartsSection(container, ref) {
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
  const openTrialNumber = async (number) => {
    const {trials} = await api.trials(ref, {sort: 'number', order: 'asc', offset: number, limit: 1});
    if (trials.length && trials[0].number === number) location.hash = trialHref(trials[0].id);
  };

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
    setChart('history', (g) => scatter({xLabel: 'trial', xIntegers: true, yLabel: hist.metric || primary.metric, onPick: openTrialNumber}, g), groups);
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

/**
 * The data-quality report the worker writes: a verdict (usable, problems, warnings), the
 * table's size, one row per column (type, missing values, outliers, constant or duplicate),
 * and the class balance or target distribution. Keys it does not know are listed as they are.
 */
export function dataReport(report) {
  const known = new Set(['dataset', 'sha256', 'rows', 'columns', 'target', 'type', 'usable', 'problems', 'warnings',
    'column_types', 'missing', 'missing_cells', 'outliers', 'constant_columns', 'duplicate_columns', 'duplicate_rows',
    'class_balance', 'target_distribution']);
  const list = (v) => (Array.isArray(v) ? v : []);
  const map = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
  const problems = list(report.problems);
  const warnings = list(report.warnings);

  const verdict = report.usable === false
    ? h('div', {class: 'error', role: 'alert'}, h('strong', {}, 'The data cannot be trained on.'),
        h('ul', {class: 'plain'}, problems.map((p) => h('li', {}, String(p)))))
    : report.usable === true ? h('p', {class: 'ok-text'}, '✓ Usable for training.') : null;
  const warningBox = warnings.length
    ? h('div', {class: 'notice'}, h('strong', {}, warnings.length === 1 ? 'Warning' : `${warnings.length} warnings`),
        h('ul', {class: 'plain'}, warnings.map((w) => h('li', {}, String(w)))))
    : null;

  const facts = h('dl', {class: 'facts'},
      report.dataset !== undefined ? fact('Dataset', String(report.dataset)) : null,
      report.rows !== undefined ? fact('Rows', num(report.rows)) : null,
      report.columns !== undefined ? fact('Columns', num(report.columns)) : null,
      report.target !== undefined ? fact('Target', String(report.target), report.type ? h('span', {class: 'muted'}, ` (${report.type})`) : null) : null,
      report.missing_cells !== undefined ? fact('Missing cells', num(report.missing_cells)) : null,
      report.duplicate_rows !== undefined ? fact('Duplicate rows', num(report.duplicate_rows)) : null,
      report.sha256 ? fact('SHA-256', h('code', {title: String(report.sha256)}, `${String(report.sha256).slice(0, 12)}…`)) : null);

  const types = map(report.column_types);
  const missing = map(report.missing);
  const outliers = map(report.outliers);
  const constant = new Set(list(report.constant_columns).map(String));
  const duplicates = new Map();
  for (const group of list(report.duplicate_columns)) {
    for (const c of list(group)) duplicates.set(String(c), list(group).filter((o) => o !== c).map(String));
  }
  const names = [...new Set([...Object.keys(types), ...Object.keys(missing), ...Object.keys(outliers)])];
  const rows = Number(report.rows) || 0;
  const columnTable = names.length ? h('div', {class: 'table-wrap'}, h('table', {class: 'report columns'},
      h('caption', {class: 'visually-hidden'}, 'Columns of the data'),
      h('thead', {}, h('tr', {},
          h('th', {scope: 'col'}, 'Column'), h('th', {scope: 'col'}, 'Type'),
          h('th', {scope: 'col', class: 'num'}, 'Missing'), h('th', {scope: 'col', class: 'num'}, 'Outliers'),
          h('th', {scope: 'col'}, 'Notes'))),
      h('tbody', {}, names.map((n) => {
        const miss = missing[n] || 0;
        const notes = [];
        if (n === String(report.target)) notes.push('target');
        if (constant.has(n)) notes.push('constant');
        if (duplicates.has(n)) notes.push(`same as ${duplicates.get(n).join(', ')}`);
        return h('tr', {},
            h('th', {scope: 'row'}, n),
            h('td', {}, types[n] === undefined ? '—' : String(types[n])),
            h('td', {class: `num${miss ? ' warn' : ''}`}, num(miss), miss && rows ? h('span', {class: 'muted'}, ` (${num((100 * miss) / rows)}%)`) : null),
            h('td', {class: 'num'}, num(outliers[n] || 0)),
            h('td', {class: notes.length > (n === String(report.target) ? 1 : 0) ? 'warn' : 'muted'}, notes.join('; ')));
      })))) : null;

  // Wide data makes a long table: fold it behind a summary of what needs attention.
  const withMissing = names.filter((n) => missing[n]).length;
  const withOutliers = names.filter((n) => outliers[n]).length;
  const columns = columnTable && names.length > 12
    ? h('details', {class: 'columns-fold'},
        h('summary', {}, `${names.length} columns: ${withMissing} with missing values, ${withOutliers} with outliers`
            + `${constant.size ? `, ${constant.size} constant` : ''}${duplicates.size ? `, ${duplicates.size} duplicated` : ''}`),
        columnTable)
    : columnTable;
  const balance = map(report.class_balance);
  const total = Object.values(balance).reduce((a, b) => a + (Number(b) || 0), 0);
  const balanceTable = Object.keys(balance).length ? h('div', {class: 'report-block'},
      h('h3', {}, 'Class balance'),
      h('table', {class: 'report balance'},
          h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Class'), h('th', {scope: 'col', class: 'num'}, 'Rows'), h('th', {scope: 'col'}, 'Share'))),
          h('tbody', {}, Object.entries(balance).map(([k, v]) => h('tr', {},
              h('th', {scope: 'row'}, k), h('td', {class: 'num'}, num(v)),
              h('td', {}, h('div', {class: 'bar'}, h('div', {class: 'fill', style: `width:${total ? ((100 * v) / total).toFixed(1) : 0}%`})))))))) : null;
  const distribution = Object.keys(map(report.target_distribution)).length ? h('div', {class: 'report-block'},
      h('h3', {}, 'Target distribution'),
      h('dl', {class: 'kv'}, Object.entries(report.target_distribution).map(([k, v]) => [h('dt', {}, k), h('dd', {}, num(v))]))) : null;

  const other = Object.entries(report).filter(([k]) => !known.has(k));
  const scalar = (v) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : paramText(v));
  const rest = other.length ? h('div', {class: 'report-block'}, h('h3', {}, 'More'),
      h('dl', {class: 'kv'}, other.map(([k, v]) => [h('dt', {}, k), h('dd', {}, scalar(v))]))) : null;

  return h('div', {class: 'data-report'}, verdict, warningBox, facts, columns, balanceTable, distribution, rest);
}
