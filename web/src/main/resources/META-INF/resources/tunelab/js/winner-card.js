// The winner card of an experiment page: the best trial of the significance-aware leaderboard,
// its configuration, its selection score (mean ± the corrected 95% CI over its repetitions),
// its score on the held-out test split once refit, the trials tied with it, and the refit model
// (the finalization's own; the trial's page keeps the model the search trained).

import {h, fill, num, paramText, trialHref} from './dom.js';
import {api} from './api.js';
import {primaryOf} from './spec.js';
import {intervalText} from './leaderboard.js';

/** Draws the winner into the section; returns {setExperiment, refresh}. */
export function winnerCard(section, ref) {
  let exp = null;
  let seq = 0;
  section.hidden = true;

  const load = async () => {
    if (!exp) return;
    const mine = ++seq;
    let trials;
    try {
      trials = await api.leaderboard(ref, 50);
    } catch (e) {
      return; // The leaderboard below shows the error.
    }
    if (mine !== seq) return;
    const best = trials.find((t) => t.rank && t.rank.group === 'best');
    section.hidden = !best;
    if (best) draw(best, trials.filter((t) => t.rank && t.rank.group === 'tied'));
  };

  const draw = (best, tied) => {
    const metric = primaryOf(exp).metric;
    const stats = best.statistics && best.statistics[metric];
    const final = best.finalization;
    const selection = stats && stats.n > 1
      ? [num(stats.mean), h('span', {class: 'ci'}, intervalText(stats)),
        h('span', {class: 'muted small'}, ` over ${stats.n} repetitions (95% CI [${num(stats.ciLow)}, ${num(stats.ciHigh)}])`)]
      : num(best.values ? best.values[metric] : null);
    const test = !final ? h('span', {class: 'muted'}, 'not finalized (no held-out test split)')
      : final.state === 'COMPLETE' ? h('strong', {id: 'winner-test'}, num(final.test[metric]))
        : final.state === 'FAILED' ? h('span', {class: 'error'}, `refit failed: ${final.error}`)
          : h('span', {class: 'muted'}, final.state === 'RUNNING' ? `refitting on ${final.worker}…` : 'waiting for a worker to refit it…');
    fill(section,
        h('h2', {id: 'winner-title'}, 'Winner ', h('a', {href: trialHref(best.id)}, `#${best.number}`)),
        h('dl', {class: 'kv'},
            h('dt', {}, `selection ${metric}`), h('dd', {id: 'winner-selection'}, selection),
            h('dt', {}, `test ${metric}`), h('dd', {}, test,
                final && final.state === 'COMPLETE' ? h('span', {class: 'muted small'},
                    ` refit on all non-test rows${final.epochs ? ` for ${final.epochs} epochs` : ''}, scored once`) : null),
            h('dt', {}, 'tied with it'), h('dd', {id: 'winner-tied'}, tied.length
              ? tied.map((t, i) => [i ? ', ' : '', h('a', {href: trialHref(t.id)}, `#${t.number}`)])
              : h('span', {class: 'muted'}, best.rank.sharedRepetitions > 1 ? 'none: every other trial is significantly worse' : 'too few repetitions to test')),
            Object.entries(best.params || {}).map(([k, v]) => [h('dt', {}, k), h('dd', {}, paramText(v))])),
        final && final.modelSha256
          ? h('p', {}, h('a', {href: api.finalizationModelHref(ref), id: 'winner-refit-model', download: ''}, 'Download the refit model'),
              h('span', {class: 'muted small'}, ` ${final.modelBytes} bytes, SHA-256 ${final.modelSha256} · `),
              h('a', {href: api.modelHref(best.id), id: 'winner-model', download: ''}, `the model the search trained for #${best.number}`))
          : null,
        h('p', {class: 'muted small'}, 'The selection score chose this trial among many, so it is optimistic; the test score is not.'));
  };

  return {
    setExperiment(e) {
      exp = e;
      return load();
    },
    refresh: () => load(),
  };
}
