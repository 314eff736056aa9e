-- The catalog's summaries now count an experiment's imported trials (a warm start, a CSV import),
-- which are among its trials but outside budget.trials: the stored ones, made without that count,
-- are dropped and made again from the trials.
DELETE FROM experiment_summary;
