package io.tunelab.api;

import java.util.Map;

/**
 * The one unchecked root of every Tunelab error: it carries an {@link ErrorCode}, a message
 * that says what was wrong and what would be right, and optional details. The server throws
 * it for bad input and maps the code to a status; the SDK rethrows the server's code as the
 * matching subclass, so callers can catch exactly what they expect.
 */
public sealed class TunelabException extends RuntimeException
        permits TunelabException.BadRequest, TunelabException.Denied, TunelabException.NotFound,
        TunelabException.Conflict, TunelabException.ServerFailure {

    private final ErrorCode code;
    private final Map<String, Object> details;

    TunelabException(ErrorCode code, String message, Map<String, Object> details, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.details = details == null ? Map.of() : Map.copyOf(details);
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    /** The exception for a code, of the subclass that code belongs to. */
    public static TunelabException of(ErrorCode code, String message) {
        return of(code, message, Map.of(), null);
    }

    public static TunelabException of(ErrorCode code, String message, Map<String, Object> details) {
        return of(code, message, details, null);
    }

    public static TunelabException of(ErrorCode code, String message, Map<String, Object> details, Throwable cause) {
        return switch (code) {
            case MALFORMED_BODY -> new MalformedBody(message, details, cause);
            case INVALID_SPEC -> new InvalidSpec(message, details, cause);
            case INVALID_VALUE -> new InvalidValue(message, details, cause);
            case INVALID_ARGUMENT -> new InvalidArgument(message, details, cause);
            case UNAUTHENTICATED -> new Unauthenticated(message, details, cause);
            case FORBIDDEN -> new Forbidden(message, details, cause);
            case NOT_FOUND -> new NotFound(message, details, cause);
            case METHOD_NOT_ALLOWED -> new MethodNotAllowed(message, details, cause);
            case DUPLICATE_NAME -> new DuplicateName(message, details, cause);
            case BUDGET_EXHAUSTED -> new BudgetExhausted(message, details, cause);
            case PARALLEL_LIMIT -> new ParallelLimit(message, details, cause);
            case EXPERIMENT_NOT_RUNNING -> new ExperimentNotRunning(message, details, cause);
            case TRIAL_FINISHED -> new TrialFinished(message, details, cause);
            case LEASE_LOST -> new LeaseLost(message, details, cause);
            case INVALID_STATE -> new InvalidState(message, details, cause);
            case LIMIT_REACHED -> new LimitReached(message, details, cause);
            case BODY_TOO_LARGE -> new BodyTooLarge(message, details, cause);
            case UNSUPPORTED_MEDIA_TYPE -> new UnsupportedMediaType(message, details, cause);
            case INTERNAL -> new Internal(message, details, cause);
            case UNAVAILABLE -> new Unavailable(message, details, cause);
        };
    }

    public static TunelabException of(ErrorBody body) {
        return of(body.code(), body.message(), body.details(), null);
    }

    /** Shorthand for the most common error: a spec that does not make sense. */
    public static TunelabException invalidSpec(String message) {
        return of(ErrorCode.INVALID_SPEC, message);
    }

    /** The request itself was wrong (4xx other than 401, 403, 404 and 409). */
    public static sealed class BadRequest extends TunelabException
            permits MalformedBody, InvalidSpec, InvalidValue, InvalidArgument, MethodNotAllowed, BodyTooLarge,
            UnsupportedMediaType {
        BadRequest(ErrorCode code, String message, Map<String, Object> details, Throwable cause) {
            super(code, message, details, cause);
        }
    }

    /** The caller may not do this: no valid token (401), or a missing scope or a cross-site request (403). */
    public static sealed class Denied extends TunelabException permits Unauthenticated, Forbidden {
        Denied(ErrorCode code, String message, Map<String, Object> details, Throwable cause) {
            super(code, message, details, cause);
        }
    }

    /** The request conflicts with the current state (409). */
    public static sealed class Conflict extends TunelabException
            permits DuplicateName, BudgetExhausted, ParallelLimit, ExperimentNotRunning, TrialFinished,
            LeaseLost, InvalidState, LimitReached {
        Conflict(ErrorCode code, String message, Map<String, Object> details, Throwable cause) {
            super(code, message, details, cause);
        }
    }

    /** The server failed or could not be reached (5xx). */
    public static sealed class ServerFailure extends TunelabException permits Internal, Unavailable {
        ServerFailure(ErrorCode code, String message, Map<String, Object> details, Throwable cause) {
            super(code, message, details, cause);
        }
    }

    public static final class MalformedBody extends BadRequest {
        MalformedBody(String m, Map<String, Object> d, Throwable c) { super(ErrorCode.MALFORMED_BODY, m, d, c); }
    }

    public static final class InvalidSpec extends BadRequest {
        InvalidSpec(String m, Map<String, Object> d, Throwable c) { super(ErrorCode.INVALID_SPEC, m, d, c); }
    }

    public static final class InvalidValue extends BadRequest {
        InvalidValue(String m, Map<String, Object> d, Throwable c) { super(ErrorCode.INVALID_VALUE, m, d, c); }
    }

    public static final class InvalidArgument extends BadRequest {
        InvalidArgument(String m, Map<String, Object> d, Throwable c) { super(ErrorCode.INVALID_ARGUMENT, m, d, c); }
    }

    public static final class MethodNotAllowed extends BadRequest {
        MethodNotAllowed(String m, Map<String, Object> d, Throwable c) { super(ErrorCode.METHOD_NOT_ALLOWED, m, d, c); }
    }

    public static final class BodyTooLarge extends BadRequest {
        BodyTooLarge(String m, Map<String, Object> d, Throwable c) { super(ErrorCode.BODY_TOO_LARGE, m, d, c); }
    }

    public static final class UnsupportedMediaType extends BadRequest {
        UnsupportedMediaType(String m, Map<String, Object> d, Throwable c) {
            super(ErrorCode.UNSUPPORTED_MEDIA_TYPE, m, d, c);
        }
    }

    public static final class Unauthenticated extends Denied {
        Unauthenticated(String m, Map<String, Object> d, Throwable c) { super(ErrorCode.UNAUTHENTICATED, m, d, c); }
    }

    public static final class Forbidden extends Denied {
        Forbidden(String m, Map<String, Object> d, Throwable c) { super(ErrorCode.FORBIDDEN, m, d, c); }
    }

    public static final class NotFound extends TunelabException {
        NotFound(String m, Map<String, Object> d, Throwable c) { super(ErrorCode.NOT_FOUND, m, d, c); }
    }

    public static final class DuplicateName extends Conflict {
        DuplicateName(String m, Map<String, Object> d, Throwable c) { super(ErrorCode.DUPLICATE_NAME, m, d, c); }
    }

    public static final class BudgetExhausted extends Conflict {
        BudgetExhausted(String m, Map<String, Object> d, Throwable c) { super(ErrorCode.BUDGET_EXHAUSTED, m, d, c); }
    }

    public static final class ParallelLimit extends Conflict {
        ParallelLimit(String m, Map<String, Object> d, Throwable c) { super(ErrorCode.PARALLEL_LIMIT, m, d, c); }
    }

    public static final class ExperimentNotRunning extends Conflict {
        ExperimentNotRunning(String m, Map<String, Object> d, Throwable c) {
            super(ErrorCode.EXPERIMENT_NOT_RUNNING, m, d, c);
        }
    }

    public static final class TrialFinished extends Conflict {
        TrialFinished(String m, Map<String, Object> d, Throwable c) { super(ErrorCode.TRIAL_FINISHED, m, d, c); }
    }

    public static final class LeaseLost extends Conflict {
        LeaseLost(String m, Map<String, Object> d, Throwable c) { super(ErrorCode.LEASE_LOST, m, d, c); }
    }

    public static final class InvalidState extends Conflict {
        InvalidState(String m, Map<String, Object> d, Throwable c) { super(ErrorCode.INVALID_STATE, m, d, c); }
    }

    public static final class LimitReached extends Conflict {
        LimitReached(String m, Map<String, Object> d, Throwable c) { super(ErrorCode.LIMIT_REACHED, m, d, c); }
    }

    public static final class Internal extends ServerFailure {
        Internal(String m, Map<String, Object> d, Throwable c) { super(ErrorCode.INTERNAL, m, d, c); }
    }

    public static final class Unavailable extends ServerFailure {
        Unavailable(String m, Map<String, Object> d, Throwable c) { super(ErrorCode.UNAVAILABLE, m, d, c); }
    }
}
