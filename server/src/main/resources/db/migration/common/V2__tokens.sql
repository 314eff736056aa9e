-- Bearer tokens: only the SHA-256 of the secret is stored; a revoked token keeps its row (and its name).
CREATE TABLE token (
    name            VARCHAR(200) NOT NULL UNIQUE,
    scopes          VARCHAR(200) NOT NULL,
    hash            VARCHAR(64) NOT NULL UNIQUE,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at      TIMESTAMP WITH TIME ZONE
);

-- Which token made each write: the experiment's creator, the trial's teller.
ALTER TABLE experiment ADD COLUMN created_by VARCHAR(200);
ALTER TABLE trial ADD COLUMN told_by VARCHAR(200);
