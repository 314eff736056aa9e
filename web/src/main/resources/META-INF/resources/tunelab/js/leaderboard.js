// The trial leaderboard of an experiment: sortable headers, a state filter and pages, all
// done by the server; live refreshes keep the keyboard focus where it was.

import {h, fill, num, paramText, badge, duration, secondsBetween, trialHref, errorBox} from './dom.js';
import {api} from './api.js';
import {primaryOf, isMax, paramNames, paramDef} from './spec.js';

const TRIAL_STATES = ['COMPLETE', 'RUNNING', 'WAITING', 'PRUNED', 'RACED_OUT', 'FAILED'];
const PAGE_SIZES = [25, 50, 100];

/** The trial leaderboard: sortable headers, a state filter, server-side pages. */
export function leaderboard(section, ref) {
  const query = {offset: 0, limit: 50, sort: 'value', order: 'asc', state: ''};
  let exp = null;
  let closed = false;
  let seq = 0;
  let first = true;
  let scrollToTop = false;
  // The first page, asked for before the experiment arrived (see prefetch), and the query it answers.
  let early = null;
  // The first page best first, as early.js asked for it once the experiment arrived should it
  // maximize (null when it did not), and the query it answers.
  let earlyBest = null;

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
      const key = JSON.stringify(query);
      let asked = early && early.key === key ? early.page : null;
      if (!asked && earlyBest && earlyBest.key === key) asked = earlyBest.page.then((page) => page || api.trials(ref, query));
      early = null;
      earlyBest = null;
      const {trials, total} = await (asked || api.trials(ref, query));
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
    const tested = trials.some((t) => t.finalization && t.finalization.test);
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
    // A raced experiment: how many of its planned repetitions each trial has run.
    const planned = exp.spec && exp.spec.racing ? exp.spec.racing.max_repetitions : null;
    const rows = trials.map((t, i) => h('tr', {dataset: {trial: String(t.id), number: String(t.number)},
      class: t.rank ? `rank-${t.rank.group}` : t.state === 'RACED_OUT' ? 'raced-out' : null},
        // Only a complete trial has a rank: a pruned trial's value is its last intermediate one.
        h('td', {class: 'num rank'}, ranked && t.state === 'COMPLETE' ? String(query.offset + i + 1) : ''),
        h('td', {class: 'num'}, h('a', {href: trialHref(t.id)}, `#${t.number}`), originTag(t.provenance)),
        h('td', {}, badge(t.state)),
        h('td', {class: `num value${t.state === 'COMPLETE' ? '' : ' partial'}`,
          title: t.state === 'PRUNED' ? 'the last value reported before the trial was pruned' : null}, valueCell(t, primary.metric)),
        t.state === 'RACED_OUT' ? racedOutCell(t) : groupCell(t.rank),
        planned ? h('td', {class: 'num repetitions', title: 'repetitions run of the most a raced trial may run'},
            `${(t.repetitions || []).length}/${planned}`) : null,
        tested ? h('td', {class: 'num test', title: 'refit on all non-test rows, scored once on the held-out test split'},
            t.finalization && t.finalization.test ? num(t.finalization.test[primary.metric]) : '') : null,
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
            h('th', {scope: 'col', title: 'against the best trial, by a paired test on the repetitions both have'}, 'Compared with best'),
            planned ? h('th', {scope: 'col', class: 'num', title: 'repetitions done / planned (racing)'}, 'Repetitions') : null,
            tested ? h('th', {scope: 'col', class: 'num'}, `Test ${primary.metric}`) : null,
            objectiveColumns.map(metricHeader),
            params.map((p) => header(dotted(p), `param:${p}`, 'asc', numericParam[p] ? 'num param' : 'param')),
            metricColumns.map(metricHeader),
            header('Duration', 'duration', 'asc', 'num'),
            h('th', {scope: 'col'}, 'Worker'))),
        h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', {colspan: String(7 + (tested ? 1 : 0) + (planned ? 1 : 0) + objectiveColumns.length + params.length + metricColumns.length), class: 'muted'},
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
    /**
     * Asks for the first page at once, beside the experiment's own request instead of after it:
     * its order is the best-first one of an experiment that minimizes (most do); one that
     * maximizes shows the page best first that early.js asked for as soon as the experiment
     * arrived, or asks for it once it is known. early.js asks for these same pages as the
     * document loads, by their paths: a change of the first query here changes those paths too.
     */
    prefetch() {
      if (exp || early) return;
      const guess = {...query, order: 'asc'};
      early = {key: JSON.stringify(guess), page: api.trials(ref, guess)};
      early.page.catch(() => {});
      // Taken now, while the page's early reads may still be taken; it asks for nothing itself.
      const best = {...query, order: 'desc'};
      earlyBest = {key: JSON.stringify(best), page: api.trials(ref, best, true)};
      earlyBest.page.catch(() => {});
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

/**
 * Where a complete trial stands against the best: "best", "tied" (not significantly worse on
 * the repetitions both have), "worse p=…" (Holm-adjusted), or "by value" when too few
 * repetitions are shared for a paired test; "infeasible" with its violation when it breaks the
 * experiment's constraints (its title says which).
 */
function groupCell(rank) {
  if (!rank) return h('td', {class: 'group-cell'}, '');
  if (rank.group === 'infeasible') {
    return h('td', {class: 'group-cell infeasible', title: rank.note},
        '⚠ infeasible', h('span', {class: 'ci'}, rank.violation == null ? ' (metric missing)' : ` (violation ${num(rank.violation)})`));
  }
  const shared = `${rank.sharedRepetitions} shared repetition${rank.sharedRepetitions === 1 ? '' : 's'}`;
  const text = rank.group === 'worse' ? `worse ${pText(rank.adjustedPValue)}` : rank.group === 'unranked' ? 'by value' : rank.group;
  const title = rank.group === 'unranked' ? rank.note
    : rank.group === 'best' ? `the best mean; the others are compared with it on the repetitions they share`
      : `compared with the best on ${shared}: p = ${num(rank.pValue)}, Holm-adjusted p = ${num(rank.adjustedPValue)}`;
  return h('td', {class: `group-cell ${rank.group}`, title}, text,
      rank.group === 'tied' || rank.group === 'worse' ? h('span', {class: 'ci'}, ` (${rank.sharedRepetitions})`) : null);
}

/** A trial the race ended: "raced out p=…" and the repetitions it shared with the incumbent that beat it. */
function racedOutCell(trial) {
  const race = (trial.provenance && trial.provenance.race) || {};
  const shared = race.shared_repetitions;
  return h('td', {class: 'group-cell raced-out', title: `significantly worse than trial #${race.incumbent} on ${shared} shared `
      + `repetitions (p = ${num(race.p_value)}); the race gave it no more`},
  `raced out ${Number.isFinite(race.p_value) ? pText(race.p_value) : ''}`, h('span', {class: 'ci'}, ` (${shared})`));
}

/**
 * The 95% interval after a mean: " ± half" when symmetric, else " [low, high]": an interval
 * cut to the metric's range (accuracy at 1) is no longer symmetric.
 */
export function intervalText(stats) {
  const below = stats.mean - stats.ciLow;
  const above = stats.ciHigh - stats.mean;
  return Math.abs(below - above) <= 1e-9 * Math.max(1, Math.abs(stats.mean))
    ? ` ± ${short(above)}` : ` [${num(stats.ciLow)}, ${num(stats.ciHigh)}]`;
}

/** A p-value as a table shows it: three decimals, or "p<0.001". */
function pText(p) {
  return p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`;
}

/** A metric cell: the value, or mean ± half the 95% CI when there are several repetitions. */
function valueCell(trial, metric) {
  const stats = trial.statistics && trial.statistics[metric];
  if (stats && stats.n > 1) {
    return h('span', {title: `mean of ${stats.n} repetitions; 95% CI [${num(stats.ciLow)}, ${num(stats.ciHigh)}], std ${num(stats.std)}`},
        num(stats.mean), h('span', {class: 'ci'}, intervalText(stats)));
  }
  const v = trial.values ? trial.values[metric] : undefined;
  return num(v !== undefined ? v : stats ? stats.mean : null);
}

/** A trial not proposed by this experiment's strategy: imported (warm start or CSV) or enqueued by a user. */
function originTag(provenance) {
  const imported = provenance && provenance.imported;
  if (imported) {
    const from = imported.from === 'csv' ? `a CSV, row ${imported.row}` : `experiment ${imported.from}, trial ${imported.trial}`;
    return h('span', {class: 'tag origin', title: `imported from ${from}; outside budget.trials`}, 'imported');
  }
  return provenance && provenance.enqueued ? h('span', {class: 'tag origin', title: 'enqueued by a user'}, 'enqueued') : null;
}
