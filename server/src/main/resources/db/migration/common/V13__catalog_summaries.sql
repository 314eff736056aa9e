-- The catalog's summary of each experiment (JSON), stored with the experiment's revision it shows,
-- so a start reads the catalog from here instead of from every trial. A summary is used only while
-- the experiment's revision still equals the one it was stored at: every step on PostgreSQL raises
-- the revision, and from this version on the embedded database's first write after an experiment
-- was loaded or its summary stored does, so a summary written before a change is never served.
CREATE TABLE experiment_summary (
    experiment_id   BIGINT PRIMARY KEY REFERENCES experiment(id) ON DELETE CASCADE,
    revision        BIGINT NOT NULL,
    summary         ${text} NOT NULL
);
