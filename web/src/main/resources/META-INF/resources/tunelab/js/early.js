// The page's first reads, started as the document loads: the session, and on an experiment's
// page the experiment and its leaderboard's first page; once the experiment arrives, if it
// maximizes, that page best first, which the leaderboard shows instead. The modules that use them
// arrive a few hundred milliseconds later (the whole graph is fetched, parsed and run first);
// api.js takes each response once, for the first request of the same path (see takeEarly), so the
// page no longer waits for its modules before it asks. A classic script, not a module, so that it
// runs at once.
(() => {
  const reads = new Map();
  const headers = {Accept: 'application/json'};
  const read = (path) => {
    const response = fetch(path, {headers});
    // Not taken (a login link, a page that asks otherwise): no unhandled rejection.
    response.catch(() => {});
    reads.set(path, response);
    return response;
  };
  // As leaderboard.js and spec.js (primaryOf, isMax) tell the direction: the first objective's.
  const maximizes = (exp) => {
    const objectives = (exp.summary && exp.summary.objectives) || (exp.spec && exp.spec.objectives) || [];
    return objectives.length > 0 && String(objectives[0].direction).toUpperCase() === 'MAXIMIZE';
  };
  const hash = location.hash;
  if (/^#(token|code)=/.test(hash)) return;
  window.tunelabEarlyReads = reads;
  read('/api/session');
  const m = hash.match(/^#\/experiments\/([^/]+)$/);
  if (m) {
    let ref;
    try {
      ref = encodeURIComponent(decodeURIComponent(m[1]));
    } catch (e) {
      return;
    }
    const experiment = read(`/api/experiments/${ref}`);
    // The leaderboard's first page as it asks for it before the experiment arrives (leaderboard.js, prefetch).
    const first = `/api/experiments/${ref}/trials?offset=0&limit=50&sort=value&order=`;
    read(first + 'asc');
    // The same page best first for an experiment that maximizes, asked as soon as the experiment is
    // here rather than once the modules have shown it; null for one that minimizes (leaderboard.js
    // takes it as the page starts, see prefetch). The clone is made before api.js reads the body:
    // this reaction was registered first.
    const best = experiment
        .then((r) => (r.ok ? r.clone().json() : null))
        .then((exp) => (exp && maximizes(exp) ? fetch(first + 'desc', {headers}) : null))
        .catch(() => null);
    reads.set(first + 'desc', best);
  }
})();
