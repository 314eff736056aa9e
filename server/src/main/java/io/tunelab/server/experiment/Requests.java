package io.tunelab.server.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tunelab.api.ErrorCode;
import io.tunelab.api.Json;
import io.tunelab.api.RequestId;
import io.tunelab.api.Trial;
import io.tunelab.api.TrialProposal;
import io.tunelab.api.TunelabException;
import io.tunelab.server.storage.Storage;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Request ids of asks and tells: a caller that retries a request (its connection dropped, or it
 * tried the next server) sends the same id, and gets the answer the first one got, stored in the
 * same commit as its change, so a retried request is never applied twice. The answer is stored
 * with the token that asked and a digest of the body ({@link RequestKey}): the same id from
 * another token, or with another body, is refused, not answered. A tell that finishes its trial
 * keeps its answer in that trial's row ({@link Storage#toldAnswer}), which the tell writes anyway
 * and a retry names; other answers (asks, leases, a race's repetitions, tells stored before
 * schema version 20) are rows of their own, kept for the request retention. Thread-safe.
 */
final class Requests {
    private static final int MAX_LENGTH = RequestId.MAX_LENGTH;
    private static final String ORDERED_NEXT = "~n:";
    private static final int ORDERED_MAX = MAX_LENGTH - 3;

    private final Storage storage;

    Requests(Storage storage) {
        this.storage = storage;
    }

    /** Refuses an id that is blank, too long or holds other characters than letters, digits and {@code . _ : -}. */
    static void check(RequestKey key) {
        check(key == null ? null : key.id());
    }

