-- Browser sessions and one-time login codes, stored so that a restart does not log browsers out and
-- every coordinator sharing the database knows them. Only the SHA-256 (hex) of a session's id (its
-- cookie) or of a code is stored; the anti-CSRF value is no secret on its own (the page reads it).
CREATE TABLE browser_session (
    id_hash         VARCHAR(64) PRIMARY KEY,
    token_name      VARCHAR(200) NOT NULL,
    csrf            VARCHAR(64) NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX browser_session_token ON browser_session (token_name, created_at);

CREATE TABLE login_code (
    code_hash       VARCHAR(64) PRIMARY KEY,
    token_name      VARCHAR(200) NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
