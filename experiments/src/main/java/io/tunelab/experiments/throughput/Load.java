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
 * the latency of every trial it finishes; the phase reports the rate, p50 and p99 and the CPU
 * both processes used meanwhile.
 */
final class Load {
    /**
     * What a phase measured: per second, latency in ms, CPU µs per unit in the server and in this
     * process, and how much of this process's was its JIT compiler threads' (of the server's, its JIT
     * compiler threads' and its storage writer thread's); {@code timeline} is the
     * wall time in ms each successive 100 units took to finish (from the start, then from the
     * previous hundredth).
     */
    record Phase(int count, double rate, double p50, double p99, double serverCpuMicros, double clientCpuMicros, double clientJitMicros,
                 double serverJitMicros, double serverWriterMicros, List<Double> timeline) {
        Phase {
            timeline = List.copyOf(timeline);
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
            int i = next.getAndIncrement();
            if (i < values.length) {
                values[i] = nanos;
                finished[i] = System.nanoTime();
            }
        }

        /** The ms each successive 100 units took to finish, the first hundred counted from {@code start}. */
        List<Double> timeline(long start) {
            long[] f = Arrays.copyOf(finished, Math.min(next.get(), finished.length));
            Arrays.sort(f);
            var hundreds = new ArrayList<Double>();
            long previous = start;
            for (int k = 99; k < f.length; k += 100) {
                hundreds.add((f[k] - previous) / 1e6);
                previous = f[k];
            }
            return hundreds;
        }

        long[] sorted() {
            long[] s = Arrays.copyOf(values, Math.min(next.get(), values.length));
            Arrays.sort(s);
            return s;
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
        barrier.await();
        long start = System.nanoTime();
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double serverCpu = (CpuClock.nanos(serverPid) - server0) / 1e3 / count;
        double clientCpu = (CpuClock.self() - client0) / 1e3 / count;
        double clientJit = (CpuClock.selfJit() - jit0) / 1e3 / count;
        double serverJit = (CpuClock.jit(serverPid) - serverJit0) / 1e3 / count;
        double writer = (CpuClock.writer(serverPid) - writer0) / 1e3 / count;
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a client failed: " + failures.getFirst(), failures.getFirst());
        }
        long[] sorted = latencies.sorted();
        return new Phase(count, count / seconds, percentile(sorted, 0.50), percentile(sorted, 0.99), serverCpu, clientCpu, clientJit, serverJit,
                writer, latencies.timeline(start));
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
