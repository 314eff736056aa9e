// The HTTP API, as the UI uses it. Errors come back as {code, message, details}; ApiError
// carries the message so pages can show it as it is.

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

// Who the browser is logged in as: {name, scopes, csrf}, set by session() or login().
let current = null;

/** Whether the logged-in token may change experiments (write or admin scope). */
export function canWrite() {
  return Boolean(current && current.scopes.some((s) => s === 'write' || s === 'admin'));
}

/** The logged-in token's name and scopes, or null. */
export function who() {
  return current;
}

async function request(method, path, body, earlyOnly = false) {
  const init = {method, headers: {Accept: 'application/json'}};
  // The session cookie goes with every request; a change must also echo the session's anti-CSRF value.
  if (method !== 'GET' && current && current.csrf) init.headers['X-Tunelab-CSRF'] = current.csrf;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  // Taken before the first await, so that the page's first requests find the reads started for them.
  const early = method === 'GET' ? takeEarly(path) : null;
  let response;
  try {
    // An early read may answer null: early.js did not ask after all (see early.js).
    response = early ? await early : null;
    if (!response) {
      if (earlyOnly) return null;
      response = await fetch(path, init);
    }
  } catch (e) {
    throw new ApiError(0, 'UNREACHABLE', 'The Tunelab server cannot be reached. Is it running?');
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text, exactIntegers);
    } catch (e) {
      data = null;
    }
  }
  if (!response.ok) {
    const message = data && data.message ? data.message : `${method} ${path} answered ${response.status}`;
    throw new ApiError(response.status, data && data.code, message, data && data.details);
  }
  return {data, headers: response.headers};
}

/**
 * The response of the read early.js started for this path, once; null when there is none. Only
 * the requests the page makes as it starts find one: {@link forgetEarlyReads} drops the rest, so
 * that a later visit never gets a stale answer.
 */
function takeEarly(path) {
  const reads = window.tunelabEarlyReads;
  const response = reads && reads.get(path);
  if (!response) return null;
  reads.delete(path);
  return response;
}

/** Drops the early reads no request took (called once the first page has asked for what it needs). */
export function forgetEarlyReads() {
  if (window.tunelabEarlyReads) window.tunelabEarlyReads.clear();
}

/**
 * Seeds and ids are 64-bit integers; a JavaScript number keeps only 53 bits, so a seed would
 * show rounded (and reproduce nothing). Integers beyond that keep their exact digits as text.
 */
function exactIntegers(key, value, context) {
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)
      && context && typeof context.source === 'string' && /^-?\d+$/.test(context.source)) {
    return context.source;
  }
  return value;
}

const enc = encodeURIComponent;

export const api = {
  /** The current session, or null when the browser is not logged in (401). */
  session: async () => {
    try {
      current = (await request('GET', '/api/session')).data;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
    return current;
  },
  /** Exchanges a token ({token}) or a one-time login code ({code}) for a session cookie. */
  login: async (credentials) => {
    current = (await request('POST', '/api/session', credentials)).data;
    return current;
  },

  experiments: async () => (await request('GET', '/api/experiments')).data,
  experiment: async (ref) => (await request('GET', `/api/experiments/${enc(ref)}`)).data,

  /**
   * One page of trials: {trials, total}. query = {offset, limit, sort, order, state}. With
   * earlyOnly, only the answer to a read early.js made for it, taken now, or null without a request.
   */
  trials: async (ref, query, earlyOnly = false) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v !== null && v !== undefined && v !== '') params.set(k, v);
    }
    const answer = await request('GET', `/api/experiments/${enc(ref)}/trials?${params}`, undefined, earlyOnly);
    if (!answer) return null;
    const {data, headers} = answer;
    const total = Number(headers.get('X-Total-Count'));
    return {trials: data, total: Number.isFinite(total) && headers.has('X-Total-Count') ? total : null};
  },
  /** The first trials of the significance-aware leaderboard, each with its rank (and the winner its finalization). */
  leaderboard: async (ref, limit = 20) => (await request('GET', `/api/experiments/${enc(ref)}/leaderboard?limit=${limit}`)).data,
  history: async (ref) => (await request('GET', `/api/experiments/${enc(ref)}/history`)).data,
  curves: async (ref, limit = 50) => (await request('GET', `/api/experiments/${enc(ref)}/curves?limit=${limit}`)).data,
  pareto: async (ref) => (await request('GET', `/api/experiments/${enc(ref)}/pareto`)).data,
  /** Each param's share of the objective's variance (0 is the first) over the complete trials (fANOVA). */
  importance: async (ref, objective = 0) => (await request('GET', `/api/experiments/${enc(ref)}/importance?objective=${objective}`)).data,

  /** The data-quality report, or null when the experiment has none (404). */
  dataReport: async (ref) => {
    try {
      return (await request('GET', `/api/experiments/${enc(ref)}/data-report`)).data;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  },
  /** The configurations enqueued and not handed out yet, first out first. */
  queue: async (ref) => (await request('GET', `/api/experiments/${enc(ref)}/trials/queue`)).data,
  trial: async (id) => (await request('GET', `/api/trials/${enc(id)}`)).data,

  /** Whether the trial has a model to download, read from the response headers only. */
  hasModel: async (id) => {
    const abort = new AbortController();
    try {
      const response = await fetch(`/api/trials/${enc(id)}/model`, {signal: abort.signal});
      return response.ok;
    } catch (e) {
      return false;
    } finally {
      abort.abort();
    }
  },
  modelHref: (id) => `/api/trials/${enc(id)}/model`,
  /** The refit model of the experiment's finalization (its size and SHA-256 are the finalization's modelBytes and modelSha256). */
  finalizationModelHref: (ref) => `/api/experiments/${enc(ref)}/finalization/model`,
  /** The trial's artifacts: [{name, size, sha256, created, createdBy}] in name order. */
  artifacts: async (id) => (await request('GET', `/api/trials/${enc(id)}/artifacts`)).data,
  artifactHref: (id, name) => `/api/trials/${enc(id)}/artifacts/${enc(name)}`,

  pause: async (ref) => (await request('POST', `/api/experiments/${enc(ref)}/pause`)).data,
  resume: async (ref, trials) => (await request('POST', `/api/experiments/${enc(ref)}/resume`,
      trials ? {budget: {trials}} : undefined)).data,
  stop: async (ref) => (await request('POST', `/api/experiments/${enc(ref)}/stop`)).data,
};
