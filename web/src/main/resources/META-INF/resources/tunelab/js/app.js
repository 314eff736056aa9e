// The router: #/ lists experiments, #/experiments/{name} shows one, #/trials/{id} one trial.
// Each page renders into <main> and returns a function that releases what it holds
// (event subscriptions, charts, timers) when the user navigates away.

import {h, fill, relative, errorBox} from './dom.js';
import {api, forgetEarlyReads} from './api.js';
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

async function start() {
  try {
    await enter();
  } finally {
    // The first page has made its first requests (synchronously, as it renders), or the login form
    // shows: no later request may take an early read.
    forgetEarlyReads();
  }
}

// A login link (#token=… or #code=…, as `tunelab server` prints) logs in once and leaves the address bar.
async function enter() {
  const main = document.getElementById('app');
  const link = location.hash.match(/^#(token|code)=(.+)$/);
  try {
    if (link) {
      history.replaceState(null, '', location.pathname + '#/');
      await api.login({[link[1]]: decodeURIComponent(link[2])});
    } else if (!(await api.session())) {
      loginForm(main);
      return;
    }
  } catch (e) {
    loginForm(main, e.message);
    return;
  }
  window.addEventListener('hashchange', route);
  connect();
  route();
}

function loginForm(main, problem) {
  const input = h('input', {type: 'password', id: 'token', autocomplete: 'off', spellcheck: 'false', required: true,
    'aria-describedby': 'token-help'});
  const form = h('form', {class: 'card login', onsubmit: async (event) => {
    event.preventDefault();
    try {
      await api.login({token: input.value.trim()});
      location.reload();
    } catch (e) {
      loginForm(main, e.message);
    }
  }},
  h('h1', {}, 'Log in'),
  problem ? errorBox(problem) : null,
  h('label', {for: 'token'}, 'Token'), ' ', input, ' ', h('button', {type: 'submit', class: 'primary'}, 'Log in'),
  h('p', {id: 'token-help', class: 'muted small'}, 'Paste a token (tl_…): the admin token is in the data directory\'s ',
      h('code', {}, 'admin.token'), '; an admin makes others with ', h('code', {}, 'tunelab token create'), '.'));
  fill(main, form);
  input.focus();
}

start();
