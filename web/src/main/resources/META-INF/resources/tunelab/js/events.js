// One EventSource for the whole page: the server pushes `experiment` events (an
// ExperimentSummary), `trial` events (a Trial without its reports) and `experiment-deleted`
// events ({id, name}). Pages subscribe
// while they are shown and unsubscribe when they are left.

const listeners = {experiment: new Set(), trial: new Set(), 'experiment-deleted': new Set(), open: new Set()};
let source = null;
let opened = false;

function status(text, ok) {
  const el = document.getElementById('live');
  if (!el) return;
  el.textContent = text;
  el.classList.toggle('ok', ok);
}

export function connect() {
  if (source || typeof EventSource === 'undefined') return;
  source = new EventSource('/api/events');
  source.addEventListener('open', () => {
    status('live', true);
    // After a reconnect (not the first connection), events may have been missed: let pages reload what they show.
    if (opened) for (const fn of listeners.open) fn();
    opened = true;
  });
  source.addEventListener('error', () => {
    status(source.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting…', false);
  });
  for (const type of ['experiment', 'trial', 'experiment-deleted']) {
    source.addEventListener(type, (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      for (const fn of listeners[type]) fn(data);
    });
  }
}

/** Subscribes fn to events of a type ('experiment', 'trial', 'experiment-deleted', or 'open' for a reconnect); returns the unsubscribe. */
export function on(type, fn) {
  listeners[type].add(fn);
  return () => listeners[type].delete(fn);
}
