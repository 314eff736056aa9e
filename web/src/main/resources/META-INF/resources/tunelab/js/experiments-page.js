// The experiments page: every experiment, grouped by its primary objective and ranked
// within the group by its best value in that objective's direction, live. Filters by name,
// state and tag; archived experiments are hidden unless asked for.

import {h, fill, num, time, badge, throttle, experimentHref, trialHref, crumbs, errorBox} from './dom.js';
import {api} from './api.js';
import {on} from './events.js';

const STATES = ['RUNNING', 'PAUSED', 'COMPLETED', 'STOPPED'];
const FINISHED = ['COMPLETE', 'PRUNED', 'RACED_OUT', 'FAILED'];

export function experimentsPage(main) {
  crumbs(['Experiments']);
  document.title = 'Experiments · Tunelab';
  const byId = new Map();
  const filter = {text: '', state: '', tag: '', archived: false};
  let loaded = false;

  const nameInput = h('input', {type: 'search', id: 'filter-name', placeholder: 'Filter by name', 'aria-label': 'Filter experiments by name', autocomplete: 'off'});
  const stateSelect = h('select', {id: 'filter-state', 'aria-label': 'Filter experiments by state'},
      h('option', {value: ''}, 'All states'), STATES.map((s) => h('option', {value: s}, s.toLowerCase())));
  const tagSelect = h('select', {id: 'filter-tag', 'aria-label': 'Filter experiments by tag'}, h('option', {value: ''}, 'All tags'));
  const archivedBox = h('input', {type: 'checkbox', id: 'show-archived'});
  const archivedLabel = h('label', {for: 'show-archived', class: 'small'}, archivedBox, ' Show archived');
  const count = h('span', {class: 'muted', role: 'status'});
  const body = h('div', {id: 'experiments'}, h('p', {class: 'muted'}, 'Loading experiments…'));

  fill(main,
      h('div', {class: 'page-head'},
          h('h1', {}, 'Experiments'),
          h('div', {class: 'filters'}, nameInput, stateSelect, tagSelect, archivedLabel, count)),
      body);

  const render = () => {
    if (!loaded) return;
    const text = filter.text.toLowerCase();
    syncTags();
    const shown = [...byId.values()].filter((e) =>
        (!text || String(e.name).toLowerCase().includes(text)) && (!filter.state || e.state === filter.state)
        && (!filter.tag || labels(e).tags.includes(filter.tag)) && (filter.archived || !labels(e).archived));
    count.textContent = `${shown.length} of ${byId.size}`;
    if (byId.size === 0) {
      fill(body, h('section', {class: 'card empty'},
          h('h2', {}, 'No experiments yet'),
          h('p', {}, 'Launch one with the SDK (', h('code', {}, 'client.launch(spec)'), ') or the CLI (',
              h('code', {}, 'tunelab sweep run spec.yaml'), '); it appears here as soon as it starts.')));
      return;
    }
    if (shown.length === 0) {
      fill(body, h('p', {class: 'muted'}, 'No experiment matches the filter.'));
      return;
    }
    // Live updates rebuild the list: keep the keyboard focus on the same experiment's link.
    const row = body.contains(document.activeElement) && document.activeElement.closest('tr[data-experiment]');
    const cell = row && [...(document.activeElement.closest('td')?.classList || [])].map((c) => CSS.escape(c)).join('.');
    fill(body, groups(shown).map(groupSection));
    if (row) {
      body.querySelector(`tr[data-experiment="${CSS.escape(row.dataset.experiment)}"] ${cell ? `td.${cell} ` : ''}a`)
          ?.focus({preventScroll: true});
    }
  };
  const rerender = throttle(render, 250);

  // The tag filter offers every tag some experiment carries, keeping the chosen one.
  const syncTags = () => {
    const tags = [...new Set([...byId.values()].flatMap((e) => labels(e).tags))].sort();
    const known = [...tagSelect.options].slice(1).map((o) => o.value);
    if (tags.join('\u0000') === known.join('\u0000')) return;
    fill(tagSelect, h('option', {value: ''}, 'All tags'), tags.map((t) => h('option', {value: t}, t)));
    tagSelect.value = tags.includes(filter.tag) ? filter.tag : '';
    filter.tag = tagSelect.value;
  };
  tagSelect.addEventListener('change', () => {
    filter.tag = tagSelect.value;
    render();
  });
  archivedBox.addEventListener('change', () => {
    filter.archived = archivedBox.checked;
    render();
  });

  nameInput.addEventListener('input', () => {
    filter.text = nameInput.value;
    render();
  });
  stateSelect.addEventListener('change', () => {
    filter.state = stateSelect.value;
    render();
  });

  const load = async () => {
    try {
      const list = await api.experiments();
      byId.clear();
      for (const e of list) byId.set(e.id, e);
      loaded = true;
      render();
    } catch (e) {
      fill(body, errorBox(e));
    }
  };
  const reload = throttle(load, 1000);
  load();

  const offs = [
    on('experiment', (summary) => {
      byId.set(summary.id, summary);
      rerender();
    }),
    // A trial of an experiment we do not know yet means a new experiment: fetch the list.
    on('trial', (trial) => {
      if (loaded && !byId.has(trial.experimentId)) reload();
    }),
    on('experiment-deleted', (gone) => {
      byId.delete(gone.id);
      rerender();
    }),
    on('open', () => reload()),
  ];
  return () => {
    offs.forEach((off) => off());
    rerender.cancel();
    reload.cancel();
  };
}

/** An experiment's tags and archived flag (older servers send none). */
function labels(e) {
  const l = e.labels || {};
  return {tags: Array.isArray(l.tags) ? l.tags : [], archived: Boolean(l.archived)};
}