    /** {@link #check(RequestKey)} of the id alone. */
    static String check(String requestId) {
        if (requestId != null && !valid(requestId)) {
            String shown = requestId.length() > MAX_LENGTH ? requestId.substring(0, MAX_LENGTH) + "…" : requestId;
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "request id \"" + LogText.of(shown) + "\" ("
                    + requestId.length() + " characters) is not valid; give 1 to " + MAX_LENGTH
                    + " letters, digits or . _ : - (a UUID, say)", Map.of("requestId", "invalid"));
        }
        return requestId;
    }

    /**
     * Whether {@code id} is 1 to {@value #MAX_LENGTH} of {@code A-Z a-z 0-9 . _ : -}: a loop over its
     * characters, since every ask and tell checks its id (the regular expression's match was 0.4%
     * of the server's CPU samples under load).
     */
    private static boolean valid(String id) {
        if (id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':'
                    || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * The id under which the trial a tell with {@code "next": true} handed out is stored, derived
     * from the tell's own id (null for none), so a retried tell answers that same trial. It starts
     * with {@code ~}, which no caller's id holds. A tell id of up to {@value #ORDERED_MAX} characters
     * (the SDK's UUIDs) is kept as it is behind {@code ~n:}, so these ids follow the tells' own
     * order: the SDK's ids are time-ordered, and answers stored in that order land side by side in
     * the table's index, where a random id costs each group commit pages of its own. A longer id
     * is hashed ({@link #hashedNextOf}) to fit the stored ids' length.
     */
    static RequestKey nextOf(RequestKey tell) {
        return tell == null ? null : tell.withId(nextOf(tell.id()));
    }

    /** {@link #nextOf(RequestKey)} of the id alone. */
    static String nextOf(String tellRequestId) {
        if (tellRequestId == null) {
            return null;
        }
        return tellRequestId.length() <= ORDERED_MAX ? ORDERED_NEXT + tellRequestId : hashedNextOf(tellRequestId);
    }

    /**
     * The hashed form of {@link #nextOf}: {@code ~next:} and the tell id's SHA-256, the only form
     * before the ordered one, so a tell retried across that upgrade still finds its trial.
     */
    static RequestKey hashedNextOf(RequestKey tell) {
        return tell == null ? null : tell.withId(hashedNextOf(tell.id()));
    }

    /** {@link #hashedNextOf(RequestKey)} of the id alone. */
    static String hashedNextOf(String tellRequestId) {
        return hashed("~next:", tellRequestId);
    }

    /** {@code prefix} and the SHA-256 of {@code text} in base64url: 43 characters after the prefix, whatever the text's length. */
    private static String hashed(String prefix, String text) {
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(Sha256.of(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The id under which the {@code index}th trial of a batch ask under {@code batch} is stored:
     * {@code ~b:} and the SHA-256 of the batch's id and the index, so it fits the stored ids'
     * length whatever the batch's id, and no caller's id (which never holds {@code ~}) is one.
     */
    static RequestKey batchOf(RequestKey batch, int index) {
        return batch == null ? null : batch.withId(hashed("~b:", batch.id() + "#" + index));
    }

    /**
     * The answer stored for {@code key} when it answered a request of this {@code kind}; an id
     * that answered another kind of request, another token, or a request with another body is
     * refused ({@link #sameRequest}).
     */
    <T> Optional<T> answered(RequestKey key, String kind, Class<T> type) {
        if (key == null) {
            return Optional.empty();
        }
        return answered(key, kind, type, storage.answer(key.id()));
    }

    /**
     * What the tell of {@code trialId} under {@code key} answered: kept in the trial's row, or (a
     * race's repetition, or a tell stored before its row kept it) stored under the id; refused as
     * {@link #answered(RequestKey, String, Class)} refuses.
     */
    Optional<Trial> told(RequestKey key, long trialId) {
        if (key == null) {
            return Optional.empty();
        }
        return answered(key, TellWithNext.tellKind(trialId), Trial.class, storedTell(key, trialId));
    }

    /** The stored form of the tell of {@code trialId} under {@code key}: from the trial's row, else under the id. */
    private Optional<String> storedTell(RequestKey key, long trialId) {
        return storage.toldAnswer(trialId, key.id()).or(() -> storage.answer(key.id()));
    }

    private <T> Optional<T> answered(RequestKey key, String kind, Class<T> type, Optional<String> found) {
        return found.flatMap(json -> {
            var stored = Json.read(json, StoredAnswer.class);
            sameCaller(key, stored); // before anything of the answer shows in a refusal
            if (!stored.kind().equals(kind)) {
                throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "request id \"" + key.shown() + "\" was used for "
                        + stored.kind() + " already; give each request its own id, and the same id only to its retries",
                        Map.of("requestId", key.shown()));
            }
            sameBody(key, stored);
            if (stored.trial() != null) {
                // A finished trial's row is what its tell answered; gone with a deleted experiment, it answers nothing.
                return storage.index().trial(stored.trial()).map(t -> type.isInstance(t) ? type.cast(t) : Json.mapper().convertValue(t, type));
            }
            return Optional.ofNullable(Json.mapper().convertValue(stored.answer(), type));
        });
    }

    /**
     * What the tell of {@code trialId} under {@code key} answered before, for a tell that
     * failed with {@code failure}; without a stored answer, {@link #unanswered} of that failure.
     */
    Trial toldBefore(RequestKey key, long trialId, Throwable failure) {
        return told(key, trialId)
                .orElseThrow(() -> unanswered(RepliesOnCommit.rethrown(failure), key));
    }

    /** Refuses {@code key} when {@code stored} was stored for another token, as {@link #sameRequest} does. */
    private static void sameCaller(RequestKey key, StoredAnswer stored) {
        if (stored.by() != null && key.caller() != null && !stored.by().equals(key.caller())) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "request id \"" + key.shown() + "\" was used by another token "
                    + "already; give each request its own id (a new UUID, say), and the same id only to its retries",
                    Map.of("requestId", key.shown()));
        }
    }

    /**
     * Refuses {@code key} when {@code stored} was stored for another token or another body: the
     * answer was another caller's (an ask's holds its lease), or the request is not the one it
     * answered (a tell with other values would be told nothing and answered as if it had been).
     * What was not stored (an answer stored before they were kept) or is not known (an in-process
     * caller) is not compared.
     */
    private static void sameRequest(RequestKey key, StoredAnswer stored) {
        sameCaller(key, stored);
        sameBody(key, stored);
    }

    /** Refuses {@code key} when {@code stored} was stored for another body, as {@link #sameRequest} does. */
    private static void sameBody(RequestKey key, StoredAnswer stored) {
        if (stored.body() != null && key.body() != null && !stored.body().equals(key.body())) {
            throw TunelabException.of(ErrorCode.INVALID_ARGUMENT, "request id \"" + key.shown() + "\" was used for " + stored.kind()
                    + " with another body already; a retry sends the body of its first attempt unchanged, and a new "
                    + "request gets its own id", Map.of("requestId", key.shown()));
        }
    }

    /**
     * What a tell under {@code key} that found no answer stored throws instead of {@code failure}:
     * the refusal of a finished trial says that the id answers nothing, so the tell is not taken as
     * a retry (another request, or none, finished the trial; or its first attempt's answer was one
     * kept apart from the trial's row and pruned after the request retention); the trial's state
     * stays in the message and details.
     */
    static RuntimeException unanswered(RuntimeException failure, RequestKey key) {
        String requestId = key == null ? null : key.shown();
        if (requestId == null || !(failure instanceof TunelabException refused) || refused.code() != ErrorCode.TRIAL_FINISHED) {
            return failure;
        }
        return TunelabException.of(ErrorCode.TRIAL_FINISHED, refused.getMessage() + "; request id \"" + requestId
                + "\" has no stored answer (a finished trial's row keeps the answer of the tell that finished it, under that "
                + "tell's request id; other answers are kept for the server's --request-retention-hours), so this tell is "
                + "not taken as a retry of the one that finished it", refused.details(), refused);
    }

    /**
     * What a journal entry writes to remember the answer to {@code key}, given {@code at}
     * (the coordinator's clock: the answer is kept for the request retention from then on);
     * nothing without an id.
     */
    static void remember(Journal.Entry entry, RequestKey key, String kind, Object answer, Instant at) {
        store(entry, key, new StoredAnswer(kind, answer), at);
    }

    /**
     * What a tell under {@code key} answered, {@code told}, and the trial it handed out with
     * it ({@code next}, null for none): a finished trial is stored as its id alone, since its row is
     * that answer and no longer changes (a model, a suggested param, a lease are taken only while a
     * trial is open), and kept in that row ({@link Journal.Entry#toldUnder}), which {@code entry}
     * writes: a row of the request table was, on the embedded database, three B-trees more to write
     * per tell. A trial still open (a race's next repetition, told again later, which would replace
     * the answer in its row) is stored whole under the id. Writing the whole trial again beside its
     * row was about a tenth of the server's CPU per tell; the next trial's proposal rides in the
     * same stored answer, where it once had a stored answer of its own (one row fewer a trial for
     * the SDK's loop, whose ids {@link #nextOf} still names for a next trial asked for after its tell).
     */
    static void rememberTold(Journal.Entry entry, RequestKey key, Trial told, TrialProposal next, Instant at) {
        String kind = TellWithNext.tellKind(told.id());
        if (key != null && told.state().isFinished()) {
            entry.toldUnder(told.id(), key.id(), Json.write(new StoredAnswer(kind, null, told.id(), next).givenTo(key)));
            return;
        }
        store(entry, key, new StoredAnswer(kind, told, null, next), at);
    }

    /**
     * The next trial that the tell of {@code trialId} under {@code key} handed out with it, as
     * stored beside its answer; empty when it stored none (the next trial was asked for after the
     * tell, or the tell was made before the two were stored together).
     */
    Optional<TrialProposal> nextToldBefore(RequestKey key, long trialId) {
        if (key == null) {
            return Optional.empty();
        }
        String kind = TellWithNext.tellKind(trialId);
        return storedTell(key, trialId).map(json -> Json.read(json, StoredAnswer.class))
                .filter(stored -> stored.kind().equals(kind) && stored.next() != null)
                .map(stored -> {
                    sameRequest(key, stored);
                    return Json.mapper().convertValue(stored.next(), TrialProposal.class);
                });
    }

    private static void store(Journal.Entry entry, RequestKey key, StoredAnswer answer, Instant at) {
        if (key != null) {
            String json = Json.write(answer.givenTo(key));
            String kind = answer.kind().length() > 16 ? answer.kind().substring(0, 16) : answer.kind();
            entry.write(c -> c.putAnswer(key.id(), kind, json, at));
        }
    }

    /**
     * The stored form: the kind of request (ask of an experiment, tell of a trial) and its answer,
     * or instead of the answer the id of the finished trial whose row is the answer; for a tell that
     * handed out the next trial, that trial's proposal; the token that asked ({@code by}) and the
     * digest of its body ({@code body}), each absent for an in-process caller and in answers stored
     * before they were kept.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StoredAnswer(String kind, Object answer, Long trial, Object next, String by, String body) {
        StoredAnswer(String kind, Object answer) {
            this(kind, answer, null, null, null, null);
        }

        StoredAnswer(String kind, Object answer, Long trial, Object next) {
            this(kind, answer, trial, next, null, null);
        }

        /** This answer as given to {@code key}'s token and body. */
        StoredAnswer givenTo(RequestKey key) {
            return new StoredAnswer(kind, answer, trial, next, key.caller(), key.body());
        }
    }
}
