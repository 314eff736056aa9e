package io.tunelab.worker;

import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Keeps a worker's resident size near a bound by collecting garbage when it passes it. ND4J's
 * arrays live outside the heap, are not counted by JavaCPP's {@code maxbytes}, and are freed only
 * when the collector finds their Java objects unreachable: a worker that makes little Java
 * garbage can hold gigabytes of dead arrays between collections.
 *
 * <p>JavaCPP's own {@code maxphysicalbytes} does the same, but reads the process's resident size
 * (a system call of about 2.5 µs) on every native allocation it makes, and DL4J makes hundreds per
 * minibatch: 37% of a small network's native samples in a profile (README, "Time to first result and a lean
 * worker"). This reads it every {@link #INTERVAL} on a thread of its own instead, so a worker
 * allocating faster than its garbage is found can pass the bound by what it allocates in one
 * interval. While the process stays above its bound after a collection, it collects again when
 * it has grown by a {@link #GROWTH}th of the bound since, or after {@link #PAUSE}; then (the
 * trials' live data may need more) it warns, once until the process is below its bound again.
 *
 * <p>The bound is the system property {@value #PROPERTY}, a size as JavaCPP's options take it
 * ({@code 1400m}, {@code 2g}); the worker's command line sets it. Thread-safe.
 */
public final class ResidentMemoryBound {
    private static final Logger log = LoggerFactory.getLogger(ResidentMemoryBound.class);

    /** The system property that holds the bound. */
    public static final String PROPERTY = "tunelab.worker.max-resident";

    /** The least bound: below it a worker's JVM alone (about 100 MB with ND4J loaded) would collect every {@link #PAUSE}. */
    static final long SMALLEST = 256L << 20;

    /** How often the resident size is read. */
    static final Duration INTERVAL = Duration.ofMillis(50);

    /**
     * The least time between two collections while the process stays above its bound and grows
     * by less than a {@link #GROWTH}th of it: its dead arrays are being freed, or its live data
     * needs more.
     */
    static final Duration PAUSE = Duration.ofSeconds(2);

    /** Growth by more than the bound over this since the last collection collects again at once. */
    static final long GROWTH = 16;

    private final long bound;
    private final LongSupplier residentBytes;
    private final Runnable collect;
    private final LongSupplier nanos;
    private long lastCollection;
    private long residentAtCollection;
    private boolean collected;
    private boolean warned;

    ResidentMemoryBound(long bound, LongSupplier residentBytes, Runnable collect, LongSupplier nanos) {
        if (bound <= 0) {
            throw new IllegalArgumentException("the resident bound must be positive, got " + bound);
        }
        this.bound = bound;
        this.residentBytes = residentBytes;
        this.collect = collect;
        this.nanos = nanos;
    }

    /**
     * The bound given by {@value #PROPERTY}, not started, or nothing when the property is not set.
     *
     * @throws IllegalArgumentException when the property is not a positive size
     */
    public static Optional<ResidentMemoryBound> fromProperty() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        long bound;
        try {
            bound = Pointer.parseBytes(value.strip(), Pointer.totalPhysicalBytes());
        } catch (NumberFormatException e) {
            bound = -1;
        }
        if (bound <= 0) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + " is not a size: give bytes with a unit, as 1400m or 2g");
        }
        if (bound < SMALLEST) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + " is below 256m, less than a worker needs to train: "
                    + "give a size from 256m, as 1400m or 2g (a number without a unit is bytes)");
        }
        return Optional.of(new ResidentMemoryBound(bound, Pointer::physicalBytes, System::gc, System::nanoTime));
    }

    /** Reads the resident size every {@link #INTERVAL} from now on, on a daemon thread; answers this bound. */
    public ResidentMemoryBound start() {
        Thread.ofPlatform().daemon().name("resident-memory-bound").start(this::run);
        return this;
    }

    public long bound() {
        return bound;
    }

    private void run() {
        while (true) {
            try {
                Thread.sleep(INTERVAL);
            } catch (InterruptedException e) {
                return;
            }
            check();
        }
    }

    /**
     * One reading: collects when the process is above its bound, unless it collected within
     * {@link #PAUSE} and has not grown by a {@link #GROWTH}th of the bound since.
     */
    synchronized void check() {
        long resident = residentBytes.getAsLong();
        if (resident <= bound) {
            collected = false;
            warned = false;
            return;
        }
        long now = nanos.getAsLong();
        if (collected && now - lastCollection < PAUSE.toNanos() && resident - residentAtCollection <= bound / GROWTH) {
            return;
        }
        if (collected && !warned) {
            warned = true;
            log.warn("the worker's resident size, {} MB, stays above its bound of {} MB after a collection: its trials' live "
                    + "data needs more (fewer --slots, or a larger -D{})", resident >> 20, bound >> 20, PROPERTY);
        }
        collect.run();
        collected = true;
        lastCollection = now;
        residentAtCollection = resident;
    }
}
