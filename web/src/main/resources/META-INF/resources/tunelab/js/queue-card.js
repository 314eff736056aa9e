// The queue card of an experiment page: the configurations enqueued and not handed out yet
// (GET …/trials/queue), first out first, each with its number and params. Hidden while the
// queue is empty; the next ask or worker lease takes the first one.

import {h, fill, paramText, trialHref, time} from './dom.js';
import {api} from './api.js';

/** Draws the queue into the section on each refresh (the page's first load is one); returns {refresh}. */
export function queueCard(section, ref) {
  let seq = 0;
  section.hidden = true;

  const load = async () => {
    const mine = ++seq;
    let queued;
    try {
      queued = await api.queue(ref);
    } catch (e) {
      return; // The page's header shows why the experiment cannot be read.
    }
    if (mine !== seq) return;
    section.hidden = queued.length === 0;
    if (queued.length) draw(queued);
  };

  const draw = (queued) => fill(section,
      h('h2', {id: 'queue-title'}, `Queue (${queued.length})`),
      h('p', {class: 'muted small'}, 'Enqueued configurations, handed out before the strategy proposes, first in first out.'),
      h('ol', {class: 'queue', id: 'queue-list'}, queued.map((t) => h('li', {'data-number': String(t.number)},
          h('a', {href: trialHref(t.id)}, `#${t.number}`), ' ',
          Object.entries(t.params || {}).map(([k, v], i) => [i ? ', ' : '', h('code', {}, `${k}=${paramText(v)}`)]),
          h('span', {class: 'muted small'}, ' enqueued ', time(t.created))))));

  return {refresh: () => load()};
}
