package io.tunelab.server.strategy;

import io.tunelab.api.Trial;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * An experiment's trials in number order, changed in place, whose {@link #snapshot()} costs a
 * copy of one reference per {@value #CHUNK} trials instead of one per trial. The trials live in
 * chunks of {@value #CHUNK}; a snapshot shares them, and the first change to a shared chunk
 * after it copies that chunk alone (copy-on-write), so a snapshot never changes and each step of
 * an experiment copies a constant amount, however many trials it has. Not thread-safe: the
 * experiment changes it and takes snapshots under its monitor; the snapshots themselves are
 * immutable and may be read from any thread.
 */
public final class TrialHistory {
    static final int CHUNK = 256;
    private static final int SHIFT = 8;
    private static final int MASK = CHUNK - 1;

    private Trial[][] chunks = new Trial[4][];
    /** Whether a chunk may be seen by a snapshot (then it is copied before it changes). */
    private boolean[] shared = new boolean[4];
    private int size;

    public int size() {
        return size;
    }

    public Trial get(int index) {
        return chunks[index >>> SHIFT][index & MASK];
    }

    /** Replaces the trial at {@code index}. */
    public void set(int index, Trial trial) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of " + size + " trials");
        }
        put(index, trial);
    }

    /** Inserts a trial at {@code index}, moving those after it up by one (cheap near the end, where inserts happen). */
    public void add(int index, Trial trial) {
        if (index < 0 || index > size) {
            throw new IndexOutOfBoundsException("index " + index + " of " + size + " trials");
        }
        int chunk = size >>> SHIFT;
        if (chunk == chunks.length) {
            chunks = Arrays.copyOf(chunks, chunks.length * 2);
            shared = Arrays.copyOf(shared, shared.length * 2);
        }
        if (chunks[chunk] == null) {
            chunks[chunk] = new Trial[CHUNK];
        }
        size++;
        for (int k = size - 1; k > index; k--) {
            put(k, get(k - 1));
        }
        put(index, trial);
    }

    /** The trials as they are now, in a list that never changes. */
    public Snapshot snapshot() {
        int used = (size + MASK) >>> SHIFT;
        Arrays.fill(shared, 0, used, true);
        return new Snapshot(Arrays.copyOf(chunks, used), size);
    }

    private void put(int index, Trial trial) {
        int chunk = index >>> SHIFT;
        if (shared[chunk]) {
            chunks[chunk] = chunks[chunk].clone();
            shared[chunk] = false;
        }
        chunks[chunk][index & MASK] = trial;
    }

    /**
     * A snapshot: an immutable list over shared chunks. {@link #with} answers another snapshot with
     * one trial replaced, at the cost of one chunk.
     */
    public static final class Snapshot extends AbstractList<Trial> implements RandomAccess {
        private final Trial[][] chunks;
        private final int size;

        private Snapshot(Trial[][] chunks, int size) {
            this.chunks = chunks;
            this.size = size;
        }

        @Override
        public Trial get(int index) {
            if (index < 0 || index >= size) {
                throw new IndexOutOfBoundsException("index " + index + " of " + size + " trials");
            }
            return chunks[index >>> SHIFT][index & MASK];
        }

        @Override
        public int size() {
            return size;
        }

        /** This snapshot with {@code more} after its trials, at the cost of the chunks they go into. */
        public Snapshot plus(List<Trial> more) {
            int total = size + more.size();
            Trial[][] copy = Arrays.copyOf(chunks, (total + MASK) >>> SHIFT);
            for (int c = size >>> SHIFT; c < copy.length; c++) {
                copy[c] = copy[c] == null ? new Trial[CHUNK] : copy[c].clone();
            }
            for (int i = 0; i < more.size(); i++) {
                copy[(size + i) >>> SHIFT][(size + i) & MASK] = more.get(i);
            }
            return new Snapshot(copy, total);
        }

        /** This snapshot with the trial whose id is {@code trial}'s replaced by it (searched from the end); itself when none has that id. */
        public Snapshot with(Trial trial) {
            for (int i = size - 1; i >= 0; i--) {
                if (get(i).id() == trial.id()) {
                    Trial[][] copy = chunks.clone();
                    copy[i >>> SHIFT] = chunks[i >>> SHIFT].clone();
                    copy[i >>> SHIFT][i & MASK] = trial;
                    return new Snapshot(copy, size);
                }
            }
            return this;
        }
    }
}
