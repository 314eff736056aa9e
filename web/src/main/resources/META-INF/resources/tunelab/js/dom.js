// Building DOM from data. Every string a user or the server supplies becomes a text node:
// nothing here (or anywhere in the UI) assigns innerHTML, so an experiment named
// <img src=x onerror=alert(1)> shows as exactly those characters.

/**
 * h('a', {href: '#/', class: 'x', onclick: fn}, 'text', child, [more]) → element.
 * Attributes starting with "on" become listeners; null/undefined/false attributes and
 * children are skipped; strings and numbers become text nodes.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'style') {
      // Through the CSSOM: the Content-Security-Policy refuses style attributes.
      el.style.cssText = String(value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const significant = new Intl.NumberFormat('en', {maximumSignificantDigits: 4});
const integer = new Intl.NumberFormat('en', {maximumFractionDigits: 0});

/** A metric or param value, readable at a glance: 4 significant digits, integers grouped. */
export function num(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return integer.format(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e6)) return value.toExponential(3).replace(/\.?0+e/, 'e');
  return significant.format(value);
}

/** A param value as text: numbers formatted, everything else as the string it is. */
export function paramText(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return num(value);
  return String(value);
}

/** Seconds as "850 ms", "12.3 s", "4 min 05 s", "2 h 03 min". */
export function duration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Seconds between two ISO instants, or null. */
export function secondsBetween(start, end) {
  if (!start || !end) return null;
  return (Date.parse(end) - Date.parse(start)) / 1000;
}

/** An instant as a <time> element: relative text, the exact time on hover. */
export function time(iso) {
  if (!iso) return h('span', {class: 'muted'}, '—');
  const date = new Date(iso);
  return h('time', {datetime: iso, title: date.toLocaleString()}, relative(date));
}

export function relative(date) {
  const s = Math.round((Date.now() - date.getTime()) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return date.toLocaleDateString(undefined, {year: 'numeric', month: 'short', day: 'numeric'});
}

/** A state badge: the word itself is always shown, the colour only supports it. */
export function badge(state) {
  return h('span', {class: `badge state-${String(state).toLowerCase()}`}, String(state ?? '—'));
}

/** Calls fn at most once per `ms`, always with the latest call honoured at the end. */
export function throttle(fn, ms) {
  let timer = null;
  let pending = false;
  let last = -Infinity;
  const run = () => {
    timer = null;
    pending = false;
    last = performance.now();
    fn();
  };
  const throttled = () => {
    if (timer) {
      pending = true;
      return;
    }
    const wait = Math.max(0, last + ms - performance.now());
    timer = setTimeout(run, wait);
  };
  throttled.cancel = () => {
    clearTimeout(timer);
    timer = null;
  };
  return throttled;
}

/** The link to an experiment's page; names are URL-encoded so any name round-trips. */
export function experimentHref(nameOrId) {
  return `#/experiments/${encodeURIComponent(nameOrId)}`;
}

export function trialHref(id) {
  return `#/trials/${encodeURIComponent(id)}`;
}

/** Sets the breadcrumb trail after "Tunelab": crumbs(['Experiments', '#/'], ['name']). */
export function crumbs(...items) {
  const nav = document.getElementById('crumbs');
  fill(nav, items.map(([label, href], i) => [
    h('span', {class: 'sep', 'aria-hidden': 'true'}, '/'),
    href && i < items.length - 1 ? h('a', {href}, label) : h('span', {'aria-current': 'page'}, label),
  ]));
}

/** A message in an alert region, for errors the server explains. */
export function errorBox(error) {
  return h('p', {class: 'error', role: 'alert'}, error && error.message ? error.message : String(error));
}

/** One labelled fact in a <dl class="facts">. */
export function fact(label, ...value) {
  return h('div', {class: 'fact'}, h('dt', {}, label), h('dd', {}, value));
}
