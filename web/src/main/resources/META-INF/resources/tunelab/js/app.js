// The router: #/ lists experiments, #/experiments/{name} shows one, #/trials/{id} one trial.
// Each page renders into <main> and returns a function that releases what it holds
// (event subscriptions, charts, timers) when the user navigates away.

import {h, fill, relative} from './dom.js';
import {connect} from './events.js';
import {experimentsPage} from './experiments-page.js';
import {experimentPage} from './experiment-page.js';
import {trialPage} from './trial-page.js';

const routes = [
  [/^#?\/?$/, () => experimentsPage],
  [/^#\/experiments\/([^/]+)$/, (m) => (el) => experimentPage(el, decodeURIComponent(m[1]))],
  [/^#\/trials\/([^/]+)$/, (m) => (el) => trialPage(el, decodeURIComponent(m[1]))],
];

let dispose = null;

function route(event) {
  const hash = location.hash;
  // In-page anchors (the skip link) are not routes.
  if (hash && !hash.startsWith('#/')) return;
  const main = document.getElementById('app');
  if (dispose) {
    dispose();
    dispose = null;
  }
  fill(document.getElementById('crumbs'));
  for (const [pattern, page] of routes) {
    const m = hash.match(pattern);
    if (m) {
      fill(main);
      dispose = page(m)(main) || null;
      if (event) {
        // A new page starts at its top, and a screen reader starts reading it there.
        window.scrollTo(0, 0);
        main.focus({preventScroll: true});
      }
      return;
    }
  }
  fill(main, h('section', {class: 'card'},
      h('h1', {}, 'Page not found'),
      h('p', {}, 'Nothing lives at ', h('code', {}, hash), '. ', h('a', {href: '#/'}, 'Back to the experiments'))));
}

// "2 min ago" must not stay "just now": refresh every relative time on the page twice a minute.
setInterval(() => {
  for (const t of document.querySelectorAll('time[datetime]')) t.textContent = relative(new Date(t.getAttribute('datetime')));
}, 30000);

window.addEventListener('hashchange', route);
connect();
route();
