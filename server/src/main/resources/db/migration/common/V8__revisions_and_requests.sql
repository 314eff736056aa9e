-- Several coordinators on one database: every change of an experiment (its row, its trials, their
-- reports) raises the experiment's revision, and the trials it touched carry that revision, so a
-- coordinator catches up on what another wrote by reading the trials newer than what it has seen.
ALTER TABLE experiment ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE trial ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
CREATE INDEX trial_revision ON trial (experiment_id, revision);

-- Asks and tells that carry a request id: the answer given, stored in the same commit as the
-- change, so a retried request gets the same answer and is never applied twice.
CREATE TABLE request (
    id              VARCHAR(64) PRIMARY KEY,
    kind            VARCHAR(16) NOT NULL,
    answer          ${text} NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
