// The page's first reads, started as the document loads: the session, and on an experiment's
// page the experiment and its leaderboard's first page. The modules that use them arrive a few
// hundred milliseconds later (the whole graph is fetched, parsed and run first); api.js takes each
// response once, for the first request of the same path (see takeEarly), so the page no longer
// waits for its modules before it asks. A classic script, not a module, so that it runs at once.
(() => {
  const reads = new Map();
  const read = (path) => {
    const response = fetch(path, {headers: {Accept: 'application/json'}});
    // Not taken (a login link, a page that asks otherwise): no unhandled rejection.
    response.catch(() => {});
    reads.set(path, response);
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
    read(`/api/experiments/${ref}`);
    // The leaderboard's first page as it asks for it before the experiment arrives (leaderboard.js, prefetch).
    read(`/api/experiments/${ref}/trials?offset=0&limit=50&sort=value&order=asc`);
  }
})();
