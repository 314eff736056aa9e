-- Experiments are loaded on demand and evicted when idle. The coordinator keeps every experiment
-- with a leased trial in memory (its reaper must see the lease expire); at start it finds them here.
CREATE INDEX trial_lease ON trial (lease_expires);
