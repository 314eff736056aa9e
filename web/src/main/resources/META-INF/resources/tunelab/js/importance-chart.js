// Parameter importance on the experiment page: each param's share of an objective's variance
// over the complete trials (fANOVA), as horizontal bars, most important first.

import {h, fill, num, errorBox} from './dom.js';
import {api} from './api.js';

/** The importance card: a bar per param, an objective picker when there are several, the reason when there are no bars. */
export function importanceCard(section, ref) {
  let exp = null;
  let objective = 0;
  let closed = false;
  let lastFinished = -1;
  const note = h('p', {class: 'muted small chart-note', id: 'importance-note'});
  const body = h('div', {class: 'chart-body', id: 'importance-body'});
  const picker = h('select', {id: 'importance-objective', 'aria-label': 'Objective'});
  picker.addEventListener('change', () => {
    objective = Number(picker.value);
    load();
  });
  const pickerRow = h('label', {class: 'small', for: 'importance-objective', hidden: true}, 'Objective ', picker);
  fill(section, h('h2', {id: 'importance-title'}, 'Parameter importance'), pickerRow, note, body);

  const finishedOf = (e) => Object.entries((e.summary && e.summary.trials) || {})
      .filter(([state]) => state === 'COMPLETE' || state === 'PRUNED' || state === 'FAILED')
      .reduce((a, [, n]) => a + n, 0);

  const render = (p) => {
    const left = p.skipped || {};
    const leftOut = (left.PRUNED || 0) + (left.FAILED || 0);
    note.textContent = `Share of the variance of ${p.metric} over ${num(p.trials)} complete trials that each param explains on its own`
        + ` (fANOVA${leftOut ? `; ${num(left.PRUNED || 0)} pruned and ${num(left.FAILED || 0)} failed trials left out` : ''}).`
        + ' Within the region the search explored; not a cause.';
    const notAssessed = (p.notAssessed || []).length
      ? h('p', {class: 'muted small', id: 'importance-not-assessed'},
          `Not assessed (conditional, not set in every complete trial): ${p.notAssessed.join(', ')}.`)
      : null;
    if (!p.params || !p.params.length) {
      fill(body, h('p', {class: 'muted empty-chart', id: 'importance-reason'}, p.reason || 'No importances.'), notAssessed);
      return;
    }
    const rows = p.params.map((s) => h('tr', {class: 'importance-row'},
        h('th', {scope: 'row', class: 'param'}, s.param),
        h('td', {class: 'importance-bar-cell'},
            h('div', {class: 'importance-bar', role: 'presentation'},
                h('div', {class: 'fill', style: `width: ${Math.max(0, Math.min(100, s.importance * 100)).toFixed(1)}%`}))),
        h('td', {class: 'num'}, s.importance.toFixed(3))));
    fill(body, h('div', {class: 'table-wrap'}, h('table', {class: 'importance', id: 'importance-table'},
        h('caption', {class: 'visually-hidden'}, `Importance of each param for ${p.metric}`),
        h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Param'), h('th', {scope: 'col'}, 'Share of variance'),
            h('th', {scope: 'col', class: 'num'}, 'Importance'))),
        h('tbody', {}, rows))), notAssessed);
  };

  const load = async () => {
    if (!exp) return;
    try {
      const p = await api.importance(ref, objective);
      if (!closed) render(p);
    } catch (e) {
      if (!closed) fill(body, errorBox(e));
    }
  };

  return {
    /** Shows the experiment's importances; asks again only when a trial has finished since. */
    setExperiment: (e) => {
      const objectives = (e.spec && e.spec.objectives) || [];
      if (!exp || objectives.length !== picker.options.length) {
        fill(picker, objectives.map((o, i) => h('option', {value: String(i)}, o.metric)));
        picker.value = String(objective);
        pickerRow.hidden = objectives.length < 2;
      }
      exp = e;
      const finished = finishedOf(e);
      if (finished !== lastFinished) {
        lastFinished = finished;
        load();
      }
    },
    dispose: () => {
      closed = true;
    },
  };
}
