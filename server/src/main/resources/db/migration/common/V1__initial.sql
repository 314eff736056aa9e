-- Large text and byte columns take the database's own types from two placeholders that Flyway
-- fills in from the dialect: CLOB and BLOB on H2, TEXT and BYTEA on PostgreSQL.
-- Experiments: the spec is stored as JSON text; the columns beside it are what changes.
CREATE TABLE experiment (
    id              BIGINT PRIMARY KEY,
    name            VARCHAR(200) NOT NULL UNIQUE,
    state           VARCHAR(16) NOT NULL,
    spec            ${text} NOT NULL,
    seed            BIGINT NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    stop_reason     VARCHAR(4000),
    running_millis  BIGINT NOT NULL DEFAULT 0,
    running_since   TIMESTAMP WITH TIME ZONE,
    data_report     ${text}
);

-- Trials: one row each; params, metric values, repetitions, statistics and provenance as JSON text.
CREATE TABLE trial (
    id              BIGINT PRIMARY KEY,
    experiment_id   BIGINT NOT NULL REFERENCES experiment(id),
    number          INT NOT NULL,
    state           VARCHAR(16) NOT NULL,
    params          ${text} NOT NULL,
    metric_values   ${text},
    repetitions     ${text},
    statistics      ${text},
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at      TIMESTAMP WITH TIME ZONE,
    finished_at     TIMESTAMP WITH TIME ZONE,
    worker          VARCHAR(400),
    error           VARCHAR(4000),
    provenance      ${text},
    lease_id        VARCHAR(64),
    lease_expires   TIMESTAMP WITH TIME ZONE,
    attempts        INT NOT NULL DEFAULT 0,
    CONSTRAINT trial_number UNIQUE (experiment_id, number)
);

-- Intermediate reports, one row per trial and step.
CREATE TABLE report (
    trial_id        BIGINT NOT NULL REFERENCES trial(id),
    step            INT NOT NULL,
    metric_values   ${text} NOT NULL,
    reported_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (trial_id, step)
);

-- Trained models (network plus fitted preprocessing), one per trial at most.
CREATE TABLE model (
    trial_id        BIGINT PRIMARY KEY REFERENCES trial(id),
    content         ${bytes} NOT NULL,
    stored_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
