package io.tunelab.worker.bench;

import io.tunelab.api.Trial;
import io.tunelab.api.TrialState;
import io.tunelab.client.TunelabClient;
import io.tunelab.worker.ResidentMemoryBound;
import io.tunelab.worker.train.ThroughputProbe;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Measures, in one run on this machine: the single-thread ND4J mmul ceiling (GFLOP/s), the
 * training throughput of one slot (samples/s) for a small, a medium and a large MLP on digits
 * and its ratio to the ceiling, the throughput of N slots training at once against one, and
 * (given a server and an experiment) the worker's overhead share of trial time. Run it with
 * {@code OMP_NUM_THREADS=1}, as the worker runs.
 */
@Command(name = "bench-training", mixinStandardHelpOptions = true,
        description = "Training throughput of worker slots against the single-thread mmul ceiling.")
public final class TrainingBenchmark implements Callable<Integer> {
    @Option(names = "--slots", description = "N for the 1-vs-N comparison (default: cores, ${DEFAULT-VALUE}).")
    int slots = Runtime.getRuntime().availableProcessors();

    @Option(names = "--seconds", description = "Seconds per throughput measurement (default: ${DEFAULT-VALUE}).")
    double seconds = 8;

    @Option(names = "--batch-size", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    int batchSize = 64;

    @Option(names = "--server", description = "A server whose finished experiment gives the overhead share.")
    String server;

    @Option(names = "--experiment", description = "The experiment (name or id) to read trial timings from.")
    String experiment;

    /** Minibatches each slot trains before the barrier, so no slot is still warming up when the window opens. */
    private static final int WARM_STEPS = 30;

    /** The three MLP sizes: hidden layers × units. */
    static final List<int[]> SIZES = List.of(new int[] {1, 64}, new int[] {2, 256}, new int[] {2, 1024});

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrainingBenchmark()).execute(args));
    }

    @Override
    public Integer call() {
        // Trains in the worker's memory set-up, its resident bound included (when the command line gives one).
        var bound = ResidentMemoryBound.fromProperty().map(ResidentMemoryBound::start);
        System.out.printf(Locale.ROOT, "OMP_NUM_THREADS=%s, %d cores, Java %s, resident bound %s, JavaCPP maxphysicalbytes %d%n",
                System.getenv("OMP_NUM_THREADS"), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                bound.map(b -> (b.bound() >> 20) + " MB").orElse("none"), Pointer.maxPhysicalBytes());
        double ceiling = mmulGflops(512, 2.0);
        System.out.printf(Locale.ROOT, "single-thread ND4J mmul ceiling (float 512x512x512): %.2f GFLOP/s%n%n", ceiling);

        System.out.printf(Locale.ROOT, "%-22s %12s %14s %12s %10s%n", "MLP (one slot)", "params", "samples/s", "GFLOP/s", "of ceiling");
        for (int[] size : SIZES) {
            var probe = ThroughputProbe.digits(size[0], size[1], batchSize, 1);
            double rate = probe.samplesPerSecond(seconds);
            double gflops = rate * probe.flopsPerSample() / 1e9;
            System.out.printf(Locale.ROOT, "%-22s %12d %14.0f %12.2f %9.1f%%%n", label(size), probe.parameters(), rate, gflops,
                    100 * gflops / ceiling);
        }

        int[] medium = SIZES.get(1);
        double one = parallelRate(medium, 1);
        double many = parallelRate(medium, slots);
        System.out.printf(Locale.ROOT, "%n%s, all slots training at once:%n", label(medium));
        System.out.printf(Locale.ROOT, "  1 slot : %10.0f samples/s%n", one);
        System.out.printf(Locale.ROOT, "  %d slots: %10.0f samples/s  (%.2fx of 1 slot; one common %.0f s window, slots started on a barrier)%n",
                slots, many, many / one, seconds);
        double perSlotCeiling = ceiling * 1e9 / ThroughputProbe.digits(medium[0], medium[1], batchSize, 1).flopsPerSample();
        System.out.printf(Locale.ROOT, "  ceiling: %d × the single-thread mmul rate = %10.0f samples/s (1 slot is %.0f%%, %d slots %.0f%% of it)%n",
                slots, slots * perSlotCeiling, 100 * one / perSlotCeiling, slots, 100 * many / (slots * perSlotCeiling));
        System.out.printf(Locale.ROOT, "peak resident memory of this process: %d MB (VmHWM)%n", peakRssMb());

        if (server != null && experiment != null) {
            overhead();
        }
        return 0;
    }

    private static String label(int[] size) {
        return "64-" + (size[1] + "-").repeat(size[0]) + "10";
    }

    /**
     * Aggregate samples/s of n slots, each its own thread and network: every slot builds and
     * warms its network, all start together on a barrier, and the samples of every slot are
     * counted in one common window that opens after they all run and closes for all at once,
     * so a slot that starts late or ends early cannot inflate the sum.
     */
    private double parallelRate(int[] size, int n) {
        var ready = new CyclicBarrier(n + 1);
        var counting = new AtomicBoolean();
        var done = new AtomicBoolean();
        var counted = new LongAdder();
        var slots = new ArrayList<Thread>();
        for (int i = 0; i < n; i++) {
            long seed = i + 1;
            slots.add(Thread.ofPlatform().name("slot-" + i).start(() -> {
                var probe = ThroughputProbe.digits(size[0], size[1], batchSize, seed);
                for (int warm = 0; warm < WARM_STEPS; warm++) {
                    probe.step();
                }
                await(ready);
                while (!done.get()) {
                    int samples = probe.step();
                    if (counting.get()) {
                        counted.add(samples);
                    }
                }
            }));
        }
        await(ready);
        sleep(0.5); // every slot is past its first steps
        counting.set(true);
        long start = System.nanoTime();
        sleep(seconds);
        counting.set(false);
        double window = (System.nanoTime() - start) / 1e9;
        done.set(true);
        slots.forEach(TrainingBenchmark::join);
        return counted.sum() / window;
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (InterruptedException | BrokenBarrierException e) {
            throw new IllegalStateException("the slots did not start together", e);
        }
    }

    private static void sleep(double seconds) {
        try {
            Thread.sleep((long) (seconds * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Peak resident memory of this process so far, in MB, from {@code VmHWM} in /proc/self/status; -1 when unknown. */
    public static long peakRssMb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** GFLOP/s of repeated n×n×n float matrix products on this thread. */
    static double mmulGflops(int n, double seconds) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        for (int i = 0; i < 3; i++) {
            a.mmuli(b, c);
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        int count = 0;
        while (System.nanoTime() < end) {
            a.mmuli(b, c);
            count++;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return 2.0 * n * n * n * count / elapsed / 1e9;
    }

    /**
     * The worker's overhead share over an experiment's finished trials, from their provenance:
     * time in a trial outside preprocessing, training and evaluation (data loading, reports,
     * model upload), and the lease requests. A lease request that waited for work (a slot
     * idle before the experiment existed, or at its parallel limit) is not overhead, so the
     * lease part is also given as the median request time per trial.
     */
    @SuppressWarnings("unchecked")
    private void overhead() {
        // A program's main: the token (read scope) comes from the environment, as for the CLI.
        try (var client = TunelabClient.connect(server, System.getenv("TUNELAB_TOKEN"))) {
            double trial = 0;
            double training = 0;
            var leases = new ArrayList<Double>();
            for (Trial t : client.trials(experiment)) {
                if (t.state() != TrialState.COMPLETE && t.state() != TrialState.PRUNED) {
                    continue;
                }
                var timing = (Map<String, Object>) t.provenance().get("timing");
                if (timing == null) {
                    continue;
                }
                trial += ((Number) timing.get("trial_s")).doubleValue();
                training += ((Number) timing.get("training_s")).doubleValue();
                leases.add(((Number) timing.getOrDefault("lease_s", 0.0)).doubleValue());
            }
            if (leases.isEmpty()) {
                System.out.printf(Locale.ROOT, "%nno finished trials with timing in %s%n", experiment);
                return;
            }
            leases.sort(null);
            double median = leases.get(leases.size() / 2);
            double leaseTotal = leases.stream().mapToDouble(Double::doubleValue).sum();
            double typicalLeases = median * leases.size();
            double inside = trial - training;
            System.out.printf(Locale.ROOT, "%nworker overhead over %d finished trials of %s (%.1f s of trials):%n",
                    leases.size(), experiment, trial);
            System.out.printf(Locale.ROOT, "  data + reports + upload: %7.2f s = %.2f%%%n", inside, 100 * inside / trial);
            System.out.printf(Locale.ROOT, "  + leases at the median %.3f s each: %.2f%%%n", median,
                    100 * (inside + typicalLeases) / (trial + typicalLeases));
            System.out.printf(Locale.ROOT, "  + every lease request, waits for work included (%.2f s): %.2f%%%n", leaseTotal,
                    100 * (inside + leaseTotal) / (trial + leaseTotal));
        }
    }
}
