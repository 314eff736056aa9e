package io.tunelab.api;

/**
 * Every error the API can answer with, and the HTTP status that carries it. The server
 * maps a code to its status through this table; the SDK maps a code back to its typed
 * exception.
 */
public enum ErrorCode {
    /** The body is not valid JSON or YAML, or not of the expected shape. */
    MALFORMED_BODY(400),
    /** A sweep spec that parses but does not make sense (bounds, conditions, options). */
    INVALID_SPEC(400),
    /** A reported or told value that is not acceptable (NaN, infinite, unknown metric). */
    INVALID_VALUE(400),
    /** A query parameter or path segment that is not acceptable. */
    INVALID_ARGUMENT(400),
    /** The request carries no token, or one that is unknown or revoked. */
    UNAUTHENTICATED(401),
    /** The token lacks the scope the route needs, or the request crosses sites (Origin, Host, CSRF header). */
    FORBIDDEN(403),
    /** No experiment, trial or model under that reference. */
    NOT_FOUND(404),
    /** The path is a route, but not for this method; the {@code Allow} header lists the methods it takes. */
    METHOD_NOT_ALLOWED(405),
    /** An experiment with that name exists already. */
    DUPLICATE_NAME(409),
    /** The experiment's trial or time budget is spent. */
    BUDGET_EXHAUSTED(409),
    /** The experiment already runs as many trials at once as its budget allows. */
    PARALLEL_LIMIT(409),
    /** The experiment is paused, stopped or completed, so it hands out no trials. */
    EXPERIMENT_NOT_RUNNING(409),
    /** The trial is finished already; finished trials never change. */
    TRIAL_FINISHED(409),
    /** The caller's lease on the trial expired and the trial was given to someone else. */
    LEASE_LOST(409),
    /** The request asks for a state change that the current state does not allow. */
    INVALID_STATE(409),
    /** A bounded resource is full: a trial's reports or an experiment's params; the message names the limit and its flag. */
    LIMIT_REACHED(409),
    /** The body is larger than the route accepts. */
    BODY_TOO_LARGE(413),
    /** The body's Content-Type is not one the route reads (application/json; a sweep spec also application/yaml). */
    UNSUPPORTED_MEDIA_TYPE(415),
    /** Something failed inside the server; the message says what, never with a stack trace. */
    INTERNAL(500),
    /** The server could not be reached or answered with something that is not Tunelab. */
    UNAVAILABLE(503);

    private final int status;

    ErrorCode(int status) {
        this.status = status;
    }

    /** The HTTP status that carries this code. */
    public int status() {
        return status;
    }
}
