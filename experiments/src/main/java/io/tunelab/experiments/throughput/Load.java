package io.tunelab.experiments.throughput;

import io.tunelab.api.TellReply;
import io.tunelab.api.TrialProposal;
import io.tunelab.client.ExperimentHandle;
import io.tunelab.client.TunelabClient;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load one phase puts on the server: {@code clients} platform threads sharing one SDK client,
 * started together on a barrier, until {@code count} trials (or requests) are done. Each records
 * the latency and the finishing time of every trial it finishes; the phase reports the CPU both
 * processes used meanwhile, and the rate, p50 and p99 of any run of consecutive trials in it
 * ({@link Phase#window}), measured while the load went on around them.
 */
final class Load {
    /**
     * What a phase measured: CPU µs per unit over the whole phase in the server and in this
     * process, and how much of this process's was its JIT compiler threads' (of the server's, its
     * JIT compiler threads' and its storage writer thread's); and every unit's latency and
     * finishing time, from which {@link #window} takes the figures of consecutive units.
     */
    record Phase(int count, long start, Latencies latencies, double serverCpuMicros, double clientCpuMicros, double clientJitMicros,
                 double serverJitMicros, double serverWriterMicros, Cores cores) {
        /** The whole phase as one window. */
        Window all() {
            return window(0, count);
        }

        /**
         * The units that finished {@code from}-th (0-based) to before {@code to}-th, in the order
         * they finished: their rate over the time from the unit before them (the phase's start for
         * the first) to the last of them, their latencies' p50 and p99 in ms, and the ms each
         * successive 100 of them took. Units before and after them were under way meanwhile, so a
         * window in the middle of a phase has no ramp-up and no drain of its own.
         */
        Window window(int from, int to) {
            long[][] done = latencies.inOrderFinished();
            long[] finished = done[0];
            long[] values = Arrays.copyOfRange(done[1], from, to);
            long begin = from == 0 ? start : finished[from - 1];
            Arrays.sort(values);
            var hundreds = new ArrayList<Double>();
            long previous = begin;
            for (int k = from + 99; k < to; k += 100) {
                hundreds.add((finished[k] - previous) / 1e6);
                previous = finished[k];
            }
            return new Window(to - from, (to - from) / ((finished[to - 1] - begin) / 1e9), percentile(values, 0.50),
                    percentile(values, 0.99), hundreds);
        }
    }

    /**
     * Consecutive units of a phase: per second, latency in ms, and {@code timeline}, the wall time
     * in ms each successive 100 of them took to finish (from the unit before them, then from the
     * previous hundredth).
     */
    record Window(int count, double rate, double p50, double p99, List<Double> timeline) {
        Window {
            timeline = List.copyOf(timeline);
        }
    }

    /**
     * The whole machine's processors over a phase, as shares of their time: busy (anything on the
     * machine, this run or not), idle (nothing to run, or waiting for I/O) and stolen by the
     * hypervisor; NaN where /proc cannot tell.
     */
    record Cores(double busy, double idle, double steal) {
        static Cores between(long[] before, long[] after) {
            if (before == null || after == null) {
                return new Cores(Double.NaN, Double.NaN, Double.NaN);
            }
            double total = (after[0] - before[0]) + (after[1] - before[1]) + (after[2] - before[2]);
            return new Cores((after[0] - before[0]) / total, (after[1] - before[1]) / total, (after[2] - before[2]) / total);
        }
    }

    /** How one client thread finishes units of work until the shared count runs out; returns the latencies it saw. */
    interface Driver {
        void run(AtomicInteger remaining, Latencies latencies) throws Exception;
    }

    /** Latencies in nanoseconds, and when each unit finished ({@link System#nanoTime()}), shared by the phase's threads. */
    static final class Latencies {
        private final long[] values;
        private final long[] finished;
        private final AtomicInteger next = new AtomicInteger();

        Latencies(int capacity) {
            values = new long[capacity];
            finished = new long[capacity];
        }

        void add(long nanos) {
            add(nanos, System.nanoTime());
        }

        /** Records a unit of {@code nanos} that finished at {@code finishedAt} ({@link System#nanoTime()}'s scale). */
        void add(long nanos, long finishedAt) {
            int i = next.getAndIncrement();
            if (i < values.length) {
                values[i] = nanos;
                finished[i] = finishedAt;
            }
        }

        /** The finishing times and the latencies of the units, both in the order the units finished. */
        long[][] inOrderFinished() {
            int n = Math.min(next.get(), finished.length);
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, java.util.Comparator.comparingLong(i -> finished[i]));
            long[][] done = new long[2][n];
            for (int i = 0; i < n; i++) {
                done[0][i] = finished[order[i]];
                done[1][i] = values[order[i]];
            }
            return done;
        }
    }

    private Load() {
    }

    static Phase run(int clients, int count, long serverPid, Driver driver) throws Exception {
        var remaining = new AtomicInteger(count);
        var latencies = new Latencies(count);
        var barrier = new CyclicBarrier(clients + 1);
        var failures = new ArrayList<Throwable>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    barrier.await();
                    driver.run(remaining, latencies);
                } catch (Throwable t) {
                    synchronized (failures) {
                        failures.add(t);
                    }
                }
            }));
        }
        // The CPU clocks are read while every client waits on the barrier, and the wall clock starts
        // as the barrier opens: reading /proc for every thread of both processes took up to a large
        // part of a phase on a loaded machine, and the phase's clients worked meanwhile.
        long server0 = CpuClock.nanos(serverPid);
        long client0 = CpuClock.self();
        long jit0 = CpuClock.selfJit();
        long serverJit0 = CpuClock.jit(serverPid);
        long writer0 = CpuClock.writer(serverPid);
        long[] machine0 = CpuClock.machine();
        barrier.await();
        long start = System.nanoTime();
        for (Thread t : threads) {
            t.join();
        }
        Cores cores = Cores.between(machine0, CpuClock.machine());
        double serverCpu = (CpuClock.nanos(serverPid) - server0) / 1e3 / count;
        double clientCpu = (CpuClock.self() - client0) / 1e3 / count;
        double clientJit = (CpuClock.selfJit() - jit0) / 1e3 / count;
        double serverJit = (CpuClock.jit(serverPid) - serverJit0) / 1e3 / count;
        double writer = (CpuClock.writer(serverPid) - writer0) / 1e3 / count;
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a client failed: " + failures.getFirst(), failures.getFirst());
        }
        return new Phase(count, start, latencies, serverCpu, clientCpu, clientJit, serverJit, writer, cores);
    }

    /** The classic loop: ask, evaluate, tell — two requests per trial. */
    static Driver classic(ExperimentHandle exp) {
        return (remaining, latencies) -> {
            while (remaining.getAndDecrement() > 0) {
                long t0 = System.nanoTime();
                TrialProposal t = exp.ask();
                exp.tell(t.id(), objective(t));
                latencies.add(System.nanoTime() - t0);
            }
        };
    }

    /**
     * The one-round-trip loop: one ask to start, then each tell brings the next trial; the last
     * trial of the phase is told without asking for another, so the phase makes exactly its count.
     */
    static Driver tellWithNext(ExperimentHandle exp) {
        return (remaining, latencies) -> {
            TrialProposal t = null;
            long t0 = System.nanoTime();
            while (true) {
                if (t == null) {
                    if (remaining.getAndDecrement() <= 0) {
                        return;
                    }
                    t0 = System.nanoTime();
                    t = exp.ask();
                }
                boolean more = remaining.getAndDecrement() > 0;
                TrialProposal next = null;
                if (more) {
                    TellReply reply = exp.tellThenAsk(t.id(), objective(t));
                    next = reply.next();
                    if (next == null) {
                        remaining.incrementAndGet();
                    }
                } else {
                    exp.tell(t.id(), objective(t));
                }
                long now = System.nanoTime();
                latencies.add(now - t0);
                t0 = now;
                t = next;
                if (!more) {
                    return;
                }
            }
        };
    }

    /** The HTTP floor: the same clients on the cheapest authenticated request, which does nothing. */
    static Driver floor(TunelabClient client) {
        return (remaining, latencies) -> {
            while (remaining.getAndDecrement() > 0) {
                long t0 = System.nanoTime();
                client.session();
                latencies.add(System.nanoTime() - t0);
            }
        };
    }

    private static double objective(TrialProposal t) {
        return Math.abs(Math.log10(((Number) t.params().get("lr")).doubleValue()) + 3);
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
