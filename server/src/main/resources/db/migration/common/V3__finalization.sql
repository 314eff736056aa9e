-- The refit of an experiment's winner and its held-out test score, with the lease of the
-- worker that runs it: one JSON document per experiment, replaced as it changes.
ALTER TABLE experiment ADD COLUMN finalization ${text};
