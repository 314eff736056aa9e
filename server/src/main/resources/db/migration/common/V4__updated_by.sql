-- Which token last paused, resumed or stopped each experiment.
ALTER TABLE experiment ADD COLUMN updated_by VARCHAR(200);