/** Experiments grouped by primary objective (metric and direction), each group ranked best first. */
export function groups(experiments) {
  const map = new Map();
  for (const e of experiments) {
    const o = (e.objectives && e.objectives[0]) || {metric: '(no objective)', direction: 'MINIMIZE'};
    const key = `${o.direction}\u0000${o.metric}`;
    if (!map.has(key)) map.set(key, {objective: o, experiments: []});
    map.get(key).experiments.push(e);
  }
  const result = [...map.values()];
  for (const g of result) {
    const sign = String(g.objective.direction).toUpperCase() === 'MAXIMIZE' ? -1 : 1;
    const best = (e) => (e.best && typeof e.best[g.objective.metric] === 'number' ? e.best[g.objective.metric] : null);
    g.experiments.sort((a, b) => {
      const x = best(a);
      const y = best(b);
      if (x === null && y === null) return String(b.updated).localeCompare(String(a.updated));
      if (x === null) return 1;
      if (y === null) return -1;
      return sign * (x - y) || String(a.name).localeCompare(String(b.name));
    });
  }
  // Larger groups first, then by metric name, so the page reads the same on every load.
  result.sort((a, b) => b.experiments.length - a.experiments.length
      || String(a.objective.metric).localeCompare(String(b.objective.metric)));
  return result;
}

function direction(objective) {
  return String(objective.direction).toUpperCase() === 'MAXIMIZE' ? 'maximize' : 'minimize';
}

function groupSection(group) {
  const {objective} = group;
  const dir = direction(objective);
  return h('section', {class: 'card group', 'aria-label': `Experiments by ${objective.metric}`, dataset: {metric: objective.metric}},
      h('h2', {},
          'Ranked by ', h('span', {class: 'metric'}, objective.metric), ' ',
          h('span', {class: 'dir'}, dir === 'maximize' ? '↑ higher is better' : '↓ lower is better')),
      h('div', {class: 'table-wrap'},
          h('table', {class: 'experiments'},
              h('thead', {}, h('tr', {},
                  h('th', {scope: 'col', class: 'num'}, 'Rank'),
                  h('th', {scope: 'col'}, 'Experiment'),
                  h('th', {scope: 'col'}, 'State'),
                  h('th', {scope: 'col', class: 'num'}, `Best ${objective.metric}`),
                  h('th', {scope: 'col'}, 'Progress'),
                  h('th', {scope: 'col', class: 'optional'}, 'Strategy'),
                  h('th', {scope: 'col', class: 'optional'}, 'Started'),
                  h('th', {scope: 'col', class: 'optional'}, 'Updated'))),
              h('tbody', {}, group.experiments.map((e, i) => row(e, i + 1, objective))))));
}

function row(e, rank, objective) {
  const best = e.best ? e.best[objective.metric] : null;
  const others = (e.objectives || []).slice(1);
  return h('tr', {dataset: {experiment: String(e.id)}},
      h('td', {class: 'num rank'}, best === null || best === undefined ? '—' : String(rank)),
      h('td', {class: 'name'},
          h('a', {href: experimentHref(e.name)}, e.name),
          others.length ? h('div', {class: 'muted small'},
              `also ${others.map((o) => `${o.metric} ${direction(o) === 'maximize' ? '↑' : '↓'}`).join(', ')}`) : null,
          e.stopReason ? h('div', {class: 'muted small'}, e.stopReason) : null,
          labels(e).tags.length || labels(e).archived ? h('ul', {class: 'tags small'},
              labels(e).archived ? h('li', {class: 'tag archived'}, 'archived') : null,
              labels(e).tags.map((t) => h('li', {class: 'tag'}, t))) : null),
      h('td', {}, badge(e.state)),
      h('td', {class: 'num best'}, e.bestTrial && best !== null && best !== undefined
        ? h('a', {href: trialHref(e.bestTrial), title: 'Open the best trial'}, num(best)) : num(best),
          others.length && e.best ? h('div', {class: 'muted small'},
              others.map((o) => `${o.metric} ${num(e.best[o.metric])}`).join(' · ')) : null),
      h('td', {}, progress(e)),
      h('td', {class: 'optional'}, e.strategy || '—'),
      h('td', {class: 'optional'}, time(e.created)),
      h('td', {class: 'optional'}, time(e.updated)));
}

/**
 * Finished trials against the trial budget, with what runs now. Imported trials (a warm start, a
 * CSV import) are finished but outside the budget: shown beside it, not counted in it.
 */
export function progress(e) {
  const trials = e.trials || {};
  const imported = e.imported || 0;
  const finished = FINISHED.reduce((sum, s) => sum + (trials[s] || 0), 0) - imported;
  const running = trials.RUNNING || 0;
  const waiting = trials.WAITING || 0;
  const budget = e.budget && e.budget.trials;
  const pct = budget ? Math.min(100, (100 * finished) / budget) : null;
  const label = `${num(finished)}${budget ? ` / ${num(budget)}` : ''} trials`;
  return h('div', {class: 'progress'},
      h('div', {class: 'progress-text'}, label,
          imported ? h('span', {class: 'muted imported'}, ` · ${num(imported)} imported`) : null,
          running ? h('span', {class: 'running'}, ` · ${num(running)} running`) : null,
          waiting ? h('span', {class: 'muted'}, ` · ${num(waiting)} waiting`) : null),
      pct === null ? null : h('div', {class: 'bar', role: 'progressbar', 'aria-label': 'Trials finished of the budget',
            'aria-valuemin': '0', 'aria-valuemax': String(budget), 'aria-valuenow': String(finished)},
          h('div', {class: 'fill', style: `width:${pct.toFixed(1)}%`})));
}
