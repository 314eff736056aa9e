// The trial page: its params, every repetition and their statistics, the per-step curves,
// tags and notes, artifacts with download links, provenance, and the model when the worker
// uploaded one.

import {h, fill, num, paramText, time, badge, duration, secondsBetween, throttle, experimentHref, trialHref, crumbs, errorBox, fact} from './dom.js';
import {api} from './api.js';
import {on} from './events.js';
import {lines, seriesColor} from './charts.js';

export function trialPage(main, id) {
  crumbs(['Experiments', '#/'], [`Trial ${id}`]);
  document.title = `Trial ${id} · Tunelab`;
  let closed = false;
  let trial = null;
  let experiment = null;
  const charts = [];
  const content = h('div', {class: 'trial'}, h('p', {class: 'muted'}, 'Loading trial…'));
  fill(main, content);

  const destroyCharts = () => charts.splice(0).forEach((c) => c.destroy());

  const render = (hasModel, artifacts) => {
    const t = trial;
    const expName = experiment ? experiment.name : String(t.experimentId);
    const objectives = (experiment && experiment.summary && experiment.summary.objectives) || [];
    crumbs(['Experiments', '#/'], [expName, experimentHref(expName)], [`Trial #${t.number}`]);
    document.title = `Trial #${t.number} of ${expName} · Tunelab`;
    destroyCharts();

    // Objectives first, then the other metrics by name (the server's maps have no order).
    const metrics = [...new Set([...objectives.map((o) => o.metric),
      ...[...Object.keys(t.values || {}), ...Object.keys(t.statistics || {})].sort()])];
    const hasResult = Object.keys(t.values || {}).length + Object.keys(t.statistics || {}).length > 0;
    // With statistics for every metric, the mean is the value: one column says it.
    const showValue = metrics.some((m) => !(t.statistics || {})[m]);
    const reportMetrics = [...new Set((t.reports || []).flatMap((r) => Object.keys(r.values || {})))].sort();
    const curveCharts = reportMetrics.map((m) => {
      const steps = [];
      const values = [];
      for (const r of t.reports) {
        if (typeof r.values[m] === 'number') {
          steps.push(r.step);
          values.push(r.values[m]);
        }
      }
      const chart = lines({xLabel: 'step', yLabel: m, height: 220}, [{label: m, color: seriesColor(charts.length), steps, values}]);
      charts.push(chart);
      return h('figure', {class: 'slice'}, h('figcaption', {}, m), chart.el);
    });
    const repMetrics = [...new Set([...metrics, ...(t.repetitions || []).flatMap((r) => Object.keys(r.values || {}))])]
        .filter((m) => (t.repetitions || []).some((r) => (r.values || {})[m] !== undefined));

    fill(content,
        h('section', {class: 'exp-head'},
            h('div', {class: 'title-row'}, h('h1', {}, `Trial #${t.number}`), badge(t.state)),
            h('dl', {class: 'facts'},
                fact('Experiment', h('a', {href: experimentHref(expName)}, expName)),
                fact('Id', String(t.id)),
                fact('Worker', t.worker || '—'),
                fact('Told by', t.toldBy || '—'),
                t.feasibility ? fact('Constraints', feasibilityText(t.feasibility)) : null,
                fact('Created', time(t.created)),
                fact('Started', time(t.started)),
                fact('Finished', time(t.finished)),
                fact('Duration', duration(secondsBetween(t.started, t.finished))),
                fact('Model', hasModel ? h('a', {href: api.modelHref(t.id), download: `trial-${t.id}-model`, id: 'model-link'}, 'Download the model') : 'none')),
            t.error ? h('pre', {class: 'error', role: 'alert'}, t.error) : null),
        h('div', {class: 'two-col'},
            h('section', {class: 'card', 'aria-labelledby': 'params-title'},
                h('h2', {id: 'params-title'}, 'Params'),
                Object.keys(t.params || {}).length
                  ? h('dl', {class: 'kv'}, Object.entries(t.params).map(([k, v]) => [h('dt', {}, k), h('dd', {}, paramText(v))]))
                  : h('p', {class: 'muted'}, 'No params.')),
            h('section', {class: 'card', 'aria-labelledby': 'results-title'},
                h('h2', {id: 'results-title'}, 'Results'),
                hasResult ? h('div', {class: 'table-wrap'}, h('table', {class: 'stats'},
                    h('thead', {}, h('tr', {},
                        h('th', {scope: 'col'}, 'Metric'), showValue ? h('th', {scope: 'col', class: 'num'}, 'Value') : null,
                        h('th', {scope: 'col', class: 'num'}, 'n'), h('th', {scope: 'col', class: 'num'}, 'Mean'),
                        h('th', {scope: 'col', class: 'num'}, 'Std'), h('th', {scope: 'col', class: 'num'}, '95% CI'))),
                    h('tbody', {}, metrics.map((m) => {
                      const s = (t.statistics || {})[m];
                      const objective = objectives.find((o) => o.metric === m);
                      return h('tr', {},
                          h('th', {scope: 'row'}, m, objective ? h('span', {class: 'muted'}, String(objective.direction).toUpperCase() === 'MAXIMIZE' ? ' ↑' : ' ↓') : null),
                          showValue ? h('td', {class: 'num'}, num((t.values || {})[m] ?? null)) : null,
                          h('td', {class: 'num'}, s ? String(s.n) : '—'),
                          h('td', {class: 'num'}, s ? num(s.mean) : '—'),
                          h('td', {class: 'num'}, s ? num(s.std) : '—'),
                          h('td', {class: 'num'}, s ? `[${num(s.ciLow)}, ${num(s.ciHigh)}]` : '—'));
                    })))) : h('p', {class: 'muted'}, t.state === 'RUNNING' || t.state === 'WAITING' ? 'No result yet.' : 'No values.'))),
        (t.repetitions || []).length ? h('section', {class: 'card', 'aria-labelledby': 'reps-title'},
            h('h2', {id: 'reps-title'}, `Repetitions (${t.repetitions.length})`),
            h('div', {class: 'table-wrap'}, h('table', {class: 'stats'},
                h('thead', {}, h('tr', {}, h('th', {scope: 'col', class: 'num'}, 'Index'), h('th', {scope: 'col', class: 'num'}, 'Seed'),
                    repMetrics.map((m) => h('th', {scope: 'col', class: 'num'}, m)))),
                h('tbody', {}, t.repetitions.map((r, i) => h('tr', {},
                    h('td', {class: 'num'}, String(r.index ?? i)),
                    h('td', {class: 'num'}, r.seed === undefined || r.seed === null ? '—' : String(r.seed)),
                    repMetrics.map((m) => h('td', {class: 'num'}, num((r.values || {})[m] ?? null))))))))) : null,
        h('section', {class: 'card', 'aria-labelledby': 'curves-title'},
            h('h2', {id: 'curves-title'}, 'Intermediate values'),
            curveCharts.length ? h('div', {class: 'slices'}, curveCharts) : h('p', {class: 'muted'}, 'This trial reported no intermediate values.')),
        lineageCard(t.provenance || {}),
        labelsCard(t.provenance || {}),
        artifactsCard(t.id, artifacts),
        Object.keys(provenanceOnly(t.provenance)).length ? h('section', {class: 'card', 'aria-labelledby': 'prov-title'},
            h('h2', {id: 'prov-title'}, 'Provenance'),
            keyValues(provenanceOnly(t.provenance))) : null);
  };

  const load = async () => {
    try {
      trial = await api.trial(id);
      if (!experiment || experiment.id !== trial.experimentId) {
        experiment = await api.experiment(String(trial.experimentId)).catch(() => null);
      }
      const hasModel = trial.state === 'COMPLETE' ? await api.hasModel(trial.id) : false;
      const artifacts = await api.artifacts(trial.id).catch(() => []);
      if (!closed) render(hasModel, artifacts);
    } catch (e) {
      if (!closed) fill(content, errorBox(e));
    }
  };
  const reload = throttle(load, 1000);
  load();

  const off = on('trial', (t) => {
    if (String(t.id) === String(id)) reload();
  });
  // Reports arrive as trial events, but a slow reader's stream may drop some: while the
  // trial runs, poll for its curves as well.
  const poll = setInterval(() => {
    if (trial && (trial.state === 'RUNNING' || trial.state === 'WAITING') && !document.hidden) reload();
  }, 3000);
  return () => {
    closed = true;
    off();
    clearInterval(poll);
    reload.cancel();
    destroyCharts();
  };
}

