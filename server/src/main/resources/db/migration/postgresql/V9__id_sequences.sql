-- Several coordinators hand out experiment and trial ids: each takes them from these sequences,
-- which start after the ids already stored.
CREATE SEQUENCE experiment_ids;
SELECT setval('experiment_ids', (SELECT COALESCE(MAX(id), 0) + 1 FROM experiment), false);
CREATE SEQUENCE trial_ids;
SELECT setval('trial_ids', (SELECT COALESCE(MAX(id), 0) + 1 FROM trial), false);
