-- An embedded database has one coordinator, which counts experiment and trial ids in memory; the
-- sequences PostgreSQL's coordinators share exist here too so that both schemas stay alike.
CREATE SEQUENCE experiment_ids;
CREATE SEQUENCE trial_ids;