/** Whether a finished trial of an experiment with constraints met them: its note says by how much it did not. */
function feasibilityText(f) {
  return f.feasible
    ? h('span', {id: 'trial-feasibility', class: 'feasible'}, 'met')
    : h('span', {id: 'trial-feasibility', class: 'infeasible', title: f.note || ''}, `⚠ violated (violation ${num(f.violation)}): ${f.note || ''}`);
}

/** The provenance without the tags and notes the trial's code added, which have their own card. */
function provenanceOnly(provenance) {
  const {tags, notes, ...rest} = provenance || {};
  return rest;
}

/**
 * A population-based training member's lineage (provenance pbt): the trial it continued from,
 * its generation and epochs, and the hyperparameter schedule its lineage ran, one row a generation.
 */
function lineageCard(provenance) {
  const pbt = provenance.pbt;
  if (!pbt || typeof pbt !== 'object') return null;
  const schedule = Array.isArray(pbt.schedule) ? pbt.schedule : [];
  const names = [...new Set(schedule.flatMap((s) => Object.keys(s.params || {})))];
  return h('section', {class: 'card', 'aria-labelledby': 'lineage-title', id: 'trial-lineage'},
      h('h2', {id: 'lineage-title'}, 'Lineage'),
      h('dl', {class: 'kv'},
          h('dt', {}, 'Continued from'),
          h('dd', {}, pbt.parent == null ? 'nothing: trained afresh'
            : h('a', {href: trialHref(pbt.parent), id: 'lineage-parent'}, `trial ${pbt.parent}`)),
          h('dt', {}, 'Generation'), h('dd', {}, String(pbt.generation)),
          h('dt', {}, 'Epochs'), h('dd', {}, `${pbt.start_epoch} → ${pbt.start_epoch + (pbt.epochs_run ?? 0)}`)),
      schedule.length ? h('div', {class: 'table-wrap'}, h('table', {class: 'stats', id: 'lineage-schedule'},
          h('caption', {}, 'The schedule its lineage ran'),
          h('thead', {}, h('tr', {}, h('th', {scope: 'col', class: 'num'}, 'Generation'), h('th', {scope: 'col'}, 'Epochs'),
              names.map((n) => h('th', {scope: 'col', class: 'num'}, n)))),
          h('tbody', {}, schedule.map((s) => h('tr', {},
              h('td', {class: 'num'}, String(s.generation)),
              h('td', {}, `${s.from_epoch} → ${s.to_epoch}`),
              names.map((n) => h('td', {class: 'num'}, paramText((s.params || {})[n] ?? '—')))))))) : null);
}

