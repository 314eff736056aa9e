// The experiment page: what it is and how far it got, the controls, the queue, the trial
// leaderboard and the charts, all kept live by the events.

import {h, fill, num, time, badge, throttle, trialHref, crumbs, errorBox, fact} from './dom.js';
import {api, canWrite, who} from './api.js';
import {on} from './events.js';
import {progress} from './experiments-page.js';
import {leaderboard} from './leaderboard.js';
import {winnerCard} from './winner-card.js';
import {chartsSection} from './experiment-charts.js';
import {importanceCard} from './importance-chart.js';
import {queueCard} from './queue-card.js';

export function experimentPage(main, ref) {
  crumbs(['Experiments', '#/'], [ref]);
  document.title = `${ref} · Tunelab`;
  const disposers = [];
  let experiment = null;
  let closed = false;
  let chartsStarted = false;

  const head = h('section', {class: 'exp-head', 'aria-label': 'Experiment'}, h('h1', {}, ref), h('p', {class: 'muted'}, 'Loading…'));
  const controls = h('section', {class: 'controls card', 'aria-label': 'Controls'});
  const winnerSection = h('section', {class: 'card winner', id: 'winner', 'aria-labelledby': 'winner-title'});
  const queueSection = h('section', {class: 'card', id: 'queue', 'aria-labelledby': 'queue-title'});
  const board = h('section', {class: 'card', id: 'leaderboard', 'aria-labelledby': 'leaderboard-title'});
  const importanceSection = h('section', {class: 'card', id: 'importance', 'aria-labelledby': 'importance-title'});
  const charts = h('div', {class: 'charts', id: 'charts'});
  fill(main, head, controls, winnerSection, queueSection, board, importanceSection, charts);
  const winner = winnerCard(winnerSection, ref);
  const queue = queueCard(queueSection, ref);

  const table = leaderboard(board, ref);
  disposers.push(table.dispose);

  const chartSet = chartsSection(charts, ref);
  disposers.push(chartSet.dispose);

  const importance = importanceCard(importanceSection, ref);
  disposers.push(importance.dispose);

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
        s.labels && s.labels.notes ? h('p', {class: 'note', id: 'experiment-notes'}, s.labels.notes) : null,
        h('dl', {class: 'facts'},
            fact('Objective', objectives.map((o) => `${o.metric} ${String(o.direction).toUpperCase() === 'MAXIMIZE' ? '↑ maximize' : '↓ minimize'}`).join(', ')),
            fact('Best', objectives.map((o) => `${o.metric} ${num(best[o.metric])}`).join(' · '),
                s.bestTrial ? [' ', h('a', {href: trialHref(s.bestTrial), id: 'best-trial'}, 'best trial')] : null),
            fact('Progress', progress(s)),
            fact('Strategy', s.strategy || (exp.spec && exp.spec.strategy && exp.spec.strategy.name) || '—'),
            fact('Seed', exp.seed === undefined ? '—' : String(exp.seed)),
            fact('Created by', exp.createdBy || '—'),
            fact('State changed by', exp.updatedBy || '—'),
            fact('Tags', (s.labels && s.labels.tags && s.labels.tags.length) || (s.labels && s.labels.archived)
              ? h('ul', {class: 'tags', id: 'experiment-tags'}, s.labels.archived ? h('li', {class: 'tag archived'}, 'archived') : null,
                  (s.labels.tags || []).map((t) => h('li', {class: 'tag'}, t))) : '—'),
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
    if (!canWrite()) {
      // A read-only token sees no buttons it could not use.
      if (!controls.firstChild) {
        const me = who();
        fill(controls, h('p', {class: 'muted small', id: 'read-only'}, `Token ${me ? me.name : ''} can read only; `
            + 'pause, resume and stop need the write scope.'));
      }
      return;
    }
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
      table.prefetch();
      const exp = await api.experiment(ref);
      if (closed) return;
      showHead(exp);
      // The leaderboard first, alone: the charts' larger queries would compete with it for the server.
      await table.setExperiment(exp);
      winner.setExperiment(exp);
      queue.refresh();
      importance.setExperiment(exp);
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
    winner.refresh();
    queue.refresh();
    chartSet.refresh();
  }, 1000);
  disposers.push(refreshLive.cancel);
  disposers.push(on('experiment', (summary) => {
    if (experiment && summary.id === experiment.id) {
      showHead({...experiment, state: summary.state, summary});
      winner.refresh();
      importance.setExperiment(experiment);
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
