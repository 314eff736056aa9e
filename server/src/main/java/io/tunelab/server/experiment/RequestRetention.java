package io.tunelab.server.experiment;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tunelab.server.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;

/**
 * Keeps the stored answers to request ids ({@link Requests}) for a bounded time, the way payment
 * APIs keep idempotency keys: {@link #prune} deletes the answers stored longer than the retention
 * ago ({@code tunelab server --request-retention-hours}), oldest first, in writes of at most
 * {@value #BATCH} rows each, so one pass never holds the storage's writer for long and the asks
 * and tells queued behind it are written between its batches. It deletes nothing but request
 * rows: the answer of a tell that finished its trial is kept in that trial's row, as long as the trial.
 * A retry after the window is no longer recognised: an ask makes a new trial, a tell whose answer
 * was a row of its own (a race's repetition, or stored before schema version 20) of a finished
 * trial is refused with {@code TRIAL_FINISHED}. The answers deleted are counted in the
 * meter {@code tunelab.requests.pruned}. Thread-safe; the server runs it once at start and then
 * every {@link #EVERY}.
 */
public final class RequestRetention {
    private static final Logger LOG = LoggerFactory.getLogger(RequestRetention.class);
    /** Rows one write deletes: a few hundred KB of answers, a write as short as a group commit of tells. */
    static final int BATCH = 500;
    /** How often the server prunes; answers outlive the retention by at most this much. */
    public static final Duration EVERY = Duration.ofMinutes(5);

    private final Storage storage;
    private final InstantSource clock;
    private final Duration retention;
    private final int batch;
    private final Counter pruned;

    /** Prunes answers stored longer than {@code retention} ago by {@code clock}, counted in {@code meters}. */
    public RequestRetention(Storage storage, InstantSource clock, Duration retention, MeterRegistry meters) {
        this(storage, clock, retention, BATCH, meters);
    }

    RequestRetention(Storage storage, InstantSource clock, Duration retention, int batch) {
        this(storage, clock, retention, batch, new SimpleMeterRegistry());
    }

    private RequestRetention(Storage storage, InstantSource clock, Duration retention, int batch, MeterRegistry meters) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("the request retention must be positive, got " + retention);
        }
        this.storage = storage;
        this.clock = clock;
        this.retention = retention;
        this.batch = batch;
        this.pruned = Counter.builder("tunelab.requests.pruned")
                .description("stored answers to request ids deleted once older than the request retention").register(meters);
    }

    /** Deletes every answer stored before now less the retention, a batch per write; answers how many it deleted. */
    public long prune() {
        var before = clock.instant().minus(retention);
        long deleted = 0;
        int[] last = new int[1];
        do {
            storage.write(c -> last[0] = c.deleteAnswers(before, batch));
            deleted += last[0];
            pruned.increment(last[0]);
        } while (last[0] == batch);
        return deleted;
    }

    /** {@link #prune}, logging a failure (the database away, the server closing) instead of throwing: the next pass tries again. */
    public void pruneQuietly() {
        try {
            long deleted = prune();
            if (deleted > 0) {
                LOG.debug("deleted {} stored answers to request ids older than {}", deleted, retention);
            }
        } catch (RuntimeException e) {
            LOG.warn("deleting the stored answers older than {} failed (the next pass tries again): {}", retention, e.getMessage());
        }
    }
}