/** The tags (key: value) and notes the trial's code recorded, or nothing when it recorded none. */
function labelsCard(provenance) {
  const tags = provenance.tags && typeof provenance.tags === 'object' ? Object.entries(provenance.tags) : [];
  const notes = Array.isArray(provenance.notes) ? provenance.notes : [];
  if (!tags.length && !notes.length) return null;
  return h('section', {class: 'card', 'aria-labelledby': 'labels-title', id: 'trial-labels'},
      h('h2', {id: 'labels-title'}, 'Tags and notes'),
      tags.length ? h('ul', {class: 'tags'}, tags.map(([k, v]) => h('li', {class: 'tag'}, `${k}: ${paramText(v)}`))) : null,
      notes.map((n) => h('p', {class: 'note'}, String(n))));
}

/** The trial's artifacts with their sizes and digests, each a download link. */
function artifactsCard(id, artifacts) {
  return h('section', {class: 'card', 'aria-labelledby': 'artifacts-title', id: 'trial-artifacts'},
      h('h2', {id: 'artifacts-title'}, `Artifacts (${artifacts.length})`),
      artifacts.length ? h('div', {class: 'table-wrap'}, h('table', {class: 'stats'},
          h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Name'), h('th', {scope: 'col', class: 'num'}, 'Bytes'),
              h('th', {scope: 'col'}, 'SHA-256'), h('th', {scope: 'col'}, 'Stored'), h('th', {scope: 'col'}, 'By'))),
          h('tbody', {}, artifacts.map((a) => h('tr', {},
              h('td', {}, h('a', {href: api.artifactHref(id, a.name), download: a.name}, a.name)),
              h('td', {class: 'num'}, num(a.size)),
              h('td', {}, h('code', {title: a.sha256}, String(a.sha256).slice(0, 12))),
              h('td', {}, time(a.created)),
              h('td', {}, a.createdBy || '—'))))))
        : h('p', {class: 'muted'}, 'No artifacts. Attach files with trial.artifact(name, file) in the SDK, or PUT /api/trials/{id}/artifacts/{name}.'));
}

/** Provenance as a definition list: nested objects as nested lists, lists of values joined. */
function keyValues(object, depth = 0) {
  return h('dl', {class: 'kv'}, Object.entries(object).sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [h('dt', {}, k), h('dd', {}, value(v, depth))]));
}

function value(v, depth) {
  if (v === null || v === undefined) return '—';
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return v.map(paramText).join(', ');
  if (typeof v === 'object') return depth < 2 && !Array.isArray(v) ? keyValues(v, depth + 1) : h('code', {}, JSON.stringify(v));
  return paramText(v);
}
