-- Trial artifacts, stored content-addressed: one artifact_content row per distinct SHA-256,
-- however many trials attach that content; artifact rows name it per trial.
CREATE TABLE artifact_content (
    sha256          VARCHAR(64) PRIMARY KEY,
    size            BIGINT NOT NULL,
    content         ${bytes} NOT NULL,
    stored_at       TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE artifact (
    trial_id        BIGINT NOT NULL REFERENCES trial(id),
    name            VARCHAR(200) NOT NULL,
    sha256          VARCHAR(64) NOT NULL REFERENCES artifact_content(sha256),
    size            BIGINT NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by      VARCHAR(200),
    PRIMARY KEY (trial_id, name)
);
CREATE INDEX artifact_sha256 ON artifact(sha256);
